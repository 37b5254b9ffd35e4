"""Lead dedup: the same person arriving through several sources ("multiple inquiries").

:func:`dedup_leads` counts each inquiry once and keeps every source that touched it.

The rule, step by step:

1. **People.** Two lead records are the same person when they share an email hash
   or a phone hash (``match_on``), or when the CRM merged one into the other
   (HubSpot's ``merged_ids``). The relation is transitive: A shares an email with B,
   B a phone with C — A, B and C are one person. Hashes come from
   :mod:`partnerkit.privacy` (``sha256(salt + normalised value)``), so the spelling of
   an email (case, spaces) never splits a person; phone formats are normalised there
   too (see its notes on national and international forms).
2. **Inquiries.** A person's first lead opens an inquiry; every lead of theirs
   within ``window`` (default 30 days) *of that first lead* belongs to it. The first
   lead after the window opens a new inquiry (a returning customer asks again), and
   the window restarts from it.
3. **Sources.** Each lead belongs to its source-map entry
   (:mod:`partnerkit.analysis.attribution`); an inquiry keeps the
   distinct sources of its leads in the order they first touched it.

Per source the report says how many leads it would claim on its own (its lead
records), how many inquiries it touched, how many only it touched, how many it
shared with another source, and how many it touched first.

Columnar: people are connected components found by min-label propagation in
DuckDB, run only on the records that share a key with another record: a few
set-based passes, each of hash aggregates (the smallest label of every key) joined
back to the records, until no label changes. Hash aggregates, joins, sorts and
tables spill to disk beyond the dataset's memory budget (a window over a whole
table could not), so finding people needs no more memory at 5M records than at 1M.
Inquiries are cut by passes that each take every person's next unassigned lead as an
anchor. No Python loop touches a record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from partnerkit.analysis._data import Dataset, Result, grows_memory
from partnerkit.analysis._sql import Scratch, ident
from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis._tables import sections
from partnerkit.analysis.attribution import AttributionJoins, attribution_of
from partnerkit.analysis.periods import Window, local_day_sql, utc_bounds
from partnerkit.errors import ConfigurationError
from partnerkit.model import Workspace
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["DEFAULT_MATCH_ON", "LeadDedup", "dedup_leads", "people_of", "people_table"]

DEFAULT_MATCH_ON = ("email_hash", "phone_hash")
"""The lead columns that identify a person unless told otherwise."""

_MAX_PASSES = 10_000
_BATCH_ROWS = 65_536


@dataclass(frozen=True)
class LeadDedup(Result):
    """Inquiries counted once, with every source that touched them.

    The table view (:meth:`to_arrow`) is :attr:`by_source`. The per-lead and
    per-inquiry tables (:attr:`leads`, :attr:`inquiries`) are as large as the period's
    leads: they are read on first access, not by :func:`dedup_leads` (a month's report
    needs the counts only).

    Attributes:
        start: First day counted (workspace time zone).
        end: Last day counted.
        window: How long after a person's first lead their leads are the same inquiry.
        match_on: The lead columns that identify a person.
        lead_records: Lead records (not deleted) created from ``start`` to ``end``.
        inquiries_count: Inquiries that started from ``start`` to ``end``.
        people: Distinct people among those inquiries.
        duplicates: ``lead_records − inquiries_count``: records that repeat an
            inquiry (including ones that continue an inquiry started before ``start``).
        continuing: Of the duplicates, records that continue an inquiry started
            before ``start``.
        crm_merged: Record ids the CRM merged into the period's records (``merged_ids``).
        leads: (Read on first access.) Every lead record of the period: ``lead_id``, ``created_at``,
            ``source_id``, ``person`` and ``inquiry`` (each named by its first lead's
            id), ``counted`` (true for the lead that stands for its inquiry) and
            ``merged_ids``.
        inquiries: (Read on first access.) One row per inquiry started in the period: ``inquiry``,
            ``person``, ``first_at``, ``month``, ``leads``, ``sources`` (in order of
            first touch), ``first_source`` and ``shared``.
        by_source: Per source (``null`` for unmapped leads): ``leads`` (what it
            would claim alone), ``inquiries``, ``exclusive``, ``shared`` and
            ``first_touch``.
    """

    start: dt.date
    end: dt.date
    window: dt.timedelta
    match_on: tuple[str, ...]
    lead_records: int
    inquiries_count: int
    people: int
    duplicates: int
    continuing: int
    crm_merged: int
    by_source: pa.Table
    _rows: Callable[[], tuple[pa.Table, pa.Table]] = field(repr=False, compare=False)
    title: str = field(default="Lead dedup")
    _rows_read: dict[str, pa.Table] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def _tables(self) -> dict[str, pa.Table]:
        with self._lock:
            if not self._rows_read:
                leads, inquiries = self._rows()
                self._rows_read.update(leads=leads, inquiries=inquiries)
            return self._rows_read

    @property
    def leads(self) -> pa.Table:
        """Every lead record of the period, one row each (read on first access)."""
        return self._tables()["leads"]

    @property
    def inquiries(self) -> pa.Table:
        """One row per inquiry started in the period (read on first access)."""
        return self._tables()["inquiries"]

    def to_arrow(self) -> pa.Table:
        """Per source: leads claimed alone, inquiries touched, exclusive, shared, first touch."""
        return self.by_source

    def _repr_html_(self) -> str:
        head = (
            f"<p>{self.start} to {self.end}: {self.lead_records:,} lead records are "
            f"{self.inquiries_count:,} inquiries from {self.people:,} people "
            f"({self.duplicates:,} duplicates, window {self.window.days} days; "
            f"{self.crm_merged:,} already merged in the CRM).</p>"
        )
        shared = self.inquiries.filter(self.inquiries.column("shared"))
        return head + sections(
            self.title, [("By source", self.by_source), ("Shared inquiries", shared)]
        )


@grows_memory
def dedup_leads(
    workspace: Workspace,
    dataset: Dataset,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    window: dt.timedelta = dt.timedelta(days=30),
    match_on: Sequence[str] = DEFAULT_MATCH_ON,
) -> LeadDedup:
    """Find the people behind the leads and count each inquiry once.

    Leads before ``start`` are read too, so a lead early in the period that repeats
    an inquiry from the end of the previous one is a duplicate, not a new inquiry.

    Args:
        workspace: The workspace (source map and time zone).
        dataset: The records; the ``lead`` view is read.
        start: First day counted; the first lead's day by default.
        end: Last day counted; the last lead's day by default.
        window: Leads of one person within this time of their inquiry's first lead
            are the same inquiry.
        match_on: Lead columns that identify a person (any one shared is enough).

    Returns:
        The dedup, with per-lead, per-inquiry and per-source tables.

    Raises:
        ConfigurationError: A ``match_on`` column the lead records do not have, or a
            window that is not positive.
    """
    if window <= dt.timedelta(0):
        raise ConfigurationError("the dedup window must be positive, e.g. timedelta(days=30)")
    keys = _match_on(dataset, match_on)
    tz = workspace.timezone
    con = dataset.cursor()
    with Scratch(con) as s, attribution_of(workspace, dataset).joins(con) as joins:
        bounds: tuple[dt.date | None, ...] = (start, end)
        if start is None or end is None:  # the first and last leads' days
            day = local_day_sql("created_at", tz, timestamp=True)
            query = f"SELECT min({day}), max({day}) FROM lead WHERE is_deleted IS NOT true"
            bounds = s.rows(query)[0]
        start = start or bounds[0] or dt.date.today()
        end = end or bounds[1] or start
        if end < start:
            raise ConfigurationError(f"the dedup ends ({end}) before it starts ({start})")
        run = _Dedup(s, joins, workspace, start, end, window, keys)
        if not dataset.frozen:  # records a sync may change: read the rows now
            return run.run(None)
        begin, finish = start, end

        def rows() -> tuple[pa.Table, pa.Table]:
            # The same steps again, on a records that cannot have changed.
            cur = dataset.cursor()
            with Scratch(cur) as s2, attribution_of(workspace, dataset).joins(cur) as j2:
                again = _Dedup(s2, j2, workspace, begin, finish, window, keys)
                again._records()
                again._people()
                again._inquiries()
                again._touch()
                return again._rows()

        return run.run(rows)


def _match_on(dataset: Dataset, match_on: Sequence[str]) -> tuple[str, ...]:
    have = dataset.schema(RecordKind.LEAD).names
    keys = tuple(match_on)
    for key in keys:
        if key not in have:
            raise ConfigurationError(
                f"match_on names {key!r}, which the lead records do not have; use "
                f"email_hash, phone_hash or an extra.<name> column"
            )
    return keys


@dataclass
class _Kept:
    """What a dataset keeps of the people matching: their Arrow tables and DuckDB tables."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    arrow: dict[tuple[str, ...], pa.Table] = field(default_factory=dict)
    catalog: str | None = None
    tables: dict[tuple[str, ...], str] = field(default_factory=dict)


_KEPT: weakref.WeakKeyDictionary[Dataset, _Kept] = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()


def _kept(dataset: Dataset) -> _Kept | None:
    """The dataset's kept people, or ``None`` when its records can change under it.

    Only a dataset that owns its database and whose data cannot change keeps them:
    not one over an open warehouse, which a sync writes to.
    """
    if not dataset.frozen:
        return None
    with _KEPT_LOCK:
        try:
            return _KEPT.setdefault(dataset, _Kept())
        except TypeError:  # pragma: no cover - a dataset that cannot be weakly referenced
            return None


@contextlib.contextmanager
def people_table(
    workspace: Workspace, dataset: Dataset, *, match_on: Sequence[str] = DEFAULT_MATCH_ON
) -> Iterator[str]:
    """A DuckDB table of every lead record's person, by :func:`dedup_leads`'s rule 1.

    What the ``people`` KPI joins: the matching runs in DuckDB and its result stays
    there (within the dataset's memory budget, spilling beyond it), so neither grows
    with the warehouse in Python's memory. A dataset whose records cannot change keeps
    the table for its life (in a private in-memory catalog, shared by its threads);
    otherwise it is a temporary table of the calling thread's cursor, dropped on exit.

    Args:
        workspace: The workspace.
        dataset: The records; the ``lead`` view is read.
        match_on: Lead columns that identify a person (any one shared is enough).

    Yields:
        The table's name, for queries on :meth:`Dataset.cursor`. Its columns:
        ``record_id``; ``uid``, a number for the record (unique among them);
        ``person``, the ``uid`` of the person's earliest lead record. One row per lead
        record (not deleted) that the matching had to consider: one sharing a key or a
        CRM merge with another. A lead record not in it is a person of its own (join
        it with ``LEFT JOIN``; ``person`` is then null).
    """
    keys = _match_on(dataset, match_on)
    kept = _kept(dataset)
    if kept is None:
        name = f"_pk_people_{uuid.uuid4().hex[:12]}"
        try:
            _match_people(workspace, dataset, keys, f"TEMP TABLE {name}")
            yield name
        finally:
            dataset.cursor().execute(f"DROP TABLE IF EXISTS {name}")
        return
    with kept.lock:
        found = kept.tables.get(keys)
        if found is None:
            con = dataset.cursor()
            if kept.catalog is None:
                kept.catalog = f"_pk_people_{uuid.uuid4().hex[:12]}"
                con.execute(f"ATTACH ':memory:' AS {kept.catalog}")
            found = f"{kept.catalog}.main.people_{len(kept.tables)}"
            _match_people(workspace, dataset, keys, f"TABLE {found}")
            kept.tables[keys] = found
    yield found


@grows_memory
def _match_people(
    workspace: Workspace, dataset: Dataset, keys: tuple[str, ...], target: str
) -> None:
    """Create ``target`` (``TABLE name``) with every lead record's person."""
    con = dataset.cursor()
    with Scratch(con) as s:
        run = _Dedup(s, None, workspace, dt.date.max, dt.date.max, dt.timedelta(days=1), keys)
        run._records()
        run._people()
        # One join per statement: candidate → its label → the uid that label names.
        labels = s.table(
            "labels", f"SELECT c.uid, l.label FROM {run.t_lab} l JOIN {run.t_cand} c USING (rid)"
        )
        named = s.table(
            "named",
            f"SELECT l.uid, p.uid AS person FROM {labels} l JOIN {run.t_cand} p ON p.rid = l.label",
        )
        _drop(s, labels)
        # Only the candidates (the leads that share a key or a merge with another): every
        # other lead is its own person, and the table stays as small as the matching.
        con.execute(
            f"CREATE {target} AS SELECT r.record_id, n.uid, n.person "
            f"FROM {named} n JOIN {run.t_rec} r ON r.rowid = n.uid"
        )


def people_of(
    workspace: Workspace, dataset: Dataset, *, match_on: Sequence[str] = DEFAULT_MATCH_ON
) -> pa.Table:
    """The person of every lead record (not deleted), by :func:`dedup_leads`'s rule 1.

    An Arrow table in memory, as large as the lead records; kept, like
    :func:`people_table`, by a dataset whose records cannot change. The ``people`` KPI
    joins :func:`people_table` instead.

    Args:
        workspace: The workspace.
        dataset: The records; the ``lead`` view is read.
        match_on: Lead columns that identify a person (any one shared is enough).

    Returns:
        ``record_id`` and ``person`` (the ``record_id`` of the person's earliest lead
        record), one row per lead record that is not deleted.
    """
    keys = _match_on(dataset, match_on)
    kept = _kept(dataset)
    if kept is not None:
        with kept.lock:
            found = kept.arrow.get(keys)
        if found is not None:
            return found
    with people_table(workspace, dataset, match_on=keys) as name:
        # Read in batches: the whole result never sits in DuckDB's memory as well.
        reader = (
            dataset.cursor()
            .sql(
                f"SELECT v.record_id, coalesce(f.record_id, v.record_id) AS person FROM lead v "
                f"LEFT JOIN {name} p ON p.record_id = v.record_id "
                f"LEFT JOIN {name} f ON f.uid = p.person WHERE v.is_deleted IS NOT true"
            )
            .to_arrow_reader(_BATCH_ROWS)
        )
        table: pa.Table = reader.read_all()
    if kept is not None:
        with kept.lock:
            kept.arrow[keys] = table
    return table


class _Dedup:
    def __init__(
        self,
        scratch: Scratch,
        joins: AttributionJoins | None,
        ws: Workspace,
        start: dt.date,
        end: dt.date,
        window: dt.timedelta,
        keys: tuple[str, ...],
    ) -> None:
        self.s, self.joins, self.ws = scratch, joins, ws
        self.start, self.end, self.window, self.keys = start, end, window, keys
        self.tz = ws.timezone

    def run(self, rows: Callable[[], tuple[pa.Table, pa.Table]] | None) -> LeadDedup:
        """The dedup; its per-lead and per-inquiry rows read by ``rows`` (now if ``None``)."""
        self._records()
        self._people()
        self._inquiries()
        self._touch()
        if rows is None:
            now = self._rows()

            def rows() -> tuple[pa.Table, pa.Table]:
                return now

        return self._result(rows)

    def _records(self) -> None:
        """Every lead record up to ``end`` with its source; ``rowid`` is its ``uid``.

        Without attribution joins, only what finding people needs: every record (not
        deleted), without its day or source.
        """
        s, j, lead = self.s, self.joins, RecordKind.LEAD
        keys = ", ".join(f"v.{ident(k)} AS key{i}" for i, k in enumerate(self.keys))
        if j is None:
            self.t_rec = s.table(
                "rec",
                f"SELECT v.record_id, v.platform, v.account_id, v.lead_id, v.created_at, "
                f"v.merged_ids, {keys} FROM lead v WHERE v.is_deleted IS NOT true",
            )
            return
        # Up to the end of the last day, compared as an instant (no per-row conversion;
        # the local day is worked out later, for the records the counts read).
        _, after = utc_bounds(Window(self.end, self.end, "custom"), self.tz)
        self.t_rec = s.table(
            "rec",
            f"SELECT v.platform, v.account_id, v.lead_id, v.created_at, "
            f"v.merged_ids, {j.expr(lead, 'source')} AS source_id, {keys} "
            f"FROM lead v {j.join(lead)} "
            f"WHERE v.is_deleted IS NOT true AND v.created_at < {_lit(after)}",
        )

    def _people(self) -> None:
        """Label every candidate record with its person (the earliest record's ``rid``).

        Every step is a hash aggregate, a join or a sort, which DuckDB spills beyond
        the memory budget (a window over the whole table would have to hold it), and
        the passes work on numbers only: the key values are read once, into groups.
        """
        s, rec, n = self.s, self.t_rec, len(self.keys) + 1
        # The CRM's merges: a record whose id is in another's merged_ids is that person.
        merge = (
            f"SELECT m.rowid AS merged_uid, min(sv.uid) AS survivor_uid FROM "
            f"(SELECT rowid AS uid, platform, account_id, unnest(merged_ids) AS merged_id "
            f" FROM {rec} WHERE len(merged_ids) > 0) sv "
            f"JOIN {rec} m ON m.platform = sv.platform AND m.account_id = sv.account_id "
            f"AND m.lead_id = sv.merged_id AND m.rowid <> sv.uid GROUP BY m.rowid"
        )
        self.t_merge = s.table("merge", merge)
        # The records of each key value that more than one record has: group i·n + k
        # is the i-th such value of key k.
        members = []
        for k in range(len(self.keys)):
            shared = s.table(
                f"shared{k}",
                f"SELECT key{k} FROM {rec} WHERE key{k} IS NOT NULL "
                f"GROUP BY key{k} HAVING count(*) > 1",
            )
            members.append(
                s.table(
                    f"member{k}",
                    f"SELECT r.rowid AS uid, g.rowid * {n} + {k} AS gid "
                    f"FROM {rec} r JOIN {shared} g ON g.key{k} = r.key{k}",
                )
            )
            _drop(s, shared)
        # Candidates: records that share a key with another record, or were merged.
        # Only they can belong to a person with several records. A candidate's rid
        # orders them by first lead — created_at, then platform, account and lead id —
        # without sorting them all (DuckDB could not sort 3M candidates in 64 MB): its
        # microseconds since 1970 times 2³², plus its rank among the candidates created
        # at the same instant (few; a window over each instant).
        uids = [f"SELECT uid FROM {m}" for m in members] + [
            f"SELECT merged_uid FROM {self.t_merge}",
            f"SELECT survivor_uid FROM {self.t_merge}",
        ]
        found = s.table("cand_uid", f"SELECT DISTINCT uid FROM ({' UNION ALL '.join(uids)})")
        rows = s.table(
            "cand_rows",
            f"SELECT r.rowid AS uid, r.created_at, r.platform, r.account_id, r.lead_id "
            f"FROM {rec} r JOIN {found} u ON u.uid = r.rowid",
        )
        _drop(s, found)
        ties = s.table(
            "cand_ties",
            f"SELECT r.uid, row_number() OVER (PARTITION BY r.created_at "
            f"ORDER BY r.platform, r.account_id, r.lead_id) - 1 AS k FROM {rows} r "
            f"JOIN (SELECT created_at FROM {rows} GROUP BY created_at HAVING count(*) > 1) t "
            f"USING (created_at)",
        )
        self.t_cand = s.table(
            "cand",
            f"SELECT r.uid, CAST(epoch_us(r.created_at) AS HUGEINT) * 4294967296 "
            f"+ coalesce(t.k, 0) AS rid, r.created_at FROM {rows} r LEFT JOIN {ties} t USING (uid)",
        )
        _drop(s, ties)
        _drop(s, rows)
        # Each candidate's groups: its shared key values, and its merge group (group
        # rid·n + n − 1, named by the record it was merged into, else by itself; a
        # record in no merge is alone in its group, and left out). One statement per
        # kind of group, so that one join at a time holds memory.
        merge, cand = self.t_merge, self.t_cand
        edges = s.table(
            "edges",
            f"SELECT c.rid, sv.rid * {n} + {n - 1} AS gid FROM {merge} m "
            f"JOIN {cand} c ON c.uid = m.merged_uid JOIN {cand} sv ON sv.uid = m.survivor_uid",
        )
        parts = [
            f"SELECT rid, rid * {n} + {n - 1} FROM {cand} "
            f"WHERE uid IN (SELECT survivor_uid FROM {merge}) "
            f"AND uid NOT IN (SELECT merged_uid FROM {merge})"
        ]
        parts += [f"SELECT c.rid, m.gid FROM {m} m JOIN {cand} c USING (uid)" for m in members]
        self.t_edges = edges
        for part in parts:
            s.rows(f"INSERT INTO {edges} {part}")
        for m in members:
            _drop(s, m)
        # Each pass: every group takes the smallest label of its records, every record
        # the smallest label of its groups, then its label's own label (a jump along
        # the chain). Labels only fall, so a pass changed nothing when their sum did not.
        lab = s.table("lab_0", f"SELECT rid, rid AS label FROM {self.t_cand}")
        total = s.scalar(f"SELECT sum(label) FROM {lab}")
        for i in range(1, _MAX_PASSES):
            least = s.table(
                "least",
                f"SELECT e.gid, min(l.label) AS m FROM {edges} e JOIN {lab} l USING (rid) "
                f"GROUP BY e.gid",
            )
            spread = s.table(
                "spread",
                f"SELECT l.rid, least(l.label, g.m) AS label FROM {lab} l LEFT JOIN "
                f"(SELECT e.rid, min(g.m) AS m FROM {edges} e JOIN {least} g USING (gid) "
                f"GROUP BY e.rid) g USING (rid)",
            )
            _drop(s, least)
            _drop(s, lab)
            lab = s.table(
                f"lab_{i % 2}",
                f"SELECT a.rid, least(a.label, b.label) AS label "
                f"FROM {spread} a JOIN {spread} b ON b.rid = a.label",
            )
            _drop(s, spread)
            now = s.scalar(f"SELECT sum(label) FROM {lab}")
            if now == total:
                break
            total = now
        self.t_lab = lab

    def _inquiries(self) -> None:
        """Cut each person's records into inquiries, then name everything by lead ids."""
        s = self.s
        micros = self.window // dt.timedelta(microseconds=1)
        # Each pass anchors every person's earliest unassigned record and takes in the
        # records within the window of it.
        ep = s.table(
            "ep",
            f"SELECT l.rid, l.label, c.created_at, CAST(NULL AS BIGINT) AS episode, "
            f"CAST(NULL AS HUGEINT) AS anchor FROM {self.t_lab} l JOIN {self.t_cand} c USING (rid)",
        )
        for k in range(1, _MAX_PASSES):
            if not s.scalar(f"SELECT count(*) FROM {ep} WHERE episode IS NULL"):
                break
            s.rows(
                f"UPDATE {ep} SET episode = {k}, anchor = a.rid FROM ("
                f"  SELECT label, min(rid) AS rid, min(created_at) AS first_at "
                f"  FROM {ep} WHERE episode IS NULL GROUP BY label) a "
                f"WHERE {ep}.label = a.label AND {ep}.episode IS NULL "
                f"AND {ep}.created_at <= a.first_at + to_microseconds({micros})"
            )
        named = s.table(
            "named",
            f"SELECT c.uid, p.uid AS person_uid, i.uid AS inquiry_uid FROM {ep} e "
            f"JOIN {self.t_cand} c ON c.rid = e.rid JOIN {self.t_cand} p ON p.rid = e.label "
            f"JOIN {self.t_cand} i ON i.rid = e.anchor",
        )
        # Every record the counts read: its person and inquiry, each named by its first
        # record (its lead id, and the inquiry's day). A record before the period that is
        # no candidate is a person and an inquiry of its own, which nothing in the
        # period continues: left out. One table, written once.
        rec = self.t_rec
        day = local_day_sql("r.created_at", self.tz, timestamp=True)
        inquiry_day = local_day_sql("created_at", self.tz, timestamp=True)
        # From the start of the first day, compared as an instant.
        first, _ = utc_bounds(Window(self.start, self.start, "custom"), self.tz)
        self.t_named = s.table(
            "allnamed",
            f"SELECT r.rowid AS uid, r.platform, r.account_id, r.lead_id, r.created_at, "
            f"{day} AS day, r.merged_ids, r.source_id, n.uid IS NOT NULL AS candidate, "
            f"coalesce(n.person_uid, r.rowid) AS person_uid, "
            f"coalesce(n.inquiry_uid, r.rowid) AS inquiry_uid, "
            f"coalesce(p.lead_id, r.lead_id) AS person, "
            f"coalesce(i.lead_id, r.lead_id) AS inquiry, coalesce(i.day, {day}) AS inquiry_day "
            f"FROM {rec} r LEFT JOIN {named} n ON n.uid = r.rowid "
            f"LEFT JOIN (SELECT rowid AS uid, lead_id FROM {rec} WHERE rowid IN "
            f"  (SELECT person_uid FROM {named})) p ON p.uid = n.person_uid "
            f"LEFT JOIN (SELECT rowid AS uid, lead_id, {inquiry_day} AS day FROM {rec} "
            f"  WHERE rowid IN (SELECT inquiry_uid FROM {named})) i ON i.uid = n.inquiry_uid "
            f"WHERE r.created_at >= {_lit(first)} OR n.uid IS NOT NULL",
        )
        # Everything the counts and rows read is in that table: the matching's tables
        # (every lead record up to the end, with its keys) go now, so that the steps
        # after it keep within the memory budget instead of spilling them to disk.
        for table in (ep, named, self.t_lab, self.t_cand, self.t_edges, self.t_merge, rec):
            _drop(s, table)

    def _touch(self) -> None:
        """The period's inquiries, and the sources of those with more than one record."""
        s, a = self.s, self.t_named
        lo, hi = _lit(self.start), _lit(self.end)
        period = f"day BETWEEN {lo} AND {hi}"
        # Sources of the inquiries with more than one record (all among the candidates).
        self.t_touch = touch = s.table(
            "touch",
            f"SELECT inquiry_uid, source_id, min(created_at) AS touched_at, count(*) AS leads "
            f"FROM {a} WHERE candidate AND inquiry_day BETWEEN {lo} AND {hi} GROUP BY ALL",
        )
        self.t_inq = s.table(
            "inq",
            f"""
            WITH multi AS (
              SELECT inquiry_uid, sum(leads) AS leads,
                     coalesce(list(source_id ORDER BY touched_at, source_id)
                              FILTER (WHERE source_id IS NOT NULL), []) AS sources
              FROM {touch} GROUP BY inquiry_uid
            )
            SELECT f.inquiry, f.person, f.created_at AS first_at,
                   strftime(f.day, '%Y-%m') AS month, coalesce(m.leads, 1) AS leads,
                   coalesce(m.sources, CASE WHEN f.source_id IS NULL THEN []
                                            ELSE [f.source_id] END) AS sources,
                   f.source_id AS first_source, f.inquiry_uid, f.person_uid
            FROM {a} f LEFT JOIN multi m USING (inquiry_uid)
            WHERE f.uid = f.inquiry_uid AND f.{period}
            """,
        )

    def _rows(self) -> tuple[pa.Table, pa.Table]:
        """The per-lead and per-inquiry tables, as large as the period's leads."""
        s, a = self.s, self.t_named
        lo, hi = _lit(self.start), _lit(self.end)
        leads = s.arrow(
            f"SELECT lead_id, platform, account_id, created_at, source_id, person, inquiry, "
            f"uid = inquiry_uid AS counted, inquiry_day < {lo} AS continues_earlier, merged_ids "
            f"FROM {a} WHERE day BETWEEN {lo} AND {hi} ORDER BY created_at, lead_id"
        )
        inquiries = s.arrow(
            f"SELECT inquiry, person, first_at, month, leads, sources, first_source, "
            f"len(sources) > 1 AS shared FROM {self.t_inq} ORDER BY first_at, inquiry"
        )
        return leads, inquiries

    def _result(self, rows: Callable[[], tuple[pa.Table, pa.Table]]) -> LeadDedup:
        s, a, touch = self.s, self.t_named, self.t_touch
        lo, hi = _lit(self.start), _lit(self.end)
        period = f"day BETWEEN {lo} AND {hi}"
        order = {src.id: i for i, src in enumerate(self.ws.sources)}
        by_source = s.arrow(
            f"""
            WITH pairs AS (
              SELECT inquiry_uid, source_id FROM {touch}
              UNION ALL
              SELECT inquiry_uid, first_source FROM {self.t_inq}
              WHERE inquiry_uid NOT IN (SELECT inquiry_uid FROM {touch})
            ), claims AS (
              SELECT source_id, count(*) AS leads FROM {a} WHERE {period} GROUP BY ALL
            ), touched AS (
              SELECT p.source_id, count(*) AS inquiries,
                     count(*) FILTER (WHERE len(q.sources) <= 1) AS exclusive,
                     count(*) FILTER (WHERE len(q.sources) > 1) AS shared,
                     count(*) FILTER (WHERE q.first_source IS NOT DISTINCT FROM p.source_id)
                       AS first_touch
              FROM pairs p JOIN {self.t_inq} q USING (inquiry_uid) GROUP BY ALL
            )
            SELECT coalesce(c.source_id, t.source_id) AS source_id,
                   coalesce(c.leads, 0) AS leads, coalesce(t.inquiries, 0) AS inquiries,
                   coalesce(t.exclusive, 0) AS exclusive, coalesce(t.shared, 0) AS shared,
                   coalesce(t.first_touch, 0) AS first_touch
            FROM claims c FULL JOIN touched t ON c.source_id IS NOT DISTINCT FROM t.source_id
            ORDER BY {_order_sql(order, "coalesce(c.source_id, t.source_id)")}
            """
        )
        totals = s.rows(
            f"SELECT count(*), count(*) FILTER (WHERE inquiry_day < {lo}), "
            f"coalesce(sum(len(merged_ids)), 0) FROM {a} WHERE {period}"
        )[0]
        records, continuing, merged = (int(v) for v in totals)
        counts = s.rows(f"SELECT count(*), count(DISTINCT person_uid) FROM {self.t_inq}")[0]
        count, people = int(counts[0]), int(counts[1])
        return LeadDedup(
            start=self.start,
            end=self.end,
            window=self.window,
            match_on=self.keys,
            lead_records=records,
            inquiries_count=count,
            people=people,
            duplicates=records - count,
            continuing=continuing,
            crm_merged=merged,
            by_source=by_source,
            _rows=rows,
        )


def _drop(s: Scratch, table: str) -> None:
    """Drop one of the scratch's tables before the end, to free its memory early."""
    s.con.execute(f"DROP TABLE IF EXISTS {table}")


def _order_sql(order: dict[str, int], column: str) -> str:
    """SQL that sorts source ids in source-map order, unmapped (null) last."""
    if not order:
        return f"{column} IS NULL"
    cases = " ".join(f"WHEN {_lit(k)} THEN {v}" for k, v in order.items())
    return f"CASE {column} {cases} ELSE {len(order)} END"
