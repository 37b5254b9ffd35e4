"""Planned budget against actual spend, February 2028 of _engagement_feb2028.py, worked by hand.

Contract: paid_search 3000 a month but 2000 in February; paid_social 380; management
fee 10 % of media spend, at least 150; retainer 10000. Spend in February (USD 3.5):
paid_search P3 400 (Feb 5) + P4 200 (Feb 29); paid_social P5 100 USD = 350 (Feb 10);
display P6 50 (Feb 12, account 222, which no source-map entry matches).
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import FEB, RATES, dataset, workspace

from partnerkit.analysis.budget import budget_report
from partnerkit.analysis.kpis import CurrencyError
from partnerkit.errors import ConfigurationError

WS = workspace()
DATA = dataset()
END_FEB = dt.date(2028, 2, 29)


def test_the_whole_month_by_channel() -> None:
    report = budget_report(WS, DATA, FEB, as_of=END_FEB, rates=RATES)
    assert [line.key for line in report] == ["paid_search", "paid_social", "display"]
    search = report.line("paid_search")
    # 400 + 200 against 2000: 30 % used; the month is over, so projected = spent;
    # 600 < 2000 − 10 % → under
    assert (search.planned, search.spend, search.records) == (2000, 600, 2)
    assert search.used_pct == 30
    assert search.burn_rate == Decimal(600) / 29
    assert (search.projected, search.flag) == (600, "under")
    social = report.line("paid_social")
    # 100 USD × 3.5 = 350 against 380: 92.1 %, within 380 ± 38 → on budget
    assert (social.spend, social.flag) == (350, "on_budget")
    assert social.by_platform == {"linkedin": Decimal(350)}
    # display has spend and no plan
    display = report.line("display")
    assert (display.planned, display.spend, display.flag) == (None, 50, "unbudgeted")
    # the lines add up to the media spend: 600 + 350 + 50
    assert report.media_spend == 1000
    assert report.planned == 2380  # 2000 + 380
    # fee: 10 % of 1000 = 100, below the 150 minimum; kept apart from media spend
    assert report.management_fee == 150
    assert report.management_fee_basis == "10% of media spend, at least 150.00 ILS a month"
    assert report.partner_fee == 10000


def test_spend_no_source_matches_is_listed_not_dropped() -> None:
    report = budget_report(WS, DATA, FEB, as_of=END_FEB, rates=RATES)
    assert [(u.platform, u.account_id, u.campaign_id, u.spend) for u in report.unmatched] == [
        ("google_ads", "222", "c-x", Decimal(50))
    ]
    assert report.unmatched[0].campaign_name == "Campaign c-x"
    assert report.unmatched_table().num_rows == 1


def test_mid_month_burn_rate_and_projection() -> None:
    report = budget_report(WS, DATA, FEB, as_of=dt.date(2028, 2, 5), rates=RATES)
    assert report.days_elapsed == 5
    search = report.line("paid_search")
    # 400 in 5 days: 80 a day; 400 × 29 / 5 = 2320 > 2000 + 10 % → over
    assert (search.spend, search.burn_rate, search.projected) == (400, 80, 2320)
    assert search.projected_pct == 116
    assert search.flag == "over"
    # no social spend yet (LinkedIn spends on the 10th): projected 0 → under
    social = report.line("paid_social")
    assert (social.spend, social.projected, social.flag) == (0, 0, "under")
    assert [line.key for line in report] == ["paid_search", "paid_social"]
    # fee on 400 to date: 40 → the 150 minimum; on the projected 2320: 232
    assert (report.management_fee, report.projected_management_fee) == (150, 232)
    assert report.projected_media == 2320


def test_by_source_and_by_campaign() -> None:
    sources = budget_report(WS, DATA, FEB, by="source", as_of=END_FEB, rates=RATES)
    assert [(s.key, s.planned, s.spend, s.flag) for s in sources] == [
        ("google-search", 3000, 600, "under"),  # its own monthly budget
        ("linkedin", None, 350, "unbudgeted"),
        (None, None, 50, "unbudgeted"),  # account 222
    ]
    assert sources.line(None).label == "(unattributed)"
    campaigns = budget_report(WS, DATA, FEB, by="campaign", as_of=END_FEB, rates=RATES)
    assert [(c.key, c.planned, c.spend, c.flag) for c in campaigns] == [
        ("brand", 1000, 400, "under"),  # c-brand P3
        ("generic", None, 200, "unbudgeted"),  # c-gen P4
        (None, None, 400, "unbudgeted"),  # LinkedIn 350 + account 222's 50
    ]
    assert sum(c.spend for c in campaigns) == campaigns.media_spend == 1000


def test_a_contract_budget_in_another_currency_is_converted() -> None:
    contract = {
        "start": dt.date(2027, 12, 1),
        "pricing": {"kind": "bank_of_hours", "hours": 10, "hourly_rate": 100, "currency": "USD"},
        "management_fee": {"monthly": 100, "currency": "USD"},
        "media_budget": [{"channel": "paid_search", "monthly": 500, "currency": "USD"}],
    }
    ws = workspace(contract=contract)
    report = budget_report(ws, DATA, FEB, as_of=END_FEB, rates=RATES)
    assert report.line("paid_search").planned == 1750  # 500 USD × 3.5
    assert report.management_fee == 350  # 100 USD × 3.5
    assert report.partner_fee == 3500  # 10 h × 100 USD × 3.5
    assert report.management_fee_basis == "a fixed 350.00 ILS a month"


def test_currencies_without_rates_are_refused() -> None:
    with pytest.raises(CurrencyError, match="USD"):
        budget_report(WS, DATA, FEB, as_of=END_FEB)
    # January holds only shekels
    january = budget_report(WS, DATA, "2028-01", as_of=dt.date(2028, 1, 31))
    assert [(line.key, line.spend) for line in january] == [
        ("paid_search", 300),
        ("paid_social", 500),
    ]
    assert january.line("paid_social").flag == "over"  # 500 against 380 + 10 %


def test_before_the_month_starts_nothing_is_projected() -> None:
    report = budget_report(WS, DATA, FEB, as_of=dt.date(2028, 1, 20), rates=RATES)
    assert report.days_elapsed == 0
    assert report.media_spend == 0
    assert all(line.projected is None and line.flag is None for line in report)


def test_table_view_keeps_fees_apart_from_media() -> None:
    report = budget_report(WS, DATA, FEB, as_of=END_FEB, rates=RATES)
    rows = report.to_arrow().to_pylist()
    assert [(r["kind"], r["label"]) for r in rows] == [
        ("media", "paid_search"),
        ("media", "paid_social"),
        ("media", "display"),
        ("media total", "media total"),
        ("fee", "management fee"),
        ("fee", "partner fee"),
    ]
    assert rows[3]["spend"] == Decimal("1000.000000")
    assert "Budget by channel — 2028-02" in report._repr_html_()
    with pytest.raises(
        ConfigurationError,
        match="by must be one of 'channel', 'source', 'campaign', not 'platform'",
    ):
        budget_report(WS, DATA, FEB, by="platform")  # type: ignore[arg-type]
