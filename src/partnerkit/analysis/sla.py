"""SLA compliance: every SLA term of the workspace, measured from evidence.

:func:`sla_compliance` turns each term into *cases* (a lead to follow up, a request
to answer, a report occurrence to deliver, a week that needs its call), decides for
each case whether the term was **met**, **breached** or is still **pending**, and
reports per term:

* attainment — met ÷ (met + breached), against the share the term requires;
* the breaches, each with its evidence (lead id, evidence-log rows, timestamps);
* the trend — the same per month (the month a case started, in the workspace's
  time zone).

Where the evidence comes from:

===========================  ================================================================
kind                         cases and their clock
===========================  ================================================================
``lead_follow_up``           every lead record (not deleted): ``created_at`` →
                             ``first_engagement_at``
``response_time``            every ``request`` in the evidence log → the first ``reply``
                             (or ``delivered``) in its thread
``deliverable_turnaround``   partner-owned: ``request`` → first ``delivered`` in the
                             thread; in-house-owned: ``delivered`` → first ``approved``
``report_delivery``          each occurrence of the contract deliverable's due rule,
                             against its ``delivered`` events; with a ``threshold``
                             instead: end of the reported ``period`` → ``delivered``
``meeting_cadence``          each cadence window (from the contract start) needs one
                             ``meeting``
``custom``                   events tagged with the term's id: a ``request`` → the next
                             event in its thread (threshold), or one event per window
                             (cadence)
===========================  ================================================================

Thresholds in business units count working time only, on the workspace calendar
(:mod:`partnerkit.analysis.business_time`); a case with no end yet is breached once
its deadline has passed ``as_of`` and pending before.

Columnar: the measured cases are one SQL statement per term — the working time up
to each timestamp comes from a join with the calendar table (one row per day with
the working time before it) and deadlines from an ``ASOF`` join on it — so a million
leads cost one pass, not a million calendar walks. Only the matching of report
deliveries to due occurrences walks a list in Python: it is a handful of rows per
year, and greedy by nature (see :func:`_match_deliveries`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from partnerkit.analysis._data import Dataset, Result
from partnerkit.analysis._sql import Scratch as _Scratch
from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis._tables import schema_of as _schema_of
from partnerkit.analysis._tables import sections as _sections
from partnerkit.analysis.business_time import BusinessClock, Occurrence
from partnerkit.analysis.evidence import EvidenceLog
from partnerkit.analysis.periods import local_day_sql
from partnerkit.errors import ConfigurationError, DataError
from partnerkit.model import SLA, Cadence, Duration, Side, SLAKind, Workspace
from partnerkit.model._base import did_you_mean, month_bounds, quarter_bounds

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["PeriodCompliance", "SLACompliance", "TermCompliance", "sla_compliance"]


def _local(column: str, timezone: str) -> str:
    return local_day_sql(column, timezone, timestamp=True)


MET, BREACHED, PENDING, UNMEASURABLE = "met", "breached", "pending", "unmeasurable"
_FOUR = Decimal("0.0001")


# ---------------------------------------------------------------------- results


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
        return head + _sections(
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
        return pa.Table.from_pylist(rows, schema=_SUMMARY_SCHEMA())

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
            + _sections(self.title, parts)
        )


# --------------------------------------------------------------------- entry


def sla_compliance(
    workspace: Workspace,
    dataset: Dataset | None = None,
    evidence: EvidenceLog | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.datetime | None = None,
    month: str | dt.date | None = None,
) -> SLACompliance:
    """Measure every SLA term of the workspace from the records and the evidence log.

    Each term is measured over the whole period (cumulative: ``start`` to ``end``)
    and, when ``month`` is given, over that month too (:attr:`TermCompliance.month`:
    the cases that started in it). A monthly report shows the month's figure as its
    headline, with the cumulative one beside it.

    Args:
        workspace: The workspace: its SLA terms, calendar, contract deliverables.
        dataset: The records (the ``lead`` view, for lead follow-up).
        evidence: The evidence log (requests, replies, deliveries, approvals, meetings).
        start: First day measured; the contract's start by default.
        end: Last day measured; the day of ``as_of`` by default.
        as_of: The moment deadlines are judged at (default: now).
        month: A month (``"2026-10"`` or any day in it) to measure on its own too;
            ``end`` then defaults to its last day.

    Returns:
        Each term's compliance.

    Raises:
        ConfigurationError: Bad arguments, or no period can be told.
        DataError: An evidence row names an SLA term or deliverable the workspace
            does not have.
    """
    as_of = as_of or dt.datetime.now(dt.UTC)
    if as_of.tzinfo is None:
        raise ConfigurationError("as_of must be timezone-aware, e.g. datetime(..., tzinfo=UTC)")
    clock = BusinessClock(workspace.calendar)
    as_of_day = as_of.astimezone(clock.zone).date()
    span: tuple[dt.date, dt.date] | None = None
    if month is not None:
        first = month.replace(day=1) if isinstance(month, dt.date) else None
        if first is None:
            try:
                span = month_bounds(str(month).strip())
            except ValueError as exc:
                raise ConfigurationError(f"not a month: {month!r} (write YYYY-MM)") from exc
        else:
            span = month_bounds(f"{first:%Y-%m}")
    end = end or (span[1] if span is not None else as_of_day)
    if start is None:
        if workspace.contract is None:
            raise ConfigurationError(
                "give start: the workspace has no contract whose start could be used"
            )
        start = workspace.contract.start
    if end < start:
        raise ConfigurationError(f"the period ends ({end}) before it starts ({start})")
    if evidence is not None:
        _check_references(workspace, evidence)
    data = dataset or Dataset()
    with _Scratch(data.cursor()) as scratch:
        run = _Run(workspace, clock, scratch, evidence, start, end, as_of, span)
        terms = tuple(run.term(sla) for sla in workspace.slas)
    return SLACompliance(start=start, end=end, as_of=as_of, terms=terms)


def _check_references(ws: Workspace, evidence: EvidenceLog) -> None:
    known = {s.id for s in ws.slas}
    deliverables = {d.id for d in ws.contract.deliverables} if ws.contract else set()
    for column, names, what in (
        ("sla", known, "SLA term"),
        ("deliverable", deliverables, "deliverable"),
    ):
        values = evidence.events.column(column).to_pylist()
        rows = evidence.events.column("row").to_pylist()
        for value, row in zip(values, rows, strict=True):
            if value is not None and value not in names:
                raise DataError(
                    f"the evidence names the {what} {value!r}, which the workspace does not "
                    f"have.{did_you_mean(value, names)} "
                    f"Known: {', '.join(sorted(names)) or 'none'}",
                    source=evidence.source,
                    row=row,
                    column=column,
                    value=value,
                )


# ------------------------------------------------------------------ measuring


class _Run:
    """Measures the terms of one workspace over one period."""

    def __init__(
        self,
        ws: Workspace,
        clock: BusinessClock,
        scratch: _Scratch,
        evidence: EvidenceLog | None,
        start: dt.date,
        end: dt.date,
        as_of: dt.datetime,
        month: tuple[dt.date, dt.date] | None = None,
    ) -> None:
        self.ws, self.clock, self.s = ws, clock, scratch
        self.month = month
        self.start, self.end, self.as_of = start, end, as_of
        self.as_of_day = as_of.astimezone(clock.zone).date()
        self.tz = ws.timezone
        self.evidence = evidence
        self.t_ev = self._evidence_table(evidence) if evidence is not None else None

    def _evidence_table(self, evidence: EvidenceLog) -> str:
        import pyarrow as pa

        people: dict[str, str] = {"partner": "partner", "in_house": "in_house"}
        if self.ws.partner is not None:
            people.update({p.id.lower(): p.side.value for p in self.ws.partner.people})
        sides = pa.table(
            {"who": pa.array(list(people), pa.string()), "side": pa.array(list(people.values()))}
        )
        t_sides = self.s.register("sides", sides)
        t_raw = self.s.register("evidence_raw", evidence.events)
        return self.s.table(
            "evidence",
            f"SELECT e.*, s.side FROM {t_raw} e LEFT JOIN {t_sides} s ON s.who = lower(e.by)",
        )

    # ------------------------------------------------------------------ terms

    def term(self, sla: SLA) -> TermCompliance:
        kind = sla.kind
        if kind is SLAKind.LEAD_FOLLOW_UP:
            return self._lead_follow_up(sla)
        if kind is SLAKind.RESPONSE_TIME:
            return self._exchange(sla, ["request"], ["reply", "delivered"], requester=True)
        if kind is SLAKind.DELIVERABLE_TURNAROUND:
            if sla.owner is Side.IN_HOUSE:
                return self._exchange(sla, ["delivered"], ["approved"], requester=True)
            return self._exchange(sla, ["request"], ["delivered"], requester=True)
        if kind is SLAKind.REPORT_DELIVERY:
            if sla.deliverable is not None:
                return self._report_delivery(sla)
            return self._reported_period(sla)
        if kind is SLAKind.MEETING_CADENCE:
            assert sla.cadence is not None
            return self._cadence(sla, sla.cadence, "event = 'meeting'")
        if sla.threshold is not None:  # custom, timed
            return self._exchange(
                sla, ["request"], ["reply", "delivered", "approved"], requester=False
            )
        assert sla.cadence is not None
        return self._cadence(sla, sla.cadence, "true")

    def _no_evidence(self, sla: SLA, rule: str, why: str, code: str) -> TermCompliance:
        import pyarrow as pa

        empty = pa.table(
            {
                "case": pa.array([], pa.string()),
                "month": pa.array([], pa.string()),
                "status": pa.array([], pa.string()),
                "detail": pa.array([], pa.string()),
            }
        )
        return self._summarise(sla, rule, empty, reason=why, code=code)

    # ------------------------------------------------------- timed cases (SQL)

    def _calendar(self, cases: str, threshold: Duration) -> str:
        """Register the calendar table covering every timestamp of ``cases`` and deadlines."""
        started, ended = _local("started_at", self.tz), _local("ended_at", self.tz)
        bounds = self.s.rows(
            f"SELECT min(least({started}, coalesce({ended}, {started}))), "
            f"max(greatest({started}, coalesce({ended}, {started}))) FROM {cases}"
        )[0]
        first = min(d for d in (bounds[0], self.start) if d is not None) - dt.timedelta(days=1)
        last = max(d for d in (bounds[1], self.end, self.as_of_day) if d is not None)
        span = self.clock.allowance(threshold) / self.clock.day_length  # working days
        per_week = len(self.ws.calendar.working_days)
        extra = math.ceil(span * 7 / per_week) + 14 + len(self.ws.calendar.holidays)
        return self.s.register("calendar", self.clock.table(first, last + dt.timedelta(days=extra)))

    def _measure(self, cases: str, threshold: Duration) -> pa.Table:
        """Measure cases (``case``, ``started_at``, ``ended_at``, evidence) against a threshold.

        Adds ``month``, ``deadline``, ``elapsed``, ``allowed``, ``over_by`` and ``status``.
        """
        import pyarrow as pa

        allowed = self.clock.allowance(threshold) // dt.timedelta(microseconds=1)
        as_of = _lit(self.as_of)
        if threshold.is_business:
            cal = self._calendar(cases, threshold)

            def w(col: str, alias: str) -> str:
                return (
                    f"{alias}.before_us + CASE WHEN {alias}.working THEN least(greatest("
                    f"epoch_us({col}) - epoch_us({alias}.opens_at), 0), {alias}.length_us) "
                    f"ELSE 0 END"
                )

            timed = f"""
                WITH s AS (
                  SELECT c.*, {w("c.started_at", "k")} AS w_start
                  FROM {cases} c JOIN {cal} k ON k.day = {_local("c.started_at", self.tz)}
                ), e AS (
                  SELECT s.*, CASE WHEN s.ended_at IS NULL THEN NULL
                                   ELSE {w("s.ended_at", "k")} END AS w_end,
                         s.w_start + {allowed} AS target
                  FROM s LEFT JOIN {cal} k ON k.day = {_local("s.ended_at", self.tz)}
                )
                SELECT e.* EXCLUDE (w_start, w_end, target),
                       make_timestamptz(epoch_us(k.opens_at) + e.target - k.before_us)
                         AS deadline,
                       greatest(e.w_end - e.w_start, 0) AS elapsed_us
                FROM e ASOF LEFT JOIN (SELECT * FROM {cal} WHERE working) k
                  ON e.target > k.before_us
            """
        else:
            timed = f"""
                SELECT c.*, c.started_at + to_microseconds({allowed}) AS deadline,
                       greatest(epoch_us(c.ended_at) - epoch_us(c.started_at), 0) AS elapsed_us
                FROM {cases} c
            """
        table = self.s.arrow(
            f"""
            WITH t AS ({timed}),
            judged AS (
              SELECT t.*, strftime({_local("started_at", self.tz)}, '%Y-%m') AS month,
                CASE
                  WHEN ended_at IS NOT NULL AND ended_at <= {as_of}
                    THEN CASE WHEN elapsed_us <= {allowed} THEN '{MET}' ELSE '{BREACHED}' END
                  WHEN deadline < {as_of} THEN '{BREACHED}'
                  ELSE '{PENDING}'
                END AS status
              FROM t
              WHERE {_local("started_at", self.tz)}
                    BETWEEN {_lit(self.start)} AND {_lit(self.end)}
            )
            SELECT "case", month, status, started_at,
                   CASE WHEN ended_at <= {as_of} THEN ended_at END AS ended_at, deadline,
                   CASE WHEN ended_at <= {as_of} THEN elapsed_us END AS elapsed,
                   CAST({allowed} AS BIGINT) AS allowed,
                   CASE WHEN status = '{BREACHED}' AND ended_at <= {as_of}
                        THEN elapsed_us - {allowed} END AS over_by,
                   * EXCLUDE ("case", month, status, started_at, ended_at, deadline, elapsed_us),
                   CASE
                     WHEN status = '{BREACHED}' AND (ended_at IS NULL OR ended_at > {as_of})
                       THEN 'no end recorded by ' || strftime(timezone({_lit(self.tz)},
                            {as_of}), '%Y-%m-%d %H:%M') || '; due '
                            || strftime(timezone({_lit(self.tz)}, deadline), '%Y-%m-%d %H:%M')
                     WHEN ended_at < started_at THEN 'the end is recorded before the start'
                     WHEN status = '{PENDING}' THEN 'due '
                            || strftime(timezone({_lit(self.tz)}, deadline), '%Y-%m-%d %H:%M')
                   END AS detail
            FROM judged ORDER BY started_at, "case"
            """
        )
        for name in ("elapsed", "allowed", "over_by"):  # microseconds → durations
            i = table.schema.get_field_index(name)
            table = table.set_column(i, name, table.column(name).cast(pa.duration("us")))
        return table

    def _lead_follow_up(self, sla: SLA) -> TermCompliance:
        assert sla.threshold is not None
        rule = f"within {sla.threshold}"
        leads = self.s.rows(
            "SELECT count(*), count(first_engagement_at) FROM lead WHERE is_deleted IS NOT true"
        )[0]
        if not leads[0]:
            return self._no_evidence(sla, rule, "not computable: no lead records", "no_rows")
        if not leads[1]:
            return self._no_evidence(
                sla,
                rule,
                "not computable: no lead has first_engagement_at; map the CRM's first contact "
                "date (HubSpot: 'First Contact Date' / hs_sa_first_engagement_date)",
                "no_first_engagement",
            )
        cases = self.s.table(
            f"cases_{_ident(sla.id)}",
            'SELECT lead_id AS "case", created_at AS started_at, '
            "first_engagement_at AS ended_at, lead_id, platform, account_id "
            "FROM lead WHERE is_deleted IS NOT true",
        )
        return self._summarise(sla, rule, self._measure(cases, sla.threshold))

    def _exchange(
        self, sla: SLA, starts: Sequence[str], ends: Sequence[str], *, requester: bool
    ) -> TermCompliance:
        """Cases from the evidence log: each start event → the first end event in its thread.

        With ``requester``, start events are those not made by the owner (the owner
        does not start its own clock) and end events those not made by the other side.
        """
        assert sla.threshold is not None
        rule = f"within {sla.threshold}"
        if self.t_ev is None:
            return self._no_evidence(
                sla, rule, "not computable: no evidence log given", "no_evidence_log"
            )
        owner = _lit(sla.owner.value)
        other = _lit((Side.IN_HOUSE if sla.owner is Side.PARTNER else Side.PARTNER).value)

        def tag(alias: str) -> str:
            if sla.kind is SLAKind.CUSTOM:
                return f"{alias}.sla = {_lit(sla.id)}"
            return f"({alias}.sla = {_lit(sla.id)} OR {alias}.sla IS NULL)"

        start_side = f"q.side IS DISTINCT FROM {owner}" if requester else "true"
        end_side = f"r.side IS DISTINCT FROM {other}" if requester else "true"
        deliverable = (
            f"AND (q.deliverable = {_lit(sla.deliverable)} OR q.thread IN "
            f"(SELECT thread FROM {self.t_ev} WHERE deliverable = {_lit(sla.deliverable)}))"
            if sla.deliverable
            else ""
        )
        cases = self.s.table(
            f"cases_{_ident(sla.id)}",
            f"""
            SELECT 'row ' || CAST(q.row AS VARCHAR) AS "case", q."at" AS started_at,
                   min(r."at") AS ended_at, q.thread, q.row AS start_row,
                   arg_min(r.row, r."at") AS end_row, q.by AS started_by,
                   arg_min(r.by, r."at") AS ended_by, q.note, q.link
            FROM {self.t_ev} q
            LEFT JOIN {self.t_ev} r ON r.thread = q.thread AND r."at" >= q."at" AND r.row <> q.row
              AND r.event IN ({", ".join(_lit(e) for e in ends)}) AND {tag("r")} AND {end_side}
            WHERE q.event IN ({", ".join(_lit(e) for e in starts)}) AND {tag("q")}
              AND {start_side} {deliverable}
            GROUP BY q.row, q."at", q.thread, q.by, q.note, q.link
            """,
        )
        return self._summarise(sla, rule, self._measure(cases, sla.threshold))

    def _reported_period(self, sla: SLA) -> TermCompliance:
        """A report due ``threshold`` after the end of the period it reports on."""
        assert sla.threshold is not None
        rule = f"within {sla.threshold} of the reported period's end"
        if self.t_ev is None:
            return self._no_evidence(
                sla, rule, "not computable: no evidence log given", "no_evidence_log"
            )
        rows = self.s.rows(
            f"SELECT row, period FROM {self.t_ev} WHERE event = 'delivered' "
            f'AND sla = {_lit(sla.id)} ORDER BY "at", row'
        )
        import pyarrow as pa

        starts: list[tuple[int, dt.datetime | None]] = []
        for row, period in rows:
            span = _period_span(period)
            begin = (
                None
                if span is None
                else dt.datetime.combine(
                    span[1] + dt.timedelta(days=1), dt.time(0), self.clock.zone
                )
            )
            starts.append((row, begin))
        t = self.s.register(
            f"periods_{_ident(sla.id)}",
            pa.table(
                {
                    "row": pa.array([r for r, _ in starts], pa.int64()),
                    "period_end_at": pa.array([b for _, b in starts], pa.timestamp("us", tz="UTC")),
                }
            ),
        )
        cases = self.s.table(
            f"cases_{_ident(sla.id)}",
            f"SELECT coalesce(e.period, 'row ' || CAST(e.row AS VARCHAR)) AS \"case\", "
            f'p.period_end_at AS started_at, e."at" AS ended_at, e.row AS end_row, e.period, '
            f"e.note, e.link FROM {self.t_ev} e JOIN {t} p USING (row) "
            f"WHERE p.period_end_at IS NOT NULL",
        )
        measured = self._measure(cases, sla.threshold)
        missing = [row for row, begin in starts if begin is None]
        if missing:
            extra = pa.table(
                {
                    "case": pa.array([f"row {r}" for r in missing], pa.string()),
                    "month": pa.array([None] * len(missing), pa.string()),
                    "status": pa.array([UNMEASURABLE] * len(missing), pa.string()),
                    "detail": pa.array(
                        ["the delivery names no period (YYYY-MM) it reports on"] * len(missing),
                        pa.string(),
                    ),
                }
            )
            measured = pa.concat_tables([measured, extra], promote_options="permissive")
        return self._summarise(sla, rule, measured)

    # -------------------------------------------------------- due occurrences

    def _report_delivery(self, sla: SLA) -> TermCompliance:
        import pyarrow as pa

        assert sla.deliverable is not None
        contract = self.ws.contract
        deliverable = contract.deliverable(sla.deliverable) if contract else None
        if deliverable is None:
            raise ConfigurationError(
                f"SLA term {sla.id!r} follows the deliverable {sla.deliverable!r}, which the "
                f"contract does not list"
            )
        rule = f"by the due date ({deliverable.due}, every {deliverable.every})"
        if self.t_ev is None:
            return self._no_evidence(
                sla, rule, "not computable: no evidence log given", "no_evidence_log"
            )
        deliveries = self.s.rows(
            f"SELECT row, \"at\", period, note, link FROM {self.t_ev} WHERE event = 'delivered' "
            f"AND deliverable = {_lit(deliverable.id)} AND (sla = {_lit(sla.id)} OR sla IS NULL) "
            f'AND "at" <= {_lit(self.as_of)} ORDER BY "at", row'
        )
        first = min([self.start] + [d[1].astimezone(self.clock.zone).date() for d in deliveries])
        occurrences = self.clock.occurrences(deliverable, first, self.end)
        matched = _match_deliveries(occurrences, deliveries, self.clock)
        rows = []
        for occ in occurrences:
            if not self.start <= occ.due <= self.end:
                continue
            hit = matched.get(occ.key)
            delivered_at = hit[1] if hit else None
            day = delivered_at.astimezone(self.clock.zone).date() if delivered_at else None
            late = len(self.clock.working_days(occ.due + dt.timedelta(days=1), day)) if day else 0
            if day is not None:
                status = MET if day <= occ.due else BREACHED
                detail = (
                    "on time"
                    if status == MET
                    else f"{late} working day(s) late (delivered {day}, due {occ.due})"
                )
            elif occ.due < self.as_of_day:
                status, detail = BREACHED, f"not delivered (due {occ.due})"
            else:
                status, detail = PENDING, f"due {occ.due}"
            rows.append(
                {
                    "case": occ.key,
                    "month": f"{occ.due:%Y-%m}",
                    "status": status,
                    "due": occ.due,
                    "delivered_at": delivered_at,
                    "working_days_late": late if status == BREACHED and day else None,
                    "row": hit[0] if hit else None,
                    "note": hit[3] if hit else None,
                    "link": hit[4] if hit else None,
                    "detail": detail,
                }
            )
        schema = _schema_of(
            ("case", pa.string()),
            ("month", pa.string()),
            ("status", pa.string()),
            ("due", pa.date32()),
            ("delivered_at", pa.timestamp("us", tz="UTC")),
            ("working_days_late", pa.int64()),
            ("row", pa.int64()),
            ("note", pa.string()),
            ("link", pa.string()),
            ("detail", pa.string()),
        )
        return self._summarise(sla, rule, pa.Table.from_pylist(rows, schema=schema))

    # ------------------------------------------------------------- cadences

    def _cadence(self, sla: SLA, cadence: Cadence, event_sql: str) -> TermCompliance:
        import pyarrow as pa

        rule = str(cadence)
        if self.t_ev is None:
            return self._no_evidence(
                sla, rule, "not computable: no evidence log given", "no_evidence_log"
            )
        anchor = self.ws.contract.start if self.ws.contract else self.start
        windows = [
            w
            for w in _windows(anchor, cadence, self.end)
            if w[1] >= self.start and self.clock.working_days(w[0], w[1])
        ]
        closed = min(self.end, self.as_of_day)
        table = pa.table(
            {
                "case": pa.array([f"{a} to {b}" for a, b in windows], pa.string()),
                "first_day": pa.array([a for a, _ in windows], pa.date32()),
                "last_day": pa.array([b for _, b in windows], pa.date32()),
            }
        )
        t = self.s.register(f"windows_{_ident(sla.id)}", table)
        tag = (
            f"sla = {_lit(sla.id)}"
            if sla.kind is SLAKind.CUSTOM
            else (f"(sla = {_lit(sla.id)} OR sla IS NULL)")
        )
        cases = self.s.arrow(
            f"""
            WITH m AS (
              SELECT w."case", w.first_day, w.last_day, count(e.row) AS events,
                     list(e.row ORDER BY e."at") FILTER (WHERE e.row IS NOT NULL) AS rows,
                     min(e."at") AS first_at
              FROM {t} w LEFT JOIN (SELECT * FROM {self.t_ev} WHERE {event_sql} AND {tag}) e
                ON {_local('e."at"', self.tz)} BETWEEN w.first_day AND w.last_day
              GROUP BY ALL
            )
            SELECT "case", strftime(first_day, '%Y-%m') AS month,
                   CASE WHEN events > 0 THEN '{MET}'
                        WHEN last_day <= {_lit(closed)} AND last_day < {_lit(self.as_of_day)}
                          THEN '{BREACHED}'
                        ELSE '{PENDING}' END AS status,
                   first_day, last_day, events, coalesce(rows, []) AS rows, first_at,
                   CASE WHEN events = 0 AND last_day < {_lit(self.as_of_day)}
                          AND last_day <= {_lit(closed)} THEN 'no meeting recorded'
                        WHEN events = 0 THEN 'the window is not over' END AS detail
            FROM m ORDER BY first_day
            """
        )
        return self._summarise(sla, rule, cases)

    # ------------------------------------------------------------- summary

    def _summarise(
        self,
        sla: SLA,
        rule: str,
        cases: pa.Table,
        *,
        reason: str | None = None,
        code: str | None = None,
    ) -> TermCompliance:
        import pyarrow as pa

        t = self.s.register(f"judged_{_ident(sla.id)}", cases)
        counts = {
            str(status): int(n)
            for status, n in self.s.rows(f"SELECT status, count(*) FROM {t} GROUP BY status")
        }
        met, breached = int(counts.get(MET, 0)), int(counts.get(BREACHED, 0))
        required = sla.attainment
        measured = met + breached
        if measured:
            attainment: Decimal | None = (Decimal(met) / measured).quantize(_FOUR, ROUND_HALF_EVEN)
            passed: bool | None = met >= required * measured
        else:
            attainment, passed = None, None
            if reason is None:
                waiting = int(counts.get(PENDING, 0))
                reason = (
                    f"not computable: {waiting} case(s) pending, none decided yet"
                    if waiting
                    else "not computable: no case in the period"
                )
                code = "pending_only" if waiting else "no_cases"
        trend = self.s.arrow(
            f"""
            SELECT month, count(*) AS cases,
                   count(*) FILTER (WHERE status = '{MET}') AS met,
                   count(*) FILTER (WHERE status = '{BREACHED}') AS breached,
                   count(*) FILTER (WHERE status = '{PENDING}') AS pending,
                   CASE WHEN count(*) FILTER (WHERE status IN ('{MET}', '{BREACHED}')) > 0
                        THEN CAST(round(count(*) FILTER (WHERE status = '{MET}') * 1.0 /
                             count(*) FILTER (WHERE status IN ('{MET}', '{BREACHED}')), 4)
                             AS DECIMAL(6, 4)) END AS attainment,
                   CASE WHEN count(*) FILTER (WHERE status IN ('{MET}', '{BREACHED}')) > 0
                        THEN count(*) FILTER (WHERE status = '{MET}') >= {required}
                             * count(*) FILTER (WHERE status IN ('{MET}', '{BREACHED}'))
                        END AS passed
            FROM {t} WHERE month IS NOT NULL GROUP BY month ORDER BY month
            """
        )
        if trend.num_rows == 0:
            trend = pa.Table.from_pylist([], schema=_TREND_SCHEMA())
        month = None
        if self.month is not None:
            month = self._month_figures(t, sla, code if code is not None and not measured else None)
        return TermCompliance(
            sla=sla,
            rule=rule,
            start=self.start,
            end=self.end,
            cases=cases,
            met=met,
            breached=breached,
            pending=int(counts.get(PENDING, 0)),
            unmeasurable=int(counts.get(UNMEASURABLE, 0)),
            attainment=attainment,
            required=required,
            passed=passed,
            reason=reason,
            trend=trend,
            title=f"SLA {sla.id}",
            reason_code=code if attainment is None else None,
            month=month,
        )

    def _month_figures(self, table: str, sla: SLA, code: str | None) -> PeriodCompliance:
        """The term's compliance over the cases that started in the month asked for."""
        assert self.month is not None
        first, last = self.month
        counts = {
            str(status): int(n)
            for status, n in self.s.rows(
                f"SELECT status, count(*) FROM {table} WHERE month = {_lit(f'{first:%Y-%m}')} "
                "GROUP BY status"
            )
        }
        met, breached = counts.get(MET, 0), counts.get(BREACHED, 0)
        pending = counts.get(PENDING, 0)
        measured = met + breached
        if measured:
            share: Decimal | None = (Decimal(met) / measured).quantize(_FOUR, ROUND_HALF_EVEN)
            passed: bool | None = met >= sla.attainment * measured
            why = None
        else:
            share, passed = None, None
            why = code or ("pending_only" if pending else "no_cases")
        return PeriodCompliance(
            start=first,
            end=last,
            cumulative=False,
            met=met,
            breached=breached,
            pending=pending,
            attainment=share,
            required=sla.attainment,
            passed=passed,
            reason=why,
        )


# ------------------------------------------------------------------ helpers


def _ident(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text)


def _period_span(period: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day of ``YYYY-MM``, ``YYYY-Qn``, ``YYYY`` or a ``YYYY-MM-DD`` day."""
    if not period:
        return None
    text = period.strip().upper()
    try:
        if len(text) == 7 and text[4] == "-" and text[5] != "Q":
            return month_bounds(text)
        if "-Q" in text:
            return quarter_bounds(text)
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day, day


def _match_deliveries(
    occurrences: Sequence[Occurrence],
    deliveries: Iterable[tuple[Any, ...]],
    clock: BusinessClock,
) -> dict[str, tuple[Any, ...]]:
    """Match delivery events (row, at, period, note, link), in time order, to due occurrences.

    A delivery naming a ``period`` goes to the occurrence whose due period contains
    it. One that names none goes to the occurrence whose due period it falls in, or,
    when that one is already delivered, to the next one not yet delivered (an early
    delivery). The first delivery of an occurrence counts; later ones (corrections,
    resends) are ignored. A report delivered after the next period has begun is
    therefore counted for that next period unless it names its own: name the period
    of late deliveries.
    """
    done: dict[str, tuple[Any, ...]] = {}
    for delivery in deliveries:
        span = _period_span(delivery[2])
        day = delivery[1].astimezone(clock.zone).date() if span is None else span[0]
        here = [o for o in occurrences if o.period_start <= day <= o.period_end]
        if span is not None:
            if here and here[0].key not in done:
                done[here[0].key] = delivery
            continue
        if here and here[0].key not in done:
            done[here[0].key] = delivery
            continue
        later = [o for o in occurrences if o.key not in done and o.due >= day]
        if later:
            done[later[0].key] = delivery
    return done


def _windows(anchor: dt.date, cadence: Cadence, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The cadence windows up to ``last``: weeks from the anchor, months by the calendar."""
    out = []
    if cadence.every == "week":
        step = dt.timedelta(days=7 * cadence.interval)
        lo = anchor
        while lo <= last:
            out.append((lo, lo + step - dt.timedelta(days=1)))
            lo += step
        return out
    months = cadence.interval * (3 if cadence.every == "quarter" else 1)
    year, month = anchor.year, anchor.month
    if cadence.every == "quarter":
        month = 3 * ((month - 1) // 3) + 1
    while dt.date(year, month, 1) <= last:
        lo = dt.date(year, month, 1)
        y2, m2 = year + (month - 1 + months) // 12, (month - 1 + months) % 12 + 1
        out.append((lo, dt.date(y2, m2, 1) - dt.timedelta(days=1)))
        year, month = y2, m2
    return out


def _SUMMARY_SCHEMA() -> pa.Schema:  # noqa: N802
    import pyarrow as pa

    return _schema_of(
        ("sla", pa.string()),
        ("kind", pa.string()),
        ("owner", pa.string()),
        ("rule", pa.string()),
        ("met", pa.int64()),
        ("breached", pa.int64()),
        ("pending", pa.int64()),
        ("unmeasurable", pa.int64()),
        ("attainment", pa.decimal128(6, 4)),
        ("required", pa.decimal128(6, 4)),
        ("passed", pa.bool_()),
        ("reason", pa.string()),
    )


def _TREND_SCHEMA() -> pa.Schema:  # noqa: N802
    import pyarrow as pa

    return _schema_of(
        ("month", pa.string()),
        ("cases", pa.int64()),
        ("met", pa.int64()),
        ("breached", pa.int64()),
        ("pending", pa.int64()),
        ("attainment", pa.decimal128(6, 4)),
        ("passed", pa.bool_()),
    )
