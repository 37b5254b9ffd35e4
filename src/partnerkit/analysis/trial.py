"""The end-of-trial verdict: continue, extend or end, from the contract's trial criteria.

The contract's trial period (contract start to ``trial_end``, 60–90 days is typical)
ends in a decision. The criteria that decide it are the contract's
``trial_criteria`` (:class:`~partnerkit.model.TrialCriterion`): KPIs of the
workspace's catalogue against a threshold, and SLA terms. :func:`trial_verdict`
measures each over the trial with the same machinery as every other figure — a KPI
criterion is a target over the trial judged by :func:`~partnerkit.analysis.kpis.compute_kpi`,
an SLA criterion is the term's compliance from
:func:`~partnerkit.analysis.sla.sla_compliance` — and applies the rule below.

Each criterion is one of:

* ``met`` — the KPI is at its value or better in the KPI's direction (a CPL at or
  under the threshold, leads at or over it); the SLA term's attainment over the
  trial is at least the share required (the criterion's ``attainment``, else the
  term's own);
* ``not_met`` — it is not;
* ``not_computable`` — there is nothing to judge it on, with a reason code
  (:data:`CRITERION_REASONS`); never counted as met or as missed.

While the trial still runs (the last day counted is before ``trial_end``) the
verdict is *provisional*: a KPI is judged on its linear projection to the trial's
end (as a target of a period not over is), an SLA term on the cases decided so far.

**The verdict rule** (:func:`decide`), over the ``n`` criteria:

==================================================  =========================
criteria                                            verdict
==================================================  =========================
none in the contract                                ``None``, ``no_criteria``
none measured (every one not computable)            ``None``, ``nothing_measured``
more than half not met (``not_met × 2 > n``)        ``end``
every one met                                       ``continue``
otherwise (some not met, or some not computable)    ``extend``
==================================================  =========================

A criterion without data never turns into a pass or a fail: with two of three met
and the third not computable the verdict is ``extend`` (the evidence is not complete),
not ``continue``.

:func:`trial_phase` says when a monthly report opens with the verdict: in the month
the trial ends (``ends_this_month``) and, as a warning, in the month before
(``ends_next_month``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, Literal

from partnerkit.analysis._args import AsOf, as_of_day, as_of_moment
from partnerkit.analysis._data import Dataset, Result
from partnerkit.analysis._tables import schema_of, table_of, the_one
from partnerkit.analysis._tables import six as _q
from partnerkit.analysis.evidence import EvidenceLog
from partnerkit.analysis.kpis import KPIValue, RatesLike, compute_kpi, reason_code
from partnerkit.analysis.sla import SLACompliance, TermCompliance, sla_compliance
from partnerkit.errors import ConfigurationError, PartnerkitError
from partnerkit.model import (
    Contract,
    Direction,
    TargetStatus,
    TrialCriterion,
    Workspace,
    month_bounds,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "CRITERION_REASONS",
    "VERDICTS",
    "VERDICT_REASONS",
    "CriterionOutcome",
    "CriterionResult",
    "TrialPhase",
    "TrialVerdict",
    "Verdict",
    "decide",
    "trial_phase",
    "trial_verdict",
]


Verdict = Literal["continue", "extend", "end"]
"""What the trial's evidence says to do: keep the partner, extend the trial, or end it."""

#: The verdicts, best first.
VERDICTS: tuple[Verdict, ...] = ("continue", "extend", "end")

CriterionOutcome = Literal["met", "not_met", "not_computable"]
"""How one criterion stands over the trial."""

TrialPhase = Literal["ends_this_month", "ends_next_month"]
"""Where a month stands against the trial's end: its last month, or the month before."""

#: Why there is no verdict: no criterion in the contract, or none could be measured.
VERDICT_REASONS: tuple[str, ...] = ("no_criteria", "nothing_measured")

#: Why a criterion is not computable. ``no_dataset``: no records were given;
#: ``not_started``: nothing of the trial was counted yet; ``no_rows``: the KPI's summed
#: measure had no record in the trial; ``kpi_not_computable``: the KPI has no value
#: (e.g. a zero denominator; :attr:`CriterionResult.detail` says which);
#: ``analysis_failed``: computing it raised (``detail`` has the error); and for an SLA
#: criterion the term's own code: ``no_cases``, ``pending_only``, ``no_evidence_log``,
#: ``no_first_engagement``, or ``sla_not_measured``.
CRITERION_REASONS: tuple[str, ...] = (
    "no_dataset",
    "not_started",
    "no_rows",
    "kpi_not_computable",
    "analysis_failed",
    "no_cases",
    "pending_only",
    "no_evidence_log",
    "no_first_engagement",
    "sla_not_measured",
)


@dataclass(frozen=True)
class CriterionResult:
    """One trial criterion, measured over the trial.

    Attributes:
        criterion: The criterion as the contract states it.
        unit: The measured value's unit: the KPI's (``money``, ``percent``, ``count``,
            ``ratio``), or ``share`` (0–1) for an SLA term's attainment.
        direction: Which way is better (``higher`` for an SLA's attainment).
        target: The threshold that counts as success (an SLA's required share).
        measured: The value over the trial so far; ``None`` when not computable.
        projected: For a KPI while the trial runs, its projection to the trial's end.
        basis: What was judged: ``value``, or ``projection`` while the trial runs.
        outcome: ``met``, ``not_met`` or ``not_computable``.
        reason: Why it is not computable, as a code (:data:`CRITERION_REASONS`).
        detail: The underlying analysis's own explanation, for a notebook (not words
            for a report).
        kpi: The KPI value it was judged on (inputs, records, shortfall).
        term: The SLA term's compliance over the trial (its cases are the evidence).
    """

    criterion: TrialCriterion
    unit: str
    direction: Direction
    target: Decimal
    measured: Decimal | None
    outcome: CriterionOutcome
    projected: Decimal | None = None
    basis: Literal["value", "projection"] | None = None
    reason: str | None = None
    detail: str | None = None
    kpi: KPIValue | None = None
    term: TermCompliance | None = None

    @property
    def id(self) -> str:
        """The criterion's id."""
        return self.criterion.id

    @property
    def kind(self) -> Literal["kpi", "sla"]:
        """``kpi`` or ``sla``."""
        return self.criterion.kind

    @property
    def ref(self) -> str:
        """The KPI's or SLA term's id."""
        return self.criterion.ref

    @property
    def judged(self) -> Decimal | None:
        """The value the outcome was decided on: the projection while the trial runs."""
        return self.projected if self.basis == "projection" else self.measured


@dataclass(frozen=True)
class TrialVerdict(Result):
    """The trial's verdict with the evidence: each criterion measured and judged.

    The table view (:meth:`to_arrow`) has one row per criterion.

    Attributes:
        start: The trial's first day (the contract's start).
        end: The trial's last day (``contract.trial_end``).
        counted_to: The last day counted (the end, or earlier while it runs).
        as_of: The moment SLA deadlines were judged at.
        provisional: True while the trial runs (``counted_to`` before ``end``).
        phase: For the month asked for: ``ends_this_month``, ``ends_next_month`` or
            ``None`` (see :func:`trial_phase`).
        verdict: ``continue``, ``extend`` or ``end``; ``None`` when there is none.
        reason: Why there is no verdict (:data:`VERDICT_REASONS`).
        criteria: Each criterion's result, in the contract's order.
        sla: The SLA compliance over the trial, when a criterion is an SLA term.
        currency: The workspace currency (money values are in it).
    """

    start: dt.date
    end: dt.date
    counted_to: dt.date
    as_of: dt.datetime
    provisional: bool
    phase: TrialPhase | None
    verdict: Verdict | None
    reason: str | None
    criteria: tuple[CriterionResult, ...]
    sla: SLACompliance | None = None
    currency: str | None = None
    title: str = field(default="Trial verdict")
    money_columns: ClassVar[tuple[str, ...]] = ("target", "measured", "projected")

    @property
    def met(self) -> int:
        """Criteria met."""
        return sum(1 for c in self.criteria if c.outcome == "met")

    @property
    def not_met(self) -> int:
        """Criteria not met."""
        return sum(1 for c in self.criteria if c.outcome == "not_met")

    @property
    def not_computable(self) -> int:
        """Criteria that could not be measured."""
        return sum(1 for c in self.criteria if c.outcome == "not_computable")

    @property
    def days_left(self) -> int:
        """Days from the last day counted to the trial's end (0 once it is counted to the end)."""
        return max((self.end - self.counted_to).days, 0)

    def criterion(self, criterion_id: str) -> CriterionResult:
        """The result of one criterion.

        Raises:
            ConfigurationError: No criterion has this id.
        """
        ids = ", ".join(c.id for c in self.criteria) or "none"
        missing = f"no trial criterion {criterion_id!r}; the criteria: {ids}"
        key = criterion_id
        return the_one(self.criteria, lambda c: c.id == key, missing, error=ConfigurationError)

    def to_arrow(self) -> pa.Table:
        """One row per criterion: what it measures, its threshold, the value, the outcome."""
        import pyarrow as pa

        values = ("target", "measured", "projected")
        said = ("basis", "outcome", "reason")
        value = pa.decimal128(38, 6)
        schema = schema_of(
            *[(name, pa.string()) for name in ("criterion", "kind", "ref", "scope", "unit")],
            ("direction", pa.string()),
            *[(name, value) for name in values],
            *[(name, pa.string()) for name in said],
        )
        rows = [
            {
                "criterion": c.id,
                "kind": c.kind,
                "ref": c.ref,
                "scope": str(c.criterion.scope),
                "unit": c.unit,
                "direction": c.direction.value,
                **{name: _q(getattr(c, name)) for name in values},
                **{name: getattr(c, name) for name in said},
            }
            for c in self.criteria
        ]
        return table_of(rows, schema)

    def _repr_html_(self) -> str:
        import html

        said = self.verdict or f"no verdict ({self.reason})"
        when = " (provisional: the trial runs)" if self.provisional else ""
        head = (
            f"<p>Trial {self.start} to {self.end}, counted to {self.counted_to}: "
            f"<b>{html.escape(said)}</b>{when}; {self.met} met, {self.not_met} not met, "
            f"{self.not_computable} not computable.</p>"
        )
        return head + super()._repr_html_()


# ------------------------------------------------------------------------ rules


def decide(outcomes: list[CriterionOutcome]) -> tuple[Verdict | None, str | None]:
    """The verdict rule: criteria outcomes → the verdict, or why there is none.

    ``end`` when more than half of the criteria are not met; ``continue`` when every
    one is met; ``extend`` otherwise. No criterion: ``(None, "no_criteria")``; none
    measured: ``(None, "nothing_measured")``.

    Args:
        outcomes: Each criterion's outcome.

    Returns:
        The verdict and, when it is ``None``, the reason code.
    """
    n = len(outcomes)
    if n == 0:
        return None, "no_criteria"
    met = outcomes.count("met")
    missed = outcomes.count("not_met")
    if met + missed == 0:
        return None, "nothing_measured"
    if missed * 2 > n:
        return "end", None
    if met == n:
        return "continue", None
    return "extend", None


def trial_phase(contract: Contract | None, month: str | dt.date) -> TrialPhase | None:
    """Whether a month is the trial's last one, or the month before it.

    Args:
        contract: The contract (``None``, or one without ``trial_end``: no phase).
        month: The month, ``"2026-10"`` or any day in it.

    Returns:
        ``ends_this_month`` when ``trial_end`` falls in the month, ``ends_next_month``
        when it falls in the next one, else ``None``.
    """
    if contract is None or contract.trial_end is None:
        return None
    first = _first_of(month)
    end = contract.trial_end
    index = first.year * 12 + first.month
    ends = end.year * 12 + end.month
    if ends == index:
        return "ends_this_month"
    if ends == index + 1:
        return "ends_next_month"
    return None


def _first_of(month: str | dt.date) -> dt.date:
    if isinstance(month, dt.date):
        return month.replace(day=1)
    try:
        return month_bounds(str(month).strip())[0]
    except ValueError:
        raise ConfigurationError(f"not a month: {month!r} (write it YYYY-MM)") from None


# ----------------------------------------------------------------- measurement


def trial_verdict(
    workspace: Workspace,
    dataset: Dataset | None = None,
    evidence: EvidenceLog | None = None,
    *,
    as_of: AsOf | None = None,
    month: str | dt.date | None = None,
    rates: RatesLike | None = None,
) -> TrialVerdict:
    """Measure the contract's trial criteria over the trial and give the verdict.

    Args:
        workspace: The workspace; its contract must have a ``trial_end``.
        dataset: The records (for KPI criteria and lead follow-up terms).
        evidence: The SLA evidence log.
        as_of: When the verdict is made: a date (the end of that day in the
            workspace's time zone) or an aware datetime; now by default. Records are
            counted up to its day (and the trial's end); SLA deadlines are judged at it.
        month: The month a report is made for: counting stops at its last day too,
            and :attr:`TrialVerdict.phase` is this month's (see :func:`trial_phase`).
        rates: Exchange rates for money in other currencies.

    Returns:
        The verdict with each criterion's result.

    Raises:
        ConfigurationError: The workspace has no contract or no ``trial_end``, or
            ``month`` is not a month.
    """
    contract = workspace.contract
    if contract is None or contract.trial_end is None:
        raise ConfigurationError(
            "the trial verdict needs contract.trial_end in the workspace (the trial's last day)"
        )
    start, end = contract.start, contract.trial_end
    moment = as_of_moment(as_of, workspace.timezone)
    counted_to = min(as_of_day(as_of if as_of is not None else moment, workspace.timezone), end)
    phase = None
    if month is not None:
        first = _first_of(month)
        counted_to = min(counted_to, month_bounds(f"{first:%Y-%m}")[1])
        phase = trial_phase(contract, first)
    criteria = contract.trial_criteria
    sla = None
    if counted_to >= start and any(c.sla is not None for c in criteria):
        sla = sla_compliance(
            workspace, dataset, evidence, start=start, end=counted_to, as_of=moment
        )
    results = []
    for criterion in criteria:
        if criterion.kpi is not None:
            results.append(_kpi_criterion(workspace, dataset, criterion, counted_to, rates))
        else:
            results.append(_sla_criterion(workspace, criterion, sla))
    verdict, reason = decide([r.outcome for r in results])
    return TrialVerdict(
        start=start,
        end=end,
        counted_to=counted_to,
        as_of=moment,
        provisional=counted_to < end,
        phase=phase,
        verdict=verdict,
        reason=reason,
        criteria=tuple(results),
        sla=sla,
        currency=workspace.currency,
    )


def _kpi_criterion(
    workspace: Workspace,
    dataset: Dataset | None,
    criterion: TrialCriterion,
    counted_to: dt.date,
    rates: RatesLike | None,
) -> CriterionResult:
    contract = workspace.contract
    assert contract is not None
    assert contract.trial_end is not None
    target = criterion.as_target(contract.start, contract.trial_end)
    kpi = workspace.kpi(target.kpi)

    def missing(
        code: str, detail: str | None = None, value: KPIValue | None = None
    ) -> CriterionResult:
        return CriterionResult(
            criterion,
            kpi.unit.value,
            kpi.direction,
            target.value,
            None,
            "not_computable",
            reason=code,
            detail=detail,
            kpi=value,
        )

    if dataset is None:
        return missing("no_dataset")
    if counted_to < contract.start:
        return missing("not_started")
    try:
        value = compute_kpi(
            workspace,
            dataset,
            kpi,
            (contract.start, contract.trial_end),
            scope=criterion.scope,
            target=target,
            as_of=counted_to,
            rates=rates,
        )
    except PartnerkitError as exc:
        return missing("analysis_failed", str(exc))
    code = reason_code(value)
    if code is not None or value.status is None:
        known = code if code in CRITERION_REASONS else "kpi_not_computable"
        return missing(known, value.reason, value)
    return CriterionResult(
        criterion,
        kpi.unit.value,
        kpi.direction,
        target.value,
        value.value,
        "met" if value.status is TargetStatus.ON_TRACK else "not_met",
        projected=value.projected,
        basis="projection" if value.status_basis == "projection" else "value",
        kpi=value,
    )


def _sla_criterion(
    workspace: Workspace, criterion: TrialCriterion, sla: SLACompliance | None
) -> CriterionResult:
    term = sla.term(criterion.ref) if sla is not None else None
    declared = workspace.sla(criterion.ref)
    required = criterion.attainment if criterion.attainment is not None else declared.attainment
    if term is None or term.attainment is None:
        code = (term.reason_code if term is not None else None) or (
            "not_started" if term is None else "sla_not_measured"
        )
        return CriterionResult(
            criterion,
            "share",
            Direction.HIGHER,
            required,
            None,
            "not_computable",
            reason=code if code in CRITERION_REASONS else "sla_not_measured",
            detail=term.reason if term is not None else None,
            term=term,
        )
    decided = term.met + term.breached
    # The SLA's own pass rule (met ≥ required × decided), at the criterion's share.
    passed = term.passed if criterion.attainment is None else term.met >= required * decided
    return CriterionResult(
        criterion,
        "share",
        Direction.HIGHER,
        required,
        term.attainment,
        "met" if passed else "not_met",
        basis="value",
        term=term,
    )
