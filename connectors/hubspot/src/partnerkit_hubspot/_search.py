"""Reading everything modified in a time window through HubSpot's CRM search, exactly once.

HubSpot's search answers at most 10,000 results per query (paging past them is a
400), takes one sort rule, and pages with an offset (``after``). Offsets are fragile
twice over: the cap, and records that change while a read runs — one that is
modified moves to the end of a ``lastmodifieddate`` order, every record after it
shifts up one place, and the record at the next page boundary is skipped for good.

So this reader never sends ``after``. Each request is a fresh query continuing from
the last *(timestamp, id)* it has seen — keyset pagination, which no result cap or
concurrent change can break:

1. Ask for the first page of ``from <= P < to`` sorted by ``P`` ascending, where
   ``P`` is the modification time and ``from`` is the current cursor. A page holds
   the smallest timestamps, so every record older than the page's last timestamp
   ``T`` is in it. Records *at* ``T`` may continue past the page.
2. If the page spans several timestamps, continue from ``P >= T``: the window
   shrinks to start at ``T``, and records at ``T`` already emitted are skipped by id.
3. If the whole page shares one timestamp — a bulk update or import stamping
   thousands of records with the same millisecond — page through that millisecond
   by id instead: ``P = T and hs_object_id > last_id`` sorted by ``hs_object_id``,
   then continue from ``P > T``.

Every request either emits new records or moves the cursor forward, so the read
ends; every record modified in the window before the read started is emitted once.
A record modified *during* the read leaves the window (its new timestamp is later)
and is picked up by the next incremental read.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from partnerkit_hubspot._pages import CrmObject, ObjectPage, epoch_ms, next_after, parse_timestamp

__all__ = ["Filter", "Query", "SearchOrderError", "scan_window"]

ID_PROPERTY = "hs_object_id"

Filter = tuple[str, str, str]
"""``(propertyName, operator, value)`` of one search filter."""


@dataclass(frozen=True)
class Query:
    """One search request: filters ANDed in one filter group, one ascending sort.

    Attributes:
        filters: The filters.
        sort: The property sorted ascending.
    """

    filters: tuple[Filter, ...]
    sort: str


class SearchOrderError(Exception):
    """HubSpot's answers broke the order or window the reader relies on.

    Raised instead of guessing, because a guess could skip records silently.
    """


Search = Callable[[Query], ObjectPage]


#: The top-level field an answer carries beside a property ("": none); by default updatedAt.
_TOP_LEVEL = {"createdate": "createdAt", "closedate": "", "hs_timestamp": ""}


def _modified_ms(obj: CrmObject, prop: str) -> int:
    top = _TOP_LEVEL.get(prop, "updatedAt")
    value = obj["properties"].get(prop) or (obj.get(top) if top else None)
    moment = parse_timestamp(value) if isinstance(value, str) and value else None
    if moment is None:
        raise SearchOrderError(f"object {obj['id']} has no {prop} in the search answer")
    return epoch_ms(moment)


def scan_window(search: Search, prop: str, start_ms: int, end_ms: int) -> Iterator[list[CrmObject]]:
    """Yield, page by page, every object with ``start_ms <= prop < end_ms``, each once.

    Args:
        search: Runs one query and returns HubSpot's page (the first page only).
        prop: The time property the window is on: modification (``lastmodifieddate``
            for contacts, ``hs_lastmodifieddate`` for deals), or ``createdate`` /
            ``closedate`` for a read by creation or close date.
        start_ms: The window's start, inclusive, in epoch milliseconds.
        end_ms: The window's end, exclusive, in epoch milliseconds.

    Yields:
        The new objects of each answered page (possibly empty lists).

    Raises:
        SearchOrderError: An answer was out of order or outside the window.
    """
    cursor = start_ms
    seen_at: int | None = None  # the timestamp of the ids in `seen`
    seen: set[str] = set()
    while cursor < end_ms:
        query = Query(((prop, "GTE", str(cursor)), (prop, "LT", str(end_ms))), prop)
        page = search(query)
        rows = page["results"]
        stamps = [_modified_ms(r, prop) for r in rows]
        if any(b < a for a, b in itertools.pairwise(stamps)):
            raise SearchOrderError(f"search results are not sorted by {prop}")
        if stamps and (stamps[0] < cursor or stamps[-1] >= end_ms):
            raise SearchOrderError(f"search returned a {prop} outside the asked window")
        fresh = []
        for row, stamp in zip(rows, stamps, strict=True):
            if stamp == seen_at and row["id"] in seen:
                continue
            if stamp != seen_at:
                seen_at, seen = stamp, set()
            seen.add(row["id"])
            fresh.append(row)
        yield fresh
        if not rows or next_after(page) is None:
            return
        last = stamps[-1]
        if stamps[0] == last:
            if seen_at != last:
                seen_at, seen = last, set()
            yield from _scan_millisecond(search, prop, last, seen)
            cursor, seen_at, seen = last + 1, None, set()
        else:
            cursor = last


def _scan_millisecond(
    search: Search, prop: str, stamp: int, seen: set[str]
) -> Iterator[list[CrmObject]]:
    """Yield every object modified at exactly ``stamp`` not in ``seen``, paging by id."""
    last_id: str | None = None
    continued_from: set[str] = set()
    while True:
        filters: tuple[Filter, ...] = ((prop, "GTE", str(stamp)), (prop, "LTE", str(stamp)))
        if last_id is not None:
            filters += ((ID_PROPERTY, "GT", last_id),)
        page = search(Query(filters, ID_PROPERTY))
        rows = page["results"]
        if any(_modified_ms(r, prop) != stamp for r in rows):
            raise SearchOrderError(f"search returned a {prop} other than the asked millisecond")
        fresh = [r for r in rows if r["id"] not in seen]
        seen.update(r["id"] for r in fresh)
        yield fresh
        if not rows or next_after(page) is None:
            return
        last_id = rows[-1]["id"]
        if last_id in continued_from:
            raise SearchOrderError(
                f"paging by {ID_PROPERTY} came back to id {last_id}: HubSpot's sort and "
                "filter disagree on id order"
            )
        continued_from.add(last_id)
