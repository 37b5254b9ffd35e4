"""Targets: a KPI's goal for a scope and period, with its baseline and tolerance bands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Self, cast

from pydantic import BeforeValidator, Field, model_validator

from partnerkit.model._base import (
    Channel,
    Identifier,
    Quarter,
    Side,
    YearMonth,
    _Model,
    month_bounds,
    quarter_bounds,
)
from partnerkit.model.kpis import Direction

__all__ = [
    "Approval",
    "Baseline",
    "Period",
    "Scope",
    "Target",
    "TargetStatus",
    "Tolerance",
    "relative_value",
]

Approval = Literal["proposed", "agreed"]
"""Where a target stands between the two sides: ``proposed`` or ``agreed``."""


class Scope(_Model):
    """What a target covers: everything, or one channel, source, campaign or the partner.

    Written as ``all`` (the default) or as a mapping with one key, e.g.
    ``{source: google-search}`` or ``{channel: paid_social}``. ``{partner: <id>}``
    covers the sources the partner owns.

    Attributes:
        channel: One channel.
        source: Id of one source.
        campaign: Id of one campaign.
        partner: Id of the partner.
    """

    channel: Channel | None = None
    source: Identifier | None = None
    campaign: Identifier | None = None
    partner: Identifier | None = None

    @model_validator(mode="before")
    @classmethod
    def _all(cls, data: Any) -> Any:
        if isinstance(data, str):
            if data.strip().lower() != "all":
                raise ValueError(
                    "is 'all' or a mapping with one of channel, source, campaign, partner "
                    "(e.g. {source: google-search})"
                )
            return {}
        return data

    @model_validator(mode="after")
    def _at_most_one(self) -> Self:
        given = [k for k in ("channel", "source", "campaign", "partner") if getattr(self, k)]
        if len(given) > 1:
            raise ValueError(
                f"give one of channel, source, campaign or partner, not {' and '.join(given)}"
            )
        return self

    @property
    def kind(self) -> Literal["all", "channel", "source", "campaign", "partner"]:
        """Which kind of scope this is."""
        if self.channel is not None:
            return "channel"
        if self.source is not None:
            return "source"
        if self.campaign is not None:
            return "campaign"
        if self.partner is not None:
            return "partner"
        return "all"

    @property
    def ref(self) -> str | None:
        """The channel, source, campaign or partner id; ``None`` for ``all``."""
        return None if self.kind == "all" else str(getattr(self, self.kind))

    def __str__(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind} {self.ref}"


def _containing(day: dt.date, every: Literal["month", "quarter"]) -> tuple[dt.date, dt.date]:
    if every == "month":
        return month_bounds(f"{day:%Y-%m}")
    return quarter_bounds(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


class Period(_Model):
    """When a target or baseline applies.

    One of these forms:

    * ``{month: 2026-07}`` (or just ``2026-07``) — one calendar month;
    * ``{quarter: 2026-Q3}`` (or just ``2026-Q3``) — one calendar quarter;
    * ``{start: 2026-01-01, end: 2026-06-30}`` — a custom range;
    * ``{every: month}`` (or ``monthly``; ``quarterly`` likewise) — every month,
      optionally limited by ``start`` and / or ``end``.

    Attributes:
        month: A month, ``YYYY-MM``.
        quarter: A quarter, ``YYYY-Qn``.
        start: First day of a custom range, or of a recurrence.
        end: Last day of a custom range, or of a recurrence.
        every: ``month`` or ``quarter`` for a recurring period.
    """

    month: YearMonth | None = None
    quarter: Quarter | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    every: Literal["month", "quarter"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            text = data.strip()
            words = {"monthly": "month", "quarterly": "quarter"}
            if text.lower() in words:
                return {"every": words[text.lower()]}
            if "q" in text.lower():
                return {"quarter": text}
            return {"month": text}
        return data

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        hint = (
            "give one of {month: 2026-07}, {quarter: 2026-Q3}, {start: ..., end: ...} or "
            "{every: month}"
        )
        fixed = [k for k in ("month", "quarter") if getattr(self, k) is not None]
        if len(fixed) > 1 or (fixed and (self.every or self.start or self.end)):
            raise ValueError(hint)
        if not fixed and self.every is None and (self.start is None or self.end is None):
            raise ValueError(f"a custom period needs both start and end; {hint}")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def kind(self) -> Literal["month", "quarter", "custom", "recurring"]:
        """Which form the period has."""
        if self.month is not None:
            return "month"
        if self.quarter is not None:
            return "quarter"
        return "recurring" if self.every is not None else "custom"

    @property
    def is_recurring(self) -> bool:
        """True for ``every: month`` / ``every: quarter``."""
        return self.every is not None

    def bounds(self) -> tuple[dt.date, dt.date] | None:
        """Return the first and last day of a fixed period (``None`` when recurring)."""
        if self.month is not None:
            return month_bounds(self.month)
        if self.quarter is not None:
            return quarter_bounds(self.quarter)
        if self.every is not None:
            return None
        assert self.start is not None
        assert self.end is not None
        return self.start, self.end

    def occurrence(self, day: dt.date) -> tuple[dt.date, dt.date] | None:
        """Return the period (first and last day) that contains ``day``, if any.

        For a recurring period this is the month or quarter of ``day`` when it falls
        within ``start`` / ``end``; for a fixed one, its bounds when they contain ``day``.
        """
        if self.every is not None:
            if (self.start and day < self.start) or (self.end and day > self.end):
                return None
            return _containing(day, self.every)
        bounds = self.bounds()
        assert bounds is not None
        return bounds if bounds[0] <= day <= bounds[1] else None

    def __str__(self) -> str:
        if self.month is not None:
            return self.month
        if self.quarter is not None:
            return self.quarter
        if self.every is not None:
            limits = "".join(
                f" {word} {day}" for word, day in (("from", self.start), ("until", self.end)) if day
            )
            return f"every {self.every}{limits}"
        return f"{self.start} to {self.end}"


class Baseline(_Model):
    """The KPI's value before the work started, and when it was measured.

    Attributes:
        value: The measured value, in the KPI's unit.
        period: When it was measured (a month, quarter or range, not recurring).
        note: Where the number comes from.
    """

    value: Decimal
    period: Period
    note: str | None = None

    @model_validator(mode="after")
    def _fixed_period(self) -> Self:
        if self.period.is_recurring:
            raise ValueError("a baseline is measured in one period: a month, a quarter or a range")
        return self


class TargetStatus(StrEnum):
    """How an actual value stands against its target."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class Tolerance(_Model):
    """Bands that turn a value into on track / at risk / off track.

    The *shortfall* is how far the actual value is from the target in the bad
    direction, as a percentage of the target: ``(target − actual) / target × 100``
    when higher is better, ``(actual − target) / target × 100`` when lower is better.
    Beating the target gives a negative shortfall. Then:

    * shortfall ≤ ``on_track`` → on track;
    * shortfall ≤ ``at_risk`` → at risk;
    * otherwise → off track.

    With the defaults (0 and 10), 50 leads against a target of 50 is on track, 46 is
    at risk (8% short), 44 is off track (12% short); a CPL of 105 against 100 is at risk.

    Attributes:
        on_track: Largest shortfall, in percent, still on track.
        at_risk: Largest shortfall, in percent, at risk rather than off track.
    """

    on_track: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] = Decimal(0)
    at_risk: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] = Decimal(10)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.at_risk < self.on_track:
            raise ValueError(
                f"at_risk ({self.at_risk}) must be at least on_track ({self.on_track}): "
                f"both are the largest shortfall, in percent, of their band"
            )
        return self

    @staticmethod
    def shortfall(actual: Decimal, target: Decimal, direction: Direction | str) -> Decimal | None:
        """Return the shortfall in percent (negative when the target is beaten).

        Returns:
            The shortfall, or ``None`` when the target is 0 and the actual value is on
            the bad side of it (the shortfall is then unbounded).
        """
        gap = target - actual if Direction(direction) is Direction.HIGHER else actual - target
        if target == 0:
            return Decimal(0) if gap <= 0 else None
        return gap / abs(target) * 100

    def classify(
        self, actual: Decimal, target: Decimal, direction: Direction | str
    ) -> TargetStatus:
        """Classify an actual value against a target.

        Args:
            actual: The measured value.
            target: The target value.
            direction: Whether higher or lower is better.

        Returns:
            On track, at risk or off track.
        """
        short = self.shortfall(actual, target, direction)
        if short is None:
            return TargetStatus.OFF_TRACK
        if short <= self.on_track:
            return TargetStatus.ON_TRACK
        if short <= self.at_risk:
            return TargetStatus.AT_RISK
        return TargetStatus.OFF_TRACK


def _ratio_or_number(value: Any) -> Any:
    """``"5:1"`` (ROAS 5:1) is 5; anything else is left to the number parser."""
    if isinstance(value, str) and ":" in value:
        left, _, right = value.partition(":")
        try:
            top, bottom = Decimal(left.strip()), Decimal(right.strip())
        except ArithmeticError:
            raise ValueError(
                f"{value!r} is not a ratio; write e.g. value: '5:1' (ROAS 5:1) or value: 5"
            ) from None
        if bottom == 0:
            raise ValueError(f"{value!r} divides by 0; write e.g. value: '5:1'")
        return top / bottom
    return value


def _percent_change(value: Any) -> Any:
    """``"+20%"``, ``"-15%"``, ``20`` or ``"20"`` is a change of that many percent."""
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        try:
            return Decimal(text)
        except ArithmeticError:
            raise ValueError(
                f"{value!r} is not a change in percent; write e.g. change: +20% "
                f"(20% above the baseline) or change: -15%"
            ) from None
    return value


def relative_value(baseline: Decimal, change: Decimal) -> Decimal:
    """The absolute target of a change in percent from a baseline: the one rule.

    Args:
        baseline: The baseline's value.
        change: The change in percent (``20`` = 20% above, ``-15`` = 15% below).

    Returns:
        ``baseline × (1 + change / 100)``.
    """
    return baseline * (1 + change / 100)


_TargetValue = Annotated[Decimal, BeforeValidator(_ratio_or_number), Field(allow_inf_nan=False)]


class Target(_Model):
    """A goal for one KPI, over a scope and period, against a baseline.

    The goal is an absolute ``value`` (``value: 180``; a ratio as ``value: '5:1'``), or a
    ``change`` in percent from the ``baseline`` (``change: +20%``): the value is then
    worked out once, here, as ``baseline × (1 + change / 100)``, and everything that
    judges the target (status bands, pacing, reports) reads :attr:`value`.

    Attributes:
        id: How reports refer to it.
        kpi: Id of the KPI (built-in or the workspace's own).
        value: The target value, in the KPI's unit (a percentage as 0–100); for a
            relative target, the value worked out from the baseline.
        period: When it applies.
        change: The change from the baseline, in percent, for a relative target
            (``+20%``, ``-15%``); ``None`` for an absolute one.
        scope: What it covers (``all`` by default).
        name: A display name.
        goal: The business goal it serves, in words (the SMART statement).
        baseline: The value before the work started.
        tolerance: The on track / at risk bands.
        owner: The side that answers for it.
        approval: ``agreed`` (the default) or ``proposed`` (put forward, not yet agreed).
        agreed_on: The day both sides agreed it (only with ``approval: agreed``).
    """

    id: Identifier
    kpi: Identifier
    # None only until the validator below works it out from change and baseline
    value: _TargetValue = None  # type: ignore[assignment]
    period: Period
    change: (
        Annotated[Decimal, BeforeValidator(_percent_change), Field(allow_inf_nan=False, gt=-100)]
        | None
    ) = None
    scope: Scope = Field(default_factory=Scope)
    name: str | None = None
    goal: str | None = None
    baseline: Baseline | None = None
    tolerance: Tolerance = Field(default_factory=Tolerance)
    owner: Side | None = None
    approval: Approval = "agreed"
    agreed_on: dt.date | None = None

    @model_validator(mode="after")
    def _absolute_or_relative(self) -> Self:
        value = cast("Decimal | None", self.value)
        if self.change is None:
            if value is None:
                raise ValueError(
                    "needs a goal: 'value' (e.g. value: 180, or value: '5:1' for a ratio) or "
                    "'change' from a baseline (e.g. change: +20% with "
                    "baseline: {value: 120, period: 2026-Q2})"
                )
        else:
            if self.baseline is None:
                raise ValueError(
                    "'change' is a change from the baseline: add "
                    "'baseline: {value: 120, period: 2026-Q2}' (the value measured before "
                    "the work started)"
                )
            if self.baseline.value == 0:
                raise ValueError(
                    "a change from a baseline of 0 is always 0: write an absolute 'value' instead"
                )
            worked_out = relative_value(self.baseline.value, self.change)
            if value is not None and value != worked_out:  # a dumped target comes back whole
                raise ValueError(
                    "give either 'value' (an absolute goal) or 'change' (a change from the "
                    "baseline, e.g. change: +20%), not both"
                )
            object.__setattr__(self, "value", worked_out)
        if self.agreed_on is not None and self.approval != "agreed":
            raise ValueError(
                "'agreed_on' is the day the target was agreed: write 'approval: agreed' "
                "with it, or leave 'agreed_on' out while the target is proposed"
            )
        return self

    @property
    def is_relative(self) -> bool:
        """True for a target written as a change from its baseline."""
        return self.change is not None

    def status(self, actual: Decimal, direction: Direction | str) -> TargetStatus:
        """Classify an actual value against this target (see :class:`Tolerance`).

        Args:
            actual: The measured value.
            direction: The KPI's direction.
        """
        return self.tolerance.classify(actual, self.value, direction)
