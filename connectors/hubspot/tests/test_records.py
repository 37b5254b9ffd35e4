"""The mappers on their own: what cannot be read is noticed, never guessed.

These objects are built in the test (HubSpot's shape: ``properties`` as strings or
null) to reach cases a recording rarely shows.
"""

from __future__ import annotations

from decimal import Decimal

from partnerkit_hubspot import HubSpotPipeline, HubSpotPortal, HubSpotStage
from partnerkit_hubspot._pages import CrmObject
from partnerkit_hubspot._records import DealMapper, LeadMapper

PORTAL = HubSpotPortal(portal_id="24681357", time_zone="Asia/Jerusalem", currency="ILS")
PIPELINE = HubSpotPipeline(
    id="default",
    label="Residential sales",
    display_order=0,
    stages=(
        HubSpotStage("closedwon", "Installed", 5, True, Decimal("1.0")),
        HubSpotStage("onhold", "Closed - on hold", 7, True, Decimal("0.5")),
    ),
)


def test_a_contact_without_a_created_time_is_rejected_with_a_notice() -> None:
    mapper = LeadMapper(portal=PORTAL, salt="s")
    obj: CrmObject = {"id": "77", "properties": {"createdate": None, "lastmodifieddate": None}}
    assert mapper(obj) is None
    (notice,) = mapper.problems.notices()
    assert notice.code == "rejected_row"
    assert notice.details == {"id": "77", "reason": "HubSpot sent no created time (createdate)"}


def test_an_unreadable_timestamp_is_left_empty_and_noticed() -> None:
    mapper = LeadMapper(portal=PORTAL, salt="s")
    obj: CrmObject = {
        "id": "78",
        "properties": {"createdate": "2026-10-05T06:00:00Z", "hs_first_outreach_date": "soon"},
        "createdAt": "2026-10-05T06:00:00Z",
    }
    record = mapper(obj)
    assert record is not None
    assert record["first_engagement_at"] is None
    (notice,) = mapper.problems.notices()
    assert notice.details["field"] == "hs_first_outreach_date"
    assert notice.details["reason"] == "not a timestamp"


def test_a_deal_amount_that_is_not_a_number_and_a_half_closed_stage() -> None:
    mapper = DealMapper(portal=PORTAL, pipelines=[PIPELINE])
    obj: CrmObject = {
        "id": "9301",
        "properties": {
            "amount": "12,500",
            "pipeline": "default",
            "dealstage": "onhold",
            "createdate": "2026-10-01T08:00:00Z",
        },
    }
    record = mapper(obj, ["1"])
    assert record["amount"] is None
    # a closed stage at probability 0.5 is neither won nor lost, and says so
    assert (record["is_closed_won"], record["is_closed_lost"]) == (False, False)
    notices = {n.details["field"]: n for n in mapper.problems.notices()}
    assert notices["amount"].details["reason"] == "not a number"
    assert "probability 0.5" in notices["dealstage"].message
