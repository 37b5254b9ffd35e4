"""Budget: the contract's planned media budget against actual spend, month by month.

For one month, by channel (or by source, or by campaign): the planned budget (the
contract's ``media_budget`` for channels, the source's or campaign's monthly budget),
the media spend so far, the burn rate (spend per elapsed day and share of the budget
used), the projected month-end spend (linear), and a flag:

* ``over`` — projected spend above the plan by more than the tolerance (10% by default);
* ``under`` — projected spend below the plan by more than the tolerance;
* ``on_budget`` — within the tolerance either way;
* ``unbudgeted`` — spend where no budget is planned.

The management fee is computed from the month's media spend (by the one rule of
:mod:`partnerkit.analysis.cost`) and reported apart from it, like the partner's
retainer: media spend is never mixed with fees. Spend that no source-map entry matches
is shown line by line (platform, account, campaign), never dropped; the lines always
add up to the month's total media spend.

Spend is the model's media spend measure (``sum(performance.spend)``, the numerator of
the built-in CPL), aggregated in DuckDB; money in other currencies is converted with
the rates the caller supplies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from partnerkit.analysis._args import AsOf, as_of_day, choice
from partnerkit.analysis._data import Dataset, Result, grows_memory
from partnerkit.analysis._engine import Engine, ExchangeRates, Leaf, RatesLike
from partnerkit.analysis._grain import summable_rows
from partnerkit.analysis._tables import fields_table, schema_of, the_one
from partnerkit.analysis._tables import six as _q
from partnerkit.analysis.attribution import UNATTRIBUTED
from partnerkit.analysis.cost import in_workspace_currency, management_fee, partner_fee
from partnerkit.analysis.periods import Window, today_in, window_sql
from partnerkit.model import BUILTIN_KPIS, Channel, Measure, Workspace
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BudgetFlag",
    "BudgetLine",
    "BudgetReport",
    "UnmatchedSpend",
    "budget_report",
    "budget_reports",
]

BudgetFlag = Literal["over", "under", "on_budget", "unbudgeted"]
"""How a line's projected spend stands against its plan."""

_SPEND: Measure = BUILTIN_KPIS["cpl"].numerator  # type: ignore[assignment]


@dataclass(frozen=True)
class BudgetLine:
    """One channel, source or campaign in the month.

    Attributes:
        key: The channel, source id or campaign id (``None`` for spend nothing matches).
        label: How to show it.
        planned: The month's planned budget (``None`` when none is planned).
        spend: Media spend to date.
        records: Performance rows counted.
        by_platform: Spend by platform.
        burn_rate: Spend per elapsed day.
        used_pct: Spend as a share of the plan, in percent.
        projected: Spend projected linearly to the month's end.
        projected_pct: Projected spend as a share of the plan, in percent.
        flag: ``over``, ``under``, ``on_budget`` or ``unbudgeted`` (``None``: no plan
            and no spend).
        note: A remark (e.g. a campaign with only a total budget).
    """

    key: str | None
    label: str
    planned: Decimal | None
    spend: Decimal
    records: int
    by_platform: Mapping[str, Decimal]
    burn_rate: Decimal | None
    used_pct: Decimal | None
    projected: Decimal | None
    projected_pct: Decimal | None
    flag: BudgetFlag | None
    note: str | None = None


@dataclass(frozen=True)
class UnmatchedSpend:
    """Spend no source-map entry matches, by platform, account and campaign.

    Attributes:
        platform: The platform.
        account_id: The ad account.
        campaign_id: The campaign id (``None`` for account-level rows).
        campaign_name: The campaign's name, as the platform shows it.
        spend: Spend in the month to date (workspace currency).
        records: Rows counted.
    """

    platform: str
    account_id: str
    campaign_id: str | None
    campaign_name: str | None
    spend: Decimal
    records: int


@dataclass(frozen=True)
class BudgetReport(Result):
    """Planned against actual media spend for one month, with the partner's fees apart.

    Attributes:
        month: The month.
        as_of: The last day counted.
        days_elapsed: Days counted.
        by: ``channel``, ``source`` or ``campaign``.
        currency: The workspace currency (every amount is in it).
        lines: One line per channel, source or campaign.
        media_spend: Media spend to date, all lines together.
        planned: The month's planned media budget (the contract's channels).
        projected_media: Media spend projected to the month's end.
        management_fee: The management fee on the media spend to date.
        projected_management_fee: The fee on the projected media spend.
        management_fee_basis: How the fee is computed, in words.
        partner_fee: The month's retainer (or bank of hours), apart from media.
        unmatched: Spend no source-map entry matches, line by line.
        tolerance: The over / under band, in percent of the plan.
    """

    month: Window
    as_of: dt.date
    days_elapsed: int
    by: str
    currency: str
    lines: tuple[BudgetLine, ...]
    media_spend: Decimal
    planned: Decimal | None
    projected_media: Decimal | None
    management_fee: Decimal | None
    projected_management_fee: Decimal | None
    management_fee_basis: str | None
    partner_fee: Decimal | None
    unmatched: tuple[UnmatchedSpend, ...] = field(default_factory=tuple)
    tolerance: Decimal = Decimal(10)

    @property
    def title(self) -> str:  # type: ignore[override]
        """The display title."""
        return f"Budget by {self.by} — {self.month} as of {self.as_of}"

    def __iter__(self) -> Iterator[BudgetLine]:
        return iter(self.lines)

    def line(self, key: str | None) -> BudgetLine:
        """The line of a channel, source or campaign (``None``: the unmatched spend).

        Raises:
            KeyError: There is none.
        """
        return the_one(self.lines, lambda line: line.key == key, f"no budget line {key!r}")

    def to_arrow(self) -> pa.Table:
        """One row per line, then the media total and the fees as their own rows."""
        import pyarrow as pa

        rows: list[dict[str, Any]] = [
            {
                "kind": "media",
                "key": line.key,
                "label": line.label,
                "planned": _q(line.planned),
                "spend": _q(line.spend),
                "burn_rate": _q(line.burn_rate),
                "used_pct": _q(line.used_pct),
                "projected": _q(line.projected),
                "projected_pct": _q(line.projected_pct),
                "flag": line.flag,
                "note": line.note,
            }
            for line in self.lines
        ]
        rows.append(
            _total(
                "media total", "media total", self.planned, self.media_spend, self.projected_media
            )
        )
        if self.management_fee is not None:
            rows.append(
                {
                    **_total(
                        "fee",
                        "management fee",
                        None,
                        self.management_fee,
                        self.projected_management_fee,
                    ),
                    "note": self.management_fee_basis,
                }
            )
        if self.partner_fee is not None:
            rows.append(_total("fee", "partner fee", None, self.partner_fee, self.partner_fee))
        money = pa.decimal128(38, 6)
        schema = schema_of(
            *[("kind", pa.string()), ("key", pa.string()), ("label", pa.string())]
            + [
                (n, money)
                for n in ("planned", "spend", "burn_rate", "used_pct", "projected", "projected_pct")
            ]
            + [("flag", pa.string()), ("note", pa.string())]
        )
        return pa.Table.from_pylist(rows, schema=schema)

    def unmatched_table(self) -> pa.Table:
        """The spend no source-map entry matches."""
        return fields_table(UnmatchedSpend, self.unmatched)


def _total(
    kind: str, label: str, planned: Decimal | None, spend: Decimal, projected: Decimal | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "key": None,
        "label": label,
        "planned": _q(planned),
        "spend": _q(spend),
        "burn_rate": None,
        "used_pct": None,
        "projected": _q(projected),
        "projected_pct": None,
        "flag": None,
        "note": None,
    }


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * 100


def _flag(
    planned: Decimal | None, spend: Decimal, projected: Decimal | None, tolerance: Decimal
) -> BudgetFlag | None:
    if planned is None:
        return "unbudgeted" if spend != 0 else None
    if projected is None:
        return None
    band = planned * tolerance / 100
    if projected > planned + band:
        return "over"
    if projected < planned - band:
        return "under"
    return "on_budget"


class _Plans:
    """The planned budget of each line, in the workspace currency."""

    def __init__(self, ws: Workspace, rates: ExchangeRates, month: str) -> None:
        self.ws, self.rates, self.month = ws, rates, month

    def channel(self, channel: str | None) -> tuple[Decimal | None, str | None]:
        contract = self.ws.contract
        if contract is None or channel is None:
            return None, None
        for budget in contract.media_budget:
            if budget.channel.value == channel:
                amount = budget.for_month(self.month)
                what = f"contract.media_budget[{channel}]"
                return in_workspace_currency(
                    amount, budget.currency, self.ws, self.rates, what
                ), None
        return None, None

    def source(self, source_id: str | None) -> tuple[Decimal | None, str | None]:
        if source_id is None:
            return None, None
        budget = self.ws.source(source_id).budget
        return self._budget(budget, f"sources[{source_id}].budget")

    def campaign(self, campaign_id: str | None) -> tuple[Decimal | None, str | None]:
        if campaign_id is None:
            return None, None
        budget = self.ws.campaign(campaign_id).budget
        return self._budget(budget, f"campaigns[{campaign_id}].budget")

    def _budget(self, budget: Any, what: str) -> tuple[Decimal | None, str | None]:
        if budget is None:
            return None, None
        if budget.monthly is None:
            total = in_workspace_currency(budget.total, budget.currency, self.ws, self.rates, what)
            return None, f"a total budget of {total:,.2f} {self.ws.currency}, no monthly budget"
        amount = in_workspace_currency(budget.monthly, budget.currency, self.ws, self.rates, what)
        return amount, None


def _label(ws: Workspace, by: str, key: str | None) -> str:
    if key is None:
        return UNATTRIBUTED if by != "channel" else "(no channel)"
    if by == "source":
        return ws.source(key).name
    if by == "campaign":
        return ws.campaign(key).name
    return key


def _keys(ws: Workspace, by: str, seen: list[str | None]) -> list[str | None]:
    if by == "channel":
        budgets = ws.contract.media_budget if ws.contract else []
        known: list[str | None] = [b.channel.value for b in budgets]
    elif by == "source":
        known = [s.id for s in ws.sources if s.budget is not None]
    else:
        known = [c.id for c in ws.campaigns if c.budget is not None]
    order = {
        "channel": [c.value for c in Channel],
        "source": [s.id for s in ws.sources],
        "campaign": [c.id for c in ws.campaigns],
    }[by]
    rest = sorted(
        (k for k in seen if k is not None and k not in known),
        key=lambda k: (order.index(k) if k in order else len(order), k),
    )
    return [*known, *rest, *([None] if None in seen else [])]


def _unmatched(engine: Engine, window: Window) -> list[UnmatchedSpend]:
    attr = engine.joins
    kind = RecordKind.PERFORMANCE
    in_month = window_sql('v."date"', window, engine.tz, timestamp=False)
    source = attr.expr(kind, "source")
    query = (
        f'SELECT v."platform", v."account_id", v."campaign_id", any_value(v."campaign_name"), '
        f'v."currency", sum(v."spend"), count(*) '
        f"FROM {summable_rows(engine.data)} v {attr.join(kind)} "
        f'WHERE {in_month} AND {source} IS NULL AND v."spend" IS NOT NULL '
        f"GROUP BY ALL ORDER BY 1, 2, 3"
    )
    merged: dict[tuple[str, str, str | None], list[Any]] = {}
    leaf = Leaf.of(_SPEND)
    for platform, account, campaign, name, currency, spend, records in engine.con.sql(
        query
    ).fetchall():
        amount = engine.convert(leaf, {currency: spend})
        key = (platform, account, campaign)
        if key in merged:
            merged[key][1] += amount
            merged[key][2] += records
        else:
            merged[key] = [name, amount, records]
    return [
        UnmatchedSpend(p, a, c, name, amount, records)
        for (p, a, c), (name, amount, records) in merged.items()
    ]


@grows_memory
def budget_report(
    workspace: Workspace,
    dataset: Dataset,
    month: str | dt.date,
    *,
    by: Literal["channel", "source", "campaign"] = "channel",
    as_of: AsOf | None = None,
    tolerance: Decimal | int = 10,
    rates: RatesLike | None = None,
) -> BudgetReport:
    """Compare planned media budget with actual spend for one month.

    Args:
        workspace: The engagement (contract budgets, fees, source map).
        dataset: The records (performance rows give the spend).
        month: The month, ``"2026-10"`` or any day in it.
        by: ``channel`` (the contract's media budget), ``source`` or ``campaign``
            (their monthly budgets).
        as_of: The last day counted (default: the month's end, or yesterday in the
            workspace's zone when that is earlier); a date or an aware datetime (its
            day in the workspace's time zone).
        tolerance: The over / under band, in percent of the plan.
        rates: Exchange rates for spend or budgets in other currencies.

    Returns:
        The report: a line per channel, source or campaign, the media total, the
        management fee and partner fee apart, and the unmatched spend.

    Raises:
        CurrencyError: Spend or a budget in another currency and no rate for it.
    """
    choice("by", by, ("channel", "source", "campaign"))
    found = budget_reports(
        workspace, dataset, month, by=(by,), as_of=as_of, tolerance=tolerance, rates=rates
    )
    return found[0]


@grows_memory
def budget_reports(
    workspace: Workspace,
    dataset: Dataset,
    month: str | dt.date,
    *,
    by: Sequence[Literal["channel", "source", "campaign"]],
    as_of: AsOf | None = None,
    tolerance: Decimal | int = 10,
    rates: RatesLike | None = None,
) -> tuple[BudgetReport, ...]:
    """:func:`budget_report` for several breakdowns at once, one per ``by``, in order.

    Each report is the one :func:`budget_report` returns; they share one engine (and
    its queries where they are the same) and one query for the unmatched spend.
    """
    for one in by:
        choice("by", one, ("channel", "source", "campaign"))
    as_of = None if as_of is None else as_of_day(as_of, workspace.timezone)
    window = Window.month(month)
    tol = Decimal(tolerance)
    cutoff = (
        as_of
        if as_of is not None
        else min(window.end, today_in(workspace.timezone) - dt.timedelta(days=1))
    )
    the_rates = ExchangeRates.of(rates)
    plans = _Plans(workspace, the_rates, window.months()[0])
    elapsed = window.through(cutoff) if cutoff >= window.start else None
    days = elapsed.days if elapsed else 0
    factor = Decimal(window.days) / Decimal(days) if days else None
    reports = []
    with Engine(workspace, dataset, rates=the_rates) as engine:
        unmatched = _unmatched(engine, elapsed) if elapsed is not None else []
        for one in by:
            lines = _lines(engine, workspace, plans, one, elapsed, days, factor, tol)
            reports.append(
                _report(workspace, the_rates, plans, window, cutoff, days, one, lines, factor)
            )
    return tuple(replace(r, unmatched=tuple(unmatched), tolerance=tol) for r in reports)


def _lines(
    engine: Engine,
    workspace: Workspace,
    plans: _Plans,
    by: Literal["channel", "source", "campaign"],
    elapsed: Window | None,
    days: int,
    factor: Decimal | None,
    tol: Decimal,
) -> list[BudgetLine]:
    """One budget line per channel, source or campaign."""
    leaf = Leaf.of(_SPEND)
    if elapsed is not None:
        aggs = engine.aggregate([_SPEND], [elapsed], by=by)
        seen = aggs.groups()
    else:
        aggs, seen = None, []
    lines = []
    for key in _keys(workspace, by, seen):
        got = aggs.leaf(leaf, 0, key) if aggs is not None else None
        spend = got.value if got is not None and got.value is not None else Decimal(0)
        planned, note = getattr(plans, by)(key)
        projected = None if factor is None else (spend * factor if spend else Decimal(0))
        lines.append(
            BudgetLine(
                key=key,
                label=_label(workspace, by, key),
                planned=planned,
                spend=spend,
                records=got.records if got is not None else 0,
                by_platform=got.by_platform if got is not None else {},
                burn_rate=spend / days if days else None,
                used_pct=_pct(spend, planned),
                projected=projected,
                projected_pct=_pct(projected, planned),
                flag=_flag(planned, spend, projected, tol),
                note=note,
            )
        )
    return lines


def _report(
    workspace: Workspace,
    the_rates: ExchangeRates,
    plans: _Plans,
    window: Window,
    cutoff: dt.date,
    days: int,
    by: str,
    lines: list[BudgetLine],
    factor: Decimal | None,
) -> BudgetReport:
    """The report around its lines: media total, plan and fees (the caller adds the rest)."""
    media = sum((line.spend for line in lines), Decimal(0))
    projected_media = media * factor if factor is not None else None
    contract = workspace.contract
    planned_total = None
    if contract is not None and contract.media_budget:
        planned_total = sum(
            (plans.channel(b.channel.value)[0] or Decimal(0) for b in contract.media_budget),
            Decimal(0),
        )
    fee = projected_fee = basis = None
    if contract is not None and contract.management_fee is not None:
        fee, projected_fee, basis = management_fee(
            contract.management_fee, workspace, the_rates, media, projected_media
        )
    the_partner_fee = partner_fee(workspace, the_rates)
    return BudgetReport(
        month=window,
        as_of=cutoff,
        days_elapsed=days,
        by=by,
        currency=workspace.currency,
        lines=tuple(lines),
        media_spend=media,
        planned=planned_total,
        projected_media=projected_media,
        management_fee=fee,
        projected_management_fee=projected_fee,
        management_fee_basis=basis,
        partner_fee=the_partner_fee,
        unmatched=(),
        tolerance=Decimal(0),
    )
