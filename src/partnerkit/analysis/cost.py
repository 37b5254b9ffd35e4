"""The cost of the partnership, month by month: media spend plus the partner's fees.

The contract's fee schedule, each fee a line with its code, its amount and the values
it was worked out from:

* ``retainer`` — the monthly fee of ``pricing: {kind: retainer}``;
* ``management_fee`` — ``contract.management_fee``: a fixed amount, or a percentage of
  the month's media spend (at least ``minimum_monthly``);
* ``bank_of_hours`` — the price of the bank (``hours × hourly_rate``), in the first
  month of its period (every month, the first month of each quarter, or the contract's
  first month);
* ``overage`` — hours used beyond a monthly bank, at ``overage_rate`` (the hourly rate
  when left out), or beyond a retainer's ``hours_included`` at its ``overage_rate``;
  hours used come from the time records (:mod:`partnerkit.analysis.hours`), or from
  ``hours_used`` when the caller gives them;
* ``project`` — a per-project price, in the month the project is due;
* ``performance_fee`` — an amount per lead (the ``leads`` KPI's measure) or per sale
  (the ``customers`` KPI's measure) of the month;
* ``bonus`` — a fixed amount for a month in which its target is on track on the
  month's full value.

*Total cost* is media spend plus the fees. The cost per lead, the customer acquisition
cost and the return on investment are computed twice through the KPI machinery: on
media spend (``cpl``, ``cac``, ``roi``) and on total cost (``cpl_total_cost``,
``cac_total_cost``, ``roi_total_cost``, see :data:`~partnerkit.model.TOTAL_COST_KPIS`),
where the media-spend measure is valued at the month's total cost. Pipeline (deals
created in the month) and revenue (deals won) per unit of fees complete the picture.

This module is the one home of every fee rule: the budget report takes its management
fee and partner fee from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from partnerkit.analysis._args import AsOf, as_of_day
from partnerkit.analysis._data import Dataset, Result, grows_memory
from partnerkit.analysis._engine import Engine, ExchangeRates, Leaf, LeafValue, RatesLike
from partnerkit.analysis._engine import kpi_value as _kpi_value
from partnerkit.analysis._recorded import recorded_hours
from partnerkit.analysis._tables import schema_of, the_one
from partnerkit.analysis._tables import six as _q
from partnerkit.analysis.periods import Window, today_in
from partnerkit.errors import CurrencyError
from partnerkit.model import BUILTIN_KPIS, KPI, TOTAL_COST_KPIS, Measure, TargetStatus, Workspace
from partnerkit.model.contract import (
    BankOfHoursPricing,
    ManagementFee,
    ProjectPricing,
    RetainerPricing,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "CostKPI",
    "FeeCode",
    "FeeLine",
    "PartnershipCost",
    "hours_beyond",
    "in_workspace_currency",
    "management_fee",
    "overage_line",
    "partner_fee",
    "partnership_cost",
]

FeeCode = Literal[
    "retainer",
    "management_fee",
    "bank_of_hours",
    "overage",
    "project",
    "performance_fee",
    "bonus",
]
"""What a fee line is."""

_SPEND: Measure = BUILTIN_KPIS["cpl"].numerator  # type: ignore[assignment]
_LEADS: Measure = BUILTIN_KPIS["leads"].measure  # type: ignore[assignment]
_SALES: Measure = BUILTIN_KPIS["customers"].measure  # type: ignore[assignment]
_REVENUE: Measure = BUILTIN_KPIS["revenue"].measure  # type: ignore[assignment]
_PIPELINE = Measure.model_validate(
    {"sum": "deal.amount", "where": ["is_deleted != true"], "at": "created_at"}
)
_ON_MEDIA = ("cpl", "cac", "roi")


# ==================================================================== the rules


def in_workspace_currency(
    amount: Decimal, currency: str | None, ws: Workspace, rates: ExchangeRates, what: str
) -> Decimal:
    """An amount of the contract in the workspace currency.

    Args:
        amount: The amount.
        currency: Its currency (``None``: the workspace's).
        ws: The workspace.
        rates: Exchange rates.
        what: Where the amount is written, for the error.

    Raises:
        CurrencyError: Another currency and no rate for it.
    """
    if currency is None or currency == ws.currency:
        return amount
    rate = rates.rate(currency)
    if rate is None:
        raise CurrencyError(what, [currency], ws.currency)
    return amount * rate


def management_fee(
    mf: ManagementFee,
    ws: Workspace,
    rates: ExchangeRates,
    media: Decimal,
    projected: Decimal | None = None,
) -> tuple[Decimal, Decimal | None, str]:
    """The management fee on a month's media spend (the one home of the rule).

    Args:
        mf: The contract's management fee.
        ws: The workspace (its currency).
        rates: Exchange rates, for a fee in another currency.
        media: The month's media spend (workspace currency).
        projected: The month's projected media spend, if any.

    Returns:
        The fee on ``media``, the fee on ``projected`` (``None`` without it), and how
        the fee is computed, in words.

    Raises:
        CurrencyError: The fee is in another currency and there is no rate for it.
    """
    rate = in_workspace_currency(Decimal(1), mf.currency, ws, rates, "contract.management_fee")
    if mf.monthly is not None:
        fee = mf.monthly * rate
        return fee, fee, f"a fixed {fee:,.2f} {ws.currency} a month"
    assert mf.percent_of_spend is not None
    minimum = (
        f", at least {mf.minimum_monthly * rate:,.2f} {ws.currency} a month"
        if mf.minimum_monthly is not None
        else ""
    )
    basis = f"{mf.percent_of_spend.normalize():f}% of media spend{minimum}"
    on_projected = mf.fee_for(projected / rate) * rate if projected is not None else None
    return mf.fee_for(media / rate) * rate, on_projected, basis


def partner_fee(ws: Workspace, rates: ExchangeRates) -> Decimal | None:
    """The partner's fixed monthly fee: the retainer, or a monthly bank of hours.

    Returns:
        The fee in the workspace currency; ``None`` without a contract, or for a
        per-project price or a bank that refills by quarter or contract.
    """
    if ws.contract is None:
        return None
    pricing = ws.contract.pricing
    if isinstance(pricing, RetainerPricing):
        return in_workspace_currency(
            pricing.monthly_fee, pricing.currency, ws, rates, "contract.pricing"
        )
    if isinstance(pricing, BankOfHoursPricing) and pricing.per == "month":
        return in_workspace_currency(
            pricing.fee_per_period, pricing.currency, ws, rates, "contract.pricing"
        )
    return None


def hours_beyond(used: Decimal, bank: Decimal) -> Decimal:
    """Hours used beyond a bank: ``max(used − bank, 0)`` (the overage hours)."""
    return max(used - bank, Decimal(0))


def overage_line(ws: Workspace, rates: ExchangeRates, used: Decimal | None) -> FeeLine | None:
    """The month's ``overage`` fee line: hours beyond the bank at the overage rate.

    The one home of the overage rule: ``max(hours used − bank, 0) × overage rate``,
    for a monthly bank of hours (the rate: ``overage_rate``, else ``hourly_rate``) or
    a retainer with ``hours_included`` and an ``overage_rate``.

    Args:
        ws: The workspace (its contract's pricing).
        rates: Exchange rates, for a price in another currency.
        used: The month's hours used; ``None`` when not known (the line then has no
            amount and the status ``hours_used_missing``).

    Returns:
        The line; ``None`` when the pricing has no overage (no contract, per project,
        a bank by quarter or contract, a retainer without an overage rate).

    Raises:
        CurrencyError: The price is in another currency and there is no rate for it.
    """
    pricing = None if ws.contract is None else ws.contract.pricing
    if isinstance(pricing, BankOfHoursPricing) and pricing.per == "month":
        bank, rate = pricing.hours, pricing.overage_rate or pricing.hourly_rate
    elif isinstance(pricing, RetainerPricing) and pricing.overage_rate is not None:
        assert pricing.hours_included is not None  # the model requires it with a rate
        bank, rate = pricing.hours_included, pricing.overage_rate
    else:
        return None
    over_rate = in_workspace_currency(rate, pricing.currency, ws, rates, "contract.pricing")
    if used is None:
        return FeeLine(
            "overage",
            None,
            {"hours": bank, "overage_rate": over_rate},
            status="hours_used_missing",
        )
    over = hours_beyond(used, bank)
    return FeeLine(
        "overage",
        over * over_rate,
        {"hours": bank, "hours_used": used, "overage_hours": over, "overage_rate": over_rate},
    )


# ==================================================================== results


@dataclass(frozen=True)
class FeeLine:
    """One fee of the month.

    Attributes:
        code: What the fee is (:data:`FeeCode`).
        amount: The fee in the workspace currency; ``None`` when it cannot be worked
            out (see ``status``).
        basis: The values it was worked out from, by name (``percent``,
            ``media_spend``, ``hours``, ``hours_used``, ``rate``, ``count``, ``per``,
            ``target``, ``actual`` …).
        ref: The id of the fee, project or bonus, when it has one.
        status: For a bonus ``earned``, ``not_earned`` or ``pending`` (the month is
            not over, or its target is not computable); for a line without an amount,
            why: ``hours_used_missing``, ``no_rows``.
    """

    code: FeeCode
    amount: Decimal | None
    basis: Mapping[str, Decimal] = field(default_factory=dict)
    ref: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class CostKPI:
    """A KPI of the month on media spend or on total cost.

    Attributes:
        kpi: Its id (``cpl`` or ``cpl_total_cost``, …).
        name: Its display name.
        on: ``media`` or ``total_cost``: what the cost in its formula is.
        value: The value; ``None`` when not computable.
        reason: Why not, as a code: ``no_rows``, ``missing_values``,
            ``zero_denominator``, ``fees_not_computable``, ``period_not_started``.
    """

    kpi: str
    name: str
    on: Literal["media", "total_cost"]
    value: Decimal | None
    reason: str | None = None


@dataclass(frozen=True)
class PartnershipCost(Result):
    """What the partnership cost in a month: media spend, the fees by line, the total.

    Attributes:
        month: The month.
        as_of: The last day counted.
        currency: The workspace currency (every amount is in it).
        lines: The fee lines, in the order of the module's list.
        media_spend: Media spend to date.
        fees: The fees together; ``None`` when a line has no amount.
        total_cost: Media spend plus fees; ``None`` when the fees are not computable.
        kpis: ``cpl``, ``cac``, ``roi`` on media, then the same on total cost.
        pipeline: Amount of the deals created in the month (``None``: no deal record
            has a ``created_at`` in the month).
        revenue: Amount of the deals won in the month.
        pipeline_per_fee: Pipeline per unit of fees (``None``: no fees, or not computable).
        revenue_per_fee: Revenue per unit of fees.
    """

    month: Window
    as_of: dt.date
    currency: str
    lines: tuple[FeeLine, ...]
    media_spend: Decimal
    fees: Decimal | None
    total_cost: Decimal | None
    kpis: tuple[CostKPI, ...] = ()
    pipeline: Decimal | None = None
    revenue: Decimal | None = None
    pipeline_per_fee: Decimal | None = None
    revenue_per_fee: Decimal | None = None

    @property
    def title(self) -> str:  # type: ignore[override]
        """The display title."""
        return f"Cost of the partnership — {self.month} as of {self.as_of}"

    def __iter__(self) -> Iterator[FeeLine]:
        return iter(self.lines)

    def line(self, code: FeeCode, ref: str | None = None) -> FeeLine:
        """The fee line of a code (and id, for fees that have one).

        Raises:
            KeyError: There is none.
        """
        return the_one(
            self.lines,
            lambda x: x.code == code and (ref is None or x.ref == ref),
            f"no fee line {code!r}" + (f" {ref!r}" if ref else ""),
        )

    def kpi(self, kpi_id: str) -> CostKPI:
        """The KPI of this id (``cpl``, ``cpl_total_cost``, …).

        Raises:
            KeyError: There is none.
        """
        return the_one(self.kpis, lambda k: k.kpi == kpi_id, f"no cost KPI {kpi_id!r}")

    def to_arrow(self) -> pa.Table:
        """One row per fee line, then media spend, fees and total cost."""
        import pyarrow as pa

        text = pa.string()
        schema = schema_of(
            ("kind", text),
            ("code", text),
            ("ref", text),
            ("amount", pa.decimal128(38, 6)),
            ("basis", text),
            ("status", text),
        )
        totals = (
            ("media_spend", self.media_spend),
            ("fees", self.fees),
            ("total_cost", self.total_cost),
        )
        rows: list[tuple[Any, ...]] = [
            ("fee", x.code, x.ref, _q(x.amount), _basis(x.basis), x.status) for x in self.lines
        ]
        rows += [("total", code, None, _q(amount), None, None) for code, amount in totals]
        named = [dict(zip(schema.names, row, strict=True)) for row in rows]
        return pa.Table.from_pylist(named, schema=schema)


def _basis(basis: Mapping[str, Decimal]) -> str:
    """A fee line's basis as ``name=value`` pairs, the values without trailing zeros."""
    return ", ".join(f"{k}={v.normalize():f}" for k, v in basis.items())


# ================================================================ computation


def _first_month_of(pricing: BankOfHoursPricing, ws: Workspace, window: Window) -> bool:
    if pricing.per == "month":
        return True
    if pricing.per == "quarter":
        return window.start.month in (1, 4, 7, 10)
    assert ws.contract is not None
    return (ws.contract.start.year, ws.contract.start.month) == (
        window.start.year,
        window.start.month,
    )


def _hours_for(hours_used: Mapping[str, Decimal] | None, month: str) -> Decimal | None:
    if hours_used is None or month not in hours_used:
        return None
    return Decimal(hours_used[month])


def _pricing_lines(
    ws: Workspace,
    rates: ExchangeRates,
    window: Window,
    hours_used: Mapping[str, Decimal] | None,
) -> list[FeeLine]:
    assert ws.contract is not None
    pricing = ws.contract.pricing
    month = window.months()[0]
    where = "contract.pricing"
    used = _hours_for(hours_used, month)
    if isinstance(pricing, RetainerPricing):
        fee = in_workspace_currency(pricing.monthly_fee, pricing.currency, ws, rates, where)
        lines = [FeeLine("retainer", fee, {"monthly_fee": fee})]
        over = overage_line(ws, rates, used)
        return lines if over is None else [*lines, over]
    if isinstance(pricing, ProjectPricing):
        return [
            FeeLine(
                "project",
                in_workspace_currency(p.fee, pricing.currency, ws, rates, where),
                {},
                ref=p.id,
            )
            for p in pricing.projects
            if p.due is not None and window.start <= p.due <= window.end
        ]
    rate = in_workspace_currency(pricing.hourly_rate, pricing.currency, ws, rates, where)
    out: list[FeeLine] = []
    if _first_month_of(pricing, ws, window):
        out.append(
            FeeLine(
                "bank_of_hours",
                pricing.hours * rate,
                {"hours": pricing.hours, "hourly_rate": rate},
            )
        )
    over = overage_line(ws, rates, used)
    return out if over is None else [*out, over]


def _bonus_status(
    ws: Workspace,
    dataset: Dataset,
    window: Window,
    cutoff: dt.date,
    rates: RatesLike | None,
) -> dict[str, tuple[str, Mapping[str, Decimal]]]:
    from partnerkit.analysis.kpis import evaluate_targets

    assert ws.contract is not None
    wanted = {b.target for b in ws.contract.bonuses}
    if not wanted:
        return {}
    table = evaluate_targets(ws, dataset, window.months()[0], as_of=cutoff, rates=rates)
    out: dict[str, tuple[str, Mapping[str, Decimal]]] = {}
    for value in table:
        if value.target_id not in wanted or value.period != window:
            continue
        basis: dict[str, Decimal] = {}
        if value.target is not None:
            basis["target"] = value.target
        if value.value is not None:
            basis["actual"] = value.value
        if not value.complete or value.status is None:
            out[value.target_id] = ("pending", basis)
        elif value.status is TargetStatus.ON_TRACK:
            out[value.target_id] = ("earned", basis)
        else:
            out[value.target_id] = ("not_earned", basis)
    return out


def _reason(kpi: KPI, lookup: Mapping[Leaf, LeafValue]) -> str:
    for m in (kpi.numerator, kpi.denominator, kpi.measure):
        node = m
        while node is not None:
            got = lookup[Leaf.of(node)]
            if got.value is None:
                return "no_rows" if got.records == 0 else "missing_values"
            node = node.minus
    return "zero_denominator"


def _measure_kpi(
    kpi: KPI, lookup: Mapping[Leaf, LeafValue], on: Literal["media", "total_cost"]
) -> CostKPI:
    value, _ = _kpi_value(kpi, lookup)
    return CostKPI(kpi.id, kpi.name, on, value, None if value is not None else _reason(kpi, lookup))


def _per(amount: Decimal | None, fees: Decimal | None) -> Decimal | None:
    if amount is None or fees is None or fees == 0:
        return None
    return amount / fees


@grows_memory
def partnership_cost(
    workspace: Workspace,
    dataset: Dataset,
    month: str | dt.date,
    *,
    hours_used: Mapping[str, Decimal | int | str] | None = None,
    as_of: AsOf | None = None,
    rates: RatesLike | None = None,
) -> PartnershipCost:
    """Work out what the partnership cost in a month: media spend, each fee, the total.

    Args:
        workspace: The engagement (its contract's pricing, management fee,
            performance fees and bonuses).
        dataset: The records (spend, leads, customers, deals).
        month: The month, ``"2026-10"`` or any day in it.
        hours_used: Hours the partner worked, by ``YYYY-MM`` month (for the overage
            of a bank of hours), e.g. ``{"2026-10": 46}``. Left out, they are the
            hours of the dataset's time records in the month up to ``as_of``
            (:func:`partnerkit.analysis.hours.recorded_hours`); a month without a
            time record has no hours used.
        as_of: The last day counted (default: the month's end, or yesterday in the
            workspace's zone when that is earlier).
        rates: Exchange rates for spend or fees in other currencies.

    Returns:
        The fee lines with their bases, media spend, fees, total cost, the KPIs on
        media and on total cost, and pipeline and revenue per unit of fees. Without a
        contract, or in a month the contract does not reach, there are no fee lines
        and the fees are 0.

    Raises:
        CurrencyError: Spend or a fee in another currency and no rate for it.
    """
    as_of = None if as_of is None else as_of_day(as_of, workspace.timezone)
    window = Window.month(month)
    cutoff = (
        as_of
        if as_of is not None
        else min(window.end, today_in(workspace.timezone) - dt.timedelta(days=1))
    )
    the_rates = ExchangeRates.of(rates)
    if hours_used is None:
        got = recorded_hours(dataset, window.through(cutoff)) if cutoff >= window.start else None
        hours = {} if got is None else {window.months()[0]: got}
    else:
        hours = {k: Decimal(v) for k, v in hours_used.items()}
    on_media = [BUILTIN_KPIS[k] for k in _ON_MEDIA]
    on_total = [TOTAL_COST_KPIS[f"{k}_total_cost"] for k in _ON_MEDIA]
    measures = [_SPEND, _LEADS, _SALES, _REVENUE, _PIPELINE]
    for kpi in on_media:
        measures += [m for m in (kpi.numerator, kpi.denominator) if m is not None]
    lookup: dict[Leaf, LeafValue] = {}
    if cutoff >= window.start:
        with Engine(workspace, dataset, rates=the_rates) as engine:
            aggs = engine.aggregate(measures, [window.through(cutoff)])
            for m in measures:
                node: Measure | None = m
                while node is not None:
                    lookup[Leaf.of(node)] = aggs.leaf(Leaf.of(node), 0)
                    node = node.minus
    spend_leaf = lookup.get(Leaf.of(_SPEND))
    media = spend_leaf.value if spend_leaf is not None and spend_leaf.value is not None else None
    media = media if media is not None else Decimal(0)

    def count(measure: Measure) -> Decimal | None:
        got = lookup.get(Leaf.of(measure))
        # nothing from nothing: no deal record behind a sum is no figure, not 0
        return None if got is None or not got.records else got.value

    lines: list[FeeLine] = []
    contract = workspace.contract
    if contract is not None and (
        contract.start <= window.end and (contract.end is None or window.start <= contract.end)
    ):
        lines += _pricing_lines(workspace, the_rates, window, hours)
        if contract.management_fee is not None:
            mf = contract.management_fee
            fee, _, _ = management_fee(mf, workspace, the_rates, media)
            basis = {"media_spend": media}
            if mf.percent_of_spend is not None:
                basis["percent"] = mf.percent_of_spend
            if mf.minimum_monthly is not None:
                basis["minimum_monthly"] = in_workspace_currency(
                    mf.minimum_monthly, mf.currency, workspace, the_rates, "contract.management_fee"
                )
            lines.append(FeeLine("management_fee", fee, basis))
        for pf in contract.performance_fees:
            amount = in_workspace_currency(
                pf.amount, pf.currency, workspace, the_rates, f"contract.performance_fees[{pf.id}]"
            )
            n = count(_LEADS if pf.per == "lead" else _SALES)
            lines.append(
                FeeLine(
                    "performance_fee",
                    None if n is None else n * amount,
                    {"count": n, "per_unit": amount} if n is not None else {"per_unit": amount},
                    ref=pf.id,
                    status=None if n is not None else "no_rows",
                )
            )
        statuses = _bonus_status(workspace, dataset, window, cutoff, rates)
        for bonus in contract.bonuses:
            amount = in_workspace_currency(
                bonus.amount, bonus.currency, workspace, the_rates, f"contract.bonuses[{bonus.id}]"
            )
            status, judged = statuses.get(bonus.target, ("pending", {}))
            lines.append(
                FeeLine(
                    "bonus",
                    amount if status == "earned" else Decimal(0),
                    {**judged, "bonus": amount},
                    ref=bonus.id,
                    status=status,
                )
            )
    amounts = [line.amount for line in lines]
    fees = None if None in amounts else sum((a for a in amounts if a is not None), Decimal(0))
    total = None if fees is None else media + fees
    kpis: list[CostKPI] = []
    if lookup:
        kpis = [_measure_kpi(k, lookup, "media") for k in on_media]
        if total is None:
            kpis += [
                CostKPI(k.id, k.name, "total_cost", None, "fees_not_computable") for k in on_total
            ]
        else:
            assert spend_leaf is not None
            with_fees = {**lookup, Leaf.of(_SPEND): replace(spend_leaf, value=total)}
            kpis += [_measure_kpi(k, with_fees, "total_cost") for k in on_total]
    else:
        kpis = [CostKPI(k.id, k.name, "media", None, "period_not_started") for k in on_media]
        kpis += [CostKPI(k.id, k.name, "total_cost", None, "period_not_started") for k in on_total]
    pipeline, revenue = count(_PIPELINE), count(_REVENUE)
    return PartnershipCost(
        month=window,
        as_of=cutoff,
        currency=workspace.currency,
        lines=tuple(lines),
        media_spend=media,
        fees=fees,
        total_cost=total,
        kpis=tuple(kpis),
        pipeline=pipeline,
        revenue=revenue,
        pipeline_per_fee=_per(pipeline, fees),
        revenue_per_fee=_per(revenue, fees),
    )
