"""Reference data: owners (active and archived, paged) and the portal's details.

``owners.yaml``: 0 account-info, 1 owners page 1 (``paging.next.after``
``NTI3NDA4ODE%3D``), 2 owners page 2, 3 archived owners. The owners' names are the
scrubber's stable fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from partnerkit_hubspot import HubSpotConnector, HubSpotOwner, HubSpotPortal

from partnerkit.testing import use_cassette


def test_owners_active_then_archived_across_pages(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with use_cassette(cassettes / "owners.yaml") as tape, connect() as hubspot:
        owners = hubspot.owners()
        assert hubspot.owners() is owners  # read once
    assert owners == [
        HubSpotOwner(
            id="41629779",
            first_name="Frankie",
            last_name="Hayes",
            email="oren@shemesh-solar.example",
            user_id=7007108,
            type="PERSON",
            teams=("Sales",),
            archived=False,
        ),
        HubSpotOwner(
            id="52740881",
            first_name="Harper",
            last_name="Lane",
            email="lior@shemesh-solar.example",
            user_id=8338164,
            type="PERSON",
            teams=("Sales",),
            archived=False,
        ),
        HubSpotOwner(
            id="30001122",
            first_name="Logan",
            last_name="Marsh",
            email="gil@shemesh-solar.example",
            user_id=6100234,
            type="PERSON",
            teams=(),
            archived=True,
        ),
    ]
    assert owners[0].name == "Frankie Hayes"
    pages = [r.query for r in tape.requests if r.url.endswith("/crm/v3/owners/")]
    assert [(q.get("after"), q["archived"]) for q in pages] == [
        (None, "False"),
        ("NTI3NDA4ODE%3D", "False"),
        (None, "True"),
    ]


def test_the_portal_details(cassettes: Path, connect: Callable[..., HubSpotConnector]) -> None:
    with use_cassette(cassettes / "owners.yaml", allow_unused=True), connect() as hubspot:
        portal = hubspot.portal()
    assert portal == HubSpotPortal(
        portal_id="24681357", time_zone="Asia/Jerusalem", currency="ILS", account_type="STANDARD"
    )


def test_a_timezone_setting_overrides_the_portals(
    cassettes: Path, connect: Callable[..., HubSpotConnector]
) -> None:
    with (
        use_cassette(cassettes / "owners.yaml", allow_unused=True),
        connect(timezone="Europe/London") as hubspot,
    ):
        assert hubspot.portal().time_zone == "Europe/London"
