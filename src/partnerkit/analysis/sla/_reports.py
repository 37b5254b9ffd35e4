"""Report delivery terms: due occurrences of a contract deliverable, or a reported period's end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from partnerkit.analysis._sql import literal as _lit
from partnerkit.analysis._tables import schema_of
from partnerkit.analysis.business_time import BusinessClock, Occurrence
from partnerkit.analysis.sla._results import BREACHED, MET, PENDING, UNMEASURABLE, TermCompliance
from partnerkit.analysis.sla._run import SLARun, ident, measure, no_evidence_log, summarise
from partnerkit.errors import ConfigurationError
from partnerkit.model import SLA, month_bounds, quarter_bounds

__all__ = ["match_deliveries", "period_span", "report_delivery", "reported_period"]


def _delivered(run: SLARun, columns: str, where: str) -> list[tuple[Any, ...]]:
    """The evidence log's deliveries that meet ``where``, in the order they came."""
    return run.scratch.rows(
        f"SELECT {columns} FROM {run.t_ev} WHERE event = 'delivered' AND {where} "
        'ORDER BY "at", row'
    )


def reported_period(run: SLARun, sla: SLA) -> TermCompliance:
    """A report due ``threshold`` after the end of the period it reports on."""
    assert sla.threshold is not None
    rule = f"within {sla.threshold} of the reported period's end"
    if run.t_ev is None:
        return no_evidence_log(run, sla, rule)
    rows = _delivered(run, "row, period", f"sla = {_lit(sla.id)}")
    import pyarrow as pa

    starts: list[tuple[int, dt.datetime | None]] = []
    for row, period in rows:
        span = period_span(period)
        begin = (
            None
            if span is None
            else dt.datetime.combine(span[1] + dt.timedelta(days=1), dt.time(0), run.clock.zone)
        )
        starts.append((row, begin))
    t = run.scratch.register(
        f"periods_{ident(sla.id)}",
        pa.table(
            {
                "row": pa.array([r for r, _ in starts], pa.int64()),
                "period_end_at": pa.array([b for _, b in starts], pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    cases = run.scratch.table(
        f"cases_{ident(sla.id)}",
        f"SELECT coalesce(e.period, 'row ' || CAST(e.row AS VARCHAR)) AS \"case\", "
        f'p.period_end_at AS started_at, e."at" AS ended_at, e.row AS end_row, e.period, '
        f"e.note, e.link FROM {run.t_ev} e JOIN {t} p USING (row) "
        f"WHERE p.period_end_at IS NOT NULL",
    )
    measured = measure(run, cases, sla.threshold)
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
    return summarise(run, sla, rule, measured)


# -------------------------------------------------------- due occurrences


def report_delivery(run: SLARun, sla: SLA) -> TermCompliance:
    """Each due occurrence of the contract deliverable against its ``delivered`` events."""
    import pyarrow as pa

    assert sla.deliverable is not None
    contract = run.ws.contract
    deliverable = contract.deliverable(sla.deliverable) if contract else None
    if deliverable is None:
        raise ConfigurationError(
            f"SLA term {sla.id!r} follows the deliverable {sla.deliverable!r}, which the "
            f"contract does not list"
        )
    rule = f"by the due date ({deliverable.due}, every {deliverable.every})"
    if run.t_ev is None:
        return no_evidence_log(run, sla, rule)
    deliveries = _delivered(
        run,
        'row, "at", period, note, link',
        f"deliverable = {_lit(deliverable.id)} AND (sla = {_lit(sla.id)} OR sla IS NULL) "
        f'AND "at" <= {_lit(run.as_of)}',
    )
    first = min([run.start] + [d[1].astimezone(run.clock.zone).date() for d in deliveries])
    occurrences = run.clock.occurrences(deliverable, first, run.end)
    matched = match_deliveries(occurrences, deliveries, run.clock)
    rows = []
    for occ in occurrences:
        if not run.start <= occ.due <= run.end:
            continue
        hit = matched.get(occ.key)
        delivered_at = hit[1] if hit else None
        day = delivered_at.astimezone(run.clock.zone).date() if delivered_at else None
        late = len(run.clock.working_days(occ.due + dt.timedelta(days=1), day)) if day else 0
        if day is not None:
            status = MET if day <= occ.due else BREACHED
            detail = (
                "on time"
                if status == MET
                else f"{late} working day(s) late (delivered {day}, due {occ.due})"
            )
        elif occ.due < run.as_of_day:
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
    schema = schema_of(
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
    return summarise(run, sla, rule, pa.Table.from_pylist(rows, schema=schema))


def period_span(period: str | None) -> tuple[dt.date, dt.date] | None:
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


def match_deliveries(
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
        span = period_span(delivery[2])
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
