"""The monthly partner report: every analysis, read for a business owner.

:func:`build_report` evaluates one month once (:func:`partnerkit.analysis.month.evaluate_month`)
and lays its results out in the outline's sections, or renders an evaluation already
made (``evaluation=``, as the demo does, so its console and the report show the same
result objects); :class:`MonthlyReport` renders
them as a self-contained HTML page (inline CSS, inline SVG charts, no script, no
network), as Markdown, and as PDF (printed by headless Chromium), in the workspace's
language and number formats.

Example:
    >>> report = build_report(workspace, dataset, "2026-10")  # doctest: +SKIP
    >>> html_path, md_path = report.write("reports/")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from partnerkit.analysis.month import MonthEvaluation, evaluate_month, figure
from partnerkit.errors import ConfigurationError
from partnerkit.model import KPIUnit
from partnerkit.report._build import MIN_LEADS_FOR_SHIFT, Builder
from partnerkit.report._document import Document
from partnerkit.report._render import DEFAULT_CSS, DEFAULT_TEMPLATE
from partnerkit.report.i18n import LOCALES, Formatter
from partnerkit.report.review import (
    ReviewDocument,
    build_review,
    build_source_map,
    build_trial_review,
)
from partnerkit.report.sections import (
    SECTION_IDS,
    Bullets,
    Cell,
    Chart,
    Heading,
    NoData,
    Section,
    SectionId,
    Table,
    Text,
)

if TYPE_CHECKING:
    from partnerkit.analysis import Dataset, EvidenceLog, Survey
    from partnerkit.model import Workspace

Results = MonthEvaluation
"""The evaluation a report was built from (an alias of :class:`MonthEvaluation`)."""

__all__ = [
    "DEFAULT_CSS",
    "DEFAULT_TEMPLATE",
    "LOCALES",
    "MIN_LEADS_FOR_SHIFT",
    "SECTION_IDS",
    "Bullets",
    "Cell",
    "Chart",
    "Formatter",
    "Heading",
    "MonthEvaluation",
    "MonthlyReport",
    "NoData",
    "Results",
    "ReviewDocument",
    "Section",
    "SectionId",
    "Table",
    "Text",
    "build_report",
    "build_review",
    "build_source_map",
    "build_trial_review",
]


@dataclass(kw_only=True)
class MonthlyReport(Document):
    """One month's report: typed sections plus the analysis results behind them.

    Its title, sections, locale and page are :class:`Document`'s attributes; besides:

    Attributes:
        month: The month's first day.
        results: The month's evaluation every number was read from.
        recommendations: Section 9's recommendations, as plain sentences.
    """

    month: dt.date
    results: MonthEvaluation
    recommendations: tuple[str, ...] = ()
    _fmt: Formatter | None = field(default=None, repr=False, compare=False)

    @property
    def health_score(self) -> Decimal | None:
        """The month's partnership-health score, if it could be computed."""
        health = self.results.health
        return health.months[0].score if health is not None and health.months else None

    def file_stem(self) -> str:
        """The files' name: ``report-YYYY-MM``."""
        return f"report-{self.month:%Y-%m}"

    def __repr__(self) -> str:
        """A short summary: the month, the headline figures and where the files are."""
        f = self._fmt or Formatter("en-US", self.results.workspace.currency)
        r = self.results
        lines = [f"MonthlyReport: {self.title} — {self.subtitle} ({f.bcp47})"]
        figures = []
        for kpi in ("leads", "spend", "cpl"):
            found = r.total(kpi)
            value = figure(found)
            if found is None or value is None:
                continue
            unit = found.unit
            shown = f.money_whole(value) if unit is KPIUnit.MONEY else f.number(value)
            figures.append(f"{f.kpi(kpi, kpi)}: {shown}")
        if self.health_score is not None:
            figures.append(f"{f.t('sla.health')}: {f.number(self.health_score, 1)}")
        if figures:
            lines.append("  " + " · ".join(figures))
        if self._written:
            lines += [f"  {path}" for path in self._written]
        else:
            lines.append("  files: not written yet (report.write(folder))")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's text display: the same short summary as :meth:`__repr__`."""
        printer.text("MonthlyReport(...)" if cycle else repr(self))


def build_report(
    workspace: Workspace,
    dataset: Dataset,
    month: str | dt.date,
    *,
    evidence: EvidenceLog | None = None,
    survey: Survey | None = None,
    previous: MonthlyReport | None = None,
    sections: Sequence[SectionId] | None = None,
    locale: str | None = None,
    css: str | None = None,
    template: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
    evaluation: MonthEvaluation | None = None,
) -> MonthlyReport:
    """Build one month's report from the analysis results.

    Args:
        workspace: The engagement: targets, SLAs, budgets, learning log, notes, locale.
        dataset: The records.
        month: The month, ``"2026-10"`` or any day in it.
        evidence: The SLA evidence log; without it, evidence-based terms say "no data".
        survey: The partnership survey; without it, health leaves the survey part out.
        previous: Last month's report: its health score and recommendations are
            shown beside this month's.
        sections: Which sections, in which order (ids of :data:`SECTION_IDS`);
            all of them by default. In the month the trial ends and the month before,
            the trial verdict (``trial``) opens the report: by default, or when the
            selection names it.
        locale: Write the report for this locale instead of the workspace's (one of
            :data:`LOCALES`, or another region of their languages: ``en-GB``).
        css: Extra CSS appended to :data:`DEFAULT_CSS` (later rules win).
        template: A page template replacing :data:`DEFAULT_TEMPLATE`
            (:class:`string.Template` with ``$lang``, ``$dir``, ``$title``, ``$css``,
            ``$body``).
        as_of: When the report is made (a date, or a timezone-aware datetime; now
            by default): records are counted up to its day or the month's end, SLA
            deadlines are judged at it.
        evaluation: The month already evaluated (:func:`evaluate_month`); ``month``,
            ``evidence``, ``survey`` and ``as_of`` are then not used.

    Returns:
        The report.

    Raises:
        ConfigurationError: An unknown section id, or a month that is not one.
        UnknownLocaleError: The locale (given, or the workspace's) has no catalogue;
            the error's ``available`` lists the locales that do.
        NotComputableError: The month cannot be reported on: it has not started, the
            dataset holds no record at all (never synced), or the month has no lead
            and no spend record (``code`` says which).
    """
    fmt = Formatter(locale or workspace.locale, workspace.currency)
    chosen = list(sections) if sections is not None else list(SECTION_IDS)
    unknown = [s for s in chosen if s not in (*SECTION_IDS, "trial")]
    if unknown:
        raise ConfigurationError(
            f"unknown report section(s) {', '.join(map(repr, unknown))}; "
            f"the sections are {', '.join(SECTION_IDS)} (and trial)"
        )
    results = evaluation or evaluate_month(
        workspace, dataset, month, as_of=as_of, evidence=evidence, survey=survey
    )
    if results.status is not None:
        raise results.status.error()
    builder = Builder(
        workspace,
        results,
        fmt,
        previous_recommendations=previous.recommendations if previous else (),
        previous_health=previous.health_score if previous else None,
    )
    built = builder.sections(chosen, default=sections is None)
    if "next" not in chosen:
        builder.next_month()
    note = fmt.t(
        "report.generated",
        day=fmt.date(results.as_of),
        zone=fmt.zone(workspace.timezone),
        currency=fmt.currency_name(),
    )
    return MonthlyReport(
        workspace_name=workspace.name,
        month=results.month,
        locale=str(fmt.locale),
        rtl=fmt.rtl,
        title=fmt.t("report.title"),
        subtitle=fmt.t("report.subtitle", name=workspace.name, month=fmt.month(results.month)),
        note=note,
        sections=tuple(built),
        results=results,
        recommendations=tuple(t.plain() for t in builder.recommendations),
        css=DEFAULT_CSS + (css or ""),
        template=template or DEFAULT_TEMPLATE,
        _lang=fmt.tag,
        _fmt=fmt,
    )
