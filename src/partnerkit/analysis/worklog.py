"""The work log: what the partner completed in a month, what remains, what is out of scope.

Work items (``work_item`` records: the partner's own log, Asana, Jira, Trello or
monday.com exports through the files connector) are read as of a day:

* **completed** — done (``done_date``) within the month, up to the as-of day;
* **remaining** — logged by the as-of day (or with no ``created_date``) and not done
  by it, whatever the month it was logged in;
* **out of scope** — an item marked ``in_scope: false`` (``marked_out_of_scope``), or a
  change request (``item_type`` ``change_request``; ``Change Request`` and
  ``change-request`` read the same) that does not say it is in scope and names no
  deliverable of the contract (``change_request_outside_contract``).

An item is *overdue* when its due day is before the as-of day and it is not done by it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from partnerkit.analysis._args import AsOf
from partnerkit.analysis._asof import MonthAsOf, month_rows
from partnerkit.analysis._data import Dataset
from partnerkit.analysis._tables import fields_table, sections, the_one
from partnerkit.model import Workspace

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["ScopeReason", "WorkItem", "WorkLog", "item_type", "work_log"]

ScopeReason = Literal["marked_out_of_scope", "change_request_outside_contract"]
"""Why an item is out of scope."""


def item_type(text: str | None) -> str | None:
    """An item type as the analysis compares it: lower case, words joined by ``_``."""
    if text is None or not text.strip():
        return None
    return "_".join(text.strip().lower().replace("-", " ").split())


#: The query of the month's rows, its one parameter the last day counted.
_SQL = (
    "SELECT item_id, title, item_type, owner, status, created_date, due_date, done_date, "
    "in_scope, deliverable_id, source FROM work_item "
    "WHERE created_date IS NULL OR created_date <= ? ORDER BY item_id"
)


@dataclass(frozen=True)
class WorkItem:
    """One item of the work log, as of the log's day.

    Attributes:
        item_id: Its id.
        title: What it is.
        item_type: Its type (see :func:`item_type`).
        owner: Who owns it (a role).
        status: Its status as written.
        created_date: When it was logged.
        due_date: When it is due.
        done_date: When it was done (``None``: open, or done after the as-of day).
        in_scope: Whether the log says the contract covers it (``None``: not said).
        deliverable_id: The contract deliverable it belongs to.
        source: Where it was logged.
        out_of_scope: Whether it is out of the contract's scope (see the module).
        scope_reason: Why, as a code (:data:`ScopeReason`).
        overdue: Due before the as-of day and not done by it.
    """

    item_id: str
    title: str | None
    item_type: str | None
    owner: str | None
    status: str | None
    created_date: dt.date | None
    due_date: dt.date | None
    done_date: dt.date | None
    in_scope: bool | None
    deliverable_id: str | None
    source: str | None
    out_of_scope: bool
    scope_reason: ScopeReason | None
    overdue: bool


@dataclass(frozen=True)
class WorkLog(MonthAsOf):
    """The month's completed and remaining work.

    Attributes:
        month: The month.
        as_of: The last day counted.
        completed: Items done in the month up to ``as_of``, by done day.
        remaining: Items logged by ``as_of`` and not done by it, by due day (undated
            last).
    """

    completed: tuple[WorkItem, ...]
    remaining: tuple[WorkItem, ...]
    heading: ClassVar[str] = "Work log"

    @property
    def out_of_scope(self) -> tuple[WorkItem, ...]:
        """The completed and remaining items that are out of scope."""
        return tuple(i for i in (*self.completed, *self.remaining) if i.out_of_scope)

    @property
    def overdue(self) -> tuple[WorkItem, ...]:
        """The remaining items past their due day."""
        return tuple(i for i in self.remaining if i.overdue)

    def item(self, item_id: str) -> WorkItem:
        """The completed or remaining item of this id.

        Raises:
            KeyError: There is none.
        """
        return the_one((*self.completed, *self.remaining), lambda i: i.item_id == item_id, item_id)

    def to_arrow(self) -> pa.Table:
        """One row per completed, then remaining, item."""
        return fields_table(WorkItem, (*self.completed, *self.remaining))

    def _repr_html_(self) -> str:
        return sections(
            self.title,
            [
                ("Completed", fields_table(WorkItem, self.completed)),
                ("Remaining", fields_table(WorkItem, self.remaining)),
            ],
        )


def _scope(
    in_scope: bool | None, kind: str | None, deliverable: str | None, ws: Workspace
) -> ScopeReason | None:
    if in_scope is False:
        return "marked_out_of_scope"
    if in_scope is None and kind == "change_request":
        known = {d.id for d in ws.contract.deliverables} if ws.contract is not None else set()
        if deliverable is None or deliverable not in known:
            return "change_request_outside_contract"
    return None


def work_log(
    workspace: Workspace, dataset: Dataset, month: str | dt.date, *, as_of: AsOf | None = None
) -> WorkLog:
    """The month's completed and remaining work items, out-of-scope work flagged.

    Args:
        workspace: The engagement (its contract's deliverables).
        dataset: The records (``work_item``).
        month: The month, ``"2026-10"`` or any day in it.
        as_of: The last day counted (default: the month's end, or yesterday in the
            workspace's zone when that is earlier).

    Returns:
        The completed and the remaining items (see the module for each rule).
    """
    window, cutoff, rows = month_rows(workspace, dataset, month, as_of, _SQL)
    completed: list[WorkItem] = []
    remaining: list[WorkItem] = []
    for r in rows:
        done = r["done_date"] if r["done_date"] is not None and r["done_date"] <= cutoff else None
        kind = item_type(r["item_type"])
        reason = _scope(r["in_scope"], kind, r["deliverable_id"], workspace)
        item = WorkItem(
            item_id=r["item_id"],
            title=r["title"],
            item_type=kind,
            owner=r["owner"],
            status=r["status"],
            created_date=r["created_date"],
            due_date=r["due_date"],
            done_date=done,
            in_scope=r["in_scope"],
            deliverable_id=r["deliverable_id"],
            source=r["source"],
            out_of_scope=reason is not None,
            scope_reason=reason,
            overdue=done is None and r["due_date"] is not None and r["due_date"] < cutoff,
        )
        if done is None:
            remaining.append(item)
        elif window.start <= done:
            completed.append(item)
    completed.sort(key=lambda i: (i.done_date or cutoff, i.item_id))
    remaining.sort(key=lambda i: (i.due_date is None, i.due_date or cutoff, i.item_id))
    return WorkLog(window, cutoff, tuple(completed), tuple(remaining))
