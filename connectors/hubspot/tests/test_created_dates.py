"""Reading a month by creation date (``dates="created"``): the direct-read report path.

``partnerkit report --month 2026-10`` without a warehouse reads September and
October. It used to ask HubSpot for contacts *modified* in those months, so contact
2001 — created 2026-10-20, edited 2026-11-01 (it became an MQL) — was missing from
October. ``created_window.yaml`` answers only the search by ``createdate``.

The portal is in Asia/Jerusalem: 2026-09-01 00:00 is 2026-08-31T21:00Z (UTC+3) and
2026-11-01 00:00 is 2026-10-31T22:00Z (UTC+2, after daylight saving ends).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector, HubSpotPortal
from partnerkit_hubspot._search import Query

from partnerkit.analysis.direct import month_request
from partnerkit.connector import ReadRequest
from partnerkit.testing import use_cassette

SEP_1 = dt.date(2026, 9, 1)
OCT_31 = dt.date(2026, 10, 31)
START_MS = "1788210000000"  # 2026-08-31T21:00:00Z
END_MS = "1793484000000"  # 2026-10-31T22:00:00Z
PORTAL = HubSpotPortal(portal_id="24681357", time_zone="Asia/Jerusalem", currency="ILS")


def test_a_lead_created_in_october_and_edited_in_november_is_in_october(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with (
        use_cassette(cassettes / "created_window.yaml") as tape,
        connect(include_archived=False) as hubspot,
    ):
        request = month_request(hubspot, hubspot.stream_spec("leads"), SEP_1, OCT_31)
        rows = hubspot.stream(request).to_dicts()
    assert request.options == {"dates": "created"}
    assert [(r["lead_id"], r["created_at"]) for r in rows] == [
        ("2001", dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC))
    ]
    (search,) = [r.body for r in tape.requests if r.url.endswith("/search")]
    assert search["filterGroups"] == [
        {
            "filters": [
                {"propertyName": "createdate", "operator": "GTE", "value": START_MS},
                {"propertyName": "createdate", "operator": "LT", "value": END_MS},
            ]
        }
    ]


def _deal(deal_id: str, created: str, closed: str | None) -> dict[str, Any]:
    """A deal as the CRM search answers it (the properties the filter needs)."""
    return {
        "id": deal_id,
        "properties": {
            "closedate": closed,
            "createdate": created,
            "hs_lastmodifieddate": "2026-11-01T08:00:00.000Z",
            "hs_object_id": deal_id,
        },
        "createdAt": created,
        "updatedAt": "2026-11-01T08:00:00.000Z",
        "archived": False,
    }


# A: created in September, closed in October (both searches find it: read once)
# B: created in August, closed in October (the close-date search)
# C: created in October, still open (the creation-date search)
DEALS = {
    "createdate": [
        _deal("A", "2026-09-10T10:00:00.000Z", "2026-10-05T10:00:00.000Z"),
        _deal("C", "2026-10-03T10:00:00.000Z", None),
    ],
    "closedate": [
        _deal("A", "2026-09-10T10:00:00.000Z", "2026-10-05T10:00:00.000Z"),
        _deal("B", "2026-08-01T10:00:00.000Z", "2026-10-15T10:00:00.000Z"),
    ],
}


def test_deals_are_read_by_creation_or_close_date_each_once(
    connect: Callable[..., HubSpotConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[tuple[str, str, str], ...]] = []

    def search_page(object_type: str, query: Query, properties: Any) -> dict[str, Any]:
        assert object_type == "deals"
        asked.append(query.filters)
        return {"total": 2, "results": DEALS[query.sort]}

    with connect(include_archived=False) as hubspot:
        monkeypatch.setattr(hubspot._client, "search_page", search_page)
        request = ReadRequest(stream="deals", start=SEP_1, end=OCT_31, options={"dates": "created"})
        window = dataclasses.replace(hubspot._window(request, PORTAL), dates="created")
        pages = list(hubspot._objects("deals", window, ["closedate", "createdate"]))
    assert [[o["id"] for o in page] for page in pages] == [["A", "C"], ["B"]]
    assert asked == [
        (("createdate", "GTE", START_MS), ("createdate", "LT", END_MS)),
        (("closedate", "GTE", START_MS), ("closedate", "LT", END_MS)),
    ]


def test_a_full_read_by_creation_keeps_what_was_created_in_the_window(
    connect: Callable[..., HubSpotConnector],
) -> None:
    with connect() as hubspot:
        window = hubspot._window(ReadRequest(stream="deals", end=OCT_31), PORTAL)
    created = dataclasses.replace(window, dates="created")
    select = (("createdate", "createdAt"), ("closedate", ""))
    late = _deal("L", "2026-11-01T10:00:00.000Z", None)  # created after the window
    # closed after the window, but created in it
    early = _deal("E", "2026-10-01T10:00:00.000Z", "2026-11-01T10:00:00.000Z")
    assert (created.holds_any(late, select), created.holds_any(early, select)) == (False, True)
