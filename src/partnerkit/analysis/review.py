"""The quarterly review: each month of a quarter evaluated once, and start / stop / continue.

:func:`evaluate_quarter` evaluates every month of a quarter once
(:func:`~partnerkit.analysis.month.evaluate_month`: targets, SLA, health, cost, audit),
adds the quarter to date in total and by source (the KPI engine over the quarter's
days), the test plan's tests of the quarter with their learning goals scored
(:func:`score_test`), and the start / stop / continue proposal (:func:`propose`).
The review documents render this object and compute nothing.

Nothing from nothing: a month of the quarter that has not started, or that has no lead
and no spend record, keeps its :attr:`MonthEvaluation.status` and is named as such; a
quarter none of whose months has data has :attr:`QuarterEvaluation.status` set
(``quarter_not_started``, ``not_synced`` or ``no_rows_for_quarter``) and no proposal.

The proposal rule (:func:`propose`), the one home of it:

* **continue** — a target on track in every month of the quarter that has data and
  judged it (``target_met``); a source whose leads reached its
  ``monthly_lead_target`` in every month with data (``lead_target_met``); a test whose
  decision is ``continue`` (``test``);
* **stop** — a source that spent in the quarter and brought no lead
  (``spend_without_leads``: quarter spend above 0, quarter leads 0); a campaign the
  last month's recommendations ask to pause (``recommendation``, ``pause_campaign``);
  a test whose decision is ``stop`` (``test``);
* **start** — every other recommendation of the quarter's last month with data
  (:func:`~partnerkit.analysis.recommend.recommend_month`: shift budget, fix a silent
  source, restore an SLA term, close a target gap, use budget, deduplicate), and a
  test whose decision is ``start`` (``test``).

Example:
    >>> q = evaluate_quarter(workspace, dataset, "2026Q4", as_of=day)  # doctest: +SKIP
    >>> [(p.action, p.code, p.subject) for p in q.proposal]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from partnerkit.analysis.kpis import KPITable, compute_kpis
from partnerkit.analysis.month import (
    SPEND,
    MonthEvaluation,
    NotComputable,
    evaluate_month,
    figure,
)
from partnerkit.analysis.periods import Window, parse_quarter
from partnerkit.analysis.recommend import Recommendation, recommend_month
from partnerkit.errors import NotComputableError, PartnerkitError
from partnerkit.model import TargetStatus

if TYPE_CHECKING:
    from partnerkit.analysis._data import Dataset
    from partnerkit.analysis.evidence import EvidenceLog
    from partnerkit.analysis.health import Survey
    from partnerkit.model import Workspace
    from partnerkit.model.learning import Experiment

__all__ = [
    "QUARTER_KPIS",
    "QUARTER_REASONS",
    "Action",
    "LearningOutcome",
    "ProposalItem",
    "QuarterEvaluation",
    "TestScore",
    "evaluate_quarter",
    "planned_tests",
    "propose",
    "score_test",
    "tests_in",
]

#: The KPIs of the quarter to date, in total and by source.
QUARTER_KPIS: tuple[str, ...] = ("leads", "cpl", "sqls", "customers")

#: Why a whole quarter cannot be reviewed.
QUARTER_REASONS: tuple[str, ...] = ("quarter_not_started", "not_synced", "no_rows_for_quarter")

LearningOutcome = Literal["answered", "not_answered", "open", "not_started"]
"""How a test's learning goal stands (see :func:`score_test`)."""

Action = Literal["start", "stop", "continue"]
"""What the proposal does with an item."""


@dataclass(frozen=True)
class TestScore:
    """One test of the test plan in the quarter, with its learning goal scored.

    Attributes:
        experiment: The test as the workspace writes it.
        outcome: ``answered``, ``not_answered``, ``open`` or ``not_started``.
    """

    __test__ = False  # not a pytest class

    experiment: Experiment
    outcome: LearningOutcome


@dataclass(frozen=True)
class ProposalItem:
    """One line of the start / stop / continue proposal: a code and its values.

    Attributes:
        action: ``start``, ``stop`` or ``continue``.
        code: Why: ``target_met``, ``lead_target_met``, ``spend_without_leads``,
            ``recommendation`` or ``test``.
        subject: The target, source or test id, or the recommendation's code.
        params: The figures behind it (``months``, ``leads``, ``target``, ``spend``…).
        recommendation: The recommendation, for ``code="recommendation"``.
    """

    action: Action
    code: str
    subject: str
    params: Mapping[str, Any] = field(default_factory=dict)
    recommendation: Recommendation | None = None


@dataclass
class QuarterEvaluation:
    """A quarter's months, each evaluated once, and what the review reads from them.

    Attributes:
        workspace: The engagement.
        quarter: The quarter's window.
        as_of: The last day counted (the quarter's end, or earlier while it runs).
        months: Every month of the quarter, in order, each with its own ``status``
            (``None``: it has data and was evaluated).
        status: Why the whole quarter is not computable; ``None`` when a month is.
        totals: The quarter to date for all sources (:data:`QUARTER_KPIS` and spend).
        sources: The same by source.
        tests: The test plan's tests that ran in the quarter, scored.
        learning_score: Tests whose learning goal was answered, over those decided
            (answered or not); ``None`` when none was decided.
        recommendations: The recommendations of the last month with data.
        planned: The tests planned for the next quarter (:func:`planned_tests`).
        proposal: Start / stop / continue (:func:`propose`).
        errors: Why a result left ``None`` could not be computed, by its name.
    """

    workspace: Workspace
    quarter: Window
    as_of: dt.date
    months: tuple[MonthEvaluation, ...]
    status: NotComputable | None = None
    totals: KPITable | None = None
    sources: KPITable | None = None
    tests: tuple[TestScore, ...] = ()
    learning_score: Decimal | None = None
    recommendations: tuple[Recommendation, ...] = ()
    planned: tuple[Experiment, ...] = ()
    proposal: tuple[ProposalItem, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The quarter as ``2026-Q4``."""
        return self.quarter.label

    @property
    def with_data(self) -> tuple[MonthEvaluation, ...]:
        """The months that have data and were evaluated, in order."""
        return tuple(m for m in self.months if m.status is None)

    @property
    def without_data(self) -> tuple[MonthEvaluation, ...]:
        """The months with no data, each with its ``status`` saying why."""
        return tuple(m for m in self.months if m.status is not None)

    def actions(self, action: Action) -> tuple[ProposalItem, ...]:
        """The proposal's items of one action, in order."""
        return tuple(p for p in self.proposal if p.action == action)

    def error(self) -> NotComputableError:
        """The error to raise where the quarter's review was required.

        Raises:
            ValueError: The quarter is computable (there is no error to give).
        """
        if self.status is None:
            raise ValueError("the quarter is computable")
        what = {
            "quarter_not_started": "the quarter {quarter} has not started (as of {as_of})",
            "not_synced": "the dataset holds no records at all: nothing was synced",
            "no_rows_for_quarter": "no lead and no spend record in any month of {quarter}",
        }[self.status.code]
        return NotComputableError(
            f"not computable: {what.format(**self.status.params)}",
            code=self.status.code,
            params=dict(self.status.params),
        )


def tests_in(workspace: Workspace, first: dt.date, last: dt.date) -> list[Experiment]:
    """The test plan's tests that ran between two days (both included).

    A test runs in a period when its dates overlap it; a test without a start counts
    only once it is running or done.
    """
    out = []
    for e in workspace.learning_log:
        starts = e.start is None or e.start <= last
        ends = e.end is None or e.end >= first
        if starts and ends and (e.start is not None or e.status.value in ("running", "done")):
            out.append(e)
    return out


def planned_tests(workspace: Workspace, quarter: Window) -> list[Experiment]:
    """The tests planned for the quarter after ``quarter``: planned, and dated in it or undated."""
    after = Window.quarter(quarter.end + dt.timedelta(days=1))
    return [
        e
        for e in workspace.learning_log
        if e.status.value == "planned" and (e.start is None or after.contains(e.start))
    ]


def score_test(experiment: Experiment) -> LearningOutcome:
    """How a test's learning goal stands: a test that answers its question is a success.

    ``answered``: done, with its ``learning`` written; ``not_answered``: done without a
    learning, or cancelled; ``open``: running; ``not_started``: planned.
    """
    status = experiment.status.value
    if status == "done":
        return "answered" if experiment.learning else "not_answered"
    if status == "cancelled":
        return "not_answered"
    return "open" if status == "running" else "not_started"


def _learning_score(tests: Sequence[TestScore]) -> Decimal | None:
    answered = sum(1 for t in tests if t.outcome == "answered")
    decided = answered + sum(1 for t in tests if t.outcome == "not_answered")
    return Decimal(answered) / Decimal(decided) if decided else None


def propose(
    months: Sequence[MonthEvaluation],
    *,
    sources: KPITable | None,
    tests: Sequence[TestScore],
    recommendations: Sequence[Recommendation],
) -> list[ProposalItem]:
    """Start / stop / continue, from the quarter's numbers (the rule of the module).

    Args:
        months: The quarter's months that have data, in order.
        sources: The quarter to date by source (spend and leads).
        tests: The quarter's tests.
        recommendations: The recommendations of the last month with data.

    Returns:
        Continue items, then stop, then start.
    """
    out: list[ProposalItem] = []
    if not months:
        return out
    workspace = months[-1].workspace
    for target in workspace.targets:
        values = [v for m in months for v in (m.targets or ()) if v.target_id == target.id]
        judged = [v for v in values if v.status is not None]
        if judged and all(v.status is TargetStatus.ON_TRACK for v in judged):
            out.append(
                ProposalItem(
                    "continue",
                    "target_met",
                    target.id,
                    {"months": len(judged), "kpi": target.kpi, "target": target.value},
                )
            )
    for source in workspace.sources:
        goal = source.monthly_lead_target
        if not goal:
            continue
        monthly = [figure(m.source(source.id, "leads")) for m in months]
        if all(n is not None and n >= goal for n in monthly):
            total = sum((n for n in monthly if n is not None), Decimal(0))
            out.append(
                ProposalItem(
                    "continue",
                    "lead_target_met",
                    source.id,
                    {"months": len(monthly), "leads": total, "target": Decimal(goal)},
                )
            )
    out += [_test_item(t, "continue") for t in tests if _decided(t, "continue")]
    for source in workspace.sources:
        spend = _quarter(sources, "spend", source.id)
        leads = _quarter(sources, "leads", source.id)
        if spend is not None and spend > 0 and leads == 0:
            out.append(
                ProposalItem(
                    "stop", "spend_without_leads", source.id, {"spend": spend, "leads": leads}
                )
            )
    stops = [r for r in recommendations if r.code == "pause_campaign"]
    out += [ProposalItem("stop", "recommendation", r.code, r.params, r) for r in stops]
    out += [_test_item(t, "stop") for t in tests if _decided(t, "stop")]
    starts = [r for r in recommendations if r.code != "pause_campaign"]
    out += [ProposalItem("start", "recommendation", r.code, r.params, r) for r in starts]
    out += [_test_item(t, "start") for t in tests if _decided(t, "start")]
    return out


def _decided(test: TestScore, decision: str) -> bool:
    made = test.experiment.decision
    return made is not None and made.value == decision


def _test_item(test: TestScore, action: Action) -> ProposalItem:
    return ProposalItem(action, "test", test.experiment.id, {"outcome": test.outcome})


def _quarter(table: KPITable | None, kpi: str, source_id: str) -> Decimal | None:
    if table is None:
        return None
    try:
        return figure(table.get(kpi, f"source {source_id}"))
    except (KeyError, LookupError):
        return None


def _status(months: Sequence[MonthEvaluation], quarter: Window, day: dt.date) -> NotComputable:
    codes = {m.status.code for m in months if m.status is not None}
    params = {"quarter": quarter.label, "as_of": f"{day}"}
    if codes == {"month_not_started"}:
        return NotComputable("quarter_not_started", params)
    if "not_synced" in codes:
        return NotComputable("not_synced", params)
    return NotComputable("no_rows_for_quarter", params)


def evaluate_quarter(
    workspace: Workspace,
    dataset: Dataset,
    quarter: str | Window,
    *,
    as_of: dt.date | dt.datetime | None = None,
    evidence: EvidenceLog | None = None,
    survey: Survey | None = None,
    evaluations: Mapping[str, MonthEvaluation] | None = None,
) -> QuarterEvaluation:
    """Evaluate each month of a quarter once, and derive the review from the results.

    Args:
        workspace: The engagement.
        dataset: The records.
        quarter: ``"2026Q4"`` (or ``"2026-Q4"``), or a quarter's window.
        as_of: When the review is made (a date, or an aware datetime; now by default):
            passed to each month's evaluation.
        evidence: The SLA evidence log.
        survey: The partnership survey.
        evaluations: Months already evaluated, by ``YYYY-MM``: used instead of
            evaluating them again.

    Returns:
        The quarter's evaluation; :attr:`QuarterEvaluation.status` says why when no
        month of it has data.

    Raises:
        PeriodError: ``quarter`` is not a quarter (the message says what to write).
        ConfigurationError: ``as_of`` is a naive datetime.
    """
    window = quarter if isinstance(quarter, Window) else parse_quarter(quarter)
    given = dict(evaluations or {})
    months = tuple(
        given.get(label)
        or evaluate_month(workspace, dataset, label, as_of=as_of, evidence=evidence, survey=survey)
        for label in window.months()
    )
    with_data = [m for m in months if m.status is None]
    cutoff = with_data[-1].as_of if with_data else months[0].as_of
    q = QuarterEvaluation(workspace, window, cutoff, months)
    if not with_data:
        q.status = _status(months, window, months[0].as_of)
        return q
    kpis: list[Any] = [SPEND, *QUARTER_KPIS]
    span = (window.start, cutoff)
    try:
        q.totals = compute_kpis(workspace, dataset, span, kpis=kpis, as_of=cutoff)
        q.sources = compute_kpis(workspace, dataset, span, kpis=kpis, by="source", as_of=cutoff)
    except (PartnerkitError, ValueError, KeyError, LookupError) as exc:
        q.errors["totals"] = str(exc) or type(exc).__name__
    q.tests = tuple(
        TestScore(e, score_test(e)) for e in tests_in(workspace, window.start, window.end)
    )
    q.learning_score = _learning_score(q.tests)
    q.planned = tuple(planned_tests(workspace, window))
    try:
        q.recommendations = tuple(recommend_month(with_data[-1]))
    except (PartnerkitError, ValueError, KeyError, LookupError) as exc:
        q.errors["recommendations"] = str(exc) or type(exc).__name__
    q.proposal = tuple(
        propose(with_data, sources=q.sources, tests=q.tests, recommendations=q.recommendations)
    )
    return q
