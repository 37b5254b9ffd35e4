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
DuckDB (a few set-based passes, each a window over the whole table, until no label
changes), run only on the records that share a key with another record; inquiries
are cut by passes that each take every person's next unassigned lead as an anchor.
No Python loop touches a record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from partnerkit.analysis._data import Dataset, Result, grows_memory
from partnerkit.analysis._sql import Scratch, ident
from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis._tables import sections
from partnerkit.analysis.attribution import AttributionJoins, attribution_of
from partnerkit.analysis.periods import local_day_sql
from partnerkit.errors import ConfigurationError
from partnerkit.model import Workspace
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["DEFAULT_MATCH_ON", "LeadDedup", "dedup_leads", "people_of"]

DEFAULT_MATCH_ON = ("email_hash", "phone_hash")
"""The lead columns that identify a person unless told otherwise."""

_MAX_PASSES = 10_000


@dataclass(frozen=True)
class LeadDedup(Result):
    """Inquiries counted once, with every source that touched them.

    The table view (:meth:`to_arrow`) is :attr:`by_source`.

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
        leads: Every lead record of the period: ``lead_id``, ``created_at``,
            ``source_id``, ``person`` and ``inquiry`` (each named by its first lead's
            id), ``counted`` (true for the lead that stands for its inquiry) and
            ``merged_ids``.
        inquiries: One row per inquiry started in the period: ``inquiry``,
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
    leads: pa.Table
    inquiries: pa.Table
    by_source: pa.Table
    title: str = field(default="Lead dedup")

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
        day = local_day_sql("created_at", tz, timestamp=True)
        bounds = s.rows(f"SELECT min({day}), max({day}) FROM lead WHERE is_deleted IS NOT true")[0]
        start = start or bounds[0] or dt.date.today()
        end = end or bounds[1] or start
        if end < start:
            raise ConfigurationError(f"the dedup ends ({end}) before it starts ({start})")
        return _Dedup(s, joins, workspace, start, end, window, keys).run()


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


_PEOPLE: weakref.WeakKeyDictionary[Any, dict[tuple[str, ...], pa.Table]] = (
    weakref.WeakKeyDictionary()
)
_PEOPLE_LOCK = threading.Lock()


@grows_memory
def people_of(
    workspace: Workspace, dataset: Dataset, *, match_on: Sequence[str] = DEFAULT_MATCH_ON
) -> pa.Table:
    """The person of every lead record (not deleted), by :func:`dedup_leads`'s rule 1.

    Computed once per dataset and ``match_on``; the ``people`` KPI counts the distinct
    ``person`` values of the leads it keeps.

    Args:
        workspace: The workspace (its time zone).
        dataset: The records; the ``lead`` view is read.
        match_on: Lead columns that identify a person (any one shared is enough).

    Returns:
        ``record_id`` and ``person`` (the ``record_id`` of the person's earliest lead
        record), one row per lead record that is not deleted.
    """
    keys = _match_on(dataset, match_on)
    with _PEOPLE_LOCK:
        try:
            found = _PEOPLE.get(dataset, {}).get(keys)
        except TypeError:  # pragma: no cover - a dataset that cannot be weakly referenced
            found = None
    if found is not None:
        return found
    con = dataset.cursor()
    with Scratch(con) as s, attribution_of(workspace, dataset).joins(con) as joins:
        day = local_day_sql("created_at", workspace.timezone, timestamp=True)
        last = s.scalar(f"SELECT max({day}) FROM lead WHERE is_deleted IS NOT true")
        last = last or dt.date.today()
        run = _Dedup(s, joins, workspace, last, last, dt.timedelta(days=1), keys)
        run._records()
        run._people()
        table = s.arrow(
            f"SELECT r.record_id, coalesce(f0.record_id, r.record_id) AS person "
            f"FROM {run.t_rec} r LEFT JOIN {run.t_cand} c ON c.uid = r.rowid "
            f"LEFT JOIN {run.t_lab} l ON l.rid = c.rid "
            f"LEFT JOIN {run.t_cand} pc ON pc.rid = l.label "
            f"LEFT JOIN {run.t_rec} f0 ON f0.rowid = pc.uid"
        )
    with _PEOPLE_LOCK, contextlib.suppress(TypeError):  # TypeError: not weakly referable
        _PEOPLE.setdefault(dataset, {})[keys] = table
    return table


class _Dedup:
    def __init__(
        self,
        scratch: Scratch,
        joins: AttributionJoins,
        ws: Workspace,
        start: dt.date,
        end: dt.date,
        window: dt.timedelta,
        keys: tuple[str, ...],
    ) -> None:
        self.s, self.joins, self.ws = scratch, joins, ws
        self.start, self.end, self.window, self.keys = start, end, window, keys
        self.tz = ws.timezone

    def run(self) -> LeadDedup:
        self._records()
        self._people()
        self._inquiries()
        return self._result()

    def _records(self) -> None:
        """Every lead record up to ``end`` with its source; ``rowid`` is its ``uid``."""
        s, j, lead = self.s, self.joins, RecordKind.LEAD
        keys = ", ".join(f"v.{ident(k)} AS key{i}" for i, k in enumerate(self.keys))
        day = local_day_sql("v.created_at", self.tz, timestamp=True)
        self.t_rec = s.table(
            "rec",
            f"SELECT v.record_id, v.platform, v.account_id, v.lead_id, v.created_at, {day} AS day, "
            f"v.merged_ids, {j.expr(lead, 'source')} AS source_id, {keys} "
            f"FROM lead v {j.join(lead)} "
            f"WHERE v.is_deleted IS NOT true AND {day} <= {_lit(self.end)}",
        )

    def _people(self) -> None:
        """Label every candidate record with its person (the earliest record's ``rid``)."""
        s, rec = self.s, self.t_rec
        # The CRM's merges: a record whose id is in another's merged_ids is that person.
        merge = (
            f"SELECT m.rowid AS merged_uid, min(sv.uid) AS survivor_uid FROM "
            f"(SELECT rowid AS uid, platform, account_id, unnest(merged_ids) AS merged_id "
            f" FROM {rec} WHERE len(merged_ids) > 0) sv "
            f"JOIN {rec} m ON m.platform = sv.platform AND m.account_id = sv.account_id "
            f"AND m.lead_id = sv.merged_id AND m.rowid <> sv.uid GROUP BY m.rowid"
        )
        self.t_merge = s.table("merge", merge)
        # Candidates: records that share a key with another record, or were merged.
        # Only they can belong to a person with several records.
        shared = [
            f"key{i} IN (SELECT key{i} FROM {rec} WHERE key{i} IS NOT NULL "
            f"GROUP BY key{i} HAVING count(*) > 1)"
            for i in range(len(self.keys))
        ]
        merged = [
            f"rowid IN (SELECT merged_uid FROM {self.t_merge})",
            f"rowid IN (SELECT survivor_uid FROM {self.t_merge})",
        ]
        keys = ", ".join(f"key{i}" for i in range(len(self.keys)))
        self.t_cand = s.table(
            "cand",
            f"SELECT rowid AS uid, row_number() OVER (ORDER BY created_at, platform, "
            f"account_id, lead_id) - 1 AS rid, created_at, {keys} "
            f"FROM {rec} WHERE {' OR '.join(shared + merged)}",
        )
        self.t_lab = s.table(
            "lab",
            f"SELECT c.rid, {', '.join('c.' + k for k in keys.split(', ') if k)}, "
            f"coalesce(sv.rid, c.rid) AS mkey, c.rid AS label FROM {self.t_cand} c "
            f"LEFT JOIN {self.t_merge} m ON m.merged_uid = c.uid "
            f"LEFT JOIN {self.t_cand} sv ON sv.uid = m.survivor_uid",
        )
        spread = ", ".join(
            ["min(label) OVER (PARTITION BY mkey)"]
            + [
                f"CASE WHEN key{i} IS NULL THEN label "
                f"ELSE min(label) OVER (PARTITION BY key{i}) END"
                for i in range(len(self.keys))
            ]
        )
        for _ in range(_MAX_PASSES):
            nxt = s.table(
                "lab_next", f"SELECT * REPLACE (least(label, {spread}) AS label) FROM {self.t_lab}"
            )
            changed = s.scalar(
                f"SELECT count(*) FROM {self.t_lab} a JOIN {nxt} b USING (rid) "
                f"WHERE a.label <> b.label"
            )
            self.t_lab = s.table("lab", f"SELECT * FROM {nxt}")
            if not changed:
                break

    def _inquiries(self) -> None:
        """Cut each person's records into inquiries, then name everything by lead ids."""
        s = self.s
        micros = self.window // dt.timedelta(microseconds=1)
        # Each pass anchors every person's earliest unassigned record and takes in the
        # records within the window of it.
        ep = s.table(
            "ep",
            f"SELECT l.rid, l.label, c.created_at, CAST(NULL AS BIGINT) AS episode, "
            f"CAST(NULL AS BIGINT) AS anchor FROM {self.t_lab} l JOIN {self.t_cand} c USING (rid)",
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
        # Every record: its person and inquiry, each named by its first record.
        self.t_all = s.table(
            "allrec",
            f"SELECT r.rowid AS uid, r.platform, r.account_id, r.lead_id, r.created_at, r.day, "
            f"r.merged_ids, r.source_id, n.uid IS NOT NULL AS candidate, "
            f"coalesce(n.person_uid, r.rowid) AS person_uid, "
            f"coalesce(n.inquiry_uid, r.rowid) AS inquiry_uid "
            f"FROM {self.t_rec} r LEFT JOIN {named} n ON n.uid = r.rowid",
        )
        self.t_named = s.table(
            "allnamed",
            f"SELECT a.*, coalesce(p.lead_id, a.lead_id) AS person, "
            f"coalesce(i.lead_id, a.lead_id) AS inquiry, coalesce(i.day, a.day) AS inquiry_day "
            f"FROM {self.t_all} a "
            f"LEFT JOIN (SELECT uid, lead_id FROM {self.t_all} WHERE uid IN "
            f"  (SELECT person_uid FROM {named})) p ON p.uid = a.person_uid AND a.candidate "
            f"LEFT JOIN (SELECT uid, lead_id, day FROM {self.t_all} WHERE uid IN "
            f"  (SELECT inquiry_uid FROM {named})) i ON i.uid = a.inquiry_uid AND a.candidate",
        )

    def _result(self) -> LeadDedup:
        s, a = self.s, self.t_named
        lo, hi = _lit(self.start), _lit(self.end)
        period = f"day BETWEEN {lo} AND {hi}"
        leads = s.arrow(
            f"SELECT lead_id, platform, account_id, created_at, source_id, person, inquiry, "
            f"uid = inquiry_uid AS counted, inquiry_day < {lo} AS continues_earlier, merged_ids "
            f"FROM {a} WHERE {period} ORDER BY created_at, lead_id"
        )
        # Sources of the inquiries with more than one record (all among the candidates).
        touch = s.table(
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
        inquiries = s.arrow(
            f"SELECT inquiry, person, first_at, month, leads, sources, first_source, "
            f"len(sources) > 1 AS shared FROM {self.t_inq} ORDER BY first_at, inquiry"
        )
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
            leads=leads,
            inquiries=inquiries,
            by_source=by_source,
        )


def _order_sql(order: dict[str, int], column: str) -> str:
    """SQL that sorts source ids in source-map order, unmapped (null) last."""
    if not order:
        return f"{column} IS NULL"
    cases = " ".join(f"WHEN {_lit(k)} THEN {v}" for k, v in order.items())
    return f"CASE {column} {cases} ELSE {len(order)} END"
