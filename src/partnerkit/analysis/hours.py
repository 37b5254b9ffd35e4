"""Hours: the partner's time records against the contract's bank of hours, month by month.

The time records (``time_entry``, from Toggl Track, Harvest or Clockify exports through
the files connector) give the hours used in a month up to the as-of day, in total and
by task type. The bank is the contract's: a monthly ``bank_of_hours`` (its ``hours``)
or a retainer's ``hours_included``. Overage hours and their cost are the ``overage``
fee line of :mod:`partnerkit.analysis.cost` (:func:`~partnerkit.analysis.cost.overage_line`,
the one home of that rule).

**Forecast to month end** (a month still running): hours used ÷ working days elapsed ×
working days in the month, on the workspace's business calendar (its working weekdays
and holidays, :class:`~partnerkit.analysis.business_time.BusinessClock`). A month that
is over is its own forecast; before its first working day there is no pace, so no
forecast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from partnerkit.analysis._args import AsOf
from partnerkit.analysis._asof import MonthAsOf
from partnerkit.analysis._data import Dataset
from partnerkit.analysis._engine import ExchangeRates, RatesLike
from partnerkit.analysis._recorded import recorded_hours
from partnerkit.analysis._tables import fields_table, schema_of, six, the_one
from partnerkit.analysis.business_time import BusinessClock
from partnerkit.analysis.cost import hours_beyond, overage_line
from partnerkit.analysis.periods import Window, last_day_counted
from partnerkit.model import Workspace
from partnerkit.model.contract import BankOfHoursPricing, RetainerPricing

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["HoursUsed", "TaskTypeHours", "bank_hours", "hours_used", "recorded_hours"]


def bank_hours(workspace: Workspace) -> Decimal | None:
    """The hours the contract covers each month.

    Returns:
        A monthly bank's ``hours`` or a retainer's ``hours_included``; ``None``
        without a contract, for a bank that refills by quarter or contract, or a
        price with no hours.
    """
    pricing = None if workspace.contract is None else workspace.contract.pricing
    if isinstance(pricing, BankOfHoursPricing):
        return pricing.hours if pricing.per == "month" else None
    if isinstance(pricing, RetainerPricing):
        return pricing.hours_included
    return None


@dataclass(frozen=True)
class TaskTypeHours:
    """The hours of one task type in the month.

    Attributes:
        task_type: The task type as the records write it (``None``: not given).
        hours: Its hours up to the as-of day.
        billable: Of them, the hours marked billable (``None``: no record says).
    """

    task_type: str | None
    hours: Decimal
    billable: Decimal | None


@dataclass(frozen=True)
class HoursUsed(MonthAsOf):
    """The month's hours against the bank.

    Attributes:
        month: The month.
        as_of: The last day counted.
        bank: The hours the contract covers in the month (``None``: no monthly bank).
        used: Hours used up to ``as_of`` (``None``: no time record in the month).
        by_task_type: The hours by task type, most first.
        remaining: Bank hours left (``bank − used``, at least 0).
        overage_hours: Hours beyond the bank (``None`` without a bank or hours).
        overage_rate: The price of an hour beyond the bank (``None``: not charged).
        overage_cost: The ``overage`` fee line's amount (``None``: not charged, or
            no hours).
        working_days: Working days of the month on the business calendar.
        working_days_elapsed: Of them, those up to ``as_of``.
        forecast: Hours forecast for the whole month (see the module).
        forecast_overage_hours: Forecast hours beyond the bank.
        reason: Why ``used`` is ``None`` (``no_time_records``) or the forecast is
            (``no_working_day_yet``), as a code.
    """

    bank: Decimal | None
    used: Decimal | None
    by_task_type: tuple[TaskTypeHours, ...]
    remaining: Decimal | None
    overage_hours: Decimal | None
    overage_rate: Decimal | None
    overage_cost: Decimal | None
    working_days: int
    working_days_elapsed: int
    forecast: Decimal | None
    forecast_overage_hours: Decimal | None
    reason: str | None = None
    heading: ClassVar[str] = "Hours used"

    @property
    def complete(self) -> bool:
        """Whether the whole month is counted."""
        return self.as_of >= self.month.end

    def task_type(self, name: str | None) -> TaskTypeHours:
        """The hours of one task type.

        Raises:
            KeyError: No record has it.
        """
        return the_one(self.by_task_type, lambda t: t.task_type == name, f"no hours for {name!r}")

    def to_arrow(self) -> pa.Table:
        """One row per task type (hours and billable hours)."""
        return fields_table(TaskTypeHours, self.by_task_type)

    def summary(self) -> pa.Table:
        """One row: bank, used, remaining, overage, forecast."""
        import pyarrow as pa

        names = [
            "bank",
            "used",
            "remaining",
            "overage_hours",
            "overage_rate",
            "overage_cost",
            "forecast",
            "forecast_overage_hours",
        ]
        schema = schema_of(*[(n, pa.decimal128(38, 6)) for n in names])
        return pa.Table.from_pylist([{n: six(getattr(self, n)) for n in names}], schema=schema)


def _by_task_type(dataset: Dataset, window: Window) -> tuple[TaskTypeHours, ...]:
    rows = dataset.sql(
        "SELECT task_type, sum(hours) AS hours, "
        "sum(CASE WHEN billable THEN hours ELSE 0 END) AS billable, "
        "count(billable) AS judged FROM time_entry WHERE date BETWEEN ? AND ? "
        "GROUP BY task_type ORDER BY hours DESC, task_type NULLS LAST",
        [window.start, window.end],
    ).to_pylist()
    return tuple(
        TaskTypeHours(
            r["task_type"],
            Decimal(r["hours"]),
            Decimal(r["billable"]) if r["judged"] else None,
        )
        for r in rows
    )


def _beyond(hours: Decimal | None, bank: Decimal | None) -> Decimal | None:
    return None if hours is None or bank is None else hours_beyond(hours, bank)


def hours_used(
    workspace: Workspace,
    dataset: Dataset,
    month: str | dt.date,
    *,
    as_of: AsOf | None = None,
    rates: RatesLike | None = None,
) -> HoursUsed:
    """The month's hours used against the contract's bank, with overage and forecast.

    Args:
        workspace: The engagement (its contract's pricing and business calendar).
        dataset: The records (``time_entry``).
        month: The month, ``"2026-10"`` or any day in it.
        as_of: The last day counted (default: the month's end, or yesterday in the
            workspace's zone when that is earlier).
        rates: Exchange rates, for a contract priced in another currency.

    Returns:
        Hours used, by task type, the bank, overage hours and cost, and the forecast.

    Raises:
        CurrencyError: The overage rate is in another currency and there is no rate.
    """
    window = Window.month(month)
    cutoff = last_day_counted(window, as_of, workspace.timezone)
    counted = window.through(cutoff) if cutoff >= window.start else None
    used = None if counted is None else recorded_hours(dataset, counted)
    by_type = () if counted is None or used is None else _by_task_type(dataset, counted)
    bank = bank_hours(workspace)
    line = overage_line(workspace, ExchangeRates.of(rates), used)
    clock = BusinessClock(workspace.calendar)
    days = len(clock.working_days(window.start, window.end))
    elapsed = 0 if counted is None else len(clock.working_days(window.start, cutoff))
    forecast: Decimal | None = None
    reason: str | None = None
    if used is None:
        reason = "no_time_records"
    elif cutoff >= window.end:
        forecast = used
    elif elapsed == 0:
        reason = "no_working_day_yet"
    else:
        forecast = used / elapsed * days
    return HoursUsed(
        month=window,
        as_of=cutoff,
        bank=bank,
        used=used,
        by_task_type=by_type,
        remaining=None if used is None or bank is None else max(bank - used, Decimal(0)),
        overage_hours=_beyond(used, bank),
        overage_rate=None if line is None else line.basis["overage_rate"],
        overage_cost=None if line is None else line.amount,
        working_days=days,
        working_days_elapsed=elapsed,
        forecast=forecast,
        forecast_overage_hours=_beyond(forecast, bank),
        reason=reason,
    )
