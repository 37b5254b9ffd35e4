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
``lead_follow_up``           every lead record (not deleted): ``created_at`` → its
                             first touch: the earliest outbound call or email or
                             meeting logged against it (activity records), or the
                             CRM's ``first_engagement_at`` if earlier
                             (:mod:`~partnerkit.analysis.sla._touch`)
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
year, and greedy by nature (see
:func:`~partnerkit.analysis.sla._reports.match_deliveries`).
"""

from __future__ import annotations

import datetime as dt

from partnerkit.analysis._data import Dataset, grows_memory
from partnerkit.analysis._sql import Scratch
from partnerkit.analysis.business_time import BusinessClock
from partnerkit.analysis.evidence import EvidenceLog
from partnerkit.analysis.sla._results import PeriodCompliance, SLACompliance, TermCompliance
from partnerkit.analysis.sla._run import start_run
from partnerkit.analysis.sla._terms import term
from partnerkit.errors import ConfigurationError, DataError
from partnerkit.model import Workspace, did_you_mean, month_bounds

__all__ = ["PeriodCompliance", "SLACompliance", "TermCompliance", "sla_compliance"]


@grows_memory
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
    with Scratch(data.cursor()) as scratch:
        run = start_run(workspace, clock, scratch, evidence, start, end, as_of, span)
        terms = tuple(term(run, sla) for sla in workspace.slas)
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
