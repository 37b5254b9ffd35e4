"""Measuring one term's cases against business time: the shared run and its SQL.

A :class:`SLARun` holds what every term reads — the workspace, its business clock,
the scratch connection, the period and the evidence table — built once by
:func:`start_run`. :func:`measure` judges timed cases (met, breached, pending) with
working time from the calendar table; :func:`summarise` turns judged cases into a
:class:`~partnerkit.analysis.sla.TermCompliance`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from partnerkit.analysis._sql import Scratch
from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis.business_time import BusinessClock
from partnerkit.analysis.periods import local_day_sql
from partnerkit.analysis.sla._results import (
    BREACHED,
    MET,
    PENDING,
    TREND_SCHEMA,
    UNMEASURABLE,
    PeriodCompliance,
    TermCompliance,
)
from partnerkit.model import SLA, Duration, Workspace

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.analysis.evidence import EvidenceLog

__all__ = [
    "SLARun",
    "calendar_table",
    "ident",
    "local_day",
    "measure",
    "month_figures",
    "no_evidence",
    "start_run",
    "summarise",
]

_FOUR = Decimal("0.0001")


def local_day(column: str, timezone: str) -> str:
    """SQL: the local day of a timestamp column in ``timezone``."""
    return local_day_sql(column, timezone, timestamp=True)


def ident(text: str) -> str:
    """The text made safe for a scratch table's name."""
    return "".join(ch if ch.isalnum() else "_" for ch in text)


@dataclass(frozen=True)
class SLARun:
    """What every term of one measurement reads.

    Attributes:
        ws: The workspace.
        clock: Its business clock.
        scratch: The scratch connection the cases and judgements live on.
        evidence: The evidence log, if given.
        start: First day measured.
        end: Last day measured.
        as_of: The moment deadlines are judged at.
        month: The first and last day of the month measured on its own, if any.
        as_of_day: The day of ``as_of`` in the workspace's time zone.
        tz: The workspace's time zone.
        t_ev: The evidence table (with each row's ``side``), or ``None`` without a log.
    """

    ws: Workspace
    clock: BusinessClock
    scratch: Scratch
    evidence: EvidenceLog | None
    start: dt.date
    end: dt.date
    as_of: dt.datetime
    month: tuple[dt.date, dt.date] | None
    as_of_day: dt.date
    tz: str
    t_ev: str | None


def start_run(
    ws: Workspace,
    clock: BusinessClock,
    scratch: Scratch,
    evidence: EvidenceLog | None,
    start: dt.date,
    end: dt.date,
    as_of: dt.datetime,
    month: tuple[dt.date, dt.date] | None = None,
) -> SLARun:
    """Register the evidence table (when there is a log) and return the run."""
    return SLARun(
        ws=ws,
        clock=clock,
        scratch=scratch,
        evidence=evidence,
        start=start,
        end=end,
        as_of=as_of,
        month=month,
        as_of_day=as_of.astimezone(clock.zone).date(),
        tz=ws.timezone,
        t_ev=_evidence_table(ws, scratch, evidence) if evidence is not None else None,
    )


def _evidence_table(ws: Workspace, scratch: Scratch, evidence: EvidenceLog) -> str:
    import pyarrow as pa

    people: dict[str, str] = {"partner": "partner", "in_house": "in_house"}
    if ws.partner is not None:
        people.update({p.id.lower(): p.side.value for p in ws.partner.people})
    sides = pa.table(
        {"who": pa.array(list(people), pa.string()), "side": pa.array(list(people.values()))}
    )
    t_sides = scratch.register("sides", sides)
    t_raw = scratch.register("evidence_raw", evidence.events)
    return scratch.table(
        "evidence",
        f"SELECT e.*, s.side FROM {t_raw} e LEFT JOIN {t_sides} s ON s.who = lower(e.by)",
    )


def no_evidence(run: SLARun, sla: SLA, rule: str, why: str, code: str) -> TermCompliance:
    """The term with no case: not computable, for the reason given."""
    import pyarrow as pa

    empty = pa.table(
        {
            "case": pa.array([], pa.string()),
            "month": pa.array([], pa.string()),
            "status": pa.array([], pa.string()),
            "detail": pa.array([], pa.string()),
        }
    )
    return summarise(run, sla, rule, empty, reason=why, code=code)


# ------------------------------------------------------- timed cases (SQL)


def calendar_table(run: SLARun, cases: str, threshold: Duration) -> str:
    """Register the calendar table covering every timestamp of ``cases`` and deadlines."""
    started, ended = local_day("started_at", run.tz), local_day("ended_at", run.tz)
    bounds = run.scratch.rows(
        f"SELECT min(least({started}, coalesce({ended}, {started}))), "
        f"max(greatest({started}, coalesce({ended}, {started}))) FROM {cases}"
    )[0]
    first = min(d for d in (bounds[0], run.start) if d is not None) - dt.timedelta(days=1)
    last = max(d for d in (bounds[1], run.end, run.as_of_day) if d is not None)
    span = run.clock.allowance(threshold) / run.clock.day_length  # working days
    per_week = len(run.ws.calendar.working_days)
    pad = math.ceil(span * 7 / per_week) + 14
    days_off = run.ws.calendar.holidays_between(last, last + dt.timedelta(days=2 * pad))
    extra = pad + len(days_off)
    return run.scratch.register("calendar", run.clock.table(first, last + dt.timedelta(days=extra)))


def measure(run: SLARun, cases: str, threshold: Duration) -> pa.Table:
    """Measure cases (``case``, ``started_at``, ``ended_at``, evidence) against a threshold.

    Adds ``month``, ``deadline``, ``elapsed``, ``allowed``, ``over_by`` and ``status``.
    """
    import pyarrow as pa

    allowed = run.clock.allowance(threshold) // dt.timedelta(microseconds=1)
    as_of = _lit(run.as_of)
    if threshold.is_business:
        cal = calendar_table(run, cases, threshold)

        def w(col: str, alias: str) -> str:
            return (
                f"{alias}.before_us + CASE WHEN {alias}.working THEN least(greatest("
                f"epoch_us({col}) - epoch_us({alias}.opens_at), 0), {alias}.length_us) "
                f"ELSE 0 END"
            )

        timed = f"""
            WITH s AS (
              SELECT c.*, {w("c.started_at", "k")} AS w_start
              FROM {cases} c JOIN {cal} k ON k.day = {local_day("c.started_at", run.tz)}
            ), e AS (
              SELECT s.*, CASE WHEN s.ended_at IS NULL THEN NULL
                               ELSE {w("s.ended_at", "k")} END AS w_end,
                     s.w_start + {allowed} AS target
              FROM s LEFT JOIN {cal} k ON k.day = {local_day("s.ended_at", run.tz)}
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
    table = run.scratch.arrow(
        f"""
        WITH t AS ({timed}),
        judged AS (
          SELECT t.*, strftime({local_day("started_at", run.tz)}, '%Y-%m') AS month,
            CASE
              WHEN ended_at IS NOT NULL AND ended_at <= {as_of}
                THEN CASE WHEN elapsed_us <= {allowed} THEN '{MET}' ELSE '{BREACHED}' END
              WHEN deadline < {as_of} THEN '{BREACHED}'
              ELSE '{PENDING}'
            END AS status
          FROM t
          WHERE {local_day("started_at", run.tz)}
                BETWEEN {_lit(run.start)} AND {_lit(run.end)}
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
                   THEN 'no end recorded by ' || strftime(timezone({_lit(run.tz)},
                        {as_of}), '%Y-%m-%d %H:%M') || '; due '
                        || strftime(timezone({_lit(run.tz)}, deadline), '%Y-%m-%d %H:%M')
                 WHEN ended_at < started_at THEN 'the end is recorded before the start'
                 WHEN status = '{PENDING}' THEN 'due '
                        || strftime(timezone({_lit(run.tz)}, deadline), '%Y-%m-%d %H:%M')
               END AS detail
        FROM judged ORDER BY started_at, "case"
        """
    )
    for name in ("elapsed", "allowed", "over_by"):  # microseconds → durations
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, table.column(name).cast(pa.duration("us")))
    return table


def summarise(
    run: SLARun,
    sla: SLA,
    rule: str,
    cases: pa.Table,
    *,
    reason: str | None = None,
    code: str | None = None,
) -> TermCompliance:
    import pyarrow as pa

    t = run.scratch.register(f"judged_{ident(sla.id)}", cases)
    counts = {
        str(status): int(n)
        for status, n in run.scratch.rows(f"SELECT status, count(*) FROM {t} GROUP BY status")
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
    trend = run.scratch.arrow(
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
        trend = pa.Table.from_pylist([], schema=TREND_SCHEMA())
    month = None
    if run.month is not None:
        month = month_figures(run, t, sla, code if code is not None and not measured else None)
    return TermCompliance(
        sla=sla,
        rule=rule,
        start=run.start,
        end=run.end,
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


def month_figures(run: SLARun, table: str, sla: SLA, code: str | None) -> PeriodCompliance:
    """The term's compliance over the cases that started in the month asked for."""
    assert run.month is not None
    first, last = run.month
    counts = {
        str(status): int(n)
        for status, n in run.scratch.rows(
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
