"""Build the report's sections from one month's evaluation (:mod:`partnerkit.analysis.month`).

Nothing here computes a figure: every number is read from a result object of the
:class:`~partnerkit.analysis.month.MonthEvaluation` and only formatted, sorted or
selected. Where a figure is not computable, the cell says why (a reason code in the
catalogue's words). Rates are shown for the month, with the cumulative figure beside
them and labelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from partnerkit.analysis.kpis import KPIValue
from partnerkit.analysis.month import MonthEvaluation, figure, previous_figure, reason
from partnerkit.analysis.recommend import MIN_LEADS_FOR_SHIFT, SourceCost, recommend
from partnerkit.model import KPIUnit
from partnerkit.report import _charts
from partnerkit.report._i18n import Formatter
from partnerkit.report.sections import (
    Block,
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
    from partnerkit.model import Workspace

__all__ = ["MIN_LEADS_FOR_SHIFT", "Builder"]
_BREACHES_SHOWN = 8
_MOVERS = ("leads", "cpl", "conversions", "cpa", "sqls", "customers", "clicks")
_CHANNEL_ROWS: dict[str, tuple[str, ...]] = {
    "paid_search": (
        "impressions", "clicks", "cpc", "ctr", "conversions", "cpa",
        "conversion_rate", "roas", "leads", "cpl", "sqls", "customers",
    ),
    "paid_social": ("impressions", "clicks", "ctr", "leads", "cpl", "sqls", "customers"),
    "display": ("impressions", "clicks", "ctr", "conversions", "cpa", "leads", "cpl"),
    "video": ("impressions", "clicks", "ctr", "leads", "cpl"),
    "organic_search": ("sessions", "leads", "sqls", "customers"),
    "organic_social": ("sessions", "leads", "sqls", "customers"),
    "email": ("sessions", "conversions", "conversion_rate", "leads", "sqls", "customers"),
}  # fmt: skip
_DEFAULT_ROWS = ("leads", "cpl", "sqls", "customers")


class Builder:
    """Turns a :class:`MonthEvaluation` into sections for one workspace and formatter."""

    def __init__(
        self,
        workspace: Workspace,
        results: MonthEvaluation,
        fmt: Formatter,
        *,
        previous_recommendations: Sequence[str] = (),
        previous_health: Decimal | None = None,
    ) -> None:
        """Keep what every section needs."""
        self.ws = workspace
        self.r = results
        self.f = fmt
        self.prev_recs = list(previous_recommendations)
        self.prev_health = previous_health
        self.recommendations: list[Text] = []

    # ------------------------------------------------------------------ cells

    def money(self, value: Decimal | None, missing: str | None = None) -> Cell:
        """A money cell."""
        if value is None:
            return self.missing(missing or "not computable")
        return Cell(self.f.money(value), value, numeric=True)

    def number(self, value: Decimal | int | None, digits: int = 0) -> Cell:
        """A plain number cell."""
        if value is None:
            return self.missing("not computable")
        return Cell(self.f.number(value, digits), Decimal(value), numeric=True)

    def percent(self, value: Decimal | None, missing: str | None = None) -> Cell:
        """A percentage cell (value in percent units)."""
        if value is None:
            return self.missing(missing or "not computable")
        return Cell(self.f.percent(value), value, numeric=True)

    def share(self, value: Decimal | None, missing: str | None = None) -> Cell:
        """A 0–1 share shown as a percentage (the value kept is the share)."""
        if value is None:
            return self.missing(missing or "not computable")
        return Cell(self.f.share(value), value, numeric=True)

    def missing(self, why: str) -> Cell:
        """A "not computable" cell with its reason (a code in the catalogue, or words)."""
        return Cell(self.f.t("missing"), None, missing=self.f.reason(why), numeric=True)

    def text(self, value: str) -> Cell:
        """A text cell."""
        return Cell(value)

    def unit(self, value: Decimal | None, unit: KPIUnit, reason: str | None = None) -> Cell:
        """A KPI value in its unit."""
        if value is None:
            return self.missing(reason or "not computable")
        if unit is KPIUnit.MONEY:
            return self.money(value)
        if unit is KPIUnit.PERCENT:
            return self.percent(value)
        if unit is KPIUnit.RATIO:
            return Cell(self.f.number(value, 2), value, numeric=True)
        return Cell(self.f.number(value, 1), value, numeric=True)

    def change(self, v: KPIValue) -> Cell:
        """The relative change against the previous period."""
        if figure(v) is None or previous_figure(v) is None:
            return self.missing(self.r.reason_of(v) or v.previous_reason or "no_previous")
        if v.change is None or v.change.relative is None:
            return self.missing(v.previous_reason or "no_previous")
        return Cell(self.f.signed_percent(v.change.relative), v.change.relative, numeric=True)

    def status(self, v: KPIValue) -> Cell:
        """The status against the target, in words."""
        if v.status is None:
            return self.text(self.f.t("status.none"))
        return self.text(self.f.t(f"status.{v.status.value}"))

    def failed(self, name: str) -> NoData:
        """The "no data" note of an analysis that did not run."""
        reason = self.r.errors.get(name, "no result")
        return NoData(self.f.t("no_data", reason=self.f.t("analysis_failed", reason=reason)))

    def nodata(self, key: str, **fields: object) -> NoData:
        """A "no data" note with a catalogue reason."""
        return NoData(self.f.t("no_data", reason=self.f.t(key, **fields)))

    def kpi_name(self, v: KPIValue) -> str:
        """The KPI's name in the report's language."""
        return self.f.kpi(v.kpi, v.name)

    def target_name(self, v: KPIValue) -> str:
        """A target's name: its own, else the KPI's (with the scope when not ``all``)."""
        if v.target_id:
            for t in self.ws.targets:
                if t.id == v.target_id and t.name:
                    return t.name
        name = self.kpi_name(v)
        return name if v.scope == "all" else f"{name} ({v.scope})"

    def kpi_row(self, label: str, v: KPIValue) -> tuple[Cell, ...]:
        """Metric, this month, previous, change, baseline, target, status, since start."""
        why = self.r.reason_of(v)
        value = self.unit(figure(v), v.unit, why)
        previous = self.unit(previous_figure(v), v.unit, v.previous_reason or why)
        change = self.change(v)
        since = self.r.since_start(v.kpi, v.scope)
        return (
            self.text(label),
            value,
            previous,
            change,
            self.unit(v.baseline, v.unit, "no baseline"),
            self.unit(v.target, v.unit, "no target"),
            self.status(v),
            self.unit(figure(since), v.unit, reason(since)),
        )

    def kpi_columns(self, first: str) -> tuple[str, ...]:
        """The columns of :meth:`kpi_row`."""
        t = self.f.t
        return (
            first,
            t("col.this_month"),
            t("col.previous"),
            t("col.change"),
            t("col.baseline"),
            t("col.target"),
            t("col.status"),
            t("col.cumulative_attainment", start=self.f.date(self.r.since or self.r.month)),
        )

    # --------------------------------------------------------------- sections

    def section(self, sid: SectionId, number: int) -> Section:
        """Build one section."""
        build: dict[SectionId, Callable[[], list[Block]]] = {
            "summary": self.summary,
            "work": self.work,
            "channels": self.channels,
            "insights": self.insights,
            "budget": self.budget,
            "funnel": self.funnel,
            "sla": self.sla,
            "learnings": self.learnings,
            "next": self.next_month,
        }
        return Section(sid, number, self.f.t(f"section.{sid}"), tuple(build[sid]()))

    # 1 ---------------------------------------------------------------------

    def summary(self) -> list[Block]:
        """Targets in one line each, wins and problems, the SLA headline, health."""
        out: list[Block] = []
        targets = self.r.targets
        if targets is None:
            out.append(self.failed("targets"))
        elif not targets.values:
            out.append(self.nodata("summary.no_targets"))
        else:
            lines = [self._target_line(v) for v in targets]
            out.append(Bullets(tuple(lines)))
            out.append(
                Table(
                    "summary.targets",
                    self.kpi_columns(self.f.t("col.target")),
                    tuple(self.kpi_row(self.target_name(v), v) for v in targets),
                )
            )
        out.append(self._leads_line())
        if self.r.pacing is not None:
            for p in self.r.pacing:
                if p.linear is not None and p.target is not None:
                    out.append(
                        Text(
                            self.f.t(
                                "summary.pacing",
                                name="{name}",
                                projected="{projected}",
                                target="{target}",
                            ),
                            {
                                "name": self.text(p.name),
                                "projected": self.unit(p.linear, p.unit),
                                "target": self.unit(p.target, p.unit),
                            },
                        )
                    )
        wins, problems = self._wins_and_problems()
        out.append(Heading(self.f.t("summary.wins")))
        out.append(Bullets(tuple(wins)) if wins else Text(self.f.t("summary.nothing")))
        out.append(Heading(self.f.t("summary.problems")))
        out.append(Bullets(tuple(problems)) if problems else Text(self.f.t("summary.nothing")))
        out.extend(self._sla_headline())
        return out

    def _leads_line(self) -> Text:
        """The month's leads counted both ways, each labelled."""
        inquiries = self.r.inquiries
        return Text(
            self.f.t(
                "summary.leads",
                month=self.f.month(self.r.month),
                inquiries="{inquiries}",
                people="{people}",
            ),
            {
                "inquiries": self.unit(figure(inquiries), KPIUnit.COUNT, reason(inquiries)),
                "people": self.number(self.r.people),
            },
        )

    def _target_line(self, v: KPIValue) -> Text:
        name = self.text(self.target_name(v))
        if figure(v) is None:
            return Text(
                self.f.t("summary.target_missing", name="{name}", reason="{reason}"),
                {"name": name, "reason": self.text(self.f.reason(reason(v)))},
                "bad",
            )
        fields = {
            "name": name,
            "value": self.unit(v.value, v.unit),
            "target": self.unit(v.target, v.unit, "no target"),
            "status": self.status(v),
        }
        change = ""
        if v.change is not None and v.change.relative is not None and v.previous is not None:
            change = self.f.t("summary.change", change="{change}", previous="{previous}")
            fields["change"] = self.change(v)
            fields["previous"] = self.unit(v.previous, v.unit)
        template = self.f.t(
            "summary.target",
            name="{name}",
            value="{value}",
            target="{target}",
            status="{status}",
            change=change,
        )
        tone = None if v.status is None else ("good" if v.status.value == "on_track" else "bad")
        return Text(template, fields, tone)  # type: ignore[arg-type]

    def _movers(self) -> list[KPIValue]:
        if self.r.sources is None:
            return []
        found = [
            v
            for v in self.r.sources
            if v.kpi in _MOVERS
            and v.change is not None
            and v.change.relative is not None
            and v.change.improved is not None
            and figure(v) is not None
            and previous_figure(v) is not None
        ]
        return sorted(found, key=_size_of_change, reverse=True)

    def _mover_text(self, v: KPIValue, key: str) -> Text:
        template = self.f.t(
            key,
            channel="{channel}",
            kpi="{kpi}",
            value="{value}",
            change="{change}",
            previous="{previous}",
        )
        assert v.change is not None
        return Text(
            template,
            {
                "channel": self.text(self._source_name(v.scope.removeprefix("source "))),
                "kpi": self.text(self.kpi_name(v)),
                "value": self.unit(figure(v), v.unit, reason(v)),
                "previous": self.unit(previous_figure(v), v.unit, v.previous_reason),
                "change": self.change(v),
            },
            "good" if v.change.improved else "bad",
        )

    def _wins_and_problems(self) -> tuple[list[Text], list[Text]]:
        movers = self._movers()
        wins = [
            self._mover_text(v, "summary.win_kpi") for v in movers if v.change and v.change.improved
        ][:3]
        problems = [
            self._mover_text(v, "summary.win_kpi")
            for v in movers
            if v.change and v.change.improved is False
        ][:3]
        problems.extend(self._silent_lines("rec.silent"))
        if self.r.sla is not None:
            for term in self.r.sla.terms:
                if term.headline.passed is False:
                    problems.append(self._sla_text(term, "rec.sla_month"))
        return wins, problems

    def _sla_text(self, term: Any, key: str) -> Text:
        """A term's month figure with its cumulative one beside it."""
        f = self.f
        month, overall = term.headline, term.cumulative
        template = f.t(
            key,
            term="{term}",
            rule="{rule}",
            attainment="{attainment}",
            required="{required}",
            passed="{passed}",
            month=f.month(self.r.month),
            start=f.date(term.start),
            cumulative="{cumulative}",
        )
        passed = {True: "passed.true", False: "passed.false", None: "passed.none"}[month.passed]
        return Text(
            template,
            {
                "term": self.text(term.sla.name or term.sla.id),
                "rule": self.text(term.rule),
                "attainment": self.share(month.attainment, month.reason),
                "required": self.share(term.required),
                "passed": self.text(f.t(passed)),
                "cumulative": self.share(overall.attainment, overall.reason),
            },
            None if month.passed is None else ("good" if month.passed else "bad"),
        )

    def _sla_headline(self) -> list[Block]:
        out: list[Block] = []
        sla = self.r.sla
        f = self.f
        if sla is None:
            out.append(self.failed("sla"))
        else:
            met, measured = sla.terms_met()
            met_all, measured_all = sla.terms_met(cumulative=True)
            out.append(
                Text(
                    f.t(
                        "summary.sla_month",
                        month=f.month(self.r.month),
                        met="{met}",
                        measured="{measured}",
                        start=f.date(sla.start),
                        met_all="{met_all}",
                        measured_all="{measured_all}",
                    ),
                    {
                        "met": self.number(met),
                        "measured": self.number(measured),
                        "met_all": self.number(met_all),
                        "measured_all": self.number(measured_all),
                    },
                    "good" if met == measured else "bad",
                )
            )
            out.append(Bullets(tuple(self._sla_text(t, "summary.sla_line") for t in sla.terms)))
        health = self.r.health
        if health is not None and health.months:
            hm = health.months[0]
            score = hm.score
            if score is None:
                parts = ", ".join(f.t(f"health.part.{p}") for p in hm.not_computable)
                out.append(
                    Text(
                        f.t("summary.health_none", reason="{reason}"),
                        {"reason": self.text(f.reason(hm.reason, parts=parts))},
                        "bad",
                    )
                )
            elif self.prev_health is not None:
                out.append(
                    Text(
                        f.t("summary.health_change", score="{score}", previous="{previous}"),
                        {
                            "score": self.number(score, 1),
                            "previous": self.number(self.prev_health, 1),
                        },
                    )
                )
            else:
                out.append(
                    Text(f.t("summary.health", score="{score}"), {"score": self.number(score, 1)})
                )
        return out

    def _note(self) -> Any:
        for note in self.ws.monthly_notes:
            if str(note.month) == self.r.label:
                return note
        return None

    def _experiments(self) -> list[Any]:
        out = []
        for e in self.ws.learning_log:
            starts = e.start is None or e.start <= self.r.month_end
            ends = e.end is None or e.end >= self.r.month
            if starts and ends and (e.start is not None or e.status.value in ("running", "done")):
                out.append(e)
        return out

    def work(self) -> list[Block]:
        """Observations, campaigns with spend, tests, last report's recommendations."""
        out: list[Block] = []
        note = self._note()
        if note is not None and note.observations:
            out.append(Heading(self.f.t("work.observations")))
            out.append(
                Bullets(
                    tuple(Text(o.replace("{", "{{").replace("}", "}}")) for o in note.observations)
                )
            )
        campaigns = self.r.budget_campaigns
        if campaigns is not None:
            active = [line for line in campaigns if line.spend > 0]
            if active:
                out.append(Heading(self.f.t("work.campaigns")))
                items = []
                for line in active:
                    source = ""
                    if line.key is not None:
                        for c in self.ws.campaigns:
                            if c.id == line.key:
                                source = self.ws.source(c.source).name
                    items.append(
                        Text(
                            self.f.t(
                                "work.campaign_line",
                                name="{name}",
                                source="{source}",
                                spend="{spend}",
                            ),
                            {
                                "name": self.text(line.label),
                                "source": self.text(source or "—"),
                                "spend": self.money(line.spend),
                            },
                        )
                    )
                out.append(Bullets(tuple(items)))
        tests = self._experiments()
        if tests:
            out.append(Heading(self.f.t("work.tests")))
            out.append(
                Bullets(
                    tuple(
                        Text(
                            self.f.t("work.test_line", name="{name}", status="{status}"),
                            {
                                "name": self.text(e.name or e.id),
                                "status": self.text(e.status.value),
                            },
                        )
                        for e in tests
                    )
                )
            )
        if self.prev_recs:
            out.append(Heading(self.f.t("work.previous_recs")))
            out.append(Bullets(tuple(Text("{r}", {"r": self.text(r)}) for r in self.prev_recs)))
        if not out:
            out.append(self.nodata("work.none"))
        return out

    # 3 ---------------------------------------------------------------------

    def channels(self) -> list[Block]:
        """The history chart, the CPL chart, and one table per source of the source map."""
        out: list[Block] = []
        out.extend(self._history_chart())
        table = self.r.sources
        if table is None:
            out.append(self.failed("sources"))
            return out
        by_source: dict[str, dict[str, KPIValue]] = {}
        for v in table:
            by_source.setdefault(v.scope.removeprefix("source "), {})[v.kpi] = v
        out.extend(self._cpl_chart(by_source))
        targets = {v.scope: v for v in (self.r.targets or ()) if v.scope.startswith("source ")}
        shown = 0
        for source_id, values in by_source.items():
            if not any(
                figure(values.get(k)) or previous_figure(values.get(k)) for k in ("spend", "leads")
            ):
                continue
            channel = self._source_channel(source_id)
            rows = []
            for kpi in ("spend", *_CHANNEL_ROWS.get(channel or "", _DEFAULT_ROWS)):
                found = values.get(kpi)
                if found is None:
                    continue
                scoped = targets.get(f"source {source_id}")
                shown_value = scoped if scoped is not None and scoped.kpi == kpi else found
                rows.append(self.kpi_row(self.kpi_name(shown_value), shown_value))
            out.append(
                Heading(
                    self.f.t(
                        "sources.heading",
                        source=self._source_name(source_id),
                        channel=self.f.channel(channel),
                    )
                )
            )
            out.append(
                Table(f"source.{source_id}", self.kpi_columns(self.f.t("col.metric")), tuple(rows))
            )
            shown += 1
        if not shown:
            out.append(self.nodata("sources.none"))
        return out

    def _source_channel(self, source_id: str) -> str | None:
        for s in self.ws.sources:
            if s.id == source_id:
                return str(s.channel)
        return None

    def _history_chart(self) -> list[Block]:
        points = []
        for p in self.r.history:
            try:
                spend, leads = p.totals.get("spend"), p.totals.get("leads")
            except (KeyError, LookupError):
                continue
            s, n = figure(spend), figure(leads)
            if s is not None and n is not None:
                points.append((p.month, s, n))
        if not points:
            return []
        title = self.f.t("chart.history")
        svg = _charts.history_chart(
            "history",
            title,
            [self.f.short_month(m) for m, _, _ in points],
            [(float(s), self.f.money(s)) for _, s, _ in points],
            [(float(n), self.f.number(n)) for _, _, n in points],
            (self.f.t("chart.legend.spend"), self.f.t("chart.legend.leads")),
        )
        alt = "; ".join(
            f"{self.f.month(m)}: {self.f.money(s)}, {self.f.number(n)} "
            f"{self.f.t('chart.legend.leads')}"
            for m, s, n in points
        )
        return [Chart("history", title, svg, alt)]

    def _cpl_chart(self, by_source: dict[str, dict[str, KPIValue]]) -> list[Block]:
        bars = []
        for source_id, values in by_source.items():
            value = figure(values.get("cpl"))
            if value is None:
                continue
            bars.append(
                _charts.Bar(self._source_name(source_id), float(value), self.f.money(value))
            )
        if not bars:
            return []
        target = None
        for t in self.r.targets or ():
            if t.kpi == "cpl" and t.scope == "all" and t.target is not None:
                target = t.target
        title = self.f.t("chart.cpl_source")
        ref = None
        if target is not None:
            ref = (float(target), self.f.t("chart.cpl_target", value=self.f.money(target)))
        svg = _charts.bar_chart("cpl", title, bars, reference=ref)
        alt = "; ".join(f"{b.label}: {b.text}" for b in bars)
        if ref is not None:
            alt += f"; {ref[1]}"
        return [Chart("cpl", title, svg, alt)]

    def _silent_lines(self, key: str) -> list[Text]:
        audit = self.r.audit
        if audit is None:
            return []
        out = []
        for row in audit.silent.to_pylist():
            if not row.get("silent"):
                continue
            last = row.get("last_lead_day")
            out.append(
                Text(
                    self.f.t(
                        key,
                        name="{name}",
                        days="{days}",
                        last="{last}",
                        leads="{leads}",
                        hint="{hint}",
                    ),
                    {
                        "name": self.text(row.get("name") or row["source_id"]),
                        "days": self.number(_dec(row.get("days_without_leads"))),
                        "last": self.text(self.f.date(last) if last else "—"),
                        "leads": self.number(row.get("leads_before")),
                        "hint": self.text(row.get("hint") or ""),
                    },
                    "bad",
                )
            )
        return out

    def insights(self) -> list[Block]:
        """Movers, silent sources, unmapped leads, duplicates, the platform/CRM gap."""
        out: list[Block] = []
        f = self.f
        out.append(Heading(f.t("insights.movers")))
        movers = self._movers()[:5]
        if self.r.sources is None:
            out.append(self.failed("sources"))
        elif movers:
            out.append(Bullets(tuple(self._mover_text(v, "insights.mover") for v in movers)))
        else:
            out.append(Text(f.t("insights.none")))
        out.append(Heading(f.t("insights.silent")))
        audit = self.r.audit
        if audit is None:
            out.append(self.failed("audit"))
        else:
            silent = self._silent_lines("insights.silent_line")
            out.append(Bullets(tuple(silent)) if silent else Text(f.t("insights.none")))
        out.append(Heading(f.t("insights.unmapped")))
        if audit is not None:
            rows = [r for r in audit.unmapped.to_pylist() if self._in_month(r.get("last_at"))]
            if rows:
                out.append(Bullets(tuple(self._unmapped(r) for r in rows)))
            else:
                out.append(Text(f.t("insights.unmapped_none")))
        else:
            out.append(self.failed("audit"))
        out.append(Heading(f.t("insights.duplicates")))
        dedup = self.r.dedup
        if dedup is None:
            out.append(self.failed("dedup"))
        else:
            inquiries = self.r.inquiries
            out.append(
                Text(
                    f.t(
                        "insights.people_line",
                        inquiries="{inquiries}",
                        people="{people}",
                        duplicates="{duplicates}",
                    ),
                    {
                        "inquiries": self.unit(figure(inquiries), KPIUnit.COUNT, reason(inquiries)),
                        "people": self.number(dedup.people),
                        "duplicates": self.number(dedup.duplicates),
                    },
                    "bad" if dedup.duplicates else None,
                )
            )
        out.append(Heading(f.t("insights.gap")))
        if audit is not None:
            rows = [r for r in audit.platform_vs_crm.to_pylist() if r["month"] == self.r.label]
            if rows:
                out.append(
                    Table(
                        "insights.gap",
                        (
                            f.t("col.source"),
                            f.t("col.platform_leads"),
                            f.t("col.crm_leads"),
                            f.t("col.gap"),
                            f.t("col.change"),
                        ),
                        tuple(
                            (
                                self.text(self._source_name(r["source_id"])),
                                self.number(_dec(r["platform_leads"]), 1),
                                self.number(_dec(r["crm_leads"])),
                                self.number(_dec(r["gap"]), 1),
                                self.percent(_dec(r["gap_percent"]), r.get("reason")),
                            )
                            for r in rows
                        ),
                    )
                )
            else:
                out.append(Text(f.t("insights.none")))
            findings = [
                r for r in audit.findings.to_pylist() if r.get("month") in (self.r.label, None)
            ]
            out.append(Heading(f.t("insights.findings")))
            if findings:
                out.append(
                    Bullets(
                        tuple(
                            Text(
                                "{m}",
                                {
                                    "m": self.text(
                                        r["message"]
                                        if not r.get("source_id")
                                        else f"{self._source_name(r['source_id'])}: {r['message']}"
                                    )
                                },
                                "bad",
                            )
                            for r in findings
                        )
                    )
                )
            else:
                out.append(Text(f.t("insights.none")))
        else:
            out.append(self.failed("audit"))
        return out

    def _in_month(self, moment: Any) -> bool:
        if moment is None:
            return True
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        return bool(day >= self.r.month)

    def _unmapped(self, row: dict[str, Any]) -> Text:
        keys = (
            "original_source",
            "original_source_drill_1",
            "original_source_drill_2",
            "utm_source",
            "utm_medium",
            "utm_campaign",
        )
        value = " / ".join(str(row[k]) for k in keys if row.get(k))
        return Text(
            self.f.t("insights.unmapped_line", leads="{leads}", value="{value}"),
            {"leads": self.number(row["leads"]), "value": self.text(value or "(empty)")},
            "bad",
        )

    def _source_name(self, source_id: str | None) -> str:
        for s in self.ws.sources:
            if s.id == source_id:
                return s.name
        return source_id or self.f.channel(None)

    # 5 ---------------------------------------------------------------------

    def budget(self) -> list[Block]:
        """Planned vs actual by source and campaign, fees, pacing chart."""
        out: list[Block] = []
        f = self.f
        report = self.r.budget
        if report is None:
            out.append(self.failed("budget"))
            return out
        out.append(
            Text(
                f.t("budget.days", days="{days}", total="{total}"),
                {"days": self.number(report.days_elapsed), "total": self.number(report.month.days)},
            )
        )
        lines = [
            line for line in report if line.records and (line.planned is not None or line.spend)
        ]
        chart_groups = []
        for line in lines:
            bars = [
                _charts.Bar(
                    f.t("chart.legend.planned"),
                    float(line.planned or 0),
                    f.money(line.planned) if line.planned is not None else "—",
                ),
                _charts.Bar(f.t("chart.legend.actual"), float(line.spend), f.money(line.spend)),
                _charts.Bar(
                    f.t("chart.legend.projected"),
                    float(line.projected or 0),
                    f.money(line.projected) if line.projected is not None else "—",
                ),
            ]
            chart_groups.append((self._source_name(line.key), bars))
        if chart_groups:
            title = f.t("chart.budget_source")
            svg = _charts.grouped_bars(
                "budget",
                title,
                chart_groups,
                [
                    f.t("chart.legend.planned"),
                    f.t("chart.legend.actual"),
                    f.t("chart.legend.projected"),
                ],
            )
            alt = "; ".join(f"{g}: " + ", ".join(b.text for b in bars) for g, bars in chart_groups)
            out.append(Chart("budget", title, svg, alt))
        out.append(Heading(f.t("budget.by_source")))
        out.append(
            self._budget_table(
                "budget.source", f.t("col.source"), report, lambda line: self._source_name(line.key)
            )
        )
        campaigns = self.r.budget_campaigns
        out.append(Heading(f.t("budget.by_campaign")))
        if campaigns is None:
            out.append(self.failed("budget_campaigns"))
        else:
            out.append(
                self._budget_table(
                    "budget.campaign", f.t("col.campaign"), campaigns, lambda line: str(line.label)
                )
            )
        out.append(Heading(f.t("budget.fees")))
        fee_label = f.t("budget.management_fee")
        if report.management_fee_basis:
            fee_label += f" ({report.management_fee_basis})"
        out.append(
            Table(
                "budget.fees",
                ("", f.t("col.this_month"), f.t("col.projected")),
                (
                    (
                        self.text(f.t("budget.total_planned")),
                        self.money(report.planned, "no media budget in the contract"),
                        self.text(""),
                    ),
                    (
                        self.text(f.t("budget.media")),
                        self.money(report.media_spend),
                        self.money(report.projected_media, "no day counted"),
                    ),
                    (
                        self.text(fee_label),
                        self.money(report.management_fee, "no management fee in the contract"),
                        self.money(
                            report.projected_management_fee, "no management fee in the contract"
                        ),
                    ),
                    (
                        self.text(f.t("budget.partner_fee")),
                        self.money(report.partner_fee, "the pricing has no monthly fee"),
                        self.text(""),
                    ),
                ),
            )
        )
        return out

    def _budget_table(
        self, key: str, first: str, report: Any, label: Callable[[Any], str]
    ) -> Table:
        f = self.f
        rows = []
        for line in report:
            if not line.records:
                # no spend record: spend, use and projection are not computable, not 0
                rows.append(
                    (
                        self.text(label(line)),
                        self.money(line.planned, "no_budget"),
                        self.missing("no_rows"),
                        self.missing("no_rows"),
                        self.missing("no_rows"),
                        self.text(""),
                    )
                )
                continue
            flag = self.text(f.t(f"flag.{line.flag!s}") if line.flag else "")
            rows.append(
                (
                    self.text(label(line)),
                    self.money(line.planned, "no_budget"),
                    self.money(line.spend),
                    self.percent(line.used_pct, "no_budget"),
                    self.money(line.projected, "no day counted"),
                    flag,
                )
            )
        return Table(
            key,
            (
                first,
                f.t("col.planned"),
                f.t("col.spend"),
                f.t("col.used"),
                f.t("col.projected"),
                f.t("col.flag"),
            ),
            tuple(rows),
        )

    # 6 ---------------------------------------------------------------------

    def funnel(self) -> list[Block]:
        """The funnel chart, the funnel by source, revenue by source."""
        from partnerkit.analysis.funnel import STAGES

        out: list[Block] = []
        f = self.f
        stages = [name for name, _ in STAGES]
        fun = self.r.funnel
        if fun is None:
            out.append(self.failed("funnel"))
        else:
            totals = [s for s in fun if s.source == "all" and s.cohort == "all"]
            if not totals or totals[0].count == 0:
                out.append(self.nodata("funnel.no_leads"))
            else:
                bars = [
                    _charts.Bar(
                        f.t(f"funnel.stage.{s.stage}"),
                        float(s.count),
                        f.number(s.count)
                        + ("" if s.step_rate is None else f" ({f.percent(s.step_rate)})"),
                    )
                    for s in totals
                ]
                title = f.t("chart.funnel")
                out.append(
                    Chart(
                        "funnel",
                        title,
                        _charts.bar_chart("funnel", title, bars),
                        "; ".join(f"{b.label}: {b.text}" for b in bars),
                    )
                )
                out.append(
                    Text(
                        f.t("funnel.cohort", leads="{leads}", month=f.month(self.r.month)),
                        {"leads": self.number(totals[0].count)},
                    )
                )
                out.append(Heading(f.t("funnel.by_source")))
                sources = [
                    s.source for s in fun if s.cohort == "all" and s.stage == "lead" and s.count > 0
                ]
                rows = []
                for src in sources:
                    row: list[Cell] = [
                        self.text(f.t("funnel.all") if src == "all" else self._source_name(src))
                    ]
                    for stage in stages:
                        s = fun.get(stage, src)
                        text = f.number(s.count)
                        if s.step_rate is not None:
                            text += f" ({f.percent(s.step_rate)})"
                        row.append(Cell(text, Decimal(s.count), numeric=True))
                    rows.append(tuple(row))
                out.append(
                    Table(
                        "funnel.sources",
                        (f.t("col.source"), *(f.t(f"funnel.stage.{s}") for s in stages)),
                        tuple(rows),
                    )
                )
        out.append(Heading(f.t("funnel.revenue")))
        rev = self.r.revenue
        if rev is None:
            out.append(self.failed("revenue"))
            return out
        rows = []
        for r in rev:

            def kpi(name: str, r: Any = r) -> KPIValue | None:
                """The figure from the month's one KPI table (totals or this source's)."""
                if name in ("spend", "leads", "customers", "cpl"):
                    if r.source == "all":
                        return self.r.total(name)
                    return self.r.source(r.source, name)
                try:
                    found: KPIValue = r.value(name)
                except KeyError:
                    return None
                return found

            shown = [figure(kpi(k)) for k in ("spend", "leads", "customers")]
            if r.source != "all" and not any(shown) and not r.won_deals:
                continue

            def cell(name: str, unit: KPIUnit, r: Any = r) -> Cell:
                v = kpi(name, r)
                return self.unit(figure(v), unit, reason(v))

            rows.append(
                (
                    self.text(f.t("funnel.all") if r.source == "all" else r.name),
                    cell("spend", KPIUnit.MONEY),
                    cell("leads", KPIUnit.COUNT),
                    cell("customers", KPIUnit.COUNT),
                    self.number(r.won_deals),
                    cell("revenue", KPIUnit.MONEY),
                    cell("cpl", KPIUnit.MONEY),
                    cell("cac", KPIUnit.MONEY),
                    cell("roi", KPIUnit.PERCENT),
                )
            )
        try:
            revenue = rev.get("all").value("revenue")
        except KeyError:
            revenue = None
        if revenue is not None and revenue.value is None:
            out.append(NoData(f.t("no_data", reason=f"{f.t('col.revenue')}: {revenue.reason}")))
        out.append(
            Table(
                "funnel.revenue",
                (
                    f.t("col.source"),
                    f.t("col.spend"),
                    f.t("col.inquiries"),
                    f.t("col.customers_won"),
                    f.t("col.won_deals"),
                    f.t("col.revenue"),
                    f.t("col.cpl"),
                    f.t("col.cac"),
                    f.t("col.roi"),
                ),
                tuple(rows),
            )
        )
        return out

    # 7 ---------------------------------------------------------------------

    def sla(self) -> list[Block]:
        """The SLA scorecard, breaches with evidence, partnership health."""
        out: list[Block] = []
        f = self.f
        sla = self.r.sla
        if sla is None:
            out.append(self.failed("sla"))
        else:
            rows = []
            passed = {True: "passed.true", False: "passed.false", None: "passed.none"}
            for term in sla.terms:
                month, overall = term.headline, term.cumulative
                rows.append(
                    (
                        self.text(term.sla.name or term.sla.id),
                        self.text(term.rule),
                        self.number(month.met),
                        self.number(month.breached),
                        self.share(month.attainment, month.reason),
                        self.share(overall.attainment, overall.reason),
                        self.share(term.required),
                        self.text(f.t(passed[month.passed])),
                    )
                )
            out.append(
                Table(
                    "sla.terms",
                    (
                        f.t("col.term"),
                        f.t("col.rule"),
                        f.t("col.met"),
                        f.t("col.breached"),
                        f"{f.t('col.attainment')}: {f.month(self.r.month)}",
                        f.t("col.cumulative_attainment", start=f.date(sla.start)),
                        f.t("col.required"),
                        f.t("col.status"),
                    ),
                    tuple(rows),
                )
            )
            for term in sla.terms:
                if term.headline.attainment is None:
                    why = f.reason(term.headline.reason)
                    out.append(NoData(f.t("no_data", reason=f"{term.sla.id}: {why}")))
            for term in sla.terms:
                breaches = [
                    b for b in term.breaches.to_pylist() if b.get("month") in (None, self.r.label)
                ]
                if not breaches:
                    continue
                breaches.sort(
                    key=lambda b: b.get("started_at") or dt.datetime.min.replace(tzinfo=dt.UTC),
                    reverse=True,
                )
                out.append(Heading(f.t("sla.breaches", term=term.sla.name or term.sla.id)))
                out.append(
                    Table(
                        f"sla.breaches.{term.sla.id}",
                        (
                            f.t("col.case"),
                            f.t("col.started"),
                            f.t("col.deadline"),
                            f.t("col.over_by"),
                            f.t("col.detail"),
                        ),
                        tuple(
                            (
                                self.text(str(b.get("case"))),
                                self.text(self._stamp(b.get("started_at"))),
                                self.text(self._stamp(b.get("deadline"))),
                                self.text(_duration(b.get("over_by"))),
                                self.text(str(b.get("detail") or b.get("rows") or "")),
                            )
                            for b in breaches[:_BREACHES_SHOWN]
                        ),
                    )
                )
                if len(breaches) > _BREACHES_SHOWN:
                    out.append(
                        Text(
                            f.t("sla.more", count="{count}"),
                            {"count": self.number(len(breaches) - _BREACHES_SHOWN)},
                        )
                    )
        out.append(Heading(f.t("sla.health")))
        health = self.r.health
        if health is None or not health.months:
            out.append(self.failed("health"))
            return out
        scored = health.months[0]
        if scored.score is None:
            parts = ", ".join(f.t(f"health.part.{p}") for p in scored.not_computable)
            out.append(
                NoData(
                    f.t(
                        "summary.health_none",
                        reason=f.reason(scored.reason, parts=parts),
                    )
                )
            )
        else:
            out.append(
                Text(
                    f.t("sla.health_score", score="{score}"),
                    {"score": self.number(scored.score, 1)},
                )
            )
        out.append(
            Table(
                "sla.health",
                (f.t("col.part"), f.t("col.score"), f.t("col.weight"), f.t("col.detail")),
                tuple(
                    (
                        self.text(f.t(f"health.part.{p.name}")),
                        self.share(p.value, p.reason),
                        self.share(p.effective_weight),
                        self.text(p.detail),
                    )
                    for p in scored.parts
                ),
            )
        )
        return out

    def _stamp(self, moment: Any) -> str:
        if moment is None:
            return "—"
        if isinstance(moment, dt.datetime):
            from zoneinfo import ZoneInfo

            local = moment.astimezone(ZoneInfo(self.ws.timezone))
            return f"{self.f.date(local.date())} {local:%H:%M}"
        return str(moment)

    # 8 ---------------------------------------------------------------------

    def learnings(self) -> list[Block]:
        """The test plan's tests of the month, and the month's learnings."""
        out: list[Block] = []
        f = self.f
        tests = self._experiments()
        if tests:
            out.append(
                Table(
                    "learnings.tests",
                    (f.t("col.test"), f.t("col.tested"), f.t("col.learned"), f.t("col.decision")),
                    tuple(
                        (
                            self.text(e.name or e.id),
                            self.text(f"{e.hypothesis} — {e.learning_goal}"),
                            self.text(" ".join(x for x in (e.result, e.learning) if x) or "—"),
                            self.text(
                                f.t(f"decision.{e.decision.value}")
                                if e.decision
                                else e.status.value
                            ),
                        )
                        for e in tests
                    ),
                )
            )
        note = self._note()
        if note is not None and note.learnings:
            out.append(Heading(f.t("learnings.notes")))
            out.append(Bullets(tuple(Text("{x}", {"x": self.text(x)}) for x in note.learnings)))
        if not out:
            out.append(self.nodata("learnings.none"))
        return out

    # 9 ---------------------------------------------------------------------

    def next_month(self) -> list[Block]:
        """The workspace's plan and recommendations derived from the results."""
        out: list[Block] = []
        f = self.f
        note = self._note()
        if note is not None and note.next_steps:
            out.append(Heading(f.t("next.plan")))
            out.append(Bullets(tuple(Text("{x}", {"x": self.text(x)}) for x in note.next_steps)))
        recs = self._recommend()
        self.recommendations = recs
        if recs:
            out.append(Heading(f.t("next.recommendations")))
            out.append(Bullets(tuple(recs)))
        if not out:
            out.append(self.nodata("next.none"))
        return out

    def _recommend(self) -> list[Text]:
        """Word the recommendations :func:`~partnerkit.analysis.recommend.recommend` decides."""
        f = self.f
        out: list[Text] = []
        costs = [
            SourceCost(
                source.id,
                source.name,
                figure(self.r.source(source.id, "spend")),
                figure(self.r.source(source.id, "leads")),
                figure(self.r.source(source.id, "cpl")),
            )
            for source in self.ws.sources
        ]
        decided = recommend(
            self.r.label,
            costs=costs,
            audit=self.r.audit,
            sla=self.r.sla,
            targets=list(self.r.targets or ()),
            budget=self.r.budget,
            dedup=self.r.dedup,
        )
        silent = iter(self._silent_lines("rec.silent"))
        terms = {t.sla.id: t for t in self.r.sla.terms} if self.r.sla is not None else {}
        targets = {v.target_id: v for v in self.r.targets or ()}
        for rec in decided:
            p = rec.params
            if rec.code == "shift_budget":
                fields = {}
                for tag, side in (("worst", "from"), ("best", "to")):
                    fields[tag] = self.text(p[f"{side}_name"])
                    fields[f"{tag}_cpl"] = self.money(p[f"{side}_cpl"])
                    fields[f"{tag}_leads"] = self.number(p[f"{side}_leads"])
                    fields[f"{tag}_spend"] = self.money(p[f"{side}_spend"])
                template = f.t("rec.shift", **{k: "{" + k + "}" for k in fields})
                out.append(Text(template, fields))
            elif rec.code == "fix_silent_source":
                out.append(next(silent))
            elif rec.code == "pause_campaign":
                out.append(
                    Text(
                        f.t("rec.no_leads", campaign="{campaign}", spend="{spend}"),
                        {
                            "campaign": self.text(str(p["name"])),
                            "spend": self.money(_dec(p["spend"])),
                        },
                    )
                )
            elif rec.code == "restore_sla":
                out.append(self._sla_text(terms[p["sla"]], "rec.sla_month"))
            elif rec.code == "close_target_gap":
                v = targets[p["target"]]
                out.append(
                    Text(
                        f.t("rec.target", name="{name}", value="{value}", target="{target}"),
                        {
                            "name": self.text(self.target_name(v)),
                            "value": self.unit(p["value"], p["unit"]),
                            "target": self.unit(p["target_value"], p["unit"], "no target"),
                        },
                    )
                )
            elif rec.code == "use_budget":
                out.append(
                    Text(
                        f.t(
                            "rec.under_source",
                            source="{source}",
                            spend="{spend}",
                            planned="{planned}",
                        ),
                        {
                            "source": self.text(self._source_name(p["key"])),
                            "spend": self.money(p["spend"]),
                            "planned": self.money(p["planned"]),
                        },
                    )
                )
            elif rec.code == "deduplicate":
                out.append(
                    Text(
                        f.t("rec.duplicates", duplicates="{duplicates}", records="{records}"),
                        {
                            "duplicates": self.number(p["duplicates"]),
                            "records": self.number(p["records"]),
                        },
                    )
                )
        return out


def _size_of_change(v: KPIValue) -> Decimal:
    if v.change is None or v.change.relative is None:
        return Decimal(0)
    return abs(v.change.relative)


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _duration(value: Any) -> str:
    if not isinstance(value, dt.timedelta):
        return "—" if value is None else str(value)
    minutes = int(value.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}"
