"""KPIs on the awkward engagement of _engagement_feb2028.py, every value worked out by hand.

February 2028 (rates USD 3.5): spend 400 + 200 + 350 + 50 = 1000 ILS, clicks 60,
impressions 3600, conversions 5, conversion value 2100, leads 6 (L1 L2 L4 L6 L7 L9),
customers 3 (L1 L4 L8), won deals 4, revenue 5000 + 3500 + 800 + 300 = 9600.
January: spend 800, clicks 80, impressions 6000, conversions 8, value 900, leads 1 (L8).
"""

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _engagement_feb2028 import (
    DEALS,
    FEB,
    LEADS,
    PERFORMANCE,
    RATES,
    dataset,
    perf,
    workspace,
)

from partnerkit.analysis import Dataset, attribute
from partnerkit.analysis.kpis import (
    CurrencyError,
    ExchangeRates,
    KPIRequest,
    KPITable,
    NonAdditiveError,
    compute_kpi,
    compute_kpi_sets,
    compute_kpis,
    condition_sql,
    evaluate_targets,
)
from partnerkit.analysis.periods import Window
from partnerkit.connector import Notice
from partnerkit.errors import ConfigurationError
from partnerkit.model import KPI, Condition, TargetStatus
from partnerkit.records import Additivity
from partnerkit.stream import RecordStream

END_FEB = dt.date(2028, 2, 29)
WS = workspace()
DATA = dataset()


def same(a: Decimal | None, b: Decimal | int | str) -> bool:
    """Equal to 18 decimal places (divisions are carried to 28 digits)."""
    assert a is not None
    return abs(a - Decimal(b)) < Decimal("1e-18")


@pytest.fixture(scope="module")
def february():
    return compute_kpis(WS, DATA, FEB, as_of=END_FEB, rates=RATES)


# ------------------------------------------------------------------ the catalogue


@pytest.mark.parametrize(
    ("kpi", "value", "previous"),
    [
        # spend / leads: 1000 / 6; January 800 / 1
        ("cpl", Decimal(1000) / 6, 800),
        # spend / conversions: 1000 / 5; January 800 / 8
        ("cpa", 200, 100),
        # spend / clicks: 1000 / 60; January 800 / 80
        ("cpc", Decimal(1000) / 60, 10),
        # spend / impressions × 1000: 1000 / 3600 × 1000; January 800 / 6000 × 1000
        ("cpm", Decimal(1000) / 3600 * 1000, Decimal(800) / 6000 * 1000),
        # clicks / impressions × 100: 60 / 3600 × 100; January 80 / 6000 × 100
        ("ctr", Decimal(60) / 3600 * 100, Decimal(80) / 6000 * 100),
        # conversions / clicks × 100: 5 / 60 × 100; January 8 / 80 × 100
        ("conversion_rate", Decimal(5) / 60 * 100, 10),
        # conversion value / spend: 2100 / 1000; January 900 / 800
        ("roas", "2.1", "1.125"),
        # (revenue − spend) / spend × 100: (9600 − 1000) / 1000 × 100; January (0 − 800) / 800
        ("roi", 860, -100),
        # leads created in Feb (Jerusalem), not deleted: L1 L2 L4 L6 L7 L9; January L8
        ("leads", 6, 1),
        # dated by became_mql_at: L1 (Feb 4), L4 (Feb 16); L2's is in March
        ("mqls", 2, 0),
        # dated by became_sql_at: L1 (Feb 6), L9 (Feb 5), L4 (Feb 19)
        ("sqls", 3, 0),
        # dated by became_customer_at: L8 (Feb 2), L1 (Feb 20), L4 (Feb 25)
        ("customers", 3, 0),
        # February MQLs (L1, L4) that became SQLs: 2 of 2
        ("mql_to_sql_rate", 100, None),
        # February leads that became customers: L1, L4 of 6; January L8 of 1
        ("lead_to_customer_rate", Decimal(2) / 6 * 100, 100),
        # closed-won, not deleted, closed in Feb (Jerusalem): D1 5000 + D2 1000 USD × 3.5
        # + D4 800 (Feb 29 23:00 local) + D6 300; D5 closes Mar 1 00:30 local
        ("revenue", 9600, 0),
        ("clicks", 60, 80),
        ("impressions", 3600, 6000),
        ("conversions", 5, 8),
        # the lead definition's sales-ready leads: L1 (800), L4 (900), L9 (600 ≥ 600)
        ("sales_ready_leads", 3, 0),
    ],
)
def test_every_kpi_of_february_by_hand(february, kpi, value, previous) -> None:
    got = february.get(kpi)
    assert got.reason is None
    assert same(got.value, value)
    if previous is None:
        assert got.previous is None
    else:
        assert same(got.previous, previous)


def test_cac_january_has_no_customer_so_no_previous(february) -> None:
    cac = february.get("cac")
    assert same(cac.value, Decimal(1000) / 3)  # spend 1000 / customers 3
    assert cac.previous is None
    assert "is 0" in (cac.previous_reason or "")  # no January customer: not 0, not inf


def test_sessions_are_not_computable_when_no_row_has_them(february) -> None:
    sessions = february.get("sessions")
    assert sessions.value is None
    assert "lacks sessions" in (sessions.reason or "")


def test_change_against_the_previous_month(february) -> None:
    cpl = february.get("cpl")
    assert cpl.change is not None
    # 166.67 − 800 = −633.33; −633.33 / 800 × 100 = −79.17 %; lower CPL is better
    assert same(cpl.change.absolute, Decimal(1000) / 6 - 800)
    assert same(cpl.change.relative, (Decimal(1000) / 6 - 800) / 800 * 100)
    assert cpl.change.improved is True
    leads = february.get("leads")
    assert leads.change is not None
    assert leads.change.improved is True  # 6 against 1, higher is better
    mqls = february.get("mqls")
    assert mqls.change is not None
    assert mqls.change.relative is None  # from 0: no relative change


def test_inputs_say_where_each_number_came_from(february) -> None:
    cpl = february.get("cpl")
    top, bottom = cpl.inputs
    assert (top.role, bottom.role) == ("numerator", "denominator")
    assert top.formula == "sum(performance.spend)"
    assert top.records == 4  # P3 P4 P5 P6
    # google_ads 400 + 200 + 50; linkedin 100 USD × 3.5
    assert top.by_platform == {"google_ads": Decimal(650), "linkedin": Decimal(350)}
    assert top.by_currency == {"ILS": Decimal(650), "USD": Decimal(100)}
    assert bottom.value == 6
    assert bottom.by_platform == {"hubspot": Decimal(6)}
    text = cpl.explain()
    assert "google_ads 650 + linkedin 350" in text
    assert "166.67" in text
    roi = february.get("roi")
    assert [i.role for i in roi.inputs] == ["numerator", "numerator minus", "denominator"]


def test_two_currencies_without_rates_are_refused() -> None:
    with pytest.raises(CurrencyError) as caught:
        compute_kpi(WS, DATA, "cpl", FEB, as_of=END_FEB)
    assert caught.value.currencies == ["USD"]
    assert caught.value.workspace_currency == "ILS"
    assert "never added" in str(caught.value)
    assert 'rates={"USD": ...}' in str(caught.value)
    # a month without USD needs no rate: January 800 / 1
    january = compute_kpi(WS, DATA, "cpl", "2028-01", as_of=END_FEB)
    assert january.value == 800


def test_a_rate_table_converts_each_currency_once() -> None:
    rates = ExchangeRates({"usd": "4"})  # lower case is accepted
    got = compute_kpi(WS, DATA, "cpl", FEB, as_of=END_FEB, rates=rates)
    assert same(got.value, Decimal(400 + 200 + 50 + 400) / 6)  # 100 USD × 4
    with pytest.raises(ConfigurationError, match="above 0"):
        ExchangeRates({"USD": 0})


# ------------------------------------------------------------------------ scopes


@pytest.mark.parametrize(
    ("scope", "spend", "leads"),
    [
        # account 111 rows P3 + P4 (both its campaigns); leads L1 L2 L9
        ({"source": "google-search"}, 600, 3),
        # LinkedIn spend (USD) and meta-ads' L6; meta-ads spent nothing in February
        ({"channel": "paid_social"}, 350, 1),
        # the row's own channel: P3 P4 (P6 is display); leads of paid_search sources
        ({"channel": "paid_search"}, 600, 3),
        # the partner owns google-search, meta-ads and linkedin: 600 + 350; leads 3 + 1
        ({"partner": "brightline"}, 950, 4),
        # campaign brand: row c-brand P3; lead with utm_campaign brand L1
        ({"campaign": "brand"}, 400, 1),
        # organic: leads, no spend — CPL 0 / 1 is 0 (no media cost), said in the input
        ({"source": "organic"}, 0, 1),
    ],
)
def test_scopes_resolve_through_the_source_map(scope, spend, leads) -> None:
    got = compute_kpi(WS, DATA, "cpl", FEB, scope=scope, as_of=END_FEB, rates=RATES)
    top, bottom = got.inputs
    assert top.value == spend
    assert bottom.value == leads
    assert same(got.value, Decimal(spend) / leads)


def test_spend_without_leads_is_not_computable_never_infinite() -> None:
    got = compute_kpi(
        WS, DATA, "cpl", FEB, scope={"source": "linkedin"}, as_of=END_FEB, rates=RATES
    )
    assert got.value is None
    assert got.reason == "the denominator count(lead where is_deleted != true) is 0"
    assert got.inputs[0].value == 350


def test_a_month_without_spend_on_a_channel_says_so() -> None:
    got = compute_kpi(WS, DATA, "cpl", FEB, scope={"source": "meta-ads"}, as_of=END_FEB)
    assert got.value == 0  # 0 spend / 1 lead (L6)
    assert got.inputs[0].records == 0
    assert got.inputs[0].note == "no performance records in this scope and period"
    assert got.previous is None  # January: 500 spend, no lead


def test_by_source_rows_add_up_to_the_total(february) -> None:
    table = compute_kpis(
        WS, DATA, FEB, kpis=["cpl", "leads"], by="source", as_of=END_FEB, rates=RATES
    )
    scopes = [v.scope for v in table if v.kpi == "leads"]
    assert scopes == [
        "source google-search",
        "source meta-ads",
        "source linkedin",
        "source organic",
        "source (unattributed)",  # L7 (REFERRALS) and row P6 (account 222)
    ]
    # leads 3 + 1 + 0 + 1 + 1 = 6
    assert sum(v.value for v in table if v.kpi == "leads") == february.get("leads").value
    spends = [v.inputs[0].value for v in table if v.kpi == "cpl"]
    assert spends == [600, 0, 350, 0, 50]  # 1000 in all
    assert table.get("cpl", "source (unattributed)").value == 50  # 50 / L7


def test_kpi_sets_are_the_tables_compute_kpis_gives_one_by_one() -> None:
    # The tables share their queries (one per scope and breakdown) but not their
    # windows, groups or order: each is the one compute_kpis returns alone.
    requests = {
        "feb": KPIRequest(FEB, as_of=END_FEB),
        "feb by source": KPIRequest(FEB, kpis=["cpl", "leads"], by="source", as_of=END_FEB),
        "jan by source": KPIRequest("2028-01", kpis=["cpl", "leads"], by="source"),
        "jan to feb": KPIRequest(
            (dt.date(2028, 1, 1), END_FEB), kpis=["clicks", "leads"], as_of=END_FEB
        ),
    }
    tables = compute_kpi_sets(WS, DATA, requests, rates=RATES)
    assert list(tables) == list(requests)
    for name, req in requests.items():
        alone = compute_kpis(
            WS, DATA, req.period, kpis=req.kpis, by=req.by, as_of=req.as_of, rates=RATES
        )
        assert tables[name].values == alone.values, name
        assert tables[name].title == alone.title
    # By hand (as in test_by_source_rows_add_up_to_the_total): February's spend by source.
    spends = [v.inputs[0].value for v in tables["feb by source"] if v.kpi == "cpl"]
    assert spends == [600, 0, 350, 0, 50]


def test_by_channel_and_by_campaign() -> None:
    channels = compute_kpis(WS, DATA, FEB, kpis=["cpl"], by="channel", as_of=END_FEB, rates=RATES)
    got = {v.scope: tuple(i.value for i in v.inputs) for v in channels}
    assert got == {
        "channel paid_search": (600, 3),  # P3 P4; L1 L2 L9
        "channel paid_social": (350, 1),  # LinkedIn; L6 (meta-ads)
        "channel organic_search": (0, 1),  # L4
        "channel display": (50, 0),  # P6's own channel; no lead → CPL not computable
        "channel (unattributed)": (0, 1),  # L7 has no source, so no channel
    }
    assert channels.get("cpl", "channel display").value is None
    campaigns = compute_kpis(WS, DATA, FEB, kpis=["cpl"], by="campaign", as_of=END_FEB, rates=RATES)
    got = {v.scope: tuple(i.value for i in v.inputs) for v in campaigns}
    # brand: c-brand P3 and L1 (utm brand); generic: c-gen P4, no lead carries its tag;
    # the rest: LinkedIn 350 + P6 50, leads L2 L4 L6 L7 L9
    assert got == {
        "campaign brand": (400, 1),
        "campaign generic": (200, 0),
        "campaign (unattributed)": (400, 5),
    }


def test_attribute_lists_every_record_with_its_source() -> None:
    rows = attribute(WS, DATA, "performance").to_pylist()
    by_id = {r["record_id"]: r for r in rows}
    assert len(rows) == len(PERFORMANCE)
    table = DATA.tables["performance"]
    ids = dict(
        zip(
            table.column("campaign_id").to_pylist(),
            table.column("record_id").to_pylist(),
            strict=True,
        )
    )
    assert by_id[ids["c-brand"]]["campaign_id"] == "brand"
    assert by_id[ids["c-brand"]]["source_id"] == "google-search"
    assert by_id[ids["c-x"]]["source_id"] is None  # account 222: no source-map entry
    deals = {r["record_id"]: r["source_id"] for r in attribute(WS, DATA, "deal").to_pylist()}
    deal_ids = DATA.tables["deal"].column("deal_id").to_pylist()
    by_deal = dict(zip(deal_ids, DATA.tables["deal"].column("record_id").to_pylist(), strict=True))
    assert deals[by_deal["D2"]] == "google-search"  # first contact L8 (PAID_SEARCH)
    latest = {
        r["record_id"]: r["source_id"]
        for r in attribute(WS, DATA, "deal", attribution="latest").to_pylist()
    }
    assert latest[by_deal["D2"]] == "organic"  # L8's latest source is ORGANIC_SEARCH
    assert deals[by_deal["D6"]] is None  # no contacts


def test_latest_source_moves_revenue_between_sources() -> None:
    first = compute_kpis(WS, DATA, FEB, kpis=["revenue"], by="source", as_of=END_FEB, rates=RATES)
    latest = compute_kpis(
        WS,
        DATA,
        FEB,
        kpis=["revenue"],
        by="source",
        as_of=END_FEB,
        rates=RATES,
        attribution="latest",
    )
    # D1 5000 (L1) + D2 3500 (first contact L8, PAID_SEARCH)
    assert first.get("revenue", "source google-search").value == 8500
    assert first.get("revenue", "source organic").value == 0
    # with the latest source L8 is organic: D2 moves
    assert latest.get("revenue", "source google-search").value == 5000
    assert latest.get("revenue", "source organic").value == 3500


# -------------------------------------------------------------------- time zones


def test_leads_are_counted_in_the_workspace_time_zone() -> None:
    # Jerusalem: L9 (Jan 31 22:30 UTC) is Feb 1; L3 (Feb 29 22:30 UTC) is Mar 1
    assert compute_kpi(WS, DATA, "leads", FEB, as_of=END_FEB).value == 6
    # New York: L6 (Feb 1 01:00 UTC) and L9 are January 31; L3 is February 29
    ny = workspace(tz="America/New_York")
    assert compute_kpi(ny, DATA, "leads", FEB, as_of=END_FEB).value == 5  # L1 L2 L3 L4 L7
    assert compute_kpi(ny, DATA, "leads", "2028-01", as_of=END_FEB).value == 3  # L6 L8 L9


def test_the_leap_day_and_a_dst_change_are_days_like_any_other() -> None:
    # P4 is on 29 Feb; L2 is created 23:30 on 29 Feb in Jerusalem
    leap = compute_kpi(WS, DATA, "cpl", (END_FEB, END_FEB), as_of=END_FEB)
    assert leap.inputs[0].value == 200
    assert leap.inputs[1].value == 1
    # after DST (Fri 24 Mar) Jerusalem is UTC+3: L10 at 21:30 UTC on 31 Mar is 1 April
    april = compute_kpi(WS, DATA, "leads", "2028-04", as_of=dt.date(2028, 4, 30))
    march = compute_kpi(WS, DATA, "leads", "2028-03", as_of=dt.date(2028, 4, 30))
    assert (april.value, march.value) == (1, 1)  # L10; L3


def test_one_pass_over_several_windows_counts_each_lead_in_its_local_month() -> None:
    # A batch reads the leads once for all its windows (counted between the windows'
    # bounding instants): each lead still falls in the month of its local day.
    def leads(tables: dict[str, KPITable], name: str) -> Decimal | None:
        return next(v.value for v in tables[name] if v.kpi == "leads")

    ny = workspace(tz="America/New_York")
    by_ny = compute_kpi_sets(
        ny,
        DATA,
        {
            "feb": KPIRequest(FEB, kpis=["leads"], as_of=END_FEB),
            "jan": KPIRequest("2028-01", kpis=["leads"], as_of=END_FEB),
        },
    )
    assert (leads(by_ny, "feb"), leads(by_ny, "jan")) == (5, 3)  # L1 L2 L3 L4 L7; L6 L8 L9
    # Jerusalem, across the DST change of 24 March: L3 is March; L10 (21:30 UTC on
    # 31 March, UTC+3) is April; L9 (22:30 UTC on 31 January, UTC+2) is February.
    spring = dt.date(2028, 4, 30)
    by_il = compute_kpi_sets(
        WS,
        DATA,
        {
            "feb": KPIRequest(FEB, kpis=["leads"], as_of=spring),
            "mar": KPIRequest("2028-03", kpis=["leads"], as_of=spring),
            "apr": KPIRequest("2028-04", kpis=["leads"], as_of=spring),
        },
    )
    assert [leads(by_il, m) for m in ("feb", "mar", "apr")] == [6, 1, 1]


def test_deals_close_in_the_workspace_time_zone() -> None:
    march = compute_kpi(WS, DATA, "revenue", "2028-03", as_of=dt.date(2028, 3, 31), rates=RATES)
    assert march.value == 700  # D5: 22:30 UTC on 29 Feb is 00:30 on 1 March in Jerusalem
    assert march.previous == 9600  # February (with D2's 1000 USD: the rates are needed)


# ------------------------------------------------------------------------ periods


def test_a_partial_month_is_measured_to_date_and_projected() -> None:
    ws = workspace(
        targets=[{"id": "monthly-leads", "kpi": "leads", "period": "monthly", "value": 5}]
    )
    got = compute_kpi(ws, DATA, "leads", FEB, as_of=dt.date(2028, 2, 10))
    # Feb 1–10: L6 L9 (Feb 1), L1 (Feb 3), L7 (Feb 10)
    assert got.value == 4
    assert not got.complete
    assert got.measured == Window(dt.date(2028, 2, 1), dt.date(2028, 2, 10))
    assert same(got.projected, Decimal(4) * 29 / 10)  # 11.6
    # compared with the same ten days of January: none
    assert got.previous_period == Window(dt.date(2028, 1, 1), dt.date(2028, 1, 10))
    assert got.previous == 0
    # judged on the projection: 11.6 against 5
    assert (got.status, got.status_basis) == (TargetStatus.ON_TRACK, "projection")
    # a ratio projects to itself: (400 + 350) / 4 leads
    cpl = compute_kpi(ws, DATA, "cpl", FEB, as_of=dt.date(2028, 2, 10), rates=RATES)
    assert same(cpl.value, Decimal(750) / 4)
    assert same(cpl.projected, Decimal(750) / 4)


def test_a_period_not_started_is_not_computable() -> None:
    got = compute_kpi(WS, DATA, "leads", FEB, as_of=dt.date(2028, 1, 15))
    assert got.value is None
    assert got.reason == "the period starts after 2028-01-15"


def test_quarter_and_custom_periods() -> None:
    q1 = compute_kpi(WS, DATA, "leads", "2028-Q1", as_of=dt.date(2028, 3, 31))
    assert q1.value == 8  # January L8, February 6, March L3
    assert q1.previous_period == Window.quarter("2027-Q4")
    assert q1.previous == 0
    custom = compute_kpi(
        WS, DATA, "leads", (dt.date(2028, 2, 20), dt.date(2028, 3, 5)), as_of=dt.date(2028, 3, 31)
    )
    assert custom.value == 2  # L2 (Feb 29), L3 (Mar 1); L5 is deleted
    # the 15 days before: Feb 5–19: L4 (Feb 15), L7 (Feb 10)
    assert custom.previous_period == Window(dt.date(2028, 2, 5), dt.date(2028, 2, 19))
    assert custom.previous == 2


def test_a_baseline_period_is_computed_from_the_data() -> None:
    got = compute_kpi(WS, DATA, "leads", FEB, as_of=END_FEB, baseline="2028-01")
    assert (got.baseline, got.baseline_source, got.baseline_period) == (1, "data", "2028-01")
    assert got.change_vs_baseline is not None
    assert got.change_vs_baseline.absolute == 5


# ------------------------------------------------------------------------ targets


def test_every_target_of_the_workspace_is_evaluated() -> None:
    ws = workspace(
        kpis=[
            {
                "id": "won_deals",
                "name": "Closed deals",
                "unit": "count",
                "direction": "higher",
                "measure": {"count": "deal", "where": ["is_closed_won == true"]},
            }
        ],
        targets=[
            {
                "id": "cpl",
                "kpi": "cpl",
                "period": "monthly",
                "value": 200,
                "baseline": {"value": 250, "period": "2027-12"},
            },
            {
                "id": "search-cpl",
                "kpi": "cpl",
                "scope": {"source": "google-search"},
                "period": "monthly",
                "value": 180,
            },
            {"id": "deals", "kpi": "won_deals", "period": "monthly", "value": 3},
            {"id": "q1-mqls", "kpi": "mqls", "period": "2028-Q1", "value": 3},
            {"id": "old", "kpi": "leads", "period": "2027-Q4", "value": 1},
            {
                "id": "quality",
                "kpi": "ctr",
                "period": "monthly",
                "value": 2,
                "tolerance": {"on_track": 5, "at_risk": 20},
            },
        ],
    )
    table = evaluate_targets(ws, DATA, FEB, as_of=END_FEB, rates=RATES)
    assert [v.target_id for v in table] == ["cpl", "search-cpl", "deals", "q1-mqls", "quality"]
    cpl = table.target("cpl")
    # 166.67 against 200, lower is better: shortfall (166.67 − 200) / 200 = −16.7 %
    assert cpl.status is TargetStatus.ON_TRACK
    assert same(cpl.shortfall, (Decimal(1000) / 6 - 200) / 200 * 100)
    assert (cpl.baseline, cpl.baseline_source, cpl.baseline_period) == (250, "target", "2027-12")
    assert same(cpl.change_vs_baseline.absolute, Decimal(1000) / 6 - 250)  # type: ignore[union-attr]
    # google-search 600 / 3 = 200 against 180: (200 − 180) / 180 = 11.1 % over → off track
    assert table.target("search-cpl").status is TargetStatus.OFF_TRACK
    # won deals closed in February: D1 D2 D4 D6 = 4 against 3
    assert table.target("deals").value == 4
    assert table.target("deals").status is TargetStatus.ON_TRACK
    # Q1 to 29 Feb: MQLs L1, L4 = 2 in 60 of 91 days → 2 × 91 / 60 = 3.03 against 3
    q1 = table.target("q1-mqls")
    assert (q1.value, q1.complete, q1.status_basis) == (2, False, "projection")
    assert same(q1.projected, Decimal(2) * 91 / 60)
    assert q1.status is TargetStatus.ON_TRACK
    # CTR 1.667 against 2: (2 − 1.667) / 2 = 16.7 % short; bands 5 / 20 → at risk
    assert table.target("quality").status is TargetStatus.AT_RISK
    frame = table.to_pandas()
    assert list(frame["status"]) == ["on_track", "off_track", "on_track", "on_track", "at_risk"]


def test_a_recurring_target_is_evaluated_for_each_month_of_a_quarter() -> None:
    ws = workspace(targets=[{"id": "leads", "kpi": "leads", "period": "monthly", "value": 2}])
    table = evaluate_targets(ws, DATA, "2028-Q1", as_of=dt.date(2028, 3, 31))
    assert [(v.period.label, v.value) for v in table] == [
        ("2028-01", 1),  # L8
        ("2028-02", 6),
        ("2028-03", 1),  # L3
    ]
    assert [v.status for v in table] == [
        TargetStatus.OFF_TRACK,  # 1 against 2: 50 % short
        TargetStatus.ON_TRACK,
        TargetStatus.OFF_TRACK,
    ]


# ------------------------------------------------------ the model is the formula


def _local_day(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone(dt.timedelta(hours=2))).date()  # Jerusalem in Feb
    assert isinstance(value, dt.date)
    return value


def test_the_sql_agrees_with_the_models_own_evaluate() -> None:
    """Every measure of the catalogue, compiled to SQL, against Measure.evaluate."""
    ils = [p for p in PERFORMANCE if p["currency"] == "ILS"]
    deals = [d for d in DEALS if d["currency"] == "ILS"]
    data = dataset(performance=ils, deals=deals)
    by_kind = {
        "performance": Dataset.from_records({"performance": ils}).tables["performance"].to_pylist(),
        "lead": data.tables["lead"].to_pylist(),
        "deal": data.tables["deal"].to_pylist(),
    }
    for row in by_kind["lead"]:  # Measure.evaluate reads extra.<name> from "extra"
        row["extra"] = {k[6:]: v for k, v in row.items() if k.startswith("extra.")}
    table = compute_kpis(WS, data, FEB, as_of=END_FEB)
    compared = 0
    for value in table:
        kpi = WS.kpi_catalogue[value.kpi]
        nodes = []
        for root in [kpi.measure] if kpi.measure else [kpi.numerator, kpi.denominator]:
            while root is not None:  # ROI's numerator: revenue, then minus spend
                nodes.append(root.model_copy(update={"minus": None}))
                root = root.minus
        for measure, got in zip(nodes, value.inputs, strict=True):
            column = measure.date_column
            cut = {
                kind: [
                    r
                    for r in rows
                    if (day := _local_day(r.get(column))) is not None
                    and dt.date(2028, 2, 1) <= day <= END_FEB
                ]
                for kind, rows in by_kind.items()
                if kind == measure.kind.value
            }
            expected = measure.evaluate(cut)
            assert got.value == expected, (value.kpi, str(measure))
            compared += 1
    assert compared >= 30


RECORDS = [
    {"name": "a", "score": 5, "flag": True, "amount": Decimal("1.5")},
    {"name": "b", "score": None, "flag": False, "amount": None},
    {"name": None, "score": 7, "flag": None, "amount": Decimal(3)},
]


@pytest.mark.parametrize(
    "text",
    [
        "name == a",
        "name != a",
        "name in [a, b]",
        "name not in [a]",
        "name is null",
        "name is not null",
        "score > 5",
        "score >= 5",
        "score < 6",
        "score <= 7",
        "score == 5",
        "score != 5",
        "score == a",  # text against a number never matches
        "score != a",  # ... and is always different
        "name > 5",
        "flag == true",
        "flag != true",
        "amount >= 1.5",
        "missing == 1",  # a column nobody sent is all null
        "missing != 1",
        "missing is null",
        "score in [5, x]",
        "score not in [5, x]",
    ],
)
def test_conditions_compile_with_the_models_semantics(text: str) -> None:
    import duckdb

    condition = Condition.model_validate(text)
    table = pa.table(
        {
            "name": pa.array([r["name"] for r in RECORDS], pa.string()),
            "score": pa.array([r["score"] for r in RECORDS], pa.int64()),
            "flag": pa.array([r["flag"] for r in RECORDS], pa.bool_()),
            "amount": pa.array([r["amount"] for r in RECORDS], pa.decimal128(38, 6)),
        }
    )
    con = duckdb.connect()
    con.register("t", table)
    sql = condition_sql(condition, table.schema)
    got = [row[0] for row in con.sql(f"SELECT {sql} FROM t v").fetchall()]
    got_negated = [row[0] for row in con.sql(f"SELECT NOT ({sql}) FROM t v").fetchall()]
    expected = [condition.test(r) for r in RECORDS]
    assert got == expected
    assert got_negated == [not e for e in expected]  # never NULL


# ------------------------------------------------------------- non-additive, extras


def _with_extra(additivity: Additivity) -> Dataset:
    rows = [
        perf(day, "google_ads", "111", "c-gen", "10", 1, 10, 0.0, None, "paid_search")
        | {"extra": {"viewers": viewers}}
        for day, viewers in (("2028-02-01", 100), ("2028-02-02", 120))
    ]
    notice = Notice.describe_extra("viewers", "People who saw an ad", additivity=additivity)
    stream = RecordStream.from_records("performance", [notice, *rows])
    return Dataset.from_streams([stream])


VIEWERS = KPI.model_validate(
    {
        "id": "viewers",
        "name": "Viewers",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "performance.extra.viewers"},
    }
)


def test_a_non_additive_extra_metric_is_never_summed() -> None:
    data = _with_extra(Additivity.NON_ADDITIVE)
    with pytest.raises(NonAdditiveError) as caught:
        compute_kpi(WS, data, VIEWERS, FEB, as_of=END_FEB)
    assert caught.value.column == "performance.extra.viewers"
    assert "re-query" in str(caught.value)
    assert "People who saw an ad" in str(caught.value)


def test_an_additive_extra_metric_is_summed() -> None:
    data = _with_extra(Additivity.ADDITIVE)
    assert compute_kpi(WS, data, VIEWERS, FEB, as_of=END_FEB).value == 220  # 100 + 120


# ------------------------------------------------------------ results and errors


def test_results_have_table_views_and_a_notebook_display(february) -> None:
    frame = february.to_pandas()
    # 20 built-ins, people, organic clicks and impressions, average position, email sends
    # and clicks, and the lead agreement's sales-ready, nurture and joint closed deals
    assert len(frame) == len(WS.kpi_catalogue) == 29
    assert {"kpi", "value", "numerator", "denominator", "previous", "status"} <= set(frame.columns)
    assert february.to_polars().height == 29
    assert february.to_arrow().schema.field("value").type == pa.decimal128(38, 6)
    cpl = february.get("cpl")
    assert cpl.to_arrow().num_rows == 1
    inputs = cpl.inputs_table().to_pylist()
    assert [(r["role"], r["platform"], r["value"]) for r in inputs] == [
        ("numerator", "google_ads", Decimal("650.000000")),
        ("numerator", "linkedin", Decimal("350.000000")),
        ("denominator", "hubspot", Decimal("6.000000")),
    ]
    html = cpl._repr_html_()
    assert "Cost per lead (CPL) — all, 2028-02" in html
    assert "<table>" in html


def test_an_empty_kind_is_no_data_not_zero() -> None:
    data = Dataset.from_records({"lead": LEADS})
    got = compute_kpi(WS, data, "cpl", FEB, as_of=END_FEB)
    assert got.value is None
    assert "the dataset has no performance records" in (got.reason or "")


def test_unknown_names_are_clear_errors() -> None:
    with pytest.raises(ConfigurationError, match="Did you mean 'cpl'"):
        compute_kpi(WS, DATA, "cpll", FEB, as_of=END_FEB)
    with pytest.raises(ConfigurationError, match="no source 'googel'"):
        compute_kpi(WS, DATA, "cpl", FEB, scope={"source": "googel"}, as_of=END_FEB)
    with pytest.raises(ConfigurationError, match="no partner 'other'"):
        compute_kpi(WS, DATA, "cpl", FEB, scope={"partner": "other"}, as_of=END_FEB)
    with pytest.raises(ConfigurationError, match="not a period"):
        compute_kpi(WS, DATA, "cpl", "February", as_of=END_FEB)
    with pytest.raises(ConfigurationError, match="'original', 'latest', not 'last'"):
        compute_kpi(WS, DATA, "cpl", FEB, as_of=END_FEB, attribution="last")  # type: ignore[arg-type]


def test_the_analysis_leaves_the_connection_as_it_found_it() -> None:
    data = dataset()
    before = {r[0] for r in data.connection.sql("SHOW TABLES").fetchall()}
    compute_kpis(WS, data, FEB, by="source", as_of=END_FEB, rates=RATES)
    after = {r[0] for r in data.connection.sql("SHOW TABLES").fetchall()}
    assert before == after


# ------------------------------------------------------------- the files connector

META_CSV = """Day,Campaign ID,Amount spent (USD),Impressions,Link clicks
2028-02-28,m-1,10.00,1000,20
2028-02-29,m-1,20.00,2000,30
2028-03-01,m-1,40.00,4000,50
"""
GOOGLE_CSV = """Campaign report
"February 28, 2028 - March 1, 2028"
Day,Campaign ID,Cost,Impr.,Clicks
2028-02-29,c-brand,"1,200.50","3,000",100
2028-03-01,c-brand,99.50,"1,000",10
"""
CRM_CSV = """Record ID,Create Date,Original Source
1,2028-02-29T23:30+02:00,PAID_SOCIAL
2,2028-03-01T00:30+02:00,PAID_SOCIAL
3,2028-02-29T12:00+02:00,PAID_SEARCH
4,2028-03-01T08:00+02:00,PAID_SEARCH
"""


def _exports_workspace(folder: Path):
    (folder / "meta.csv").write_text(META_CSV, encoding="utf-8")
    (folder / "google.csv").write_text(GOOGLE_CSV, encoding="utf-8")
    (folder / "crm.csv").write_text(CRM_CSV, encoding="utf-8")
    files = {
        "ads": [
            {
                "path": "meta.csv",
                "stream": "performance",
                "columns": {
                    "date": "Day",
                    "campaign_id": "Campaign ID",
                    "spend": "Amount spent (USD)",
                    "impressions": "Impressions",
                    "link_clicks": "Link clicks",
                },
                "constants": {
                    "platform": "meta",
                    "account_id": "act_9",
                    "level": "campaign",
                    "channel": "paid_social",
                    "currency": "USD",
                },
            },
            {
                "path": "google.csv",
                "stream": "performance",
                "skip_rows": 2,
                "locale": "en_US",
                "columns": {
                    "date": "Day",
                    "campaign_id": "Campaign ID",
                    "spend": "Cost",
                    "impressions": "Impr.",
                    "clicks": "Clicks",
                },
                "constants": {
                    "platform": "google_ads",
                    "account_id": "111",
                    "level": "campaign",
                    "channel": "paid_search",
                    "currency": "ILS",
                },
            },
        ],
        "crm": [
            {
                "path": "crm.csv",
                "stream": "leads",
                "timezone": "Asia/Jerusalem",
                "columns": {
                    "lead_id": "Record ID",
                    "created_at": "Create Date",
                    "original_source": "Original Source",
                },
                "constants": {"platform": "hubspot", "account_id": "portal"},
            }
        ],
    }
    connections = [
        {"name": name, "connector": "files", "settings": {"base_dir": str(folder), "files": f}}
        for name, f in files.items()
    ]
    return workspace(connections=connections)


def test_exports_read_by_the_files_connector(tmp_path: Path) -> None:
    from partnerkit.connector import ReadRequest

    ws = _exports_workspace(tmp_path)
    streams = []
    for conn in ws.connections:
        connector = ws.connector(conn.name)
        for spec in connector.enabled_streams():
            request = ReadRequest(
                stream=spec.name, start=dt.date(2028, 2, 1), end=dt.date(2028, 3, 31)
            )
            streams.append(connector.stream(request))
    data = Dataset.from_streams(streams)
    table = compute_kpis(
        ws, data, FEB, kpis=["cpl"], by="source", as_of=dt.date(2028, 3, 31), rates=RATES
    )
    # Meta: (10 + 20) USD × 3.5 = 105 for the lead at 23:30 on the leap day → 105
    assert table.get("cpl", "source meta-ads").value == 105
    # Google: "1,200.50" (thousands separator) for the lead at noon on 29 Feb
    assert table.get("cpl", "source google-search").value == Decimal("1200.5")
    # March: Meta 40 USD = 140 for the lead at 00:30 on 1 March (22:30 UTC on 29 Feb)
    march = compute_kpi(
        ws,
        data,
        "cpl",
        "2028-03",
        scope={"source": "meta-ads"},
        as_of=dt.date(2028, 3, 31),
        rates=RATES,
    )
    assert (march.value, march.previous) == (140, 105)


# ----------------------------------------------------------------- period helpers


def test_windows_know_their_days_and_previous_period() -> None:
    from partnerkit.analysis.periods import month_windows, resolve_window, utc_bounds
    from partnerkit.model import Period

    feb = Window.month("2028-02")
    assert (feb.days, feb.label) == (29, "2028-02")  # a leap year
    assert feb.previous() == Window.month("2028-01")
    assert Window.month("2028-03").previous() == feb
    assert Window.quarter("2028-Q1").previous() == Window.quarter("2027-Q4")
    assert Window.quarter(dt.date(2028, 5, 1)).label == "2028-Q2"
    assert resolve_window(Period.model_validate({"every": "month"}), on=END_FEB) == feb
    with pytest.raises(ConfigurationError, match="recurs"):
        resolve_window(Period.model_validate("monthly"))
    with pytest.raises(ConfigurationError, match="before it starts"):
        Window(END_FEB, dt.date(2028, 2, 1))
    # March 2028 in Jerusalem: from 22:00 UTC on 29 Feb (UTC+2) to 21:00 UTC on 31 Mar
    # (UTC+3 since 24 March): 31 days less the hour DST took
    first, after = utc_bounds(Window.month("2028-03"), "Asia/Jerusalem")
    assert first == dt.datetime(2028, 2, 29, 22, tzinfo=dt.UTC)
    assert after == dt.datetime(2028, 3, 31, 21, tzinfo=dt.UTC)
    assert after - first == dt.timedelta(days=31, hours=-1)
    parts = month_windows(Window(dt.date(2028, 1, 20), dt.date(2028, 3, 3)))
    assert [(w.start, w.end, w.kind) for w in parts] == [
        (dt.date(2028, 1, 20), dt.date(2028, 1, 31), "custom"),
        (dt.date(2028, 2, 1), END_FEB, "month"),
        (dt.date(2028, 3, 1), dt.date(2028, 3, 3), "custom"),
    ]
