"""Lead-gen form responses become lead records, e-mail and phone hashed, read off ``leads.yaml``.

The cassette's two responses answer form 42, whose questions are 1 FIRST_NAME, 2 EMAIL,
3 PHONE_NUMBER and 4 COMPANY_NAME: lead ``...0001`` (10-01 09:30 UTC) gave e-mail
``Jane.Doe@Example.com `` and phone ``+49 30 1234567``; lead ``...0002`` (10-02
16:05 UTC) e-mail ``max.muster@example.org`` and no phone. The hashes below are
``sha256(salt + normalised value)`` worked out with hashlib, not with partnerkit.
"""

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from partnerkit.errors import ConfigurationError

SALT = "test-salt-not-real"


def _sha(value: str) -> str:
    return hashlib.sha256((SALT + value).encode()).hexdigest()


def test_form_answers_are_hashed_and_never_kept_raw(read: Any) -> None:
    records, notices, _tape = read("leads")
    assert notices == []
    assert [r["lead_id"] for r in records] == [
        "f3a1c2d4-0001-4e5f-9a8b-000000000001",
        "f3a1c2d4-0002-4e5f-9a8b-000000000002",
    ]
    first, second = records
    assert first["email_hash"] == _sha("jane.doe@example.com")
    assert first["phone_hash"] == _sha("+49301234567")
    assert second["email_hash"] == _sha("max.muster@example.org")
    assert second["phone_hash"] is None
    assert first["created_at"] == dt.datetime(2026, 10, 1, 9, 30, tzinfo=dt.UTC)
    assert second["created_at"] == dt.datetime(2026, 10, 2, 16, 5, tzinfo=dt.UTC)
    assert first["original_source"] == "PAID_SOCIAL"
    assert first["record_source"] == "FORM"
    assert first["record_source_detail"] == "urn:li:leadGenForm:42"
    assert first["extra"] == {"campaign_id": "1001", "test_lead": False}
    for record in records:
        assert "email" not in record
        flat = repr(record)
        for raw in ("example.com", "example.org", "1234567", "Example GmbH"):
            assert raw not in flat


def test_the_raw_email_is_kept_only_when_asked(read: Any) -> None:
    records, _notices, _tape = read("leads", keep_raw_email=True)
    assert [r["email"] for r in records] == ["Jane.Doe@Example.com", "max.muster@example.org"]


def test_leads_need_a_salt(read: Any) -> None:
    with pytest.raises(ConfigurationError, match="hash_salt"):
        read("leads", hash_salt="", allow_unused=True)


def test_an_answer_that_is_not_an_email_leaves_the_hash_null_with_a_notice(read: Any) -> None:
    from partnerkit.testing.faults import Fault

    page = {
        "paging": {"start": 0, "count": 100, "total": 1},
        "elements": [
            {
                "id": "f3a1c2d4-0003-4e5f-9a8b-000000000003",
                "versionedLeadGenFormUrn": "urn:li:versionedLeadGenForm:(urn:li:leadGenForm:42,1)",
                "submittedAt": 1790848800000,  # 2026-10-01T10:00:00Z
                "formResponse": {
                    "answers": [
                        {
                            "questionId": 2,
                            "answerDetails": {"textQuestionAnswer": {"answer": "n/a"}},
                        }
                    ]
                },
            }
        ],
    }
    fault = Fault(200, {"Content-Type": "application/json"}, json.dumps(page))
    records, notices, _tape = read("leads", faults={0: [fault]}, allow_unused=True)
    # the injected page answers the first request; it holds fewer responses than the page
    # size, so it is the last page (the form, 42, is the recorded one)
    assert [r["lead_id"] for r in records] == ["f3a1c2d4-0003-4e5f-9a8b-000000000003"]
    assert records[0]["email_hash"] is None
    assert records[0]["created_at"] == dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)
    assert [(n.code, n.details["field"]) for n in notices] == [("rejected_value", "email")]
    assert "n/a" not in notices[0].message
