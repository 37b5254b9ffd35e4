"""A Zapier log of Facebook/Instagram lead-form leads (Zap: Lead Ads -> spreadsheet).

The people are invented: emails at example.com/.org/.test, 555 phone numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from partnerkit_files import FilesConnector

from partnerkit.errors import ConfigurationError

OCTOBER = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 31)}
RAW_EMAILS = (
    "dana.levi@example.com",
    "Dana.Levi@Example.com",
    "yossi.m@example.org",
    "noa.cohen(at)example.org",
    "rina.s@example.test",
    "maya.bd@example.test",
    "eli.peretz@example.com",
)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["lead_id"][-4:]: r for r in records}


def test_email_and_phone_hashes_are_salted_sha256(
    read: Any, zapier: dict[str, Any], salt: str
) -> None:
    leads = by_id(read(zapier)[0])

    assert leads["0001"]["email_hash"] == sha256(salt + "dana.levi@example.com")
    # The same person through a second form, typed " Dana.Levi@Example.com ".
    assert leads["0006"]["email_hash"] == leads["0001"]["email_hash"]
    assert leads["0001"]["phone_hash"] == sha256(salt + "+15550100147")  # "+1 (555) 010-0147"
    assert leads["0002"]["phone_hash"] == sha256(salt + "5550199")  # "555-0199"
    assert leads["0002"]["email_hash"] != sha256("yossi.m@example.org")  # salted


def test_no_raw_email_leaves_the_connector(read: Any, zapier: dict[str, Any]) -> None:
    records, notices = read(zapier)

    shown = repr(records) + repr(notices) + "".join(str(n) for n in notices)
    for email in RAW_EMAILS:
        assert email not in shown
    assert "@" not in shown
    assert all("email" not in r for r in records)

    (bad_email,) = [n for n in notices if n.code == "rejected_row" and n.details["row"] == 4]
    assert bad_email.details["column"] == "Email"
    assert bad_email.details["value"] == "<redacted>"
    assert bad_email.details["reason"] == "not an email address"


def test_raw_email_only_on_opt_in(read: Any, zapier: dict[str, Any], salt: str) -> None:
    leads = by_id(read({**zapier, "keep_raw_email": True})[0])

    assert leads["0001"]["email"] == "dana.levi@example.com"
    assert leads["0006"]["email"] == "Dana.Levi@Example.com"  # as typed, trimmed
    assert leads["0006"]["email_hash"] == sha256(salt + "dana.levi@example.com")
    assert leads["0004"]["email"] is None


def test_missing_email_or_phone_is_null(read: Any, zapier: dict[str, Any]) -> None:
    leads = by_id(read(zapier)[0])
    assert leads["0004"]["email_hash"] is None  # empty cell
    assert leads["0004"]["phone_hash"] is not None
    assert leads["0006"]["phone_hash"] is None  # "-"


def test_timestamps_are_aware_and_leads_filter_by_local_day(
    read: Any, zapier: dict[str, Any]
) -> None:
    records, notices = read(zapier, **OCTOBER)

    assert sorted(by_id(records)) == ["0001", "0002", "0004", "0006"]
    first = by_id(records)["0001"]
    assert first["created_at"] == dt.datetime(
        2026, 10, 3, 12, 14, 22, tzinfo=ZoneInfo("Asia/Jerusalem")
    )
    assert first["created_at"].utcoffset() == dt.timedelta(0)  # kept as written (+0000)
    # 0007 came in on 2026-10-31 22:30 UTC, which is 1 November 00:30 in Israel.
    assert notices[-1].details == {
        "file": notices[-1].details["file"],
        "rows_read": 8,
        "rows_kept": 4,
        "rows_rejected": 2,
        "rows_filtered": 2,
    }
    assert [n.details["row"] for n in notices if n.code == "rejected_row"] == [4, 6]
    assert notices[1].details["column"] == "Created Time"
    assert notices[1].details["value"] == "2026-10-14 25:10:00"


def test_the_timezone_decides_the_day(read: Any, zapier: dict[str, Any]) -> None:
    records, _ = read({**zapier, "timezone": "UTC"}, **OCTOBER)
    assert "0007" in by_id(records)


def test_hashing_needs_a_salt(zapier: dict[str, Any], fixtures_dir: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"set hash_salt \(or the environment variable"):
        FilesConnector({"base_dir": fixtures_dir, "files": [zapier]})


def test_salt_from_the_environment_stays_secret(
    zapier: dict[str, Any], fixtures_dir: Any, salt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERKIT_FILES_HASH_SALT", salt)
    connector = FilesConnector(
        {"base_dir": fixtures_dir, "files": [zapier], "max_rejected_rows": 2}
    )

    assert salt not in repr(connector)
    assert salt not in repr(connector.settings)
    records = [r for r in connector.stream(stream="leads") if r["lead_id"].endswith("0001")]
    assert records[0]["email_hash"] == sha256(salt + "dana.levi@example.com")
