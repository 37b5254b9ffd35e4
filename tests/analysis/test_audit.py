"""The source-map audit on a small, deliberately awkward engagement, worked by hand.

Seven sources, in map order: meta-ads (PAID_SOCIAL or ad account act_1, target 4),
google (utm google/cpc or campaigns g-*, target 2), partner-zap (OFFLINE + drill-down 2
Zap*, target 3, wired by Zapier, with a budget), expo (OFFLINE + IMPORT, *paused*),
display (campaigns d-*), email (utm_medium email) and newsletter (utm_source
newsletter) — the last two overlap on purpose. Audited September and October 2026,
as of Mon 2 Nov 2026.
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import at, dataset, demo, lead, perf, source, workspace

from partnerkit.analysis import Dataset, attribute_leads, attribute_performance, audit_source_map
from partnerkit.errors import ConfigurationError

AS_OF = at("2026-11-02 10:00")
SEP, OCT31 = dt.date(2026, 9, 1), dt.date(2026, 10, 31)

WS = workspace(
    contract={"start": "2026-06-01", "pricing": {"kind": "retainer", "monthly_fee": 1000}},
    sources=[
        source(
            "meta-ads",
            platform="meta",
            matching={"original_source": "PAID_SOCIAL", "account_ids": "act_1"},
            monthly_lead_target=4,
            budget={"monthly": 1000},
            start="2026-09-01",
        ),
        source(
            "google",
            channel="paid_search",
            platform="google_ads",
            wiring="form",
            matching={"utm_source": "google", "utm_medium": "cpc", "campaign_ids": "g-*"},
            monthly_lead_target=2,
            start="2026-06-01",
        ),
        source(
            "partner-zap",
            channel="referral",
            platform="zapier",
            wiring="zapier",
            matching={"original_source": "OFFLINE", "original_source_drill_2": "Zap*"},
            monthly_lead_target=3,
            budget={"monthly": 500},
            start="2026-08-01",
        ),
        source(
            "expo",
            channel="offline",
            wiring="import",
            owner="in_house",
            matching={"original_source": "OFFLINE", "original_source_drill_1": "IMPORT"},
            status="paused",
            start="2026-05-01",
        ),
        source(
            "display",
            channel="display",
            platform="google_ads",
            matching={"campaign_ids": "d-*"},
            start="2026-09-01",
        ),
        source("email", channel="email", owner="in_house", matching={"utm_medium": "email"}),
        source(
            "newsletter",
            channel="email",
            wiring="form",
            owner="in_house",
            matching={"utm_source": "newsletter"},
        ),
    ],
    campaigns=[
        {
            "id": "meta-main",
            "name": "Meta main",
            "source": "meta-ads",
            "objective": "leads",
            "start": "2026-09-01",
            "platform_campaign_ids": ["m-1"],
        },
        {
            "id": "meta-gone",
            "name": "Meta retired test",
            "source": "meta-ads",
            "objective": "leads",
            "start": "2026-09-01",
            "platform_campaign_ids": ["m-404"],
        },
        {
            "id": "meta-removed",
            "name": "Old promo",
            "source": "meta-ads",
            "objective": "leads",
            "start": "2026-09-01",
            "platform_campaign_ids": ["m-9"],
        },
        {
            "id": "google-brand",
            "name": "Brand",
            "source": "google",
            "objective": "leads",
            "start": "2026-09-01",
            "platform_campaign_ids": ["g-1"],
            "utm_campaign": "brand",
        },
        {
            "id": "google-old",
            "name": "Old",
            "source": "google",
            "objective": "leads",
            "start": "2026-06-01",
            "end": "2026-06-30",
            "platform_campaign_ids": ["g-7"],
        },
    ],
)

SOCIAL = {"original_source": "PAID_SOCIAL", "original_source_drill_1": "Facebook"}
CPC = {"utm_source": "google", "utm_medium": "cpc"}
ZAP = {
    "original_source": "OFFLINE",
    "original_source_drill_1": "INTEGRATION",
    "original_source_drill_2": "Zapier",
}


def leads() -> list[dict[str, Any]]:
    return [
        # meta-ads: 4 in September (the last at 23:30 on the 30th, local) ...
        lead("2026-09-02 10:00", lead_id="M1", **SOCIAL),
        lead("2026-09-09 10:00", lead_id="M2", **SOCIAL),
        lead("2026-09-16 10:00", lead_id="M3", **SOCIAL),
        lead("2026-09-30 23:30", lead_id="M4", **SOCIAL),
        # ... and 3 in October: M5 is 00:30 on 1 Oct local = 21:30 on 30 Sep UTC.
        lead("2026-10-01 00:30", lead_id="M5", **SOCIAL),
        lead("2026-10-14 10:00", lead_id="M6", **SOCIAL),
        lead("2026-10-28 10:00", lead_id="M7", **SOCIAL),
        # google by UTM, any case: 2 + 2; G1 and G4 carry the brand campaign's tag.
        lead("2026-09-03 10:00", lead_id="G1", utm_campaign="brand", **CPC),
        lead("2026-09-20 10:00", lead_id="G2", **CPC),
        lead("2026-10-05 10:00", lead_id="G3", utm_source="Google", utm_medium="CPC"),
        lead("2026-10-25 10:00", lead_id="G4", utm_campaign="BRAND", **CPC),
        # partner-zap: one in August, three in September, then nothing.
        lead("2026-08-20 10:00", lead_id="Z0", **ZAP),
        lead("2026-09-05 10:00", lead_id="Z1", **ZAP),
        lead("2026-09-12 10:00", lead_id="Z2", **ZAP),
        lead("2026-09-20 10:00", lead_id="Z3", **ZAP),
        # expo (paused): the May import, nothing since.
        lead(
            "2026-05-10 10:00",
            lead_id="E1",
            original_source="OFFLINE",
            original_source_drill_1="IMPORT",
        ),
        lead(
            "2026-05-10 10:05",
            lead_id="E2",
            original_source="OFFLINE",
            original_source_drill_1="IMPORT",
        ),
        # N1 matches email *and* newsletter (counted for email, the first); N2 newsletter.
        lead("2026-10-27 10:00", lead_id="N1", utm_source="newsletter", utm_medium="email"),
        lead("2026-10-28 10:00", lead_id="N2", utm_source="newsletter", utm_medium="social"),
        # Unmapped: DIRECT_TRAFFIC ×2 (a deleted third is not counted), a TikTok lead,
        # and an OFFLINE lead from Make that neither OFFLINE rule covers.
        lead("2026-10-10 10:00", lead_id="U1", original_source="DIRECT_TRAFFIC"),
        lead("2026-10-11 10:00", lead_id="U2", original_source="DIRECT_TRAFFIC"),
        lead("2026-10-12 10:00", lead_id="U4", original_source="DIRECT_TRAFFIC", is_deleted=True),
        lead(
            "2026-09-15 10:00",
            lead_id="U3",
            original_source="OTHER_CAMPAIGNS",
            original_source_drill_1="tiktok",
        ),
        lead(
            "2026-10-20 10:00",
            lead_id="U5",
            original_source="OFFLINE",
            original_source_drill_1="INTEGRATION",
            original_source_drill_2="Make",
        ),
    ]


def performance() -> list[dict[str, Any]]:
    g = {"platform": "google_ads", "account_id": "g-acct"}
    return [
        perf("2026-09-10", campaign_id="m-1", campaign_name="Meta main", spend=100, leads=5),
        perf("2026-10-10", campaign_id="m-1", campaign_name="Meta main", spend=120, leads=4),
        perf("2026-10-15", campaign_id="m-2", campaign_name="Meta new test", spend=50, leads=0),
        # An account-level row of the same account: ignored (campaign rows exist).
        perf("2026-10-10", level="account", spend=220, leads=9),
        perf("2026-09-10", campaign_id="g-1", campaign_name="Brand", spend=80, conversions=2, **g),
        perf(
            "2026-10-10", campaign_id="g-1", campaign_name="Brand", spend=90, conversions=2.5, **g
        ),
        perf(
            "2026-10-12", campaign_id="x-9", campaign_name="Mystery", spend=30, conversions=0, **g
        ),
        perf(
            "2026-10-20", campaign_id="d-1", campaign_name="Display", spend=40, conversions=0, **g
        ),
        # Analytics rows are not ad-platform rows: never platform leads.
        perf(
            "2026-10-10",
            platform="ga4",
            account_id="prop",
            level="traffic",
            source="google",
            medium="cpc",
            conversions=10,
        ),
    ]


def campaigns() -> list[dict[str, Any]]:
    def c(platform: str, account: str, object_id: str, name: str, status: str, **kw: Any) -> Any:
        return {
            "platform": platform,
            "account_id": account,
            "level": "campaign",
            "object_id": object_id,
            "name": name,
            "status": status,
            **kw,
        }

    return [
        c("meta", "act_1", "m-1", "Meta main", "ACTIVE"),
        c("meta", "act_1", "m-9", "Old promo", "REMOVED"),
        c("meta", "act_1", "m-old", "Older", "REMOVED"),
        c("meta", "act_1", "m-3", "Paused idea", "PAUSED"),
        c("tiktok", "tt-acct", "t-1", "TikTok launch", "ACTIVE", utm_source="tiktok"),
        c(
            "google_ads",
            "g-acct2",
            "k-5",
            "Search – new market",
            "ENABLED",
            utm_source="google",
            utm_medium="cpc",
        ),
    ]


@pytest.fixture(scope="module")
def audit() -> Any:
    data = dataset(leads(), performance(), campaigns())
    return audit_source_map(WS, data, start=SEP, end=OCT31, as_of=AS_OF, max_unmapped_share="0.10")


def rows(table: pa.Table, *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(r[c] for c in columns) for r in table.to_pylist()]


# ---------------------------------------------------------------- unmapped leads


def test_unmapped_values_are_counted(audit: Any) -> None:
    got = rows(
        audit.unmapped,
        "original_source",
        "original_source_drill_1",
        "original_source_drill_2",
        "leads",
        "example_lead_id",
    )
    assert got == [
        ("DIRECT_TRAFFIC", None, None, 2, "U1"),  # U4 is deleted: not counted
        ("OFFLINE", "INTEGRATION", "Make", 1, "U5"),
        ("OTHER_CAMPAIGNS", "tiktok", None, 1, "U3"),
    ]
    # 20 leads in September and October: meta 7, google 4, zap 3, email 1, newsletter 1,
    # unmapped 4 (Z0 is August's, E1/E2 May's, U4 deleted).
    assert audit.leads == 20


def test_overlapping_rules_count_once_for_the_first_source(audit: Any) -> None:
    assert rows(audit.overlaps, "utm_source", "matched_sources", "counted_for", "leads") == [
        ("newsletter", ["email", "newsletter"], "email", 1)
    ]


# ---------------------------------------------------------------- silent sources


def test_silent_sources(audit: Any) -> None:
    silent = {r["source_id"]: r for r in audit.silent.to_pylist()}
    assert all(r["check_day"] == dt.date(2026, 10, 31) for r in silent.values())
    # partner-zap: last lead 20 Sep, 41 days before 31 Oct; it had 4 before → silent.
    zap = silent["partner-zap"]
    assert (zap["silent"], zap["last_lead_day"], zap["days_without_leads"]) == (
        True,
        dt.date(2026, 9, 20),
        41,
    )
    assert zap["leads_before"] == 4
    assert zap["wiring"] == "zapier"
    # display never had a lead but spent on 20 Oct, inside the 14 days → silent.
    assert silent["display"]["silent"] is True
    assert silent["display"]["reason"] == (
        "no lead in the last 14 days though it spent on 1 of them"
    )
    # expo is paused: silent since May, and NOT flagged.
    assert silent["expo"]["silent"] is False
    assert silent["expo"]["reason"] == "not checked: the source is paused"
    # Live ones are not silent.
    for sid in ("meta-ads", "google", "email", "newsletter"):
        assert silent[sid]["silent"] is False, sid


def test_silence_threshold_is_configurable() -> None:
    data = dataset(leads(), performance(), campaigns())
    # With 45 days, partner-zap's 41 quiet days are not yet silence.
    result = audit_source_map(WS, data, start=SEP, end=OCT31, as_of=AS_OF, silent_days=45)
    flags = dict(rows(result.silent, "source_id", "silent"))
    assert flags["partner-zap"] is False
    with pytest.raises(ConfigurationError, match="silent_days"):
        audit_source_map(WS, data, as_of=AS_OF, silent_days=0)


# --------------------------------------------------------- spend and leads


def test_spend_and_leads_by_source(audit: Any) -> None:
    src = [r for r in audit.spend_and_leads.to_pylist() if r["level"] == "source"]
    got = [(r["month"], r["source_id"], r["spend"], r["crm_leads"], r["finding"]) for r in src]
    assert got == [
        ("2026-09", "meta-ads", Decimal("100"), 4, None),
        ("2026-09", "google", Decimal("80"), 2, None),
        # Leads and a budget, no spend recorded.
        ("2026-09", "partner-zap", None, 3, "leads_without_spend"),
        ("2026-09", "display", None, 0, None),
        # October: 120 + 50 on campaigns; the 220 account-level row is not added again.
        ("2026-10", "meta-ads", Decimal("170"), 3, None),
        ("2026-10", "google", Decimal("90"), 2, None),
        ("2026-10", "partner-zap", None, 0, None),
        ("2026-10", "display", Decimal("40"), 0, "spend_without_leads"),
        # Email sources have no budget and no paid channel: leads without spend is normal.
        ("2026-10", "email", None, 1, None),
        ("2026-10", "newsletter", None, 1, None),
    ]


def test_spend_and_leads_by_campaign(audit: Any) -> None:
    camp = [r for r in audit.spend_and_leads.to_pylist() if r["level"] == "campaign"]
    got = [
        (
            r["month"],
            r["campaign_id"],
            r["campaign"],
            r["spend"],
            r["crm_leads"],
            r["platform_leads"],
            r["finding"],
        )
        for r in camp
    ]
    # In source-map order (meta, google, display, then unmapped), then campaign id.
    assert got == [
        ("2026-09", "m-1", "meta-main", Decimal("100"), None, 5.0, None),
        # CRM leads tie to a campaign only through its utm_campaign (brand: G1 in
        # September, G4 written BRAND in October).
        ("2026-09", "g-1", "google-brand", Decimal("80"), 1, 2.0, None),
        ("2026-10", "m-1", "meta-main", Decimal("120"), None, 4.0, None),
        ("2026-10", "m-2", None, Decimal("50"), None, 0.0, "spend_without_leads"),
        ("2026-10", "g-1", "google-brand", Decimal("90"), 1, 2.5, None),
        ("2026-10", "d-1", None, Decimal("40"), None, 0.0, "spend_without_leads"),
        ("2026-10", "x-9", None, Decimal("30"), None, 0.0, "spend_without_leads"),
    ]


def test_platform_vs_crm(audit: Any) -> None:
    assert rows(
        audit.platform_vs_crm,
        "month",
        "source_id",
        "platform_leads",
        "crm_leads",
        "gap",
        "gap_percent",
        "reason",
    ) == [
        # meta September: 4 − 5 = −1 = −20 % of 5.
        ("2026-09", "meta-ads", 5.0, 4, -1.0, -20.0, None),
        ("2026-09", "google", 2.0, 2, 0.0, 0.0, None),
        # meta October: 3 − (4 + 0) = −1 = −25 %; the GA4 conversions are not counted.
        ("2026-10", "meta-ads", 4.0, 3, -1.0, -25.0, None),
        ("2026-10", "google", 2.5, 2, -0.5, -20.0, None),
        ("2026-10", "display", 0.0, 0, 0.0, None, "not computable: the platform reported 0 leads"),
    ]


def test_lead_volume_against_target(audit: Any) -> None:
    volume = {(r["month"], r["source_id"]): r for r in audit.lead_volume.to_pylist()}
    # September: meta 4 of 4 → on track; October: 3 of 4 is 25 % short → off track.
    assert volume[("2026-09", "meta-ads")]["status"] == "on_track"
    assert (
        volume[("2026-10", "meta-ads")]["status"],
        volume[("2026-10", "meta-ads")]["percent_of_target"],
    ) == ("off_track", Decimal("75.0"))
    # M5 (00:30 on 1 Oct local, still 30 Sep in UTC) counts for October.
    assert volume[("2026-09", "meta-ads")]["leads"] == 4
    assert volume[("2026-10", "meta-ads")]["leads"] == 3
    assert volume[("2026-10", "partner-zap")]["status"] == "off_track"
    assert volume[("2026-10", "expo")]["reason"] == "no monthly_lead_target"
    # display's target is unset: no status.
    assert volume[("2026-10", "display")]["status"] is None


def test_a_month_in_progress_is_not_judged() -> None:
    data = dataset(leads(), performance(), campaigns())
    result = audit_source_map(WS, data, start=SEP, as_of=at("2026-10-15 12:00"))
    volume = {(r["month"], r["source_id"]): r for r in result.lead_volume.to_pylist()}
    assert volume[("2026-10", "meta-ads")]["status"] is None
    assert volume[("2026-10", "meta-ads")]["reason"] == (
        "not judged: the month is in progress (15 of 31 days)"
    )


def test_part_months_are_not_judged() -> None:
    data = dataset(leads(), performance(), campaigns())
    # The audit starts on 15 September: September's count covers half the month.
    half = audit_source_map(WS, data, start=dt.date(2026, 9, 15), end=OCT31, as_of=AS_OF)
    volume = {(r["month"], r["source_id"]): r for r in half.lead_volume.to_pylist()}
    assert (
        volume[("2026-09", "meta-ads")]["leads"],
        volume[("2026-09", "meta-ads")]["status"],
    ) == (
        2,  # M3 (16 Sep) and M4 (30 Sep)
        None,
    )
    assert volume[("2026-09", "meta-ads")]["reason"] == (
        "not judged: the audit covers only part of the month"
    )
    assert volume[("2026-10", "meta-ads")]["status"] == "off_track"
    # A source that started on 10 September is not judged on September's full target.
    late = [
        src.model_copy(update={"start": dt.date(2026, 9, 10)}) if src.id == "meta-ads" else src
        for src in WS.sources
    ]
    ws = WS.model_copy(update={"sources": late})
    result = audit_source_map(ws, data, start=SEP, end=OCT31, as_of=AS_OF)
    volume = {(r["month"], r["source_id"]): r for r in result.lead_volume.to_pylist()}
    assert volume[("2026-09", "meta-ads")]["reason"] == (
        "not judged: the source ran only part of the month"
    )


# ------------------------------------------------------------- campaign coverage


def test_campaign_coverage(audit: Any) -> None:
    found = {r["campaign_id"]: r["finding"] for r in audit.campaigns.to_pylist()}
    assert found == {
        "x-9": "no_source_map_entry",  # spent 30 on Google with no rule covering it
        "t-1": "no_source_map_entry",  # an active TikTok campaign: its UTM matches nothing
        "m-2": "not_in_campaign_list",  # meta's, but meta lists its campaigns
        "k-5": "not_in_campaign_list",  # google's through its UTM tags, not listed
        "m-1": None,
        "g-1": None,
        "d-1": None,  # display lists no campaigns: nothing to compare with
        "m-9": None,  # removed, no spend
        "m-old": None,  # removed, no spend, not listed
        "m-3": None,  # paused, no spend
    }
    assert rows(audit.missing_campaigns, "campaign", "platform_campaign_id", "finding") == [
        ("meta-gone", "m-404", "not_found_on_platform"),
        ("meta-removed", "m-9", "removed_on_platform"),
    ]


# ------------------------------------------------------------------ hygiene


def test_hygiene_score_per_month(audit: Any) -> None:
    hygiene = {r["month"]: r for r in audit.hygiene.to_pylist()}
    # September, 14 checks: unmapped 1 of 10 leads ≤ 10 % → passes; not silent ×6 (expo,
    # paused, is not checked) all pass; spend and leads ×5 (meta, google, m-1, g-1 pass,
    # partner-zap's leads without spend fails); campaigns mapped ×2 (m-1, g-1). 13 / 14.
    assert (hygiene["2026-09"]["checks"], hygiene["2026-09"]["passed"]) == (14, 13)
    assert hygiene["2026-09"]["score"] == Decimal("0.9286")
    assert hygiene["2026-09"]["failed"] == ["spend_and_leads: partner-zap"]
    # October, 22 checks: unmapped 3 of 10 fails; not silent 4 of 6 (partner-zap and
    # display fail); spend and leads 6 of 10 (display, m-2, x-9, d-1 fail); campaigns
    # mapped 4 of 5 (x-9 fails). 14 / 22 = 0.63636…
    assert (hygiene["2026-10"]["checks"], hygiene["2026-10"]["passed"]) == (22, 14)
    assert hygiene["2026-10"]["score"] == Decimal("0.6364")
    assert audit.hygiene_score("2026-10") == Decimal("0.6364")
    assert audit.hygiene_score("2026-12") is None


def test_findings_name_every_problem(audit: Any) -> None:
    got = sorted((r["check"], r["month"] or "", r["subject"]) for r in audit.findings.to_pylist())
    assert got == sorted(
        [
            ("below_lead_target", "2026-10", "meta-ads"),
            ("below_lead_target", "2026-10", "partner-zap"),
            ("campaign_gone", "", "campaign meta-gone (m-404)"),
            ("campaign_gone", "", "campaign meta-removed (m-9)"),
            ("campaign_not_in_campaign_list", "", "google_ads campaign k-5 (Search – new market)"),
            ("campaign_not_in_campaign_list", "", "meta campaign m-2 (Meta new test)"),
            ("campaign_not_in_source_map", "", "google_ads campaign x-9 (Mystery)"),
            ("campaign_not_in_source_map", "", "tiktok campaign t-1 (TikTok launch)"),
            ("leads_without_spend", "2026-09", "partner-zap"),
            ("overlapping_rules", "", _values(utm_source="newsletter", utm_medium="email")),
            ("platform_crm_gap", "2026-10", "meta-ads"),
            ("silent_source", "", "Display"),
            ("silent_source", "", "Partner Zap"),
            ("spend_without_leads", "2026-10", "display"),
            ("spend_without_leads", "2026-10", "google_ads campaign d-1 (Display)"),
            ("spend_without_leads", "2026-10", "google_ads campaign x-9 (Mystery)"),
            ("spend_without_leads", "2026-10", "meta campaign m-2 (Meta new test)"),
            ("unmapped_leads", "", _values(original_source="DIRECT_TRAFFIC")),
            (
                "unmapped_leads",
                "",
                _values(
                    original_source="OFFLINE",
                    original_source_drill_1="INTEGRATION",
                    original_source_drill_2="Make",
                ),
            ),
            (
                "unmapped_leads",
                "",
                _values(original_source="OTHER_CAMPAIGNS", original_source_drill_1="tiktok"),
            ),
        ]
    )
    assert audit.to_arrow() is audit.findings
    assert "<h3>Source-map audit</h3>" in audit._repr_html_()


def _values(**given: str) -> str:
    names = [
        "original_source",
        "original_source_drill_1",
        "original_source_drill_2",
        "utm_source",
        "utm_medium",
        "utm_campaign",
    ]
    return ", ".join(f"{n}={given.get(n, '∅')}" for n in names)


# ------------------------------------------------------------------- money rules


def test_spend_in_two_currencies_needs_exchange_rates() -> None:
    data = dataset(
        [lead("2026-10-05 10:00", **SOCIAL)],
        [
            perf("2026-10-05", campaign_id="m-1", spend=100, leads=1),
            perf("2026-10-06", campaign_id="m-1", spend=10, leads=0, currency="USD"),
        ],
    )
    with pytest.raises(ConfigurationError, match=r"ILS and USD.*exchange_rates"):
        audit_source_map(WS, data, start=SEP, end=OCT31, as_of=AS_OF)
    converted = audit_source_map(
        WS, data, start=SEP, end=OCT31, as_of=AS_OF, exchange_rates={"USD": Decimal("3.7")}
    )
    meta = [
        r
        for r in converted.spend_and_leads.to_pylist()
        if r["level"] == "source" and r["source_id"] == "meta-ads" and r["month"] == "2026-10"
    ]
    # 100 ILS + 10 USD × 3.7 = 137 ILS.
    assert (meta[0]["spend"], meta[0]["currency"]) == (Decimal("137"), "ILS")
    with pytest.raises(ConfigurationError, match="no rate for USD"):
        audit_source_map(WS, data, as_of=AS_OF, exchange_rates={"EUR": Decimal(4)})


def test_a_non_additive_lead_column_is_never_summed() -> None:
    base = dataset([], [perf("2026-10-05", campaign_id="m-1", spend=100)])
    table = base.tables["performance"]
    for name, additivity, value in (
        ("extra.unique_leads", "non_additive", 3),
        ("extra.form_leads", "additive", 4),
    ):
        field = pa.field(name, pa.int64(), metadata={"additivity": additivity})
        table = table.append_column(field, pa.array([value], pa.int64()))
    data = Dataset({"performance": table})
    with pytest.raises(ConfigurationError, match=r"not additive.*Re-query"):
        audit_source_map(WS, data, as_of=AS_OF, platform_lead_columns=["extra.unique_leads"])
    ok = audit_source_map(
        WS, data, start=SEP, end=OCT31, as_of=AS_OF, platform_lead_columns=["extra.form_leads"]
    )
    assert rows(ok.platform_vs_crm, "source_id", "platform_leads") == [("meta-ads", 4.0)]
    with pytest.raises(ConfigurationError, match="do not have"):
        audit_source_map(WS, data, as_of=AS_OF, platform_lead_columns=["extra.nope"])


# ------------------------------------------------- attribution = the model's rules


def _expected_source(record: dict[str, Any], kind: str) -> str | None:
    """The attribution rule, in plain Python: campaigns first, then the first source."""
    if kind == "performance":
        for c in WS.campaigns:
            if record.get("campaign_id") in c.platform_campaign_ids:
                return c.source
    utm = record.get("utm_campaign")
    for c in WS.campaigns:
        if c.utm_campaign and utm is not None and utm.lower() == c.utm_campaign.lower():
            return c.source
    test = "matches_lead" if kind == "lead" else "matches_performance"
    return next((s.id for s in WS.sources if getattr(s.matching, test)(record)), None)


def test_attribution_equals_the_model() -> None:
    records = [
        *leads(),
        # The brand campaign's tag alone ties a lead to google (its campaign's source) ...
        lead("2026-10-02 10:00", lead_id="B1", utm_campaign="Brand"),
        # ... and wins over meta's rules, which also match: an overlap.
        lead("2026-10-02 11:00", lead_id="B2", utm_campaign="brand", **SOCIAL),
    ]
    rows_ = [
        *performance(),
        # meta-gone lists m-404: its source, whatever the account.
        perf("2026-10-03", account_id="other", campaign_id="m-404", spend=1),
    ]
    data = dataset(records, rows_)
    table = attribute_leads(WS, data)
    got = {r["lead_id"]: r for r in table.to_pylist()}
    for record in records:
        assert got[record["lead_id"]]["source_id"] == _expected_source(record, "lead")
    assert got["B1"]["source_id"] == "google"
    assert got["B2"]["matched_sources"] == ["google", "meta-ads"]
    for row in attribute_performance(WS, data).to_pylist():
        assert row["source_id"] == _expected_source(row, "performance"), row
    by_campaign = {
        r["campaign_id"]: r["source_id"] for r in attribute_performance(WS, data).to_pylist()
    }
    assert by_campaign["m-404"] == "meta-ads"


# --------------------------------------------------------------------- the demo


def test_the_demo_audit_finds_the_planted_problems() -> None:
    ws, data = demo()
    result = audit_source_map(ws, data, end=dt.date(2026, 10, 31), as_of=at("2026-11-01 09:00"))
    silent = {r["source_id"]: r for r in result.silent.to_pylist()}
    # The Zapier-wired partner form went quiet after 8 October.
    assert silent["partner-form"]["silent"] is True
    assert silent["partner-form"]["last_lead_day"] == dt.date(2026, 10, 8)
    assert silent["partner-form"]["wiring"] == "zapier"
    # The trade-show import is paused and has had no lead at all: not flagged.
    assert silent["trade-show"]["silent"] is False
    findings = rows(result.findings, "check", "month", "subject")
    display = "google_ads campaign 21000000003 (Display | Awareness test)"
    for month in ("2026-08", "2026-09", "2026-10"):
        assert ("spend_without_leads", month, display) in findings
    assert result.unmapped.num_rows == 0
