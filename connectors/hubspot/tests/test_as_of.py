"""A read's "now" is its ``ReadRequest.as_of``, which wins over the connector's clock.

``paging.yaml`` is a first sync (no ``start``, so no ``end`` either: up to yesterday in
the portal's zone, Asia/Jerusalem, UTC+2 in November). Its contacts were last modified
between 2026-09-05 and 2026-10-04, except 1004: 2026-11-02T07:00Z. The list requests do
not depend on the window, so the same cassette answers reads at any moment, and the
moment decides which contacts are kept. The connector's own clock (``connect``) says
2026-11-02 10:00 UTC throughout; as_of overrides it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from partnerkit_hubspot import HubSpotConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import use_cassette


def test_the_same_full_read_at_two_moments_keeps_different_contacts(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    def full_read(as_of: dt.datetime) -> tuple[list[str], dict[str, object]]:
        request = ReadRequest(stream="leads", as_of=as_of)
        with use_cassette(cassettes / "paging.yaml"), connect(page_size=2) as hubspot:
            stream = hubspot.stream(request)
            ids = [r["lead_id"] for r in stream.to_dicts()]
        later = [n.details["count"] for n in stream.notices if n.code == "modified_after_range"]
        (summary,) = [n for n in stream.notices if n.code == "read_summary"]
        return ids, {"end": summary.details["end"], "left_out": later}

    # 2026-11-02 21:59 UTC is 23:59 on 11-02 in Jerusalem: the read ends on 11-01, i.e.
    # before 11-02 00:00 (+02:00) = 2026-11-01T22:00Z; 1004 (modified 11-02T07:00Z) is out.
    before_midnight = full_read(dt.datetime(2026, 11, 2, 21, 59, tzinfo=dt.UTC))
    # One minute later it is 00:00 on 11-03 there: the read ends on 11-02, before
    # 2026-11-02T22:00Z, and 1004 is in. (The connector's clock alone would say 11-01.)
    after_midnight = full_read(dt.datetime(2026, 11, 2, 22, 0, tzinfo=dt.UTC))

    assert before_midnight == (
        ["1001", "1002", "1003", "1005", "1061"],
        {"end": dt.date(2026, 11, 1), "left_out": [1]},
    )
    assert after_midnight == (
        ["1001", "1002", "1003", "1004", "1005", "1061"],
        {"end": dt.date(2026, 11, 2), "left_out": []},
    )


def test_as_of_decides_the_window_in_milliseconds(
    connect: Callable[..., HubSpotConnector],
) -> None:
    from partnerkit_hubspot import HubSpotPortal

    portal = HubSpotPortal(portal_id="24681357", time_zone="Asia/Jerusalem", currency="ILS")
    asked = {"stream": "leads", "start": dt.date(2026, 10, 30), "include_today": True}
    with connect() as hubspot:
        # include_today reads up to the moment itself, never past it:
        # 2026-11-02 10:00 UTC (the connector's clock) and 2026-10-31 08:15 UTC (as_of)
        by_clock = hubspot._window(ReadRequest(**asked), portal)
        by_as_of = hubspot._window(
            ReadRequest(**asked, as_of=dt.datetime(2026, 10, 31, 8, 15, tzinfo=dt.UTC)), portal
        )
    # 2026-10-30 00:00 in Jerusalem (+02:00) = 2026-10-29T22:00Z = 1793311200000 ms
    assert by_clock.start_ms == by_as_of.start_ms == 1_793_311_200_000
    # 2026-11-02T10:00Z = 1793613600000 ms; 2026-10-31T08:15Z = 1793434500000 ms
    assert (by_clock.end_ms, by_clock.end) == (1_793_613_600_000, dt.date(2026, 11, 2))
    assert (by_as_of.end_ms, by_as_of.end) == (1_793_434_500_000, dt.date(2026, 10, 31))
