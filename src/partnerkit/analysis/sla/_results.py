"""What :func:`~partnerkit.analysis.sla.sla_compliance` gives: per period, term and workspace."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from partnerkit.analysis._data import Result
from partnerkit.analysis._tables import schema_of, sections
from partnerkit.errors import ConfigurationError
from partnerkit.model import SLA, did_you_mean

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BREACHED",
    "MET",
    "PENDING",
    "SUMMARY_SCHEMA",
    "TREND_SCHEMA",
    "UNMEASURABLE",
    "PeriodCompliance",
    "SLACompliance",
    "TermCompliance",
]

MET, BREACHED, PENDING, UNMEASURABLE = "met", "breached", "pending", "unmeasurable"


@dataclass(frozen=True)
class PeriodCompliance:
    """A term's compliance over one period: a month, or the contract so far.

    Attributes:
        start: First day of the period (workspace time zone).
        end: Last day of it.
        cumulative: Whether this is the period from the start of measuring (not a month).
        met: Cases of the period within the term.
        breached: Cases outside it.
        pending: Cases not decided yet.
        attainment: ``met / (met + breached)``, to 4 places; ``None`` when nothing
            was decided (see :attr:`reason`).
        required: The share the term requires.
        passed: ``met ≥ required × (met + breached)``; ``None`` when not computable.
        reason: Why :attr:`attainment` is not computable, as a code: ``no_cases``
            (no case started in the period), ``pending_only`` (cases, none decided
            yet), ``no_rows`` (no lead records), ``no_first_engagement``,
            ``no_evidence_log``; ``None`` when computable.
    """

    start: dt.date
    end: dt.date
    cumulative: bool
    met: int
    breached: int
    pending: int
    attainment: Decimal | None
    required: Decimal
    passed: bool | None
    reason: str | None

    @property
    def computable(self) -> bool:
        """Whether the attainment could be computed."""
        return self.attainment is not None


@dataclass(frozen=True)
class TermCompliance(Result):
    """One SLA term, measured.

    The table view (:meth:`to_arrow`) is :attr:`cases`.

    Attributes:
        sla: The term as the workspace states it.
        rule: The term in words ("within 2 business hours", "by the 5th business day").
        start: First day measured (cumulative, from the contract's start by default).
        end: Last day measured.
        cases: One row per case: ``case``, ``month``, ``status`` and the evidence
            (timestamps, ``elapsed`` / ``allowed`` / ``over_by`` intervals for timed
            terms, ``lead_id`` or evidence-log ``rows``, ``detail`` in words).
        met: Cases within the term.
        breached: Cases outside it (including ones never answered by their deadline).
        pending: Cases whose deadline has not passed and that have no end yet.
        unmeasurable: Cases the evidence cannot decide (``detail`` says why).
        attainment: ``met / (met + breached)``, to 4 places; ``None`` with
            :attr:`reason` when nothing was measured.
        required: The share the term requires (``sla.attainment``).
        passed: ``met ≥ required × (met + breached)``; ``None`` when not measured.
        reason: Why the attainment is not computable.
        trend: Per month: ``month``, ``cases``, ``met``, ``breached``, ``pending``,
            ``attainment`` and ``passed``.
        reason_code: :attr:`reason` as a code (see :attr:`PeriodCompliance.reason`).
        month: The compliance of the month asked for (``sla_compliance(month=...)``):
            the cases that started in it; ``None`` when no month was asked for.
    """

    sla: SLA
    rule: str
    start: dt.date
    end: dt.date
    cases: pa.Table
    met: int
    breached: int
    pending: int
    unmeasurable: int
    attainment: Decimal | None
    required: Decimal
    passed: bool | None
    reason: str | None
    trend: pa.Table
    title: str = field(default="SLA term")
    reason_code: str | None = None
    month: PeriodCompliance | None = None

    @property
    def cumulative(self) -> PeriodCompliance:
        """The compliance over the whole period measured (from the start, cumulative)."""
        return PeriodCompliance(
            start=self.start,
            end=self.end,
            cumulative=True,
            met=self.met,
            breached=self.breached,
            pending=self.pending,
            attainment=self.attainment,
            required=self.required,
            passed=self.passed,
            reason=self.reason_code,
        )

    @property
    def headline(self) -> PeriodCompliance:
        """The month's compliance when a month was asked for, else the cumulative one."""
        return self.month if self.month is not None else self.cumulative

    def to_arrow(self) -> pa.Table:
        """Every case of the term, with its evidence."""
        return self.cases

    def touched_by(self) -> dict[str, int]:
        """Lead follow-up: the headline period's cases by where their end came from.

        Counts the cases of :attr:`headline` (the month asked for, else every case)
        whose end is recorded by ``as_of``, by their ``touched_by``: ``activity`` (a
        logged call, email or meeting was the first touch) and ``crm`` (the CRM's
        first-contact date was; see :mod:`~partnerkit.analysis.sla._touch`).

        Returns:
            ``{"activity": n, "crm": m}``; empty for a term whose cases carry no
            ``touched_by`` (every kind but ``lead_follow_up``).
        """
        if "touched_by" not in self.cases.column_names:
            return {}
        month = None if self.month is None else f"{self.month.start:%Y-%m}"
        counts = {"activity": 0, "crm": 0}
        for case in self.cases.select(["month", "ended_at", "touched_by"]).to_pylist():
            by = case["touched_by"]
            if case["ended_at"] is not None and by in counts and month in (None, case["month"]):
                counts[by] += 1
        return counts

    @property
    def breaches(self) -> pa.Table:
        """The breached cases, with their evidence."""
        import pyarrow as pa
        import pyarrow.compute as pc

        status = self.cases.column("status")
        return self.cases.filter(pc.equal(status, pa.scalar(BREACHED, pa.string())))

    def _repr_html_(self) -> str:
        share = "—" if self.attainment is None else f"{self.attainment:.1%}"
        head = (
            f"<p>{self.sla.id} ({self.sla.kind.value}, {self.rule}): {share} "
            f"of {self.met + self.breached} measured cases met, {self.required:.0%} required"
            f"{'' if self.reason is None else f' — {self.reason}'}.</p>"
        )
        return head + sections(
            self.sla.name or self.sla.id, [("Trend", self.trend), ("Breaches", self.breaches)]
        )


@dataclass(frozen=True)
class SLACompliance(Result):
    """Every SLA term of the workspace, measured over a period.

    The table view (:meth:`to_arrow`) has one row per term.

    Attributes:
        start: First day measured (workspace time zone).
        end: Last day measured.
        as_of: The moment deadlines are judged at.
        terms: Each term's compliance, in workspace order.
    """

    start: dt.date
    end: dt.date
    as_of: dt.datetime
    terms: tuple[TermCompliance, ...]
    title: str = field(default="SLA compliance")

    def term(self, sla_id: str) -> TermCompliance:
        """The compliance of one term.

        Raises:
            ConfigurationError: No term has this id.
        """
        for t in self.terms:
            if t.sla.id == sla_id:
                return t
        ids = [t.sla.id for t in self.terms]
        raise ConfigurationError(
            f"no SLA term {sla_id!r}.{did_you_mean(sla_id, ids)} Terms: {', '.join(ids)}"
        )

    def terms_met(self, *, cumulative: bool = False) -> tuple[int, int]:
        """How many terms were met, of how many measured: in the month, or cumulative.

        Args:
            cumulative: Count the cumulative figures (from the start) instead of the
                month's (:attr:`TermCompliance.headline`).

        Returns:
            ``(met, measured)``; a term not computable in the period is not measured.
        """
        figures = [t.cumulative if cumulative else t.headline for t in self.terms]
        measured = [f for f in figures if f.passed is not None]
        return sum(1 for f in measured if f.passed), len(measured)

    def to_arrow(self) -> pa.Table:
        """One row per term: the rule, the counts, attainment against the requirement."""
        import pyarrow as pa

        rows = [
            {
                "sla": t.sla.id,
                "kind": t.sla.kind.value,
                "owner": t.sla.owner.value,
                "rule": t.rule,
                "met": t.met,
                "breached": t.breached,
                "pending": t.pending,
                "unmeasurable": t.unmeasurable,
                "attainment": t.attainment,
                "required": t.required,
                "passed": t.passed,
                "reason": t.reason,
            }
            for t in self.terms
        ]
        return pa.Table.from_pylist(rows, schema=SUMMARY_SCHEMA())

    def trend(self) -> pa.Table:
        """Every term's monthly attainment in one table (column ``sla`` names the term)."""
        import pyarrow as pa

        parts = [
            t.trend.add_column(0, "sla", pa.array([t.sla.id] * t.trend.num_rows, pa.string()))
            for t in self.terms
        ]
        if not parts:
            return pa.table({"sla": pa.array([], pa.string())})
        return pa.concat_tables(parts)

    def _repr_html_(self) -> str:
        parts = [("Terms", self.to_arrow())] + [
            (f"Breaches of {t.sla.id}", t.breaches) for t in self.terms if t.breached
        ]
        return (
            f"<p>{self.start} to {self.end}, as of {self.as_of:%Y-%m-%d %H:%M} UTC.</p>"
            + sections(self.title, parts)
        )


def SUMMARY_SCHEMA() -> pa.Schema:  # noqa: N802
    import pyarrow as pa

    return schema_of(
        *[(name, pa.string()) for name in ("sla", "kind", "owner", "rule")],
        *_compliance("met breached pending unmeasurable", required=True),
        ("reason", pa.string()),
    )


def TREND_SCHEMA() -> pa.Schema:  # noqa: N802
    import pyarrow as pa

    return schema_of(("month", pa.string()), *_compliance("cases met breached pending"))


def _compliance(counts: str, *, required: bool = False) -> list[tuple[str, pa.DataType]]:
    """A compliance's columns: its case ``counts``, ``attainment`` (and ``required``), ``passed``.

    Shares have 4 places, as :attr:`PeriodCompliance.attainment` is rounded.
    """
    import pyarrow as pa

    share = pa.decimal128(6, 4)
    return [
        *[(name, pa.int64()) for name in counts.split()],
        ("attainment", share),
        *([("required", share)] if required else []),
        ("passed", pa.bool_()),
    ]
