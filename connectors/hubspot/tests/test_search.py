"""Incremental reads through the CRM search API: exactly once past any result limit.

``search_boundaries.yaml`` reads 2026-10-05 to 2026-10-06 with ``search_page_size: 3``.
The portal has eleven contacts modified in that window:

====  ========================  =====================================
T1    2026-10-05T06:00:00.000Z  1001
T2    2026-10-05T07:30:00.250Z  1002, 1003, 1004 (three in one ms)
T3    2026-10-05T09:00:00.000Z  1005 to 1009 (a bulk import: five in one ms)
T4    2026-10-05T10:15:00.500Z  1010
T5    2026-10-06T11:00:00.000Z  1011
====  ========================  =====================================

With three results a page every boundary falls inside a run of equal timestamps,
which is where offset paging and naive "continue after the last timestamp" lose or
repeat contacts. The second test drives the same reader against an in-memory
HubSpot with the real rules (a capped result count, one sort, ties in random
order) and thousands of contacts, some of them modified while the read runs.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector
from partnerkit_hubspot._pages import ObjectPage
from partnerkit_hubspot._search import ID_PROPERTY, Query, SearchOrderError, scan_window

from partnerkit.connector import ReadRequest
from partnerkit.errors import SourceError
from partnerkit.testing import FakeClock, use_cassette
from partnerkit.testing.faults import Fault

REQUEST = ReadRequest(stream="leads", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
T2_MS = "1791185400250"  # 2026-10-05T07:30:00.250Z
T3_MS = "1791190800000"  # 2026-10-05T09:00:00.000Z


def _filters(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    (group,) = body["filterGroups"]
    return [(f["propertyName"], f["operator"], f["value"]) for f in group["filters"]]


def test_every_contact_once_across_equal_timestamp_boundaries(
    cassettes: Path, connect: Callable[..., HubSpotConnector], fake_clock: FakeClock
) -> None:
    with (
        use_cassette(cassettes / "search_boundaries.yaml") as tape,
        connect(search_page_size=3, include_archived=False) as hubspot,
    ):
        rows = hubspot.stream(REQUEST).to_dicts()
    ids = [r["lead_id"] for r in rows]
    # each contact once, in the order the pages brought them:
    # page 1 -> 1001 1003 1002; page 2 (T2 again) -> 1004 new; T2 by id -> nothing new;
    # after T2 -> 1005 1007 1006; T3 by id -> nothing new, then 1008 1009; rest -> 1010 1011
    assert ids == [
        "1001",
        "1003",
        "1002",
        "1004",
        "1005",
        "1007",
        "1006",
        "1008",
        "1009",
        "1010",
        "1011",
    ]
    assert sorted(ids) == [str(n) for n in range(1001, 1012)]
    searches = [r.body for r in tape.requests if r.url.endswith("/search")]
    start, end = "1791147600000", "1791320400000"  # 2026-10-05 and 2026-10-07, Asia/Jerusalem
    lmd = "lastmodifieddate"
    assert [_filters(b) for b in searches] == [
        [(lmd, "GTE", start), (lmd, "LT", end)],
        [(lmd, "GTE", T2_MS), (lmd, "LT", end)],  # the page ended inside T2: re-read T2
        [(lmd, "GTE", T2_MS), (lmd, "LTE", T2_MS)],  # a whole page of T2: by id
        [(lmd, "GTE", str(int(T2_MS) + 1)), (lmd, "LT", end)],
        [(lmd, "GTE", T3_MS), (lmd, "LTE", T3_MS)],
        [(lmd, "GTE", T3_MS), (lmd, "LTE", T3_MS), (ID_PROPERTY, "GT", "1007")],
        [(lmd, "GTE", str(int(T3_MS) + 1)), (lmd, "LT", end)],
    ]
    assert [b["sorts"][0]["propertyName"] for b in searches] == [
        lmd,
        lmd,
        ID_PROPERTY,
        lmd,
        ID_PROPERTY,
        ID_PROPERTY,
        lmd,
    ]
    # no request pages with an offset, so HubSpot's 10,000-result limit never applies
    assert all("after" not in b for b in searches)
    # the search limiter (4 a second, no burst) spaces the seven searches 0.25 s apart
    assert fake_clock.sleeps == [pytest.approx(0.25)] * 6


def test_search_answers_out_of_order_fail_loudly(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with (
        use_cassette(cassettes / "search_boundaries.yaml", allow_unused=True) as tape,
        connect(search_page_size=3, include_archived=False) as hubspot,
    ):
        # the first page with T2 before T1: trusting it could skip contacts silently
        body = (
            '{"total":2,"results":['
            '{"id":"1003","properties":{"lastmodifieddate":"2026-10-05T07:30:00.250Z"},'
            '"createdAt":"2026-10-05T05:00:00.000Z","updatedAt":"2026-10-05T07:30:00.250Z"},'
            '{"id":"1001","properties":{"lastmodifieddate":"2026-10-05T06:00:00.000Z"},'
            '"createdAt":"2026-10-05T05:00:00.000Z","updatedAt":"2026-10-05T06:00:00.000Z"}],'
            '"paging":{"next":{"after":"2"}}}'
        )
        tape.replace(1, Fault(200, {"Content-Type": "application/json"}, body))
        with pytest.raises(SourceError) as info:
            hubspot.stream(REQUEST).to_dicts()
    assert "not sorted by lastmodifieddate" in str(info.value)
    assert info.value.request == "POST https://api.hubapi.com/crm/v3/objects/contacts/search"
    assert not info.value.retriable


# ------------------------------------------------------- an in-memory HubSpot


class FakeSearch:
    """HubSpot's search semantics over an in-memory table of ``id -> modified ms``.

    One filter group (ANDed filters), one ascending sort, ties in a random order on
    every request, at most ``limit`` results and ``paging.next`` when more match. A
    request whose ``after`` would pass ``cap`` fails as HubSpot's 400 does. After
    each request, ``mutate`` may change the table (records modified mid-read).
    """

    def __init__(
        self,
        table: dict[str, int],
        *,
        limit: int,
        cap: int,
        rng: random.Random,
        mutate: Callable[[dict[str, int]], None] = lambda table: None,
    ) -> None:
        self.table, self.limit, self.cap, self.rng, self.mutate = table, limit, cap, rng, mutate
        self.requests = 0

    def __call__(self, query: Query, after: int = 0) -> ObjectPage:
        if after + self.limit > self.cap:
            raise AssertionError("HTTP 400: paging past the result limit")
        self.requests += 1
        rows = [
            (i, ms)
            for i, ms in self.table.items()
            if all(self._ok(i, ms, f) for f in query.filters)
        ]
        self.rng.shuffle(rows)  # equal sort keys come back in any order
        key = (lambda r: int(r[0])) if query.sort == ID_PROPERTY else (lambda r: r[1])
        rows.sort(key=key)
        page = rows[after : after + self.limit]
        answer: ObjectPage = {
            "total": len(rows),
            "results": [
                {
                    "id": i,
                    "properties": {"lastmodifieddate": str(ms), "hs_object_id": i},
                    "updatedAt": str(ms),
                }
                for i, ms in page
            ],
        }
        if after + self.limit < len(rows):
            answer["paging"] = {"next": {"after": str(after + self.limit)}}
        self.mutate(self.table)
        return answer

    @staticmethod
    def _ok(obj_id: str, ms: int, flt: tuple[str, str, str]) -> bool:
        name, op, value = flt
        have, want = (int(obj_id), int(value)) if name == ID_PROPERTY else (ms, int(value))
        return {"GT": have > want, "GTE": have >= want, "LT": have < want, "LTE": have <= want}[op]


def _portal(rng: random.Random, start: int, end: int) -> dict[str, int]:
    """3,000 contacts: scattered edits plus bulk updates stamping hundreds in one ms."""
    table: dict[str, int] = {}
    next_id = 5000
    bulk = [rng.randrange(start, end) for _ in range(6)]
    for stamp, size in zip(bulk, (450, 300, 120, 51, 50, 49), strict=True):
        for _ in range(size):
            table[str(next_id)] = stamp
            next_id += rng.randrange(1, 40)  # ids with gaps and of growing length
    while len(table) < 3000:
        table[str(next_id)] = rng.randrange(start - 1000, end + 1000)  # some outside
        next_id += rng.randrange(1, 400)
    return table


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulated_portal_past_the_result_cap(seed: int) -> None:
    rng = random.Random(seed)
    start, end = 1_790_000_000_000, 1_790_000_060_000  # one minute of edits
    table = _portal(rng, start, end)
    expected = sorted(i for i, ms in table.items() if start <= ms < end)
    # a cap of 200 results with pages of 50: far less than the window holds
    search = FakeSearch(dict(table), limit=50, cap=200, rng=rng)
    assert len(expected) > 10 * search.cap
    seen = [o["id"] for page in scan_window(search, "lastmodifieddate", start, end) for o in page]
    assert len(seen) == len(set(seen)), "a contact was emitted twice"
    assert sorted(seen) == expected, "a contact was missed"
    # every request brings (nearly) a full page of new contacts
    assert search.requests < len(expected) / 50 * 1.5 + 20


def test_simulated_edits_during_the_read_lose_nothing_else() -> None:
    rng = random.Random(7)
    start, end = 1_790_000_000_000, 1_790_000_060_000
    table = _portal(rng, start, end)
    in_window = {i for i, ms in table.items() if start <= ms < end}
    edited: set[str] = set()

    def edit(live: dict[str, int]) -> None:
        # a sales rep updates a contact between two requests: its lastmodifieddate
        # jumps past the window's end (the read's "now")
        victim = rng.choice(sorted(in_window))
        live[victim] = end + 5
        edited.add(victim)

    search = FakeSearch(dict(table), limit=50, cap=10_000, rng=rng, mutate=edit)
    seen = [o["id"] for page in scan_window(search, "lastmodifieddate", start, end) for o in page]
    assert len(seen) == len(set(seen))
    # every contact not edited mid-read is read exactly once; an edited one is read
    # either before its edit or by the next incremental read (its new time is later)
    assert in_window - edited <= set(seen) <= in_window
    assert edited  # the scenario did edit contacts


def test_an_answer_outside_the_window_is_refused() -> None:
    def search(query: Query) -> ObjectPage:
        return {"results": [{"id": "1", "properties": {"lastmodifieddate": "5"}}]}

    with pytest.raises(SearchOrderError, match="outside the asked window"):
        list(scan_window(search, "lastmodifieddate", 10, 20))
