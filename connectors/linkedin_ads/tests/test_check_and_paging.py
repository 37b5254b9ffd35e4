"""``check()`` on ``check.yaml``; lead form responses paged by ``start`` and ``count``."""

import datetime as dt
from pathlib import Path

import responses
from partnerkit_linkedin_ads import LinkedInAdsConnector

from partnerkit.connector import ReadRequest
from partnerkit.errors import ConfigurationError
from partnerkit.testing import use_cassette

CASSETTES = Path(__file__).parent / "cassettes" / "contract"
SETTINGS = {"account_id": "508000001", "access_token": "test-access-token-not-real"}


def test_check_names_the_account_and_its_currency() -> None:
    settings = {**SETTINGS, "hash_salt": "s-not-real"}
    with use_cassette(CASSETTES / "check.yaml", record=False), LinkedInAdsConnector(settings) as c:
        result = c.check()
    assert result.ok
    assert result.accounts == ("508000001",)
    assert result.message == "The token reads LinkedIn ad account 508000001 (Example GmbH, EUR)."


def test_check_fails_before_any_request_when_leads_have_no_salt() -> None:
    with (
        use_cassette(CASSETTES / "check.yaml", allow_unused=True, record=False) as tape,
        LinkedInAdsConnector(SETTINGS) as c,  # every stream, leads included, no salt
    ):
        result = c.check()
    assert tape.play_counts == [0]
    assert not result.ok
    assert isinstance(result.error, ConfigurationError)
    assert "hash_salt" in result.message


def test_check_of_the_ad_streams_needs_no_salt() -> None:
    settings = {**SETTINGS, "streams": ["campaign_performance", "campaigns"]}
    with use_cassette(CASSETTES / "check.yaml", record=False), LinkedInAdsConnector(settings) as c:
        assert c.check().ok


def _response(number: int) -> dict[str, object]:
    return {"id": f"resp-{number}", "submittedAt": 1790848800000 + number, "formResponse": {}}


def test_lead_pages_follow_start_and_count_until_the_total() -> None:
    url = "https://api.linkedin.com/rest/leadFormResponses"
    with responses.RequestsMock() as rsps:
        first = rsps.get(
            url,
            match=[responses.matchers.query_param_matcher({"start": "0"}, strict_match=False)],
            json={"elements": [_response(1), _response(2)], "paging": {"total": 3}},
        )
        second = rsps.get(
            url,
            match=[responses.matchers.query_param_matcher({"start": "2"}, strict_match=False)],
            json={"elements": [_response(3)], "paging": {"total": 3}},
        )
        settings = {**SETTINGS, "hash_salt": "s-not-real", "lead_page_size": 2}
        with LinkedInAdsConnector(settings) as connector:
            rows = connector.stream(
                ReadRequest(stream="leads", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 1))
            ).to_dicts()
        assert (first.call_count, second.call_count) == (1, 1)
        assert "count=2" in (rsps.calls[1].request.url or "")
    assert [r["lead_id"] for r in rows] == ["resp-1", "resp-2", "resp-3"]
    # no form named: no form read, no answer mapped, nothing hashed
    assert [r["email_hash"] for r in rows] == [None, None, None]
