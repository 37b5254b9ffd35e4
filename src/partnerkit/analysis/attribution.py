"""How a record gets its source: the one attribution rule every analysis uses.

Each lead, ad-platform (performance) row, campaign record and deal belongs to **at
most one** source of the source map, and to a workspace campaign when one claims it:

* **Performance and campaign records**: the first workspace campaign (file order)
  whose ``platform_campaign_ids`` lists the row's ``campaign_id`` (exact); else the
  first whose ``utm_campaign`` equals the row's ``utm_campaign``; else the **first**
  source (source-map order) whose :class:`~partnerkit.model.SourceMatching` ads or
  UTM rules match the row (:meth:`~partnerkit.model.SourceMatching.matches_performance`).
* **Leads**: the first campaign whose ``utm_campaign`` equals the lead's; else the
  first source whose CRM or UTM rules match the lead
  (:meth:`~partnerkit.model.SourceMatching.matches_lead`). ``attribution="original"``
  (the default) reads the lead's original source and its drill-downs;
  ``"latest"`` reads ``latest_source`` and its drill-downs in their place.
* **Deals**: the source of their earliest-created contact (``contact_ids``; ties by
  lead id).
* A campaign's source is the campaign's ``source``; a record's channel is its
  source's channel (a performance row's own ``channel`` wins when it has one).

Texts are compared under one Unicode rule, :func:`~partnerkit.model.fold_text`
(NFKC, full case folding, NFKC; ``İ`` is ``I``): a pattern ``İstanbul*`` matches
``İSTANBUL EXPO``, ``ISTANBUL EXPO`` and ``istanbul expo`` everywhere — in KPIs, the
source-map audit, dedup, funnel, budget and the report — because they all call this
module. Every source that matches is kept too (``matched_sources``), so overlapping
rules can be shown.

The rules run in Python once per *distinct combination* of the columns they read (a
few hundred in a typical month, never once per row); the answer is a small Arrow
table joined to the rows in DuckDB. :func:`attribution_of` keeps that work per
(workspace, dataset, mode): every analysis of the same dataset reuses it, so a report
that runs nine analyses attributes the leads once. Over a dataset whose records a sync
may change (:meth:`Warehouse.dataset() <partnerkit.store.Warehouse.dataset>`) only the
rules' answers are kept: each analysis reads the distinct combinations again, so rows
written since (a first lead, a new source value) are attributed too.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from partnerkit._closing import Closing
from partnerkit.analysis._args import choice
from partnerkit.analysis._data import VIEWS, grows_memory
from partnerkit.analysis._sql import ident, literal, literals
from partnerkit.model import Scope, Workspace, fold_text
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from partnerkit.analysis._data import Dataset

__all__ = [
    "ATTRIBUTION_MODES",
    "GROUP_BYS",
    "LEAD_RULE_COLUMNS",
    "PERFORMANCE_RULE_COLUMNS",
    "UNATTRIBUTED",
    "Attribution",
    "AttributionJoins",
    "AttributionMode",
    "GroupBy",
    "Owner",
    "SourceRules",
    "attribute",
    "attribute_leads",
    "attribute_performance",
    "attribution_of",
    "fold_text",
]

AttributionMode = Literal["original", "latest"]
"""Which lead source counts: ``original`` (first touch, the default) or ``latest``."""

ATTRIBUTION_MODES: tuple[AttributionMode, ...] = ("original", "latest")
"""The allowed values of every ``attribution=`` argument."""

GroupBy = Literal["source", "channel", "campaign"]
"""What a breakdown groups records by."""

GROUP_BYS: tuple[GroupBy, ...] = ("source", "channel", "campaign")
"""The allowed values of every ``by=`` breakdown argument."""

UNATTRIBUTED = "(unattributed)"
"""The label of records no source-map entry (or campaign) matches."""

#: Lead columns the CRM and UTM rules read (original mode), in the order of the rules.
LEAD_RULE_COLUMNS = (
    "original_source",
    "original_source_drill_1",
    "original_source_drill_2",
    "utm_source",
    "utm_medium",
    "utm_campaign",
)
#: Performance columns the ads and UTM rules read.
PERFORMANCE_RULE_COLUMNS = ("account_id", "campaign_id", "source", "medium", "utm_campaign")

# The rule keys (the names SourceMatching reads) and the SQL that gives each, on alias v.
_PERFORMANCE_KEYS = {k: f"v.{ident(k)}" for k in PERFORMANCE_RULE_COLUMNS}
_CAMPAIGN_KEYS = {
    "account_id": 'v."account_id"',
    "campaign_id": 'coalesce(v."campaign_id", v."object_id")',
    "source": 'v."utm_source"',
    "medium": 'v."utm_medium"',
    "utm_campaign": 'v."utm_campaign"',
}
_LEAD_KEYS: dict[str, dict[str, str]] = {
    "original": {k: f"v.{ident(k)}" for k in LEAD_RULE_COLUMNS},
    "latest": {
        "original_source": 'v."latest_source"',
        "original_source_drill_1": 'v."latest_source_drill_1"',
        "original_source_drill_2": 'v."latest_source_drill_2"',
        "utm_source": 'v."utm_source"',
        "utm_medium": 'v."utm_medium"',
        "utm_campaign": 'v."utm_campaign"',
    },
}
# Which matching rule reads which performance key.
_RULE_KEY = {
    "account_ids": "account_id",
    "campaign_ids": "campaign_id",
    "utm_source": "source",
    "utm_medium": "medium",
    "utm_campaign": "utm_campaign",
}
_OWNER_COLUMNS = ["source_id", "campaign_id", "channel"]


@dataclass(frozen=True)
class Owner:
    """Where one record belongs.

    Attributes:
        source: The source id (``None``: no source-map entry matches).
        campaign: The workspace campaign id, when a campaign claims the record.
        channel: The source's channel.
        matched: Every source whose campaign or rules match, in order, each once.
    """

    source: str | None
    campaign: str | None
    channel: str | None
    matched: tuple[str, ...] = ()


_NOBODY = Owner(None, None, None)


class SourceRules:
    """The attribution rule of one workspace, on plain values (no data).

    Args:
        workspace: The workspace (its source map and campaigns).
    """

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self._source_channel = {s.id: s.channel.value for s in workspace.sources}
        self._campaign_source = {c.id: c.source for c in workspace.campaigns}
        self._utm = [(c, fold_text(c.utm_campaign)) for c in workspace.campaigns if c.utm_campaign]

    def _owner(self, campaigns: list[str], sources: list[str]) -> Owner:
        """Who owns a row: the first matching campaign (with its source), else the first source.

        Every match is kept, in order, without repeats.
        """
        matched = [self._campaign_source[c] for c in campaigns] + sources
        if campaigns:
            source: str | None = self._campaign_source[campaigns[0]]
            campaign: str | None = campaigns[0]
        elif sources:
            source, campaign = sources[0], None
        else:
            return _NOBODY
        channel = self._source_channel.get(source) if source else None
        return Owner(source, campaign, channel, tuple(dict.fromkeys(matched)))

    def _utm_campaigns(self, value: Any) -> list[str]:
        if value is None:
            return []
        folded = fold_text(str(value))
        return [c.id for c, utm in self._utm if utm == folded]

    def performance(self, values: Mapping[str, Any]) -> Owner:
        """The owner of a performance row (or campaign record) from its rule columns.

        Args:
            values: ``account_id``, ``campaign_id``, ``source``, ``medium``,
                ``utm_campaign`` (missing keys are ``None``).
        """
        campaign_id = values.get("campaign_id")
        by_id = [
            c.id
            for c in self.ws.campaigns
            if campaign_id is not None and str(campaign_id) in c.platform_campaign_ids
        ]
        campaigns = by_id + self._utm_campaigns(values.get("utm_campaign"))
        sources = [s.id for s in self.ws.sources if s.matching.matches_performance(values)]
        return self._owner(campaigns, sources)

    def lead(self, values: Mapping[str, Any]) -> Owner:
        """The owner of a lead from its rule columns.

        Args:
            values: The :data:`LEAD_RULE_COLUMNS` (for ``latest`` attribution, the
                latest source's values under the original-source names).
        """
        campaigns = self._utm_campaigns(values.get("utm_campaign"))
        sources = [s.id for s in self.ws.sources if s.matching.matches_lead(values)]
        return self._owner(campaigns, sources)

    def performance_keys(self) -> list[str]:
        """The performance rule keys some rule of the workspace reads."""
        used: set[str] = set()
        for s in self.ws.sources:
            used |= {key for rule, key in _RULE_KEY.items() if getattr(s.matching, rule)}
        if any(c.platform_campaign_ids for c in self.ws.campaigns):
            used.add("campaign_id")
        if self._utm:
            used.add("utm_campaign")
        return [k for k in PERFORMANCE_RULE_COLUMNS if k in used]

    def lead_keys(self) -> list[str]:
        """The lead rule keys some rule of the workspace reads."""
        used = {r for s in self.ws.sources for r in LEAD_RULE_COLUMNS if getattr(s.matching, r)}
        if self._utm:
            used.add("utm_campaign")
        return [k for k in LEAD_RULE_COLUMNS if k in used]


class Attribution:
    """The attribution of one dataset's records under one workspace and mode.

    Get it with :func:`attribution_of` (cached per dataset). It holds no connection:
    the decided combinations are Arrow tables, registered per call on the caller's
    cursor by :meth:`joins`. Safe to share between threads.

    The owner of a combination is kept for the attribution's life (it depends on the
    workspace alone). What depends on the records (:meth:`table`, and :meth:`keys` of
    deals, which have none while there are no leads) is kept only when the dataset is
    :attr:`~partnerkit.analysis.Dataset.frozen`: over an open warehouse it is read
    again each time, as the rows a sync commits meanwhile would go unattributed.
    """

    def __init__(self, workspace: Workspace, dataset: Dataset, mode: AttributionMode) -> None:
        """Prepare the attribution (nothing is read until a table is asked for)."""
        choice("attribution", mode, ATTRIBUTION_MODES)
        self.ws = workspace
        self.mode: AttributionMode = mode
        self.rules = SourceRules(workspace)
        try:
            self._dataset: Callable[[], Dataset | None] = weakref.ref(dataset)
        except TypeError:  # pragma: no cover - a dataset that cannot be weakly referenced
            self._dataset = lambda: dataset
        self._lock = threading.RLock()
        self._tables: dict[RecordKind, pa.Table | None] = {}
        self._owners: dict[tuple[RecordKind, tuple[Any, ...]], Owner] = {}
        self._keys: dict[RecordKind, dict[str, str]] = {}
        self.partner_sources = {s.id for s in workspace.sources if s.owner.value == "partner"}

    @property
    def dataset(self) -> Dataset:
        """The dataset attributed."""
        found = self._dataset()
        if found is None:  # pragma: no cover - the caller holds the dataset
            raise ReferenceError("the dataset of this attribution is gone")
        return found

    # ----------------------------------------------------------------- the keys

    def keys(self, kind: RecordKind) -> dict[str, str]:
        """The rule columns a kind's rules read, as SQL on alias ``v``.

        Deals: the columns of their first contact, on the join ``a`` of
        :meth:`deal_pick`. Grouping an aggregate by these and attributing each group
        with :meth:`owner` gives the same answer as joining the attribution to every
        row, without the join.
        """
        found = self._keys.get(kind)
        if found is None:
            found = self._find_keys(kind)
            if found or self.dataset.frozen:  # deals have none until leads come
                self._keys[kind] = found
        return found

    def _find_keys(self, kind: RecordKind) -> dict[str, str]:
        if kind is RecordKind.PERFORMANCE:
            return {k: _PERFORMANCE_KEYS[k] for k in self.rules.performance_keys()}
        if kind is RecordKind.CAMPAIGN:
            return {k: _CAMPAIGN_KEYS[k] for k in self.rules.performance_keys()}
        lead = {k: _LEAD_KEYS[self.mode][k] for k in self.rules.lead_keys()}
        if kind is RecordKind.LEAD:
            return lead
        if not self.dataset.row_count(RecordKind.LEAD):
            return {}
        return {name: f"a.k{i}" for i, name in enumerate(lead)}

    def owner(self, kind: RecordKind, combo: tuple[Any, ...]) -> Owner:
        """The owner of one combination of :meth:`keys` values."""
        key = (kind, combo)
        found = self._owners.get(key)
        if found is None:
            names = list(self.keys(kind))
            if not names:
                found = _NOBODY
            elif kind in (RecordKind.LEAD, RecordKind.DEAL):
                found = self.rules.lead(dict(zip(names, combo, strict=True)))
            else:
                found = self.rules.performance(dict(zip(names, combo, strict=True)))
            with self._lock:
                self._owners[key] = found
        return found

    def group_of(self, owner: Owner, row_channel: str | None, by: GroupBy) -> str | None:
        """The source id, campaign id or channel of a record (``None``: unmatched)."""
        if by == "source":
            return owner.source
        if by == "campaign":
            return owner.campaign
        return row_channel if row_channel is not None else owner.channel

    def in_scope(self, owner: Owner, row_channel: str | None, scope: Scope) -> bool:
        """Whether a record with this owner (and row channel) falls in the scope."""
        if scope.kind == "all":
            return True
        if scope.kind == "partner":
            return owner.source is not None and owner.source in self.partner_sources
        what: GroupBy = (
            "source"
            if scope.kind == "source"
            else ("campaign" if scope.kind == "campaign" else "channel")
        )
        return self.group_of(owner, row_channel, what) == scope.ref

    # ---------------------------------------------------------------- the tables

    def table(self, kind: RecordKind, con: duckdb.DuckDBPyConnection) -> pa.Table | None:
        """The decided combinations of a kind (``k0``… plus owner columns), or ``None``.

        Computed once per attribution (the first caller's cursor reads the distinct
        combinations), or on each call when the dataset is not
        :attr:`~partnerkit.analysis.Dataset.frozen` (:meth:`joins` asks once per
        analysis); ``None`` when the kind has no rows or nothing matches.
        """
        with self._lock:
            if kind in self._tables:
                return self._tables[kind]
            if kind is RecordKind.DEAL:
                found = self._deal_table(con)
            else:
                found = self._combo_table(kind, con)
            if self.dataset.frozen:
                self._tables[kind] = found
            return found

    def on(self, kind: RecordKind, alias: str = "a") -> str:
        """The join condition between a kind's rows (alias ``v``) and its :meth:`table`."""
        if kind is RecordKind.DEAL:
            return f'v."deal_id" = {alias}.deal_id'
        return " AND ".join(
            f"{expr} IS NOT DISTINCT FROM {alias}.k{i}"
            for i, expr in enumerate(self.keys(kind).values())
        )

    def _combo_table(self, kind: RecordKind, con: duckdb.DuckDBPyConnection) -> pa.Table | None:
        import pyarrow as pa

        keys = self.keys(kind)
        if not keys or self.dataset.row_count(kind) == 0:
            return None
        names = list(keys)
        select = ", ".join(f"{expr} AS k{i}" for i, expr in enumerate(keys.values()))
        combos = con.execute(f"SELECT DISTINCT {select} FROM {ident(VIEWS[kind])} v").fetchall()
        rows: list[tuple[Any, ...]] = []
        matched: list[list[str]] = []
        for combo in combos:
            owner = self.owner(kind, tuple(combo))
            if owner.matched:
                rows.append((*combo, owner.source, owner.campaign, owner.channel))
                matched.append(list(owner.matched))
        if not rows:
            return None
        arrays: list[pa.Array[Any]] = [
            pa.array([r[i] for r in rows], type=pa.string()) for i in range(len(names) + 3)
        ]
        arrays.append(pa.array(matched, type=pa.list_(pa.string())))
        return pa.table(
            arrays,
            names=[f"k{i}" for i in range(len(names))] + _OWNER_COLUMNS + ["matched_sources"],
        )

    def _deal_table(self, con: duckdb.DuckDBPyConnection) -> pa.Table | None:
        lead = self.table(RecordKind.LEAD, con)
        if lead is None or self.dataset.row_count(RecordKind.DEAL) == 0:
            return None
        name = _register(con, lead)
        try:
            query = f"""
                SELECT deal_id, source_id, campaign_id, channel, matched_sources FROM (
                    SELECT d.deal_id, a.source_id, a.campaign_id, a.channel, a.matched_sources,
                           row_number() OVER (
                               PARTITION BY d.deal_id ORDER BY v.created_at, v.lead_id
                           ) AS pick
                    FROM (SELECT DISTINCT deal_id, unnest(contact_ids) AS lead_id FROM "deal") d
                    JOIN "lead" v ON v.lead_id = d.lead_id
                    LEFT JOIN {name} a ON {self.on(RecordKind.LEAD)}
                ) WHERE pick = 1 AND source_id IS NOT NULL
            """
            table: pa.Table = con.sql(query).to_arrow_table()
        finally:
            con.unregister(name)
        return table if table.num_rows else None

    def deal_pick(self, prefilter: str) -> tuple[str, str]:
        """A ``WITH`` clause picking each deal's first contact, and the join that adds it.

        The first contact is the earliest-created lead among ``contact_ids`` (ties by
        lead id); the join adds that lead's :meth:`keys` columns as ``a.k0``, ``a.k1``...

        Args:
            prefilter: A predicate on the deal (alias ``v``) limiting the deals to pick for.
        """
        keys = self.keys(RecordKind.LEAD)
        cols = ", ".join(
            f"{expr.replace('v.', 'l.', 1)} AS k{i}" for i, expr in enumerate(keys.values())
        )
        picked = ", ".join(f"k{i}" for i in range(len(keys)))
        with_sql = f"""
            WITH _pick AS (
                SELECT deal_id, {picked} FROM (
                    SELECT c.deal_id, {cols}, row_number() OVER (
                        PARTITION BY c.deal_id ORDER BY l.created_at, l.lead_id
                    ) AS _n
                    FROM (
                        SELECT DISTINCT v.deal_id, unnest(v.contact_ids) AS lead_id
                        FROM "deal" v WHERE {prefilter}
                    ) c JOIN "lead" l ON l.lead_id = c.lead_id
                ) WHERE _n = 1
            )
        """
        return with_sql, "LEFT JOIN _pick a ON v.deal_id = a.deal_id"

    def joins(self, con: duckdb.DuckDBPyConnection) -> AttributionJoins:
        """The attribution's tables for one call on one cursor (close it after)."""
        return AttributionJoins(self, con)


class AttributionJoins(Closing):
    """An :class:`Attribution` on one cursor: joins its tables into a call's SQL.

    Use as a context manager (or call :meth:`close`): the tables it registered on the
    cursor are unregistered at the end.

    Attributes:
        attribution: The attribution.
        con: The cursor.
    """

    def __init__(self, attribution: Attribution, con: duckdb.DuckDBPyConnection) -> None:
        """Bind the attribution to the cursor."""
        self.attribution = attribution
        self.con = con
        self._names: dict[RecordKind, str | None] = {}

    def close(self) -> None:
        """Unregister the tables this object registered."""
        for name in self._names.values():
            if name is not None:
                self.con.unregister(name)
        self._names.clear()

    def _name(self, kind: RecordKind) -> str | None:
        if kind not in self._names:
            table = self.attribution.table(kind, self.con)
            self._names[kind] = None if table is None else _register(self.con, table)
        return self._names[kind]

    def join(self, kind: RecordKind, alias: str = "a") -> str:
        """A ``LEFT JOIN`` adding the owner columns to rows of ``kind`` aliased ``v``.

        The columns are ``a.source_id``, ``a.campaign_id``, ``a.channel`` and
        ``a.matched_sources``; ``""`` when nothing of the kind matches (use
        :meth:`expr`, which is ``NULL`` then).
        """
        name = self._name(kind)
        if name is None:
            return ""
        return f"LEFT JOIN {name} {alias} ON {self.attribution.on(kind, alias)}"

    def scope_sql(self, kind: RecordKind, scope: Scope) -> str:
        """A SQL predicate: a joined record (alias ``v``) falls in the scope.

        The same rule as :meth:`Attribution.in_scope`, for queries that keep rows in SQL.
        """
        if scope.kind == "all":
            return "TRUE"
        if scope.kind == "partner":
            partner = sorted(self.attribution.partner_sources)
            if not partner:
                return "FALSE"
            return f"coalesce({self.expr(kind, 'source')} IN ({literals(partner)}), FALSE)"
        what: GroupBy = (
            "source"
            if scope.kind == "source"
            else ("campaign" if scope.kind == "campaign" else "channel")
        )
        return f"coalesce({self.expr(kind, what)} = {literal(scope.ref)}, FALSE)"

    def expr(self, kind: RecordKind, what: GroupBy | Literal["matched"], alias: str = "a") -> str:
        """SQL for a joined record's source id, campaign id, channel or matched sources."""
        have = self._name(kind) is not None
        if what == "matched":
            return (
                f"coalesce({alias}.matched_sources, CAST([] AS VARCHAR[]))"
                if have
                else "CAST([] AS VARCHAR[])"
            )
        own = {"source": "source_id", "campaign": "campaign_id", "channel": "channel"}
        mine = f"{alias}.{own[what]}" if have else "CAST(NULL AS VARCHAR)"
        if what == "channel" and kind is RecordKind.PERFORMANCE:
            return f'coalesce(v."channel", {mine})'
        return mine


def _register(con: duckdb.DuckDBPyConnection, table: pa.Table) -> str:
    name = f"_pk_attr_{uuid.uuid4().hex[:12]}"
    con.register(name, table)
    return name


# ------------------------------------------------------------------ the cache

_CACHE: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], Attribution]] = (
    weakref.WeakKeyDictionary()
)
_CACHE_LOCK = threading.Lock()


def _fingerprint(workspace: Workspace) -> str:
    parts = [
        s.model_dump_json(include={"id", "channel", "owner", "matching"}) for s in workspace.sources
    ]
    parts += [
        c.model_dump_json(include={"id", "source", "utm_campaign", "platform_campaign_ids"})
        for c in workspace.campaigns
    ]
    return "\n".join(parts)


def attribution_of(
    workspace: Workspace, dataset: Dataset, *, attribution: AttributionMode = "original"
) -> Attribution:
    """The attribution of a dataset under a workspace's source map, computed once.

    Every analysis of the same dataset (and the same source map and campaigns, and
    mode) gets the same :class:`Attribution`, so its distinct combinations are
    decided once however many analyses run. Over a dataset a sync may change (not
    :attr:`~partnerkit.analysis.Dataset.frozen`), each analysis reads the
    combinations again and only those not decided before run the rules.

    Args:
        workspace: The workspace (its source map and campaigns).
        dataset: The records.
        attribution: ``original`` (first touch) or ``latest``.

    Raises:
        ConfigurationError: An ``attribution`` that is not one of the modes.
    """
    choice("attribution", attribution, ATTRIBUTION_MODES)
    key = (attribution, _fingerprint(workspace))
    with _CACHE_LOCK:
        try:
            per = _CACHE.setdefault(dataset, {})
        except TypeError:  # pragma: no cover - a dataset that cannot be weakly referenced
            return Attribution(workspace, dataset, attribution)
        found = per.get(key)
        if found is None:
            found = per[key] = Attribution(workspace, dataset, attribution)
        return found


# ------------------------------------------------------------- public views


def attribute(
    workspace: Workspace,
    dataset: Dataset,
    kind: RecordKind | str,
    *,
    attribution: AttributionMode = "original",
) -> pa.Table:
    """Attribute every record of a kind to a source, campaign and channel.

    See the module documentation for the rule.

    Args:
        workspace: The workspace (its source map and campaigns).
        dataset: The records.
        kind: The record kind: ``performance``, ``lead``, ``deal`` or ``campaign``.
        attribution: ``original`` (first touch) or ``latest``.

    Returns:
        The records' ``record_id`` with ``source_id``, ``campaign_id``, ``channel``
        (null where nothing matched) and ``matched_sources``, one row per record, in
        no particular order.

    Raises:
        ConfigurationError: An unknown kind or attribution mode.
    """
    kind = RecordKind(choice("kind", str(kind), [k.value for k in RecordKind]))
    attr = attribution_of(workspace, dataset, attribution=attribution)
    con = dataset.cursor()
    with attr.joins(con) as j:
        query = (
            f'SELECT v."record_id", {j.expr(kind, "source")} AS source_id, '
            f"{j.expr(kind, 'campaign')} AS campaign_id, "
            f"{j.expr(kind, 'channel')} AS channel, "
            f"{j.expr(kind, 'matched')} AS matched_sources "
            f"FROM {ident(VIEWS[kind])} v {j.join(kind)}"
        )
        table: pa.Table = con.sql(query).to_arrow_table()
        return table


@grows_memory
def attribute_leads(
    workspace: Workspace, dataset: Dataset, *, attribution: AttributionMode = "original"
) -> pa.Table:
    """Tie every lead record to its source-map entry (see the module documentation).

    Args:
        workspace: The workspace whose source map applies.
        dataset: The records; the ``lead`` view is read.
        attribution: ``original`` (first touch) or ``latest``.

    Returns:
        The lead table's ``record_id``, ``platform``, ``account_id``, ``lead_id``,
        ``created_at``, ``is_deleted`` and the rule columns, plus ``source_id`` (null
        when no source matches), ``campaign_id`` and ``matched_sources`` (every source
        that matches, in order), ordered by creation time and lead id.
    """
    attr = attribution_of(workspace, dataset, attribution=attribution)
    con = dataset.cursor()
    kind = RecordKind.LEAD
    with attr.joins(con) as j:
        cols = ", ".join(f"v.{ident(c)}" for c in LEAD_RULE_COLUMNS)
        table: pa.Table = con.sql(
            f"SELECT v.record_id, v.platform, v.account_id, v.lead_id, v.created_at, "
            f"v.is_deleted, {cols}, {j.expr(kind, 'source')} AS source_id, "
            f"{j.expr(kind, 'campaign')} AS campaign_id, "
            f"{j.expr(kind, 'matched')} AS matched_sources "
            f"FROM lead v {j.join(kind)} ORDER BY v.created_at, v.lead_id"
        ).to_arrow_table()
        return table


@grows_memory
def attribute_performance(workspace: Workspace, dataset: Dataset) -> pa.Table:
    """Tie every performance row to its source-map entry (see the module documentation).

    Args:
        workspace: The workspace whose source map applies.
        dataset: The records; the ``performance`` view is read.

    Returns:
        The performance table with ``source_id``, ``ws_campaign_id`` (the workspace
        campaign that claims the row) and ``matched_sources`` added.
    """
    attr = attribution_of(workspace, dataset)
    con = dataset.cursor()
    kind = RecordKind.PERFORMANCE
    with attr.joins(con) as j:
        table: pa.Table = con.sql(
            f"SELECT v.*, {j.expr(kind, 'source')} AS source_id, "
            f"{j.expr(kind, 'campaign')} AS ws_campaign_id, "
            f"{j.expr(kind, 'matched')} AS matched_sources FROM performance v {j.join(kind)}"
        ).to_arrow_table()
        return table
