"""A month's records read straight from the connections, when there is no warehouse.

``partnerkit report --month`` without a synced warehouse reads each connection for
the month and the month before (for the comparisons). Performance and campaign
streams are read by their day. CRM streams must be selected by the dates the
analyses count them by — leads by creation, deals by close (or creation) — never by
modification, or a lead created in October and edited in November would be missing
from October:

* a connector that lists ``"dates"`` in its ``read_options`` (HubSpot) is asked for
  ``options={"dates": "created"}``: the range selects leads by creation date and
  deals by creation or close date;
* a lead stream whose incremental cursor is ``created_at`` (files) is read by range;
* any other lead or deal stream is read whole (up to today), and the analyses pick
  each record's month from its own dates, as they do over a warehouse.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from partnerkit.analysis._data import Dataset
from partnerkit.analysis.periods import Window
from partnerkit.connector import ReadRequest
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    from partnerkit.connector import Connector, StreamSpec
    from partnerkit.model import Workspace

__all__ = ["month_request", "read_days", "read_month"]

_CRM = (RecordKind.LEAD, RecordKind.DEAL)


def month_request(
    connector: Connector[Any],
    spec: StreamSpec,
    start: dt.date,
    end: dt.date,
    accounts: tuple[str, ...] = (),
) -> ReadRequest:
    """The read of one stream for the days ``start``..``end``, CRM records by their own dates.

    Args:
        connector: The connector (its ``read_options`` say whether it can select by
            creation date).
        spec: The stream.
        start: The first day.
        end: The last day.
        accounts: The accounts to read (all of the connection's by default).
    """
    if spec.kind not in _CRM:
        return ReadRequest(stream=spec.name, start=start, end=end, accounts=accounts)
    if "dates" in getattr(connector, "read_options", frozenset()):
        return ReadRequest(
            stream=spec.name,
            start=start,
            end=end,
            accounts=accounts,
            options={"dates": "created"},
        )
    if spec.kind is RecordKind.LEAD and spec.cursor == "created_at":
        return ReadRequest(stream=spec.name, start=start, end=end, accounts=accounts)
    return ReadRequest(stream=spec.name, accounts=accounts, include_today=True)


def read_month(workspace: Workspace, month: str | dt.date) -> Dataset:
    """Read a month and the month before from every connection of a workspace.

    Args:
        workspace: The workspace whose connections are read.
        month: The month, ``"YYYY-MM"`` or any day in it.

    Returns:
        An in-memory dataset of every enabled stream.
    """
    window = Window.month(month)
    return read_days(workspace, window.previous().start, window.end)


def read_days(workspace: Workspace, start: dt.date, end: dt.date) -> Dataset:
    """Read the days ``start``..``end`` from every connection of a workspace.

    Args:
        workspace: The workspace whose connections are read.
        start: The first day.
        end: The last day.

    Returns:
        An in-memory dataset of every enabled stream (CRM records by their own dates,
        see :func:`month_request`).
    """
    streams = []
    for conn in workspace.connections:
        connector = workspace.connector(conn.name)
        for spec in connector.enabled_streams():
            request = month_request(connector, spec, start, end, tuple(conn.accounts))
            streams.append(connector.stream(request))
    return Dataset.from_streams(streams)
