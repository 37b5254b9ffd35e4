"""What the report's sections share: the results, the formatter, cells and sentences.

Nothing here computes a figure: every number is read from a result object of the
:class:`~partnerkit.analysis.month.MonthEvaluation` and only formatted, sorted or
selected. Where a figure is not computable, the cell says why (a reason code in the
catalogue's words).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from partnerkit.analysis.kpis import KPIValue
from partnerkit.analysis.month import MonthEvaluation, figure, previous_figure, reason
from partnerkit.analysis.review import tests_in
from partnerkit.model import KPIUnit
from partnerkit.report.i18n import Formatter
from partnerkit.report.sections import Cell, NoData, Table, Text

if TYPE_CHECKING:
    from partnerkit.model import Workspace

__all__ = ["Context", "dec"]
_MOVERS = ("leads", "cpl", "conversions", "cpa", "sqls", "customers", "clicks")


class Context:
    """What every section reads: the workspace, the month's results, the formatter."""

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

    def money(
        self, value: Decimal | None, missing: str | None = None, *, whole: bool = False
    ) -> Cell:
        """A money cell: to the minor unit (tables), or in whole units (``whole``: headlines)."""
        if value is None:
            return self.missing(missing or "not_computable")
        shown = self.f.money_whole(value) if whole else self.f.money(value)
        return Cell(shown, value, numeric=True)

    def number(self, value: Decimal | int | None, digits: int = 0) -> Cell:
        """A plain number cell."""
        if value is None:
            return self.missing("not_computable")
        return Cell(self.f.number(value, digits), Decimal(value), numeric=True)

    def percent(self, value: Decimal | None, missing: str | None = None) -> Cell:
        """A percentage cell (value in percent units)."""
        if value is None:
            return self.missing(missing or "not_computable")
        return Cell(self.f.percent(value), value, numeric=True)

    def share(self, value: Decimal | None, missing: str | None = None) -> Cell:
        """A 0–1 share shown as a percentage (the value kept is the share)."""
        if value is None:
            return self.missing(missing or "not_computable")
        return Cell(self.f.share(value), value, numeric=True)

    def missing(self, why: str) -> Cell:
        """A "not computable" cell with its reason (a code in the catalogue, or words)."""
        return Cell(self.f.t("missing"), None, missing=self.f.reason(why), numeric=True)

    def text(self, value: str) -> Cell:
        """A text cell."""
        return Cell(value)

    def text_table(
        self, key: str, columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]
    ) -> Table:
        """A table whose every cell is text; ``columns`` are its headings, worded."""
        return Table(key, columns, tuple(tuple(map(self.text, row)) for row in rows))

    def unit(
        self,
        value: Decimal | None,
        unit: KPIUnit,
        reason: str | None = None,
        *,
        whole: bool = False,
    ) -> Cell:
        """A KPI value in its unit (money in whole units when ``whole``: headlines)."""
        if value is None:
            return self.missing(reason or "not_computable")
        if unit is KPIUnit.MONEY:
            return self.money(value, whole=whole)
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

    def sentence(
        self,
        key: str,
        cells: dict[str, Cell],
        tone: Literal["good", "bad"] | None = None,
        /,
        **words: object,
    ) -> Text:
        """The message ``key`` as a :class:`Text` whose ``{name}`` fields are ``cells``.

        Each cell's name is the message's field it fills (named once, not twice);
        ``words`` are other fields, filled in as text (a month, a date).
        """
        fields = {name: f"{{{name}}}" for name in cells}
        return Text(self.f.t(key, **words, **fields), cells, tone)

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
        """A target's name: its own, else the KPI's (with the scope when not ``all``).

        A target only proposed, not yet agreed, says so.
        """
        target = next((t for t in self.ws.targets if t.id == v.target_id), None)
        if target is not None and target.name:
            name = target.name
        else:
            name = self.kpi_name(v)
            name = name if v.scope == "all" else f"{name} ({self.scope_name(v.scope)})"
        if target is not None and target.approval == "proposed":
            return self.f.t("target.proposed", name=name)
        return name

    def scope_name(self, scope: str) -> str:
        """A KPI's scope in words: a source's or a channel's name (``all`` is not shown)."""
        kind, _, value = scope.partition(" ")
        if kind == "source":
            return self.source_name(value)
        if kind == "channel":
            return self.f.channel(value)
        return scope

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
            self.unit(v.baseline, v.unit, "no_baseline"),
            self.unit(v.target, v.unit, "no_target"),
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

    # ---------------------------------------------------------- shared lines

    def movers(self) -> list[KPIValue]:
        """The sources' KPIs that changed most against the previous period, largest first."""
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

    def mover_text(self, v: KPIValue, key: str, *, whole: bool = False) -> Text:
        """One mover in words: the source, the KPI, its value, the previous one and the change.

        ``whole``: money in whole units (the executive summary's headlines).
        """
        assert v.change is not None
        return self.sentence(
            key,
            {
                "channel": self.text(self.source_name(v.scope.removeprefix("source "))),
                "kpi": self.text(self.kpi_name(v)),
                "value": self.unit(figure(v), v.unit, reason(v), whole=whole),
                "previous": self.unit(previous_figure(v), v.unit, v.previous_reason, whole=whole),
                "change": self.change(v),
            },
            "good" if v.change.improved else "bad",
        )

    def silent_lines(self, key: str) -> list[Text]:
        """One sentence per source the audit found silent (no leads for too long)."""
        audit = self.r.audit
        if audit is None:
            return []
        out = []
        for row in audit.silent.to_pylist():
            if not row.get("silent"):
                continue
            last = row.get("last_lead_day")
            out.append(
                self.sentence(
                    key,
                    {
                        "name": self.text(row.get("name") or row["source_id"]),
                        "days": self.number(dec(row.get("days_without_leads"))),
                        "last": self.text(self.f.date(last) if last else "—"),
                        "leads": self.number(row.get("leads_before")),
                        "hint": self.text(self.hint(row.get("wiring"))),
                    },
                    "bad",
                )
            )
        return out

    def sla_text(self, term: Any, key: str) -> Text:
        """A term's month figure with its cumulative one beside it."""
        f = self.f
        month, overall = term.headline, term.cumulative
        passed = {True: "passed.true", False: "passed.false", None: "passed.none"}[month.passed]
        return self.sentence(
            key,
            {
                "term": self.text(self.sla_name(term.sla)),
                "rule": self.text(self.sla_rule(term.sla)),
                "attainment": self.share(month.attainment, month.reason),
                "required": self.share(term.required),
                "passed": self.text(f.t(passed)),
                "cumulative": self.share(overall.attainment, overall.reason),
            },
            None if month.passed is None else ("good" if month.passed else "bad"),
            month=f.month(self.r.month),
            start=f.date(term.start),
        )

    def hint(self, wiring: str | None) -> str:
        """What to check when a source of this wiring goes silent."""
        return self.f.t(f"hint.{wiring or 'other'}")

    def frequency(self, every: str, interval: int = 1) -> str:
        """How often: ``every week``, ``every 2 weeks``, ``once``."""
        if interval == 1:
            return self.f.t(f"frequency.{every}")
        return self.f.t(f"frequency.{every}s", n=self.f.number(interval))

    def due_rule(self, due: Any) -> str:
        """A deliverable's due rule in words (``business day 5``)."""
        f = self.f
        for kind in ("business_day", "day_of_month"):
            n = getattr(due, kind)
            if n is not None:
                key = f"due.{kind}" if n > 0 else f"due.{kind}_from_end"
                return f.t(key, n=f.number(abs(n)))
        if due.weekday is not None:
            return f.t("due.weekday", weekday=f.weekday(str(due.weekday.value)))
        return f.t("due.date", date=f.date(due.date))

    def sla_name(self, sla: Any) -> str:
        """An SLA term's name: the workspace's, else what it measures in words.

        Two unnamed terms of one kind are told apart by their ids.
        """
        if sla.name:
            return str(sla.name)
        word = self.f.t(f"sla.kind.{sla.kind.value}")
        same = [s for s in self.ws.slas if not s.name and s.kind == sla.kind]
        return word if len(same) < 2 else f"{word} ({sla.id})"

    def sla_rule(self, sla: Any) -> str:
        """An SLA term's rule in words, from its definition in the workspace."""
        f = self.f
        if sla.threshold is not None:
            value = f.number(sla.threshold.value, 2)
            return f.t(f"sla.rule.within.{sla.threshold.unit}", value=value)
        if sla.cadence is not None:
            return self.frequency(sla.cadence.every, sla.cadence.interval)
        contract = self.ws.contract
        for d in contract.deliverables if contract is not None else ():
            if d.id == sla.deliverable:
                return f.t("sla.rule.due", due=self.due_rule(d.due), every=self.frequency(d.every))
        return f.t("missing")

    def note(self) -> Any:
        """The workspace's monthly note for this month, if it wrote one."""
        for note in self.ws.monthly_notes:
            if str(note.month) == self.r.label:
                return note
        return None

    def experiments(self) -> list[Any]:
        """The learning log's experiments that ran during the month."""
        return tests_in(self.ws, self.r.month, self.r.month_end)

    def source_name(self, source_id: str | None) -> str:
        """A source's name: its id when the workspace does not know it, else the no-channel word."""
        for s in self.ws.sources:
            if s.id == source_id:
                return s.name
        return source_id or self.f.channel(None)


def _size_of_change(v: KPIValue) -> Decimal:
    if v.change is None or v.change.relative is None:
        return Decimal(0)
    return abs(v.change.relative)


def dec(value: Any) -> Decimal | None:
    """A figure read from a table row as a :class:`Decimal` (``None`` stays ``None``)."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))
