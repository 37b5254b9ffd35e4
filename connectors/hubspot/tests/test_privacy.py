"""No raw email or phone reaches a record by default, nor a fixture of this connector.

Every email and phone number in the lead cassettes is collected from the YAML itself
(values under ``email``, ``phone``, ``mobilephone``), then searched for — raw, trimmed
and lower-cased, and as normalised digits — in every value of every record read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from partnerkit_hubspot import HubSpotConnector

from partnerkit.connector import ReadRequest
from partnerkit.privacy import hash_email
from partnerkit.testing import lint_tree, use_cassette

TESTS = Path(__file__).parent
WINDOW = {"start": dt.date(2026, 10, 5), "end": dt.date(2026, 10, 6)}
LEAD_READS = [
    ("paging.yaml", {"page_size": 2}, ReadRequest(stream="leads")),
    ("contract/leads.yaml", {}, ReadRequest(stream="leads", **WINDOW)),
    (
        "search_boundaries.yaml",
        {"search_page_size": 3, "include_archived": False},
        ReadRequest(stream="leads", **WINDOW),
    ),
]
PERSONAL_KEYS = {"email", "phone", "mobilephone"}


def _walk(value: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    else:
        yield key, value


def _personal_values(path: Path) -> set[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {v for k, v in _walk(data) if k in PERSONAL_KEYS and isinstance(v, str)}


def _forms(value: str) -> set[str]:
    forms = {value, value.strip(), value.strip().lower()}
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 5:
        forms.add(digits)
    return {f for f in forms if f}


def _texts(record: dict[str, Any]) -> list[str]:
    return [str(v) for _, v in _walk(record) if v is not None]


@pytest.mark.parametrize(("cassette", "overrides", "request_"), LEAD_READS)
def test_no_raw_email_or_phone_in_a_record(
    cassettes: Path,
    connect: Callable[..., HubSpotConnector],
    cassette: str,
    overrides: dict[str, Any],
    request_: ReadRequest,
) -> None:
    personal = set().union(*(_forms(v) for v in _personal_values(cassettes / cassette)))
    assert personal  # the cassette does hold emails and phones to look for
    with use_cassette(cassettes / cassette), connect(**overrides) as hubspot:
        records = hubspot.stream(request_).to_dicts()
    assert records
    for record in records:
        assert "email" not in record
        for text in _texts(record):
            assert "@" not in text
            assert not any(value in text for value in personal), (record["lead_id"], text)


def test_the_raw_email_only_on_request(
    cassettes: Path, connect: Callable[..., HubSpotConnector], salt: str
) -> None:
    with (
        use_cassette(cassettes / "paging.yaml"),
        connect(page_size=2, keep_raw_email=True) as hubspot,
    ):
        records = {r["lead_id"]: r for r in hubspot.stream(stream="leads").to_dicts()}
    # ' Maya.Cohen@Example.COM ' in the cassette, trimmed; the hash is still there
    assert records["1001"]["email"] == "Maya.Cohen@Example.COM"
    assert (
        records["1001"]["email_hash"]
        == hashlib.sha256((salt + "maya.cohen@example.com").encode()).hexdigest()
    )
    # the one hashing rule every connector shares, so dedup matches across sources
    assert records["1001"]["email_hash"] == hash_email(" MAYA.COHEN@example.com", salt)


def test_the_fixtures_hold_no_token_and_no_real_email_or_phone() -> None:
    assert lint_tree(TESTS) == []
    for path in sorted((TESTS / "cassettes").rglob("*.yaml")):
        for value in _personal_values(path):
            if "@" in value:
                domain = value.strip().rpartition("@")[2].lower()
                assert domain.endswith(("example.com", "example.org", ".example")), path
            elif re.search(r"\d{5,}", re.sub(r"\D", "", value)):
                assert re.fullmatch(r"\+1-555-01\d\d", value), (path, value)
