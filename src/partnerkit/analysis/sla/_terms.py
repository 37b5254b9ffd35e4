"""Reading each kind of SLA term from the evidence: its cases, then their measure.

:func:`term` picks the reading by the term's kind: lead follow-up from the lead
records, a timed exchange (request → reply or delivery) from the evidence log's
threads, a report delivery (:mod:`~partnerkit.analysis.sla._reports`), or a cadence
of events per window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from partnerkit.analysis._lead_class import lead_class_sql
from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis.sla._reports import report_delivery, reported_period
from partnerkit.analysis.sla._results import BREACHED, MET, PENDING, TermCompliance
from partnerkit.analysis.sla._run import (
    SLARun,
    ident,
    local_day,
    measure,
    no_evidence,
    no_evidence_log,
    summarise,
)
from partnerkit.analysis.sla._touch import first_touch_sql
from partnerkit.model import SLA, Cadence, Side, SLAKind

__all__ = ["cadence_term", "cadence_windows", "exchange", "lead_follow_up", "term"]


def term(run: SLARun, sla: SLA) -> TermCompliance:
    """Measure one term, read the way its kind says."""
    kind = sla.kind
    if kind is SLAKind.LEAD_FOLLOW_UP:
        return lead_follow_up(run, sla)
    if kind is SLAKind.RESPONSE_TIME:
        return exchange(run, sla, ["request"], ["reply", "delivered"], requester=True)
    if kind is SLAKind.DELIVERABLE_TURNAROUND:
        if sla.owner is Side.IN_HOUSE:
            return exchange(run, sla, ["delivered"], ["approved"], requester=True)
        return exchange(run, sla, ["request"], ["delivered"], requester=True)
    if kind is SLAKind.REPORT_DELIVERY:
        if sla.deliverable is not None:
            return report_delivery(run, sla)
        return reported_period(run, sla)
    if kind is SLAKind.MEETING_CADENCE:
        assert sla.cadence is not None
        return cadence_term(run, sla, sla.cadence, "event = 'meeting'")
    if sla.threshold is not None:  # custom, timed
        return exchange(run, sla, ["request"], ["reply", "delivered", "approved"], requester=False)
    assert sla.cadence is not None
    return cadence_term(run, sla, sla.cadence, "true")


def lead_follow_up(run: SLARun, sla: SLA) -> TermCompliance:
    """Each live lead: ``created_at`` → its first touch (:mod:`._touch`) within the threshold.

    A term with ``leads`` covers only the leads of that class of the lead agreement
    (:func:`~partnerkit.analysis._lead_class.lead_class_sql`): the same first-touch
    rule, measured on the sales-ready or the nurture leads.
    """
    assert sla.threshold is not None
    rule = f"within {sla.threshold}"
    lead_table = "lead"
    if sla.leads is not None:
        assert run.ws.lead_definition is not None  # the workspace checks it
        schema = run.scratch.con.sql("SELECT * FROM lead LIMIT 0").arrow().schema
        of_class = lead_class_sql(run.ws.lead_definition, schema, sla.leads)
        lead_table = f"(SELECT * FROM lead v WHERE {of_class})"
    touched = run.scratch.table(f"touched_{ident(sla.id)}", first_touch_sql(lead_table))
    leads = run.scratch.rows(f"SELECT count(*), count(first_touch_at) FROM {touched}")[0]
    if not leads[0]:
        return no_evidence(run, sla, rule, "not computable: no lead records", "no_rows")
    if not leads[1]:
        return no_evidence(
            run,
            sla,
            rule,
            "not computable: no lead has a first touch; read the CRM's activities (HubSpot: "
            "the activities stream) or map its first contact date to first_engagement_at "
            "(HubSpot: hs_first_outreach_date)",
            "no_first_engagement",
        )
    cases = run.scratch.table(
        f"cases_{ident(sla.id)}",
        'SELECT lead_id AS "case", created_at AS started_at, first_touch_at AS ended_at, '
        f"lead_id, platform, account_id, touched_by FROM {touched}",
    )
    return summarise(run, sla, rule, measure(run, cases, sla.threshold))


def exchange(
    run: SLARun, sla: SLA, starts: Sequence[str], ends: Sequence[str], *, requester: bool
) -> TermCompliance:
    """Cases from the evidence log: each start event → the first end event in its thread.

    With ``requester``, start events are those not made by the owner (the owner
    does not start its own clock) and end events those not made by the other side.
    """
    assert sla.threshold is not None
    rule = f"within {sla.threshold}"
    if run.t_ev is None:
        return no_evidence_log(run, sla, rule)
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
        f"(SELECT thread FROM {run.t_ev} WHERE deliverable = {_lit(sla.deliverable)}))"
        if sla.deliverable
        else ""
    )
    cases = run.scratch.table(
        f"cases_{ident(sla.id)}",
        f"""
        SELECT 'row ' || CAST(q.row AS VARCHAR) AS "case", q."at" AS started_at,
               min(r."at") AS ended_at, q.thread, q.row AS start_row,
               arg_min(r.row, r."at") AS end_row, q.by AS started_by,
               arg_min(r.by, r."at") AS ended_by, q.note, q.link
        FROM {run.t_ev} q
        LEFT JOIN {run.t_ev} r ON r.thread = q.thread AND r."at" >= q."at" AND r.row <> q.row
          AND r.event IN ({", ".join(_lit(e) for e in ends)}) AND {tag("r")} AND {end_side}
        WHERE q.event IN ({", ".join(_lit(e) for e in starts)}) AND {tag("q")}
          AND {start_side} {deliverable}
        GROUP BY q.row, q."at", q.thread, q.by, q.note, q.link
        """,
    )
    return summarise(run, sla, rule, measure(run, cases, sla.threshold))


def cadence_term(run: SLARun, sla: SLA, cadence: Cadence, event_sql: str) -> TermCompliance:
    """Each cadence window needs one event matching ``event_sql``."""
    import pyarrow as pa

    rule = str(cadence)
    if run.t_ev is None:
        return no_evidence_log(run, sla, rule)
    anchor = run.ws.contract.start if run.ws.contract else run.start
    windows = [
        w
        for w in cadence_windows(anchor, cadence, run.end)
        if w[1] >= run.start and run.clock.working_days(w[0], w[1])
    ]
    closed = min(run.end, run.as_of_day)
    table = pa.table(
        {
            "case": pa.array([f"{a} to {b}" for a, b in windows], pa.string()),
            "first_day": pa.array([a for a, _ in windows], pa.date32()),
            "last_day": pa.array([b for _, b in windows], pa.date32()),
        }
    )
    t = run.scratch.register(f"windows_{ident(sla.id)}", table)
    tag = (
        f"sla = {_lit(sla.id)}"
        if sla.kind is SLAKind.CUSTOM
        else (f"(sla = {_lit(sla.id)} OR sla IS NULL)")
    )
    cases = run.scratch.arrow(
        f"""
        WITH m AS (
          SELECT w."case", w.first_day, w.last_day, count(e.row) AS events,
                 list(e.row ORDER BY e."at") FILTER (WHERE e.row IS NOT NULL) AS rows,
                 min(e."at") AS first_at
          FROM {t} w LEFT JOIN (SELECT * FROM {run.t_ev} WHERE {event_sql} AND {tag}) e
            ON {local_day('e."at"', run.tz)} BETWEEN w.first_day AND w.last_day
          GROUP BY ALL
        )
        SELECT "case", strftime(first_day, '%Y-%m') AS month,
               CASE WHEN events > 0 THEN '{MET}'
                    WHEN last_day <= {_lit(closed)} AND last_day < {_lit(run.as_of_day)}
                      THEN '{BREACHED}'
                    ELSE '{PENDING}' END AS status,
               first_day, last_day, events, coalesce(rows, []) AS rows, first_at,
               CASE WHEN events = 0 AND last_day < {_lit(run.as_of_day)}
                      AND last_day <= {_lit(closed)} THEN 'no meeting recorded'
                    WHEN events = 0 THEN 'the window is not over' END AS detail
        FROM m ORDER BY first_day
        """
    )
    return summarise(run, sla, rule, cases)


# ------------------------------------------------------------- cadence windows


def cadence_windows(
    anchor: dt.date, cadence: Cadence, last: dt.date
) -> list[tuple[dt.date, dt.date]]:
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
