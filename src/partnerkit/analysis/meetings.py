"""Meetings: their decisions and action items, and the action items that are overdue.

Meeting items (``meeting_item`` records, one row per decision or action of a meeting,
from the meeting log through the files connector) are read as of a day:

* an action is **done** by the as-of day when its ``done_date`` is on or before it, or,
  without a ``done_date``, when ``done`` is true;
* an action is **overdue** when its due day is before the as-of day and it is not done
  by it — whatever the month of the meeting;
* the month's **judged** actions, which the health score's ``actions`` part counts, are
  those due in the month before the as-of day, and every action overdue at the as-of
  day (an action left undone keeps counting, month after month, until it is done).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from partnerkit.analysis._args import AsOf
from partnerkit.analysis._asof import MonthAsOf, month_rows
from partnerkit.analysis._data import Dataset
from partnerkit.analysis._tables import fields_table, sections
from partnerkit.model import Workspace

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Meeting", "MeetingItem", "MeetingLog", "meeting_log"]


#: The query of the month's rows, its one parameter the last day counted.
_SQL = (
    "SELECT meeting_id, meeting_date, meeting_title, item_id, item_type, text, owner, "
    "due_date, done, done_date FROM meeting_item WHERE meeting_date <= ? "
    "ORDER BY meeting_date, meeting_id, item_id"
)


@dataclass(frozen=True)
class MeetingItem:
    """One decision or action item, as of the log's day.

    Attributes:
        meeting_id: The meeting.
        meeting_date: Its day.
        meeting_title: What the meeting was.
        item_id: The item's id.
        item_type: ``decision`` or ``action`` (lower case).
        text: The decision or action in words.
        owner: Who owns the action (a role).
        due_date: When the action is due.
        done: Whether it is done by the as-of day.
        done_date: When it was done.
        overdue: Due before the as-of day and not done by it.
    """

    meeting_id: str
    meeting_date: dt.date
    meeting_title: str | None
    item_id: str
    item_type: str
    text: str | None
    owner: str | None
    due_date: dt.date | None
    done: bool
    done_date: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class Meeting:
    """A meeting of the month with its decisions and action items.

    Attributes:
        meeting_id: Its id.
        date: Its day.
        title: What it was.
        decisions: Its decisions.
        actions: Its action items.
    """

    meeting_id: str
    date: dt.date
    title: str | None
    decisions: tuple[MeetingItem, ...]
    actions: tuple[MeetingItem, ...]


@dataclass(frozen=True)
class MeetingLog(MonthAsOf):
    """The month's meetings and the action items overdue at the as-of day.

    Attributes:
        month: The month.
        as_of: The last day counted.
        meetings: The meetings held in the month up to ``as_of``, by day.
        overdue: Every action item overdue at ``as_of``, by due day.
        judged: The month's judged action items (see the module): what the health
            score's ``actions`` part counts.
    """

    meetings: tuple[Meeting, ...]
    overdue: tuple[MeetingItem, ...]
    judged: tuple[MeetingItem, ...]
    heading: ClassVar[str] = "Meetings"

    @property
    def label(self) -> str:
        """The month as ``YYYY-MM``."""
        return self.month.months()[0]

    def to_arrow(self) -> pa.Table:
        """One row per item of the month's meetings."""
        items = [i for m in self.meetings for i in (*m.decisions, *m.actions)]
        return fields_table(MeetingItem, items)

    def _repr_html_(self) -> str:
        return sections(
            self.title,
            [
                ("Meetings", self.to_arrow()),
                ("Overdue action items", fields_table(MeetingItem, self.overdue)),
            ],
        )


def _done_by(done: bool | None, done_date: dt.date | None, day: dt.date) -> bool:
    if done_date is not None:
        return done_date <= day
    return bool(done)


def meeting_log(
    workspace: Workspace, dataset: Dataset, month: str | dt.date, *, as_of: AsOf | None = None
) -> MeetingLog:
    """The month's meetings, the overdue action items and the month's judged ones.

    Args:
        workspace: The engagement (its time zone).
        dataset: The records (``meeting_item``).
        month: The month, ``"2026-10"`` or any day in it.
        as_of: The last day counted (default: the month's end, or yesterday in the
            workspace's zone when that is earlier).

    Returns:
        The meetings of the month with their items, and the action items (see the
        module for each rule).
    """
    window, cutoff, rows = month_rows(workspace, dataset, month, as_of, _SQL)
    items: list[MeetingItem] = []
    for r in rows:
        kind = r["item_type"].strip().lower()
        done = _done_by(r["done"], r["done_date"], cutoff)
        due = r["due_date"]
        overdue = kind == "action" and not done and due is not None and due < cutoff
        # The query reads every field of the item but ``overdue``; three are as of the day.
        read = {**r, "item_type": kind, "done": done, "done_date": r["done_date"] if done else None}
        items.append(MeetingItem(**read, overdue=overdue))
    meetings: dict[str, list[MeetingItem]] = {}
    for item in items:
        if window.start <= item.meeting_date:
            meetings.setdefault(item.meeting_id, []).append(item)
    held = tuple(
        Meeting(
            mid,
            got[0].meeting_date,
            got[0].meeting_title,
            tuple(i for i in got if i.item_type == "decision"),
            tuple(i for i in got if i.item_type == "action"),
        )
        for mid, got in meetings.items()
    )
    overdue = tuple(sorted((i for i in items if i.overdue), key=lambda i: (i.due_date, i.item_id)))
    judged = tuple(
        i
        for i in items
        if i.item_type == "action"
        and i.due_date is not None
        and (i.overdue or window.start <= i.due_date < cutoff)
    )
    return MeetingLog(window, cutoff, held, overdue, judged)
