"""The learning log: tests with their hypothesis and decision, and monthly notes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from partnerkit.model._base import Channel, CurrencyCode, Identifier, Money, YearMonth, _Model

__all__ = ["Decision", "Experiment", "ExperimentStatus", "MonthlyNote"]


class Decision(StrEnum):
    """What to do after a test: the quarterly review's start / stop / continue."""

    START = "start"
    """Roll it out."""
    STOP = "stop"
    """Drop it."""
    CONTINUE = "continue"
    """Keep testing or keep it as it is."""


class ExperimentStatus(StrEnum):
    """Where a test stands."""

    PLANNED = "planned"
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class Experiment(_Model):
    """One entry of the test plan / learning log.

    Learning goals count as success metrics too: a test that answers its question is a
    success even when the tactic fails.

    Attributes:
        id: How notes refer to it.
        name: A short name.
        hypothesis: What is expected and why ("a 3-field form converts better").
        learning_goal: The question the test answers.
        channel: The channel it runs in.
        source: Id of the source it runs in.
        campaign: Id of the campaign it runs in.
        budget: What it may spend.
        currency: Currency of the budget; the workspace currency when left out.
        start: First day.
        end: Last day.
        status: ``planned``, ``running``, ``done`` or ``cancelled``.
        result: What happened, with numbers.
        learning: What was learnt.
        decision: ``start``, ``stop`` or ``continue``.
    """

    id: Identifier
    name: str | None = None
    hypothesis: str = Field(min_length=1)
    learning_goal: str = Field(min_length=1)
    channel: Channel | None = None
    source: Identifier | None = None
    campaign: Identifier | None = None
    budget: Money | None = None
    currency: CurrencyCode | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    status: ExperimentStatus = ExperimentStatus.PLANNED
    result: str | None = None
    learning: str | None = None
    decision: Decision | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"the test ends ({self.end}) before it starts ({self.start})")
        if self.decision is not None and not self.result:
            raise ValueError("a decision needs the 'result' it rests on")
        return self


class MonthlyNote(_Model):
    """The month's notes: what was seen, what was learnt, what comes next.

    Attributes:
        month: The month, ``YYYY-MM``.
        observations: What was seen in the numbers and the work.
        learnings: What was learnt.
        next_steps: What happens next month.
    """

    month: YearMonth
    observations: list[str] = Field(default_factory=list)
    learnings: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
