"""The contract / scope of work: dates, trial, pricing, fees, media budget, deliverables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from partnerkit.model._base import (
    Channel,
    CurrencyCode,
    Frequency,
    Identifier,
    Money,
    Percent,
    Share,
    Side,
    Weekday,
    YearMonth,
    _Model,
)
from partnerkit.model.targets import Period, Scope, Target, Tolerance

__all__ = [
    "BankOfHoursPricing",
    "Bonus",
    "ChannelBudget",
    "Contract",
    "Deliverable",
    "DueRule",
    "ManagementFee",
    "Milestone",
    "PerformanceFee",
    "Pricing",
    "Project",
    "ProjectPricing",
    "RetainerPricing",
    "TrialCriterion",
]


# ---------------------------------------------------------------------- pricing


class RetainerPricing(_Model):
    """A fixed monthly fee for an agreed scope.

    Attributes:
        kind: Always ``retainer``.
        monthly_fee: The fee per month, without media spend.
        currency: Currency of the fee; the workspace currency when left out.
        hours_included: Hours of work the fee covers each month, if the contract says.
        overage_rate: Price of one hour worked beyond ``hours_included``; without it,
            hours beyond are reported but not charged.
    """

    kind: Literal["retainer"]
    monthly_fee: Money
    currency: CurrencyCode | None = None
    hours_included: Annotated[Decimal, Field(gt=0)] | None = None
    overage_rate: Money | None = None

    @model_validator(mode="after")
    def _overage_needs_hours(self) -> Self:
        if self.overage_rate is not None and self.hours_included is None:
            raise ValueError("overage_rate needs hours_included: the hours the fee covers")
        return self


class Project(_Model):
    """One priced project of a per-project contract.

    Attributes:
        id: How milestones and notes refer to it.
        name: What the project is.
        fee: Its price.
        due: When it is due, if fixed.
    """

    id: Identifier
    name: str
    fee: Money
    due: dt.date | None = None


class ProjectPricing(_Model):
    """A price per project.

    Attributes:
        kind: Always ``per_project``.
        projects: The priced projects.
        currency: Currency of the fees; the workspace currency when left out.
    """

    kind: Literal["per_project"]
    projects: list[Project] = Field(min_length=1)
    currency: CurrencyCode | None = None


class BankOfHoursPricing(_Model):
    """A bank of hours bought per period at an hourly rate.

    Attributes:
        kind: Always ``bank_of_hours``.
        hours: Hours in the bank per period.
        hourly_rate: Price of one hour.
        per: The period the bank refills: ``month``, ``quarter`` or the whole ``contract``.
        rollover: Whether unused hours carry over to the next period.
        overage_rate: Price of one hour used beyond the bank; ``hourly_rate`` when
            left out.
        currency: Currency of the rate; the workspace currency when left out.
    """

    kind: Literal["bank_of_hours"]
    hours: Annotated[Decimal, Field(gt=0)]
    hourly_rate: Money
    per: Literal["month", "quarter", "contract"] = "month"
    rollover: bool = False
    overage_rate: Money | None = None
    currency: CurrencyCode | None = None

    @property
    def fee_per_period(self) -> Decimal:
        """The price of one full bank: ``hours × hourly_rate``."""
        return self.hours * self.hourly_rate


Pricing = Annotated[
    RetainerPricing | ProjectPricing | BankOfHoursPricing, Field(discriminator="kind")
]
"""The pricing model, chosen by ``kind``: ``retainer``, ``per_project`` or ``bank_of_hours``."""


class ManagementFee(_Model):
    """The partner's fee for managing media, kept apart from the media budget itself.

    Give exactly one of ``monthly`` (a fixed amount) or ``percent_of_spend``.

    Attributes:
        monthly: A fixed fee per month.
        percent_of_spend: A share of the media spend, in percent (``12`` = 12%).
        minimum_monthly: The least the percentage fee comes to in a month.
        currency: Currency of the amounts; the workspace currency when left out.
    """

    monthly: Money | None = None
    percent_of_spend: Percent | None = None
    minimum_monthly: Money | None = None
    currency: CurrencyCode | None = None

    @model_validator(mode="after")
    def _one_basis(self) -> Self:
        if (self.monthly is None) == (self.percent_of_spend is None):
            raise ValueError("give exactly one of 'monthly' or 'percent_of_spend'")
        if self.minimum_monthly is not None and self.percent_of_spend is None:
            raise ValueError("'minimum_monthly' only applies with 'percent_of_spend'")
        return self

    def fee_for(self, spend: Decimal) -> Decimal:
        """Return the fee for a month with this media spend.

        Args:
            spend: The month's media spend.

        Returns:
            The fixed fee, or the percentage of spend (at least ``minimum_monthly``).
        """
        if self.monthly is not None:
            return self.monthly
        assert self.percent_of_spend is not None
        fee = spend * self.percent_of_spend / 100
        return max(fee, self.minimum_monthly or Decimal(0))


class PerformanceFee(_Model):
    """A fee paid for each result: per lead or per sale (a new customer).

    Example: 50 per lead is ``{per: lead, amount: 50}``. Leads are the built-in
    ``leads`` KPI's measure (inquiries created in the month); sales the ``customers``
    KPI's (leads that became customers in the month).

    Attributes:
        id: How the cost breakdown refers to it.
        per: ``lead`` or ``sale``.
        amount: The fee for one result.
        currency: Currency of the amount; the workspace currency when left out.
    """

    id: Identifier
    per: Literal["lead", "sale"]
    amount: Money
    currency: CurrencyCode | None = None


class Bonus(_Model):
    """A fixed amount paid for a month when a target of the workspace is met that month.

    Example: ``{id: leads-bonus, amount: 3000, target: monthly-leads}`` pays 3000 in
    each month the ``monthly-leads`` target is on track on the month's full value.

    Attributes:
        id: How the cost breakdown refers to it.
        amount: The bonus.
        target: Id of the workspace target that earns it.
        currency: Currency of the amount; the workspace currency when left out.
    """

    id: Identifier
    amount: Money
    target: Identifier
    currency: CurrencyCode | None = None


class ChannelBudget(_Model):
    """The media budget of one channel: a monthly amount, with per-month overrides.

    Attributes:
        channel: The channel.
        monthly: The budget of a normal month.
        months: Overrides for given months, e.g. ``{"2026-11": 30000}`` for a busy season.
        currency: Currency of the amounts; the workspace currency when left out.
    """

    channel: Channel
    monthly: Money
    months: dict[YearMonth, Money] = Field(default_factory=dict)
    currency: CurrencyCode | None = None

    def for_month(self, month: str) -> Decimal:
        """Return the budget of a ``YYYY-MM`` month (the override, else ``monthly``)."""
        return self.months.get(month, self.monthly)


# ----------------------------------------------------------------- deliverables


class DueRule(_Model):
    """When each occurrence of a deliverable is due, in a form SLA code can compute.

    Give exactly one of:

    * ``business_day: 5`` — the 5th working day of each period (``-1`` is the last);
      for ``every: month``, ``quarter`` or ``year``, counted from the period's start.
    * ``day_of_month: 10`` — the 10th of each month (``-1`` is the last day; days past
      a month's end fall on its last day); for ``every: month``.
    * ``weekday: monday`` — that day of each week; for ``every: week``.
    * ``date: 2026-03-01`` — a single date; for ``every: once``.

    Attributes:
        business_day: The n-th working day of the period (negative counts from the end).
        day_of_month: The day of the month (negative counts from the end).
        weekday: The day of the week.
        date: A fixed date.
    """

    business_day: Annotated[int, Field(ge=-23, le=23)] | None = None
    day_of_month: Annotated[int, Field(ge=-31, le=31)] | None = None
    weekday: Weekday | None = None
    date: dt.date | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [
            k
            for k in ("business_day", "day_of_month", "weekday", "date")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of business_day, day_of_month, weekday or date "
                "(e.g. {business_day: 5} for the 5th working day)"
                + (f"; got {', '.join(given)}" if given else "")
            )
        if self.business_day == 0 or self.day_of_month == 0:
            raise ValueError("days are counted from 1 (or from -1 for the last); 0 is not a day")
        return self

    @property
    def rule(self) -> str:
        """Which of the four forms this rule uses: ``business_day``, ``day_of_month``, ..."""
        for key in ("business_day", "day_of_month", "weekday", "date"):
            if getattr(self, key) is not None:
                return key
        raise AssertionError("unreachable: validated to have one rule")  # pragma: no cover

    def __str__(self) -> str:
        if self.business_day is not None:
            return _nth(self.business_day, "business day")
        if self.day_of_month is not None:
            return _nth(self.day_of_month, "day of the month")
        if self.weekday is not None:
            return f"every {self.weekday.value}"
        return f"on {self.date}"


def _nth(n: int, what: str) -> str:
    if n < 0:
        return f"last {what}" if n == -1 else f"{_ordinal(-n)} last {what}"
    return f"{_ordinal(n)} {what}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_RULES_FOR: dict[str, tuple[str, ...]] = {
    "once": ("date",),
    "week": ("weekday",),
    "month": ("business_day", "day_of_month"),
    "quarter": ("business_day",),
    "year": ("business_day",),
}


class Deliverable(_Model):
    """Something the contract says will be delivered, with its due rule.

    Example: a monthly report by the 5th business day is
    ``{id: monthly-report, every: month, due: {business_day: 5}}``.

    Attributes:
        id: How SLAs refer to it.
        name: What is delivered.
        every: How often: ``once``, ``week``, ``month``, ``quarter`` or ``year``.
        due: When each occurrence is due.
        owner: The side that delivers it (usually the partner).
        channel: The channel it belongs to, if any.
        description: What counts as delivered.
    """

    id: Identifier
    name: str
    every: Frequency
    due: DueRule
    owner: Side = Side.PARTNER
    channel: Channel | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _rule_fits_frequency(self) -> Self:
        allowed = _RULES_FOR[self.every]
        if self.due.rule not in allowed:
            raise ValueError(
                f"a deliverable due every {self.every} needs a due rule with "
                f"{' or '.join(allowed)}, not {self.due.rule}"
            )
        return self


class Milestone(_Model):
    """A dated milestone of the engagement (a launch, a review, the end of the trial).

    Attributes:
        id: How notes refer to it.
        name: What happens.
        date: When.
        description: What done means.
    """

    id: Identifier
    name: str
    date: dt.date
    description: str | None = None


# ---------------------------------------------------------------- trial criteria


class TrialCriterion(_Model):
    """One success criterion of the trial period, judged at its end: continue, extend or end.

    Give exactly one of ``kpi`` or ``sla``:

    * ``{id: cpl, kpi: cpl, value: 200}`` — a KPI of the workspace's catalogue,
      measured over the whole trial (contract start to ``trial_end``), meets the
      criterion when it is at ``value`` or better in the KPI's direction (a CPL of
      200 or less; 500 leads or more). ``scope`` narrows it like a target's.
    * ``{id: response, sla: lead-follow-up}`` — an SLA term, its attainment over the
      trial at least the term's own required share (or ``attainment:`` when the
      trial asks for another).

    Attributes:
        id: How the trial verdict refers to it.
        kpi: Id of a KPI of the workspace's catalogue.
        sla: Id of an SLA term of the workspace.
        value: The KPI's threshold that counts as success, in its unit (a
            percentage as 0–100); required with ``kpi``.
        scope: What the KPI covers (``all`` by default); only with ``kpi``.
        attainment: The share of the SLA term's cases that must be met over the
            trial; the term's own ``attainment`` when left out. Only with ``sla``.
        name: A display name.
        note: Why this criterion, in words (the contract's clause).
    """

    id: Identifier
    kpi: Identifier | None = None
    sla: Identifier | None = None
    value: Annotated[Decimal, Field(allow_inf_nan=False)] | None = None
    scope: Scope = Field(default_factory=Scope)
    attainment: Share | None = None
    name: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if (self.kpi is None) == (self.sla is None):
            raise ValueError(
                "give exactly one of kpi or sla, e.g. {id: cpl, kpi: cpl, value: 200} "
                "or {id: response, sla: lead-follow-up}"
            )
        if self.kpi is not None:
            if self.value is None:
                raise ValueError(
                    f"a KPI criterion needs the value that counts as success "
                    f"(e.g. {{kpi: {self.kpi}, value: 200}})"
                )
            if self.attainment is not None:
                raise ValueError("'attainment' is for an SLA criterion; a KPI one takes 'value'")
        else:
            if self.value is not None:
                raise ValueError(
                    "an SLA criterion is judged on the term's attainment: write "
                    "'attainment: 0.9' (a share), not 'value'"
                )
            if self.scope.kind != "all":
                raise ValueError("'scope' is for a KPI criterion; an SLA term has its own")
        return self

    @property
    def kind(self) -> Literal["kpi", "sla"]:
        """``kpi`` or ``sla``: what the criterion measures."""
        return "kpi" if self.kpi is not None else "sla"

    @property
    def ref(self) -> str:
        """The KPI's or the SLA term's id."""
        ref = self.kpi if self.kpi is not None else self.sla
        assert ref is not None
        return ref

    def as_target(self, start: dt.date, end: dt.date) -> Target:
        """The KPI criterion as a target over the trial, met only when on track.

        The tolerance bands are both 0, so *on track* means "at the value or better"
        and anything short of it is off track: the target machinery judges the
        criterion (including on the projection while the trial runs).

        Raises:
            ValueError: The criterion is an SLA one.
        """
        if self.kpi is None or self.value is None:
            raise ValueError(f"trial criterion {self.id!r} is an SLA criterion, not a KPI one")
        return Target(
            id=self.id,
            kpi=self.kpi,
            value=self.value,
            period=Period(start=start, end=end),
            scope=self.scope,
            name=self.name,
            tolerance=Tolerance(on_track=Decimal(0), at_risk=Decimal(0)),
        )


# --------------------------------------------------------------------- contract


class Contract(_Model):
    """The contract / scope of work.

    Attributes:
        start: First day of the engagement.
        end: Last day, or ``None`` for a rolling contract.
        trial_end: Last day of the trial period (60–90 days is typical), when there is one.
        trial_criteria: What counts as a successful trial (KPIs against thresholds, SLA
            terms), for the end-of-trial verdict; needs ``trial_end``.
        notice_days: Days of notice either side must give to end it.
        pricing: The pricing model (``kind: retainer | per_project | bank_of_hours``).
        management_fee: The media-management fee, apart from the media budget.
        performance_fees: Fees per lead or per sale.
        bonuses: Amounts paid for a month when a target is met.
        media_budget: Media budget per channel per month.
        services: The services in scope, in plain words.
        deliverables: What is delivered and when.
        milestones: Dated milestones.
        notes: Free text.
    """

    start: dt.date
    end: dt.date | None = None
    trial_end: dt.date | None = None
    trial_criteria: list[TrialCriterion] = Field(default_factory=list)
    notice_days: Annotated[int, Field(ge=0)] | None = None
    pricing: Pricing
    management_fee: ManagementFee | None = None
    performance_fees: list[PerformanceFee] = Field(default_factory=list)
    bonuses: list[Bonus] = Field(default_factory=list)
    media_budget: list[ChannelBudget] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    deliverables: list[Deliverable] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    notes: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"the contract ends ({self.end}) before it starts ({self.start})")
        if self.trial_criteria and self.trial_end is None:
            raise ValueError("trial_criteria need trial_end: the day the trial ends and is judged")
        return self

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` falls within the contract (an open end covers every later day)."""
        return self.start <= day and (self.end is None or day <= self.end)

    def in_trial(self, day: dt.date) -> bool:
        """True when ``day`` falls in the trial period."""
        return self.trial_end is not None and self.start <= day <= self.trial_end

    def budget_for(self, channel: Channel | str, month: str) -> Decimal | None:
        """Return the media budget of a channel for a ``YYYY-MM`` month.

        Returns:
            The amount, or ``None`` when the contract sets no budget for the channel.
        """
        for budget in self.media_budget:
            if budget.channel == Channel(channel):
                return budget.for_month(month)
        return None

    def deliverable(self, deliverable_id: str) -> Deliverable | None:
        """Return the deliverable with this id, or ``None``."""
        return next((d for d in self.deliverables if d.id == deliverable_id), None)
