"""The relationship's documents beside the monthly report: review, trial verdict, source map.

* :func:`build_review` — the quarterly review: the quarter's months (which have data),
  targets month by month, SLA and health by month, cost per result on media and on
  total cost, what the partner did (hours against the bank, the work log, overdue
  action items), the tests and their learning goals scored, start / stop / continue and
  the next quarter's plan, and the roles (who supplies, approves and decides, point
  people, grey zones). It renders :func:`~partnerkit.analysis.review.evaluate_quarter`.
* :func:`build_trial_review` — the trial verdict against the contract's trial criteria
  (:func:`~partnerkit.analysis.trial.trial_verdict`), with the monthly report's trial
  section.
* :func:`build_source_map` — the source map as a table, each source wired, unwired or
  silent (:func:`~partnerkit.analysis.source_map.source_map` over the source-map audit).

Each is a :class:`ReviewDocument`: HTML, Markdown and PDF like the monthly report, in
any of its languages.

Example:
    >>> doc = build_review(workspace, dataset, "2026Q4", locale="en-US")  # doctest: +SKIP
    >>> doc.write("reports/")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from partnerkit.analysis.audit import SourceMapAudit, audit_source_map
from partnerkit.analysis.month import MonthEvaluation
from partnerkit.analysis.periods import as_of_day, as_of_moment, month_end
from partnerkit.analysis.review import QuarterEvaluation, evaluate_quarter
from partnerkit.analysis.source_map import SourceMap, source_map
from partnerkit.analysis.trial import TrialVerdict, trial_verdict
from partnerkit.report._context import Context
from partnerkit.report._document import Document
from partnerkit.report._render import DEFAULT_CSS, DEFAULT_TEMPLATE
from partnerkit.report._sections import review as quarter_sections
from partnerkit.report._sections import roles, trial
from partnerkit.report._sections import source_map as source_map_section
from partnerkit.report.i18n import Formatter
from partnerkit.report.sections import Block, Section, SectionId, Text

if TYPE_CHECKING:
    from partnerkit.analysis import Dataset, EvidenceLog, Survey
    from partnerkit.model import Workspace

__all__ = [
    "REVIEW_SECTIONS",
    "ReviewDocument",
    "build_review",
    "build_source_map",
    "build_trial_review",
]

DocumentKind = Literal["quarter", "trial", "source_map"]

#: The quarterly review's sections, in order.
REVIEW_SECTIONS: tuple[str, ...] = (
    "overview",
    "trends",
    "sla",
    "cost",
    "work",
    "learnings",
    "proposal",
    "next_quarter",
    "roles",
)

_QUARTER: dict[str, Callable[[quarter_sections.QuarterContext], list[Block]]] = {
    "overview": quarter_sections.build_overview,
    "trends": quarter_sections.build_trends,
    "sla": quarter_sections.build_sla,
    "cost": quarter_sections.build_cost,
    "work": quarter_sections.build_work,
    "learnings": quarter_sections.build_learnings,
    "proposal": quarter_sections.build_proposal,
    "next_quarter": quarter_sections.build_next_quarter,
    "roles": roles.build,
}


@dataclass(kw_only=True)
class ReviewDocument(Document):
    """One of the relationship's documents: typed sections and the result behind them.

    Its title, sections, locale and page are :class:`Document`'s attributes (section
    ids: :data:`REVIEW_SECTIONS`, ``trial``, ``sources``); besides:

    Attributes:
        kind: ``quarter``, ``trial`` or ``source_map``.
        results: What it renders: a :class:`QuarterEvaluation`, a
            :class:`~partnerkit.analysis.trial.TrialVerdict` or a
            :class:`~partnerkit.analysis.source_map.SourceMap`.
        stem: Its files' name (``review-2026-Q4``, ``trial-verdict``, ``source-map``).
    """

    kind: DocumentKind
    results: QuarterEvaluation | TrialVerdict | SourceMap
    stem: str

    def file_stem(self) -> str:
        """The files' name without extension."""
        return self.stem


def _section(sid: str, number: int, title: str, blocks: list[Block]) -> Section:
    return Section(cast(SectionId, sid), number, title, tuple(blocks))


def _shell(workspace: Workspace, as_of: dt.date | dt.datetime | None) -> MonthEvaluation:
    """A month evaluation holding only the day and moment (for names and formats)."""
    moment = as_of_moment(as_of, workspace.timezone)
    day = as_of_day(as_of if as_of is not None else moment, workspace.timezone)
    return MonthEvaluation(workspace, day.replace(day=1), month_end(day), day, moment)


_WORDS: dict[DocumentKind, tuple[str, str]] = {
    "quarter": ("review.title", "review.subtitle"),
    "trial": ("trial_doc.title", "trial_doc.subtitle"),
    "source_map": ("sourcemap.title", "sourcemap.subtitle"),
}


def _document(
    kind: DocumentKind,
    ctx: Context,
    day: dt.date,
    sections: list[Section],
    results: QuarterEvaluation | TrialVerdict | SourceMap,
    stem: str,
    *,
    css: str | None,
    template: str | None,
) -> ReviewDocument:
    f, ws = ctx.f, ctx.ws
    title, subtitle = _WORDS[kind]
    quarter = results.label if isinstance(results, QuarterEvaluation) else ""
    return ReviewDocument(
        kind=kind,
        workspace_name=ws.name,
        locale=str(f.locale),
        rtl=f.rtl,
        title=f.t(title),
        subtitle=f.t(subtitle, name=ws.name, quarter=quarter),
        note=f.t(
            "report.generated",
            day=f.date(day),
            zone=f.zone(ws.timezone),
            currency=f.currency_name(),
        ),
        sections=tuple(sections),
        results=results,
        stem=stem,
        css=DEFAULT_CSS + (css or ""),
        template=template or DEFAULT_TEMPLATE,
        _lang=f.tag,
    )


def build_review(
    workspace: Workspace,
    dataset: Dataset,
    quarter: str,
    *,
    evidence: EvidenceLog | None = None,
    survey: Survey | None = None,
    as_of: dt.date | dt.datetime | None = None,
    locale: str | None = None,
    css: str | None = None,
    template: str | None = None,
    evaluation: QuarterEvaluation | None = None,
) -> ReviewDocument:
    """The quarterly review of a quarter, from each of its months' evaluation.

    Args:
        workspace: The engagement.
        dataset: The records.
        quarter: ``"2026Q4"`` (or ``"2026-Q4"``).
        evidence: The SLA evidence log.
        survey: The partnership survey.
        as_of: When the review is made (a date or an aware datetime; now by default).
        locale: Write it for this locale instead of the workspace's.
        css: Extra CSS appended to the report's stylesheet.
        template: A page template replacing the report's.
        evaluation: The quarter already evaluated (:func:`evaluate_quarter`); the
            other data arguments are then not used.

    Returns:
        The review, its sections in :data:`REVIEW_SECTIONS` order.

    Raises:
        PeriodError: ``quarter`` is not a quarter (``2026Q5``); the message says what
            to write.
        UnknownLocaleError: The locale has no catalogue.
        NotComputableError: No month of the quarter has data (``code``:
            ``quarter_not_started``, ``not_synced`` or ``no_rows_for_quarter``).
    """
    f = Formatter(locale or workspace.locale, workspace.currency)
    q = evaluation or evaluate_quarter(
        workspace, dataset, quarter, as_of=as_of, evidence=evidence, survey=survey
    )
    if q.status is not None:
        raise q.error()
    last = Context(workspace, q.with_data[-1], f)
    ctx = quarter_sections.QuarterContext(q, last)
    sections = [
        _section(sid, n, f.t(f"review.section.{sid}"), _QUARTER[sid](ctx))
        for n, sid in enumerate(REVIEW_SECTIONS, start=1)
    ]
    return _document(
        "quarter", ctx, q.as_of, sections, q, f"review-{q.label}", css=css, template=template
    )


def build_trial_review(
    workspace: Workspace,
    dataset: Dataset | None,
    *,
    evidence: EvidenceLog | None = None,
    as_of: dt.date | dt.datetime | None = None,
    locale: str | None = None,
    css: str | None = None,
    template: str | None = None,
    verdict: TrialVerdict | None = None,
) -> ReviewDocument:
    """The trial verdict against the contract's trial criteria, as its own document.

    Args:
        workspace: The engagement; its contract needs a ``trial_end``.
        dataset: The records (KPI criteria, lead follow-up).
        evidence: The SLA evidence log.
        as_of: When the verdict is made; before the trial's end it is provisional.
        locale: Write it for this locale instead of the workspace's.
        css: Extra CSS.
        template: A page template.
        verdict: The verdict already made (:func:`trial_verdict`).

    Returns:
        The document: one ``trial`` section.

    Raises:
        ConfigurationError: The contract has no ``trial_end``.
        UnknownLocaleError: The locale has no catalogue.
    """
    f = Formatter(locale or workspace.locale, workspace.currency)
    found = verdict or trial_verdict(workspace, dataset, evidence, as_of=as_of)
    ctx = Context(workspace, _shell(workspace, as_of), f)
    key = "trial_doc.runs" if found.provisional else "trial_doc.over"
    intro = Text(f.t(key, start=f.date(found.start), end=f.date(found.end)))
    blocks: list[Block] = [intro, *trial.verdict_blocks(ctx, found)]
    sections = [_section("trial", 1, f.t("section.trial"), blocks)]
    return _document(
        "trial", ctx, found.counted_to, sections, found, "trial-verdict", css=css, template=template
    )


def build_source_map(
    workspace: Workspace,
    dataset: Dataset,
    *,
    as_of: dt.date | dt.datetime | None = None,
    locale: str | None = None,
    css: str | None = None,
    template: str | None = None,
    audit: SourceMapAudit | None = None,
) -> ReviewDocument:
    """The source map as a table, each source wired, unwired or silent, as its own document.

    The states come from the source-map audit from the contract's start (or the
    first day of the month of ``as_of``) to the day of ``as_of``.

    Args:
        workspace: The engagement (its source map).
        dataset: The records.
        as_of: When the map is checked (a date or an aware datetime; now by default).
        locale: Write it for this locale instead of the workspace's.
        css: Extra CSS.
        template: A page template.
        audit: The source-map audit already made (``MonthEvaluation.audit``).

    Returns:
        The document: one ``sources`` section.

    Raises:
        UnknownLocaleError: The locale has no catalogue.
    """
    f = Formatter(locale or workspace.locale, workspace.currency)
    shell = _shell(workspace, as_of)
    ctx = Context(workspace, shell, f)
    if audit is None:
        start = workspace.contract.start if workspace.contract is not None else shell.month
        audit = audit_source_map(
            workspace, dataset, start=min(start, shell.as_of), end=shell.as_of, as_of=shell.moment
        )
    found = source_map(workspace, audit)
    blocks = source_map_section.table(ctx, found)
    sections = [_section("sources", 1, f.t("sourcemap.heading"), blocks)]
    return _document(
        "source_map", ctx, shell.as_of, sections, found, "source-map", css=css, template=template
    )
