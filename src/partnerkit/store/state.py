"""Incremental state: where each stream of each account stands, and the next read.

A sync keeps one :class:`StreamState` per connection, stream and account. Its
``cursor`` is the last day fully read. The rules, in one place:

* **The next read** (:func:`plan_request`) starts ``lookback`` before the day after
  the cursor (:meth:`StreamSpec.incremental_request
  <partnerkit.connector.StreamSpec.incremental_request>`), so days a platform restates
  are read again and replace the old rows. ``--from`` overrides the start,
  ``--full-refresh`` ignores the cursor, and a stream without a cursor column is read
  whole every time.
* **The new cursor** (:func:`advance_cursor`) is the read's end when it had one, else
  the last day seen in the cursor column; it never passes :func:`last_complete_day`
  (a day is complete once it has ended in every time zone), and it never moves back
  except on a full refresh.
* The cursor is written in the same transaction as the rows it covers (see
  :class:`~partnerkit.store.warehouse.Warehouse`), so a killed sync resumes where the
  last committed read ended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from partnerkit.connector import ReadRequest, StreamSpec
from partnerkit.records import RecordKind

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "StreamState",
    "advance_cursor",
    "batch_max_day",
    "cursor_day",
    "last_complete_day",
    "plan_request",
]

#: The furthest a local time runs behind UTC (Baker Island, UTC−12).
_LATEST_OFFSET = dt.timedelta(hours=12)


@dataclass(frozen=True)
class StreamState:
    """Where one stream of one account of one connection stands.

    Attributes:
        connection: The workspace connection's name.
        stream: The connector's stream name.
        account: The account read, or ``""`` when one read covers every account the
            connection's settings name.
        kind: The record kind the stream yields (the warehouse table).
        cursor_column: The column the cursor follows (``None``: read whole each time).
        cursor: The last day fully read (``None``: never read, or no cursor column).
        rows: Rows the last successful read wrote.
        synced_at: When that read was committed (UTC).
    """

    connection: str
    stream: str
    account: str
    kind: RecordKind
    cursor_column: str | None
    cursor: dt.date | None
    rows: int
    synced_at: dt.datetime


def last_complete_day(now: dt.datetime | None = None) -> dt.date:
    """The last calendar day that has ended in every time zone.

    A cursor never passes it: a day an account in a time zone behind ours is still
    living through is not complete yet, whatever the source has sent so far.

    Args:
        now: The current time (timezone-aware; the system clock by default).

    Returns:
        The day before the current date at UTC−12.
    """
    moment = dt.datetime.now(dt.UTC) if now is None else now.astimezone(dt.UTC)
    return (moment - _LATEST_OFFSET).date() - dt.timedelta(days=1)


def plan_request(
    spec: StreamSpec,
    cursor: dt.date | None,
    *,
    lookback: dt.timedelta,
    accounts: tuple[str, ...] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    full_refresh: bool = False,
) -> ReadRequest:
    """Plan the next read of a stream from its cursor and the user's overrides.

    Args:
        spec: The stream.
        cursor: The state's cursor (``None`` for a first sync).
        lookback: How far before the cursor to re-read (the connector's
            :meth:`~partnerkit.connector.Connector.lookback`).
        accounts: The accounts to read (empty: all the settings name).
        start: ``--from``: read from this day, whatever the cursor says.
        end: ``--to``: the last day to read (``None``: as far as the source goes).
        full_refresh: Ignore the cursor and read from ``start`` (or the beginning).

    Returns:
        The read request.
    """
    if spec.cursor is None or full_refresh or start is not None:
        return ReadRequest(stream=spec.name, start=start, end=end, accounts=accounts)
    return spec.incremental_request(cursor, end=end, lookback=lookback, accounts=accounts)


def advance_cursor(
    previous: dt.date | None,
    request: ReadRequest,
    seen: dt.date | None,
    *,
    has_cursor: bool = True,
    full_refresh: bool = False,
    complete: dt.date | None = None,
) -> dt.date | None:
    """The cursor after a read that completed.

    Args:
        previous: The cursor before the read.
        request: The read that completed.
        seen: The last day found in the cursor column of the rows read, if any.
        has_cursor: Whether the stream has a cursor column at all.
        full_refresh: The read replaced the stream's rows: the cursor may move back.
        complete: The last complete day (:func:`last_complete_day` by default).

    Returns:
        The new cursor: ``request.end`` if set, else ``seen``, capped at ``complete``;
        never before ``previous`` unless ``full_refresh``. ``None`` without a cursor.
    """
    if not has_cursor:
        return None
    reached = request.end if request.end is not None else seen
    if reached is not None:
        reached = min(reached, last_complete_day() if complete is None else complete)
    if full_refresh or previous is None:
        return reached
    return previous if reached is None else max(previous, reached)


def batch_max_day(table: pa.Table, column: str | None) -> dt.date | None:
    """The last day in a column of an Arrow batch (timestamps by their UTC day).

    Args:
        table: A batch of records.
        column: The cursor column (a date or a timezone-aware timestamp).

    Returns:
        The latest day, or ``None`` when the column is absent or all null.
    """
    import pyarrow.compute as pc

    if column is None or column not in table.column_names:
        return None
    return cursor_day(pc.max(table.column(column)).as_py())


def cursor_day(value: object) -> dt.date | None:
    """The day a cursor value stands for: a date as it is, a timestamp by its UTC day.

    A naive timestamp is read as UTC.

    Args:
        value: A value of a cursor column.

    Returns:
        The day, or ``None`` when the value is neither a date nor a timestamp.
    """
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.UTC) if value.tzinfo else value).date()
    if isinstance(value, dt.date):
        return value
    return None
