"""The ``form_submissions`` stream: which form brought which person, hashed like a lead.

``form_submissions.yaml`` reads 2026-10-05 to 2026-10-06 (Asia/Jerusalem:
2026-10-04T21:00Z up to 2026-10-06T21:00Z). Interactions: 0 account-info, 1 the
forms, 2 and 3 the two pages of "Solar quote request" (newest first), 4 the one page
of "Newsletter".

Quote request, page 1: 10-07 06:00Z (after the range: left out), 10-06 10:00Z
(Ronit: email, phone, first name, a page with UTM tags and her email in the query);
page 2: 10-05 08:00Z (no conversionId), 10-04 20:00Z (before the range: left out, and
no third page is asked for although HubSpot offers one). Newsletter: 10-05 12:00Z with
an email that is not one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_hubspot import HubSpotConnector
from partnerkit_hubspot.testing import hubspot_rate_limited

from partnerkit.connector import Notice, ReadRequest
from partnerkit.errors import ConfigurationError, ResponseShapeError
from partnerkit.testing import FakeClock, use_cassette
from partnerkit.testing.faults import Fault, server_error

FORMS = ReadRequest(stream="form_submissions", start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 6))
QUOTE = "a1b2c3d4-0000-4000-8000-000000000001"
NEWSLETTER = "a1b2c3d4-0000-4000-8000-000000000002"
SALT = "test-salt-5d1c0f"
Connect = Callable[..., HubSpotConnector]


def sha(value: str) -> str:
    return hashlib.sha256((SALT + value).encode()).hexdigest()


def _read(cassettes: Path, connect: Connect, **faults: Any) -> list[Any]:
    """Every item of a raw read (records and notices), with faults ``at_<n>=(fault, ...)``."""
    with (
        use_cassette(cassettes / "form_submissions.yaml") as tape,
        connect(streams=["form_submissions"]) as hubspot,
    ):
        for at, injected in faults.items():
            tape.inject(int(at.removeprefix("at_")), *injected)
        return list(hubspot.read(FORMS))


def test_which_form_brought_whom(cassettes: Path, connect: Connect) -> None:
    items = _read(cassettes, connect)
    rows = [i for i in items if not isinstance(i, Notice)]
    assert [(r["form_name"], r["submitted_at"]) for r in rows] == [
        ("Solar quote request", dt.datetime(2026, 10, 6, 10, 0, tzinfo=dt.UTC)),
        ("Solar quote request", dt.datetime(2026, 10, 5, 8, 0, tzinfo=dt.UTC)),
        ("Newsletter", dt.datetime(2026, 10, 5, 12, 0, tzinfo=dt.UTC)),
    ]
    ronit, dani, newsletter = rows
    assert ronit == {
        "platform": "hubspot",
        "account_id": "24681357",
        "form_id": QUOTE,
        "submission_id": "7f1e0c1a-0000-4000-8000-0000000000a2",  # conversionId
        "submitted_at": dt.datetime(2026, 10, 6, 10, 0, tzinfo=dt.UTC),
        "form_name": "Solar quote request",
        "form_type": "hubspot",
        "page_url": "https://www.example.com/quote",  # the query (with her email) dropped
        "utm_source": "facebook",
        "utm_medium": "paid_social",
        "utm_campaign": "oct-rooftops",
        "email_hash": sha("ronit@example.com"),  # the leads' hash: joins her lead
        "phone_hash": sha("+972500000001"),
    }
    # trimmed and lower-cased like a lead's email; no conversionId: an id from the form,
    # the time and the hashes, stable across reads
    assert dani["email_hash"] == sha("dani@example.com")
    seed = f"{QUOTE}|1791187200000|{sha('dani@example.com')}|None"
    assert dani["submission_id"] == "sha256:" + hashlib.sha256(seed.encode()).hexdigest()[:32]
    assert (newsletter["form_id"], newsletter["email_hash"]) == (NEWSLETTER, None)
    (unreadable,) = [i for i in items if isinstance(i, Notice) and i.code == "unreadable_value"]
    assert unreadable.details["ids"] == ["7f1e0c1a-0000-4000-8000-0000000000b1"]
    summary = items[-1]
    assert summary.code == "read_summary"
    assert summary.details["live"] == 3


def test_no_answer_reaches_a_record_raw(cassettes: Path, connect: Connect) -> None:
    text = repr(_read(cassettes, connect))
    for raw in ("ronit@example.com", "Ronit", "500000001", "dani@example.com", "not-an-email"):
        assert raw.lower() not in text.lower()


def test_the_stream_needs_the_salt() -> None:
    with pytest.raises(ConfigurationError, match="form_submissions stream hashes"):
        HubSpotConnector({"access_token": "t", "streams": ["form_submissions"]})


def test_a_burst_on_the_submissions_endpoint_is_waited_out(
    cassettes: Path, connect: Connect, fake_clock: FakeClock
) -> None:
    items = _read(cassettes, connect, at_2=(hubspot_rate_limited(),))
    assert len([i for i in items if not isinstance(i, Notice)]) == 3
    assert fake_clock.sleeps[0] == 10.0  # TEN_SECONDLY_ROLLING without Retry-After: 10 s


def test_a_server_error_on_the_forms_list_is_retried(
    cassettes: Path, connect: Connect, fake_clock: FakeClock
) -> None:
    items = _read(cassettes, connect, at_1=(server_error(502),))
    assert len([i for i in items if not isinstance(i, Notice)]) == 3
    assert 0.5 <= fake_clock.sleeps[0] <= 1.0  # a jittered backoff


@pytest.mark.parametrize(
    ("at", "body", "where", "expected"),
    [
        (2, "{}", "", "an object with the key 'results', which HubSpot always sends"),
        (2, '{"results": {"submittedAt": 1}}', "results", "a JSON array"),
        (1, "[]", "", "a JSON object"),
    ],
)
def test_a_hostile_page_is_refused_by_name(
    cassettes: Path, connect: Connect, at: int, body: str, where: str, expected: str
) -> None:
    with use_cassette(cassettes / "form_submissions.yaml", allow_unused=True) as tape:
        tape.replace(at, Fault(200, {"Content-Type": "application/json"}, body))
        with (
            connect(streams=["form_submissions"]) as hubspot,
            pytest.raises(ResponseShapeError) as info,
        ):
            list(hubspot.read(FORMS))
    assert (info.value.where, info.value.expected) == (where, expected)
