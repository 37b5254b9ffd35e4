"""Rows that split the month: conversions by action, search terms, audiences and placements.

The month's figures add the performance rows of the standard grain only (see
:mod:`partnerkit.analysis._grain` and the record dictionary). The rows a report stream
or a breakdown brings split those figures by one more dimension — a conversion action,
a search term, an age, a placement — and answer the questions the report asks about
the split. Each analysis here reads them through the one rule for a split
(:func:`~partnerkit.analysis._grain.split_performance`: one level and one set of
segment names per platform account and day) and returns codes and values; the report
words them.

* :func:`conversions_by_action` — a month's conversions per conversion action (Google
  Ads' ``conversions`` stream, segment ``conversion_action=…``), each marked a lead
  action or not. Which actions are lead actions the workspace decides in its Google
  Ads connection (``settings.lead_categories``, the conversion action categories whose
  conversions are leads); the connector writes that choice into each row's ``leads``
  (the conversions of a lead action, 0 for any other), so the lead actions'
  conversions add up to the month's platform leads, and the other actions' do not
  count.
* :func:`wasted_search_terms` — search terms (Google Ads' ``search_terms`` stream)
  that spent in the month and brought no conversion, from
  :data:`SEARCH_TERM_MIN_CLICKS` clicks (and ``min_spend``, when given).
* :func:`split_movers` — the audiences and placements whose platform leads, clicks or
  cost per platform lead moved most against the previous month (breakdown rows:
  segment ``age=…``, ``gender=…``, ``publisher_platform=…``, ``platform_position=…``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from partnerkit.analysis._data import Dataset, Result, grows_memory
from partnerkit.analysis._grain import split_performance, summable_rows
from partnerkit.analysis._sql import ident, literal
from partnerkit.analysis._tables import fields_table
from partnerkit.analysis.periods import Window, window_sql
from partnerkit.errors import ConfigurationError
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.model import Workspace

__all__ = [
    "SEARCH_TERM_MIN_CLICKS",
    "SPLIT_DIMENSIONS",
    "ActionConversions",
    "ConversionsByAction",
    "SearchTermWaste",
    "SplitMeasure",
    "SplitMover",
    "SplitMovers",
    "WastedTerm",
    "conversions_by_action",
    "split_movers",
    "wasted_search_terms",
]

SEARCH_TERM_MIN_CLICKS = 10
"""Clicks a search term needs in the month, without a conversion, to count as waste.

Fewer clicks without a conversion is what most terms look like before they convert
(a conversion rate of a few percent needs tens of clicks to show); pass
``min_clicks`` to :func:`wasted_search_terms` to change it."""

SPLIT_DIMENSIONS = ("age", "gender", "publisher_platform", "platform_position")
"""The breakdowns :func:`split_movers` reads: audiences (age, gender) and placements."""

SplitMeasure = Literal["leads", "clicks", "cost_per_lead"]
"""What moved: platform leads, clicks, or spend over platform leads."""

_HIGHER: dict[str, bool] = {"leads": True, "clicks": True, "cost_per_lead": False}


def _month(month: str) -> Window:
    try:
        return Window.month(month)
    except (ValueError, ConfigurationError) as exc:
        raise ConfigurationError(f"month must be YYYY-MM, got {month!r}") from exc


def _names(dataset: Dataset) -> list[str]:
    """The performance view's column names."""
    names: list[str] = dataset.schema(RecordKind.PERFORMANCE).names
    return names


def _extra(dataset: Dataset, name: str) -> str:
    """SQL: an ``extra.<name>`` column as text, or null when no row has it."""
    column = f"extra.{name}"
    if column in _names(dataset):
        return f"CAST(v.{ident(column)} AS VARCHAR)"
    return "CAST(NULL AS VARCHAR)"


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# ------------------------------------------------------------------ conversion actions


@dataclass(frozen=True)
class ActionConversions:
    """One conversion action's month.

    Attributes:
        platform: The platform.
        account_id: The ad account.
        action: The action (the segment's value: Google Ads' resource name).
        name: Its name, as the platform shows it (``None`` when not read).
        category: Its category, e.g. ``SUBMIT_LEAD_FORM`` (``None`` when not read).
        conversions: Its conversions in the month (may be fractional).
        leads: The conversions its rows count as leads.
        lead_action: Whether the workspace counts it as a lead action (its rows carry
            leads); ``None`` for an action without a conversion in the month.
    """

    platform: str
    account_id: str
    action: str
    name: str | None
    category: str | None
    conversions: Decimal
    leads: Decimal | None
    lead_action: bool | None


@dataclass(frozen=True)
class ConversionsByAction(Result):
    """A month's conversions per conversion action.

    Attributes:
        month: The month, ``YYYY-MM``.
        actions: One line per action and account, most conversions first.
        conversions: Every action's conversions together.
        lead_conversions: The lead actions' conversions together: the month's
            platform leads.
        leads: The month's platform leads from the standard rows of the same accounts
            (``None`` when those rows carry no leads): what ``lead_conversions`` adds
            up to.
    """

    month: str
    actions: tuple[ActionConversions, ...]
    conversions: Decimal
    lead_conversions: Decimal
    leads: Decimal | None
    title: str = "Conversions by action"

    def to_arrow(self) -> pa.Table:
        """One row per action."""
        return fields_table(ActionConversions, self.actions)


@grows_memory
def conversions_by_action(
    workspace: Workspace, dataset: Dataset, month: str
) -> ConversionsByAction:
    """A month's conversions split by conversion action (see the module documentation).

    Args:
        workspace: The workspace (its time zone is not needed: rows are days).
        dataset: The records; performance rows whose segment has ``conversion_action``.
        month: The month, ``YYYY-MM``.

    Returns:
        The actions, their conversions and which of them are lead actions.

    Raises:
        ConfigurationError: ``month`` is not ``YYYY-MM``.
    """
    window = _month(month)
    in_month = window_sql('v."date"', window, workspace.timezone, timestamp=False)
    split = split_performance("conversion_action")
    if "segment" not in _names(dataset):  # a table given by hand: nothing is split
        return ConversionsByAction(window.label, (), Decimal(0), Decimal(0), None)
    rows = dataset.sql(
        f"SELECT v.platform, v.account_id, v.split_value AS action, "
        f"max({_extra(dataset, 'conversion_action_name')}) AS name, "
        f"max({_extra(dataset, 'conversion_action_category')}) AS category, "
        f"CAST(coalesce(sum(v.conversions), 0) AS DOUBLE) AS conversions, "
        f"CAST(sum(v.leads) AS DOUBLE) AS leads "
        f"FROM {split} v WHERE {in_month} "
        f"GROUP BY ALL ORDER BY conversions DESC, platform, account_id, action"
    ).to_pylist()
    actions = tuple(
        ActionConversions(
            r["platform"],
            r["account_id"],
            r["action"],
            r["name"],
            r["category"],
            Decimal(str(r["conversions"])),
            _dec(r["leads"]),
            None if not r["conversions"] else bool(r["leads"]),
        )
        for r in rows
    )
    accounts = {(a.platform, a.account_id) for a in actions}
    leads: Decimal | None = None
    if accounts:
        pairs = " OR ".join(
            f"(v.platform = {literal(p)} AND v.account_id = {literal(a)})"
            for p, a in sorted(accounts)
        )
        standard = summable_rows(dataset)
        total = dataset.sql(
            f"SELECT CAST(sum(v.leads) AS DOUBLE) AS leads FROM {standard} v "
            f"WHERE {in_month} AND ({pairs})"
        ).to_pylist()[0]["leads"]
        leads = _dec(total)
    return ConversionsByAction(
        month=window.label,
        actions=actions,
        conversions=sum((a.conversions for a in actions), Decimal(0)),
        lead_conversions=sum((a.conversions for a in actions if a.lead_action), Decimal(0)),
        leads=leads,
    )


# ------------------------------------------------------------------ search terms


@dataclass(frozen=True)
class WastedTerm:
    """A search term that spent in the month and brought no conversion.

    Attributes:
        platform: The platform.
        account_id: The ad account.
        campaign_id: The campaign it spent in.
        campaign_name: The campaign's name.
        term: What people searched for.
        spend: Its spend in the month, in ``currency``.
        currency: The account's currency.
        clicks: Its clicks in the month.
        conversions: Its conversions: 0.
    """

    platform: str
    account_id: str
    campaign_id: str | None
    campaign_name: str | None
    term: str
    spend: Decimal
    currency: str | None
    clicks: int
    conversions: Decimal


@dataclass(frozen=True)
class SearchTermWaste(Result):
    """The month's search terms with spend and no conversion.

    Attributes:
        month: The month, ``YYYY-MM``.
        min_clicks: The clicks a term needed to be listed.
        min_spend: The spend a term needed to be listed (``None``: any above 0).
        terms: The terms, most spend first.
    """

    money_columns: ClassVar[tuple[str, ...]] = ("spend",)
    month: str
    min_clicks: int
    min_spend: Decimal | None
    terms: tuple[WastedTerm, ...]
    title: str = "Search terms without conversions"

    def to_arrow(self) -> pa.Table:
        """One row per term and campaign."""
        return fields_table(WastedTerm, self.terms)


@grows_memory
def wasted_search_terms(
    workspace: Workspace,
    dataset: Dataset,
    month: str,
    *,
    min_clicks: int = SEARCH_TERM_MIN_CLICKS,
    min_spend: Decimal | int | None = None,
) -> SearchTermWaste:
    """Search terms with spend and no conversion in the month (see the module documentation).

    A term is listed per campaign when its month has spend above 0, conversions
    reported and all 0, at least ``min_clicks`` clicks and, with ``min_spend``, at
    least that spend (in the account's currency). A term whose conversions are not
    reported (null) is not listed: no data is not 0.

    Args:
        workspace: The workspace.
        dataset: The records; performance rows whose segment has ``search_term``.
        month: The month, ``YYYY-MM``.
        min_clicks: Clicks a term needs (default :data:`SEARCH_TERM_MIN_CLICKS`).
        min_spend: Spend a term needs, in its account's currency.

    Returns:
        The terms, most spend first.

    Raises:
        ConfigurationError: ``month`` is not ``YYYY-MM``, or a threshold is negative.
    """
    if min_clicks < 0 or (min_spend is not None and min_spend < 0):
        raise ConfigurationError("min_clicks and min_spend must be 0 or more")
    window = _month(month)
    floor = Decimal(min_spend) if min_spend is not None else None
    in_month = window_sql('v."date"', window, workspace.timezone, timestamp=False)
    spend_floor = f" AND sum(v.spend) >= {literal(floor)}" if floor is not None else ""
    split = split_performance("search_term")
    if "segment" not in _names(dataset):
        return SearchTermWaste(window.label, int(min_clicks), floor, ())
    rows = dataset.sql(
        f"SELECT v.platform, v.account_id, v.campaign_id, max(v.campaign_name) AS campaign_name, "
        f"v.split_value AS term, sum(v.spend) AS spend, v.currency, "
        f"CAST(coalesce(sum(v.clicks), 0) AS BIGINT) AS clicks "
        f"FROM {split} v WHERE {in_month} GROUP BY ALL "
        f"HAVING sum(v.spend) > 0 AND count(v.conversions) > 0 AND sum(v.conversions) = 0 "
        f"AND coalesce(sum(v.clicks), 0) >= {int(min_clicks)}{spend_floor} "
        f"ORDER BY spend DESC, clicks DESC, term, campaign_id"
    ).to_pylist()
    terms = tuple(
        WastedTerm(
            r["platform"],
            r["account_id"],
            r["campaign_id"],
            r["campaign_name"],
            r["term"],
            Decimal(r["spend"]),
            r["currency"],
            int(r["clicks"]),
            Decimal(0),
        )
        for r in rows
    )
    return SearchTermWaste(window.label, int(min_clicks), floor, terms)


# ------------------------------------------------------------------ audiences, placements


@dataclass(frozen=True)
class SplitMover:
    """One audience or placement whose month moved against the previous month.

    Attributes:
        platform: The platform.
        dimension: The breakdown: ``age``, ``gender``, ``publisher_platform``,
            ``platform_position``.
        value: The audience or placement, as the platform names it (``25-34``,
            ``female``, ``instagram``, ``feed``).
        measure: What moved (:data:`SplitMeasure`).
        current: The month's figure.
        previous: The previous month's figure.
        change: ``(current − previous) / previous × 100``.
        improved: Whether the move is for the better (more leads or clicks, a lower
            cost per lead).
        currency: The currency of a cost per lead (``None`` for counts).
    """

    platform: str
    dimension: str
    value: str
    measure: SplitMeasure
    current: Decimal
    previous: Decimal
    change: Decimal
    improved: bool
    currency: str | None


@dataclass(frozen=True)
class SplitMovers(Result):
    """The audiences and placements that moved most, largest relative change first.

    Attributes:
        month: The month, ``YYYY-MM``.
        previous_month: The month compared with.
        movers: The moves; a measure with a previous figure of 0, or not computable in
            either month (no platform lead: no cost per lead), is not a move.
    """

    month: str
    previous_month: str
    movers: tuple[SplitMover, ...]
    title: str = "Audiences and placements that moved"

    def to_arrow(self) -> pa.Table:
        """One row per move."""
        return fields_table(SplitMover, self.movers)


@grows_memory
def split_movers(
    workspace: Workspace,
    dataset: Dataset,
    month: str,
    *,
    dimensions: Sequence[str] = SPLIT_DIMENSIONS,
) -> SplitMovers:
    """Audiences and placements whose month moved most (see the module documentation).

    For each platform, breakdown value and currency: platform leads, clicks and spend
    over platform leads, this month and the previous one, from the breakdown rows
    (each value counted once per account and day, :func:`split_performance`).

    Args:
        workspace: The workspace.
        dataset: The records; performance rows whose segment has a ``dimensions`` name.
        month: The month, ``YYYY-MM``.
        dimensions: The breakdowns to read (default :data:`SPLIT_DIMENSIONS`).

    Returns:
        The moves, largest relative change first.

    Raises:
        ConfigurationError: ``month`` is not ``YYYY-MM``.
    """
    window = _month(month)
    before = window.previous()
    tz = workspace.timezone
    now = window_sql('v."date"', window, tz, timestamp=False)
    then = window_sql('v."date"', before, tz, timestamp=False)
    found: list[SplitMover] = []
    for dimension in dimensions if "segment" in _names(dataset) else ():
        split = split_performance(dimension)
        rows = dataset.sql(
            f"SELECT v.platform, v.split_value AS value, v.currency, "
            f"sum(v.leads) FILTER (WHERE {now}) AS leads_now, "
            f"sum(v.leads) FILTER (WHERE {then}) AS leads_then, "
            f"sum(v.clicks) FILTER (WHERE {now}) AS clicks_now, "
            f"sum(v.clicks) FILTER (WHERE {then}) AS clicks_then, "
            f"sum(v.spend) FILTER (WHERE {now}) AS spend_now, "
            f"sum(v.spend) FILTER (WHERE {then}) AS spend_then "
            f"FROM {split} v WHERE {now} OR {then} "
            f"GROUP BY ALL ORDER BY 1, 2, 3"
        ).to_pylist()
        for r in rows:
            figures: dict[str, tuple[Decimal | None, Decimal | None]] = {
                "leads": (_dec(r["leads_now"]), _dec(r["leads_then"])),
                "clicks": (_dec(r["clicks_now"]), _dec(r["clicks_then"])),
                "cost_per_lead": (
                    _per(_dec(r["spend_now"]), _dec(r["leads_now"])),
                    _per(_dec(r["spend_then"]), _dec(r["leads_then"])),
                ),
            }
            for measure, (current, previous) in figures.items():
                if current is None or previous is None or previous == 0 or current == previous:
                    continue
                found.append(
                    SplitMover(
                        r["platform"],
                        dimension,
                        r["value"],
                        measure,  # type: ignore[arg-type]
                        current,
                        previous,
                        (current - previous) / abs(previous) * 100,
                        (current > previous) == _HIGHER[measure],
                        r["currency"] if measure == "cost_per_lead" else None,
                    )
                )
    found.sort(key=lambda m: (-abs(m.change), m.platform, m.dimension, m.value, m.measure))
    return SplitMovers(window.label, before.label, tuple(found))


def _per(amount: Decimal | None, count: Decimal | None) -> Decimal | None:
    """Spend over platform leads; ``None`` without spend or without a lead."""
    if amount is None or not count:
        return None
    return amount / count
