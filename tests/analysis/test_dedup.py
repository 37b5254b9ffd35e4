"""Lead dedup ("multiple inquiries") on awkward cases, worked by hand.

Emails and phones are hashed through partnerkit.privacy, exactly as connectors do, so
"same email, different case and spaces" is tested end to end. Counted: October 2026.
"""

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import SALT, dataset, demo, lead, source, workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.dedup import dedup_leads
from partnerkit.errors import ConfigurationError
from partnerkit.privacy import hash_email, hash_phone

WS = workspace(
    sources=[
        source("meta", matching={"original_source": "PAID_SOCIAL"}),
        source("google", channel="paid_search", matching={"utm_source": "google"}),
        source(
            "zap",
            channel="referral",
            wiring="zapier",
            matching={"original_source": "OFFLINE", "original_source_drill_2": "Zap*"},
        ),
    ]
)
META = {"original_source": "PAID_SOCIAL"}
GOOGLE = {"utm_source": "google", "utm_medium": "cpc"}
ZAP = {"original_source": "OFFLINE", "original_source_drill_2": "Zapier"}
OCT1, OCT31 = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


def person(email: str | None = None, phone: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if email is not None:
        out["email_hash"] = hash_email(email, SALT)
    if phone is not None:
        out["phone_hash"] = hash_phone(phone, SALT)
    return out


def leads() -> list[dict[str, Any]]:
    return [
        # P1: the same email in another case and with spaces → one person.
        lead("2026-10-01 10:00", lead_id="L1", **META, **person(" Dana.Levi@Example.COM ")),
        lead("2026-10-03 10:00", lead_id="L2", **GOOGLE, **person("dana.levi@example.com")),
        # P2: the same phone written two international ways.
        lead("2026-10-02 10:00", lead_id="L3", **GOOGLE, **person(phone="+972-55-555-1001")),
        lead("2026-10-04 10:00", lead_id="L4", **ZAP, **person(phone="+972 (55) 555 1001")),
        # P3: a chain — L5 and L6 share a phone, L6 and L7 an email.
        lead("2026-10-05 10:00", lead_id="L5", **META, **person("a@x.example", "+972-50-000-0001")),
        lead(
            "2026-10-06 10:00", lead_id="L6", **GOOGLE, **person("b@x.example", "+972 50 000 0001")
        ),
        lead("2026-10-07 10:00", lead_id="L7", **ZAP, **person("B@X.example")),
        # P4: L9 is 24 days after L8 (same inquiry); L10 is 34 days after L8 — a new
        # inquiry, though only 10 days after L9 (the window runs from the first lead);
        # L11 is 15 days after L10: inside the re-inquiry's window.
        lead("2026-09-01 10:00", lead_id="L8", **META, **person("p4@x.example")),
        lead("2026-09-25 10:00", lead_id="L9", **GOOGLE, **person("p4@x.example")),
        lead("2026-10-05 12:00", lead_id="L10", **META, **person("p4@x.example")),
        lead("2026-10-20 10:00", lead_id="L11", **ZAP, **person("p4@x.example")),
        # P5: HubSpot merged L13 into L12 (and L99, which is not in the data).
        lead(
            "2026-10-10 10:00",
            lead_id="L12",
            **META,
            merged_ids=["L13", "L99"],
            **person("p5@x.example"),
        ),
        lead("2026-10-09 10:00", lead_id="L13", **GOOGLE, **person("other5@x.example")),
        # P6: twice through the same source.
        lead("2026-10-12 10:00", lead_id="L14", **META, **person("p6@x.example")),
        lead("2026-10-13 10:00", lead_id="L15", **META, **person(" P6@X.example")),
        # P7: L17 continues an inquiry that started in September.
        lead("2026-09-28 10:00", lead_id="L16", **GOOGLE, **person("p7@x.example")),
        lead("2026-10-02 11:00", lead_id="L17", **META, **person("p7@x.example")),
        # P8: no email, no phone: a person of its own.
        lead("2026-10-15 10:00", lead_id="L18", **ZAP),
        # Deleted: never counted, never links anyone.
        lead(
            "2026-10-03 09:00",
            lead_id="L19",
            **META,
            is_deleted=True,
            **person("dana.levi@example.com"),
        ),
        # The national form of P2's phone hashes differently today (see privacy).
        lead("2026-10-21 10:00", lead_id="L20", **GOOGLE, **person(phone="055-555-1001")),
        # P11: first an unmapped lead, then a meta one.
        lead(
            "2026-10-22 10:00",
            lead_id="L21",
            original_source="DIRECT_TRAFFIC",
            **person("p11@x.example"),
        ),
        lead("2026-10-23 10:00", lead_id="L22", **META, **person("p11@x.example")),
    ]


def rows(table: Any, *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(r[c] for c in columns) for r in table.to_pylist()]


@pytest.fixture(scope="module")
def result() -> Any:
    return dedup_leads(WS, dataset(leads()), start=OCT1, end=OCT31)


def test_inquiries_and_their_sources_in_order(result: Any) -> None:
    assert rows(
        result.inquiries, "inquiry", "person", "leads", "sources", "first_source", "shared"
    ) == [
        ("L1", "L1", 2, ["meta", "google"], "meta", True),
        ("L3", "L3", 2, ["google", "zap"], "google", True),
        ("L5", "L5", 3, ["meta", "google", "zap"], "meta", True),
        # P4's re-inquiry: its person is named by their first lead ever, L8.
        ("L10", "L8", 2, ["meta", "zap"], "meta", True),
        # The merged record L13 came first (9 Oct).
        ("L13", "L13", 2, ["google", "meta"], "google", True),
        ("L14", "L14", 2, ["meta"], "meta", False),
        ("L18", "L18", 1, ["zap"], "zap", False),
        ("L20", "L20", 1, ["google"], "google", False),
        # Unmapped leads keep no source in the list.
        ("L21", "L21", 2, ["meta"], None, False),
    ]


def test_totals(result: Any) -> None:
    # 18 October records (L19 deleted; L8, L9, L16 are September's) are 9 inquiries:
    # 9 first leads + 8 repeats (L2, L4, L6, L7, L11, L12, L15, L22) + 1 record (L17)
    # continuing a September inquiry.
    assert result.lead_records == 18
    assert result.inquiries_count == 9
    assert result.people == 9
    assert result.duplicates == 9
    assert result.continuing == 1
    assert result.crm_merged == 2  # L13 and L99


def test_what_each_source_would_claim_alone(result: Any) -> None:
    assert rows(
        result.by_source, "source_id", "leads", "inquiries", "exclusive", "shared", "first_touch"
    ) == [
        # meta: 8 records (L1 L5 L10 L12 L14 L15 L17 L22); inquiries L1 L5 L10 L13 L14 L21;
        # alone in L14 and L21; first in L1 L5 L10 L14.
        ("meta", 8, 6, 2, 4, 4),
        # google: L2 L3 L6 L13 L20; inquiries L1 L3 L5 L13 L20; first in L3 L13 L20.
        ("google", 5, 5, 1, 4, 3),
        # zap: L4 L7 L11 L18; inquiries L3 L5 L10 L18; first in L18.
        ("zap", 4, 4, 1, 3, 1),
        # unmapped: L21, first lead of inquiry L21.
        (None, 1, 1, 1, 0, 1),
    ]
    assert result.to_arrow() is result.by_source
    assert "18 lead records are 9 inquiries from 9 people" in result._repr_html_()


def test_lead_level_view(result: Any) -> None:
    by_id = {r["lead_id"]: r for r in result.leads.to_pylist()}
    assert "L19" not in by_id
    assert (by_id["L2"]["inquiry"], by_id["L2"]["counted"]) == ("L1", False)
    assert (by_id["L12"]["person"], by_id["L12"]["inquiry"]) == ("L13", "L13")
    assert (by_id["L17"]["inquiry"], by_id["L17"]["continues_earlier"]) == ("L16", True)
    assert by_id["L20"]["person"] == "L20"  # not P2: "055-…" hashes differently today
    assert sum(r["counted"] for r in by_id.values()) == 9


def test_the_rows_are_read_on_first_access_and_match_an_eager_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A dataset whose records cannot change: the per-lead and per-inquiry tables are
    # read when first asked for (the counts and by-source table at once).
    lazy = dedup_leads(WS, dataset(leads()), start=OCT1, end=OCT31)
    assert lazy._rows_read == {}
    assert (lazy.lead_records, lazy.inquiries_count) == (18, 9)
    assert lazy.leads.num_rows == 18
    assert lazy.inquiries.num_rows == 9
    assert lazy.leads is lazy.leads  # read once
    # One a sync could change (an open warehouse): read at once, the same rows.
    monkeypatch.setattr(Dataset, "frozen", property(lambda self: False))
    eager = dedup_leads(WS, dataset(leads()), start=OCT1, end=OCT31)
    assert eager.leads.equals(lazy.leads)
    assert eager.inquiries.equals(lazy.inquiries)


def test_the_hashing_rule_behind_it() -> None:
    assert hash_email(" Dana.Levi@Example.COM ", SALT) == hash_email("dana.levi@example.com", SALT)
    assert hash_phone("+972-55-555-1001", SALT) == hash_phone("+972 (55) 555 1001", SALT)
    # National vs international form: different digits today (a proposed change would
    # normalise to E.164 with the workspace's default region).
    assert hash_phone("055-555-1001", SALT) != hash_phone("+972-55-555-1001", SALT)


def test_a_wider_window_joins_the_return_visit() -> None:
    wide = dedup_leads(WS, dataset(leads()), start=OCT1, end=OCT31, window=dt.timedelta(days=60))
    # L10 (34 days) and L11 (49 days) now belong to L8's September inquiry.
    assert [r[0] for r in rows(wide.inquiries, "inquiry")] == [
        "L1",
        "L3",
        "L5",
        "L13",
        "L14",
        "L18",
        "L20",
        "L21",
    ]
    assert wide.continuing == 3  # L10, L11, L17


def test_matching_on_email_only() -> None:
    only = dedup_leads(WS, dataset(leads()), start=OCT1, end=OCT31, match_on=["email_hash"])
    # Without phones, L3/L4 split and L5 leaves L6/L7: 9 + 2 inquiries.
    assert only.inquiries_count == 11


def test_bad_arguments() -> None:
    data = dataset(leads())
    with pytest.raises(ConfigurationError, match="positive"):
        dedup_leads(WS, data, window=dt.timedelta(0))
    with pytest.raises(ConfigurationError, match="email_hsh"):
        dedup_leads(WS, data, match_on=["email_hsh"])


def test_the_demo_duplicates() -> None:
    ws, data = demo()
    result = dedup_leads(ws, data)
    # Counted independently of the dedup rules: email hashes that occur exactly twice
    # (the demo's planted repeats: a Meta lead who also fills in the search form).
    leads = data.tables["lead"].to_pylist()  # type: ignore[index]
    hashes = [r["email_hash"] for r in leads if r["email_hash"]]
    twice = sum(1 for h in set(hashes) if hashes.count(h) == 2)
    assert twice > 0
    assert result.lead_records == len(leads)
    shared = [r for r in result.inquiries.to_pylist() if r["shared"]]
    assert len(shared) == twice
    assert all(sorted(r["sources"]) == ["google-search", "meta-lead-ads"] for r in shared)
