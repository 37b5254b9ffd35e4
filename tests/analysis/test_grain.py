"""The performance rows that add up: one grain per platform account and day, worked by hand.

October 2026. Meta account act_1 (its standard rows, then the same spend again as ad
rows and as age-breakdown rows); Google Ads account 123 (campaign rows, then the same
spend again as keyword, search-term and device rows); a GA4 property (traffic rows,
then a custom report's segmented rows).

Standard rows, the figures every analysis must give:

=========  ========  =====  ======  =====  ========
account    day       camp.  spend   clicks leads
=========  ========  =====  ======  =====  ========
act_1      Oct 5     m-1    100     40     4
act_1      Oct 5     m-2    50      10     1
act_1      Oct 6     m-1    80      30     3
act_1      Oct 7     (ad)   20      5      1    ← that day has only ad rows
123        Oct 5     g-1    200     50     2
=========  ========  =====  ======  =====  ========

Spend 100 + 50 + 80 + 20 + 200 = 450; clicks 40 + 10 + 30 + 5 + 50 = 135; platform
leads 4 + 1 + 3 + 1 + 2 = 11; sessions 300 (GA4 traffic).
"""

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import at, dataset, perf, source, workspace

from partnerkit.analysis import audit_source_map
from partnerkit.analysis.kpis import compute_kpis
from partnerkit.analysis.month import SPEND
from partnerkit.model import KPI, Direction, KPIUnit

PLATFORM_LEADS = KPI.model_validate(
    {
        "id": "platform_leads",
        "name": "Platform leads",
        "unit": KPIUnit.COUNT,
        "direction": Direction.HIGHER,
        "measure": {"sum": "performance.leads"},
    }
)
WS = workspace(
    sources=[
        source(
            "meta-ads",
            platform="meta",
            matching={"account_ids": "act_1"},
            start="2026-09-01",
        ),
        source(
            "google",
            channel="paid_search",
            platform="google_ads",
            matching={"account_ids": "123"},
            start="2026-09-01",
        ),
    ],
)
G: dict[str, Any] = {"platform": "google_ads", "account_id": "123", "campaign_id": "g-1"}
GA4: dict[str, Any] = {"platform": "ga4", "account_id": "prop"}


def standard() -> list[dict[str, Any]]:
    return [
        perf("2026-10-05", campaign_id="m-1", spend=100, clicks=40, leads=4),
        perf("2026-10-05", campaign_id="m-2", spend=50, clicks=10, leads=1),
        perf("2026-10-06", campaign_id="m-1", spend=80, clicks=30, leads=3),
        perf("2026-10-07", level="ad", campaign_id="m-1", ad_id="a1", spend=20, clicks=5, leads=1),
        perf("2026-10-05", spend=200, clicks=50, leads=2, **G),
        perf("2026-10-05", level="traffic", source="google", medium="cpc", sessions=300, **GA4),
    ]


def overlapping() -> list[dict[str, Any]]:
    """The same spend again at other grains: every row here is already counted above."""
    ad = {"level": "ad", "campaign_id": "m-1"}
    return [
        # Meta ad rows of the campaign days (60 + 40 = 100, 50, 80).
        perf("2026-10-05", ad_id="a1", spend=60, clicks=25, leads=3, **ad),
        perf("2026-10-05", ad_id="a2", spend=40, clicks=15, leads=1, **ad),
        perf("2026-10-05", level="ad", campaign_id="m-2", ad_id="a3", spend=50, clicks=10, leads=1),
        perf("2026-10-06", ad_id="a1", spend=80, clicks=30, leads=3, **ad),
        # Meta breakdown rows: the standard level, a segment (70 + 30 = 100; 50; 80).
        perf("2026-10-05", campaign_id="m-1", segment="age=25-34", spend=70, clicks=30, leads=3),
        perf("2026-10-05", campaign_id="m-1", segment="age=35-44", spend=30, clicks=10, leads=1),
        perf("2026-10-05", campaign_id="m-2", segment="age=25-34", spend=50, clicks=10, leads=1),
        perf(
            "2026-10-06",
            campaign_id="m-1",
            segment="age=25-34|gender=female",
            spend=80,
            clicks=30,
            leads=3,
        ),
        # Google Ads report streams: keywords, search terms, devices (120 + 80 = 200).
        perf("2026-10-05", level="keyword", segment="criterion_id=1", spend=120, clicks=30, **G),
        perf("2026-10-05", level="keyword", segment="criterion_id=2", spend=80, clicks=20, **G),
        perf("2026-10-05", level="search_term", segment="search_term=x", spend=150, **G),
        perf("2026-10-05", segment="device=MOBILE", spend=200, clicks=50, leads=2, **G),
        perf("2026-10-05", segment="conversion_action=c/1", conversions=2, leads=2, **G),
        # A GA4 custom report's segmented rows.
        perf("2026-10-05", level="report:pages", segment="landingPage=/a", sessions=300, **GA4),
    ]


def month(rows: list[dict[str, Any]], by: Any = None) -> dict[tuple[str, str], Any]:
    table = compute_kpis(
        WS,
        dataset(performance=rows),
        "2026-10",
        kpis=[SPEND, "clicks", "sessions", PLATFORM_LEADS],
        by=by,
        as_of=at("2026-11-02 10:00"),
    )
    return {(v.kpi, v.scope): v.value for v in table}


def test_the_standard_rows_alone_give_the_hand_worked_month() -> None:
    got = month(standard())
    assert got["spend", "all"] == Decimal(450)
    assert got["clicks", "all"] == 135
    assert got["platform_leads", "all"] == 11
    assert got["sessions", "all"] == 300


def test_rows_of_other_grains_do_not_change_the_month() -> None:
    alone, together = month(standard()), month(standard() + overlapping())
    assert together == alone
    by_source = month(standard() + overlapping(), by="source")
    assert by_source["spend", "source meta-ads"] == Decimal(250)  # 100 + 50 + 80 + 20
    assert by_source["clicks", "source google"] == 50


def test_the_audit_reads_the_same_rows() -> None:
    audit = audit_source_map(
        WS,
        dataset(performance=standard() + overlapping()),
        as_of=at("2026-11-02 10:00"),
        start=at("2026-10-01 00:00").date(),
        end=at("2026-10-31 00:00").date(),
    )
    got = {
        r["source_id"]: (r["spend"], r["platform_leads"])
        for r in audit.spend_and_leads.to_pylist()
        if r["level"] == "source" and r["month"] == "2026-10"
    }
    assert got == {"meta-ads": (Decimal(250), 9), "google": (Decimal(200), 2)}


# ------------------------------------------------------------------ conversions by action


def action(day: str, n: int, conversions: float, leads: float, **kw: Any) -> dict[str, Any]:
    """A row of Google Ads' conversions stream: campaign level, the action in the segment."""
    names = {1: ("Lead form", "SUBMIT_LEAD_FORM"), 2: ("Call", "PHONE_CALL_LEAD")}
    names |= {3: ("Purchase", "PURCHASE"), 4: ("Page view", "PAGE_VIEW")}
    name, category = names[n]
    extra = {"conversion_action_name": name, "conversion_action_category": category}
    segment = f"conversion_action=customers/123/conversionActions/{n}"
    return perf(day, segment=segment, conversions=conversions, leads=leads, extra=extra, **G | kw)


def test_conversions_by_action_add_up_to_the_leads_only_for_the_lead_actions() -> None:
    """October: standard rows 5 + 2 = 7 conversions, 3 + 1 = 4 platform leads.

    Actions: lead form 2 + 1 = 3 and call 1 (lead actions: their rows carry leads);
    purchase 2 + 1 = 3 (leads 0); page view 0 (no conversion: neither). All actions:
    3 + 1 + 3 = 7 = the conversions; the lead actions: 3 + 1 = 4 = the leads, not 7.
    """
    from partnerkit.analysis.grain import conversions_by_action

    rows = [
        perf("2026-10-05", spend=200, clicks=50, conversions=5, leads=3, **G),
        perf("2026-10-06", spend=100, clicks=20, conversions=2, leads=1, **G),
        action("2026-10-05", 1, 2, 2),
        action("2026-10-06", 1, 1, 1),
        action("2026-10-05", 2, 1, 1),
        action("2026-10-05", 3, 2, 0),
        action("2026-10-06", 3, 1, 0),
        action("2026-10-05", 4, 0, 0),
        # The same day synced again at a level of its own: one split per account and day.
        action("2026-10-05", 1, 2, 2, level="conversion_action"),
        # September is another month.
        action("2026-09-30", 1, 9, 9),
    ]
    result = conversions_by_action(WS, dataset(performance=rows), "2026-10")
    got = [(a.name, a.conversions, a.leads, a.lead_action) for a in result.actions]
    d = Decimal
    assert got == [
        ("Lead form", d(3), d(3), True),
        ("Purchase", d(3), d(0), False),
        ("Call", d(1), d(1), True),
        ("Page view", d(0), d(0), None),
    ]
    assert result.actions[0].action == "customers/123/conversionActions/1"
    assert result.actions[0].category == "SUBMIT_LEAD_FORM"
    assert (result.conversions, result.lead_conversions, result.leads) == (d(7), d(4), d(4))
    assert result.to_arrow().num_rows == 4
    # The month's totals are the standard rows': the action rows are not added to them.
    assert month(rows)["platform_leads", "all"] == 4


# ------------------------------------------------------------------ search terms


def term(day: str, text: str, spend: int, clicks: int, conversions: float | None, **kw: Any) -> Any:
    """A row of Google Ads' search_terms stream."""
    where = {"level": "search_term", "campaign_name": "Brand", **G} | kw
    return perf(
        day,
        segment=f"search_term={text}",
        spend=spend,
        clicks=clicks,
        conversions=conversions,
        **where,
    )


def search_terms() -> list[dict[str, Any]]:
    """October: 'free stuff' 30 + 20 = 50 spent, 8 + 4 = 12 clicks, no conversion;
    'cheap shoes' 40, 15 clicks, 1 conversion; 'shoe repair' (campaign g-2) 15, 9
    clicks, none; 'no data' 25, 20 clicks, conversions not reported."""
    return [
        *standard(),
        term("2026-10-05", "free stuff", 30, 8, 0),
        term("2026-10-06", "free stuff", 20, 4, 0),
        term("2026-10-05", "cheap shoes", 40, 15, 1),
        term("2026-10-05", "shoe repair", 15, 9, 0, campaign_id="g-2", campaign_name="Generic"),
        term("2026-10-05", "no data", 25, 20, None),
        # A custom report splitting the same terms by device: another split, not added.
        term("2026-10-05", "free stuff|device=MOBILE", 30, 8, 0, level="custom:terms"),
        # September is another month.
        term("2026-09-30", "free stuff", 90, 40, 0),
    ]


def test_search_terms_with_spend_and_no_conversion() -> None:
    from partnerkit.analysis.grain import SEARCH_TERM_MIN_CLICKS, wasted_search_terms

    assert SEARCH_TERM_MIN_CLICKS == 10
    data = dataset(performance=search_terms())
    waste = wasted_search_terms(WS, data, "2026-10")
    got = [(t.term, t.campaign_id, t.campaign_name, t.spend, t.clicks) for t in waste.terms]
    # 'shoe repair' has 9 clicks, below 10; 'cheap shoes' converted; 'no data' is unknown.
    assert got == [("free stuff", "g-1", "Brand", Decimal(50), 12)]
    assert (waste.terms[0].conversions, waste.terms[0].currency) == (Decimal(0), "ILS")
    fewer = wasted_search_terms(WS, data, "2026-10", min_clicks=5)
    assert [(t.term, t.spend) for t in fewer.terms] == [
        ("free stuff", Decimal(50)),
        ("shoe repair", Decimal(15)),
    ]
    costly = wasted_search_terms(WS, data, "2026-10", min_clicks=0, min_spend=20)
    assert [t.term for t in costly.terms] == ["free stuff"]
    assert costly.to_arrow().column("spend").to_pylist() == [Decimal(50)]


# ------------------------------------------------------------------ audiences and placements


def meta_split(day: str, segment: str, spend: int, clicks: int, leads: int, **kw: Any) -> Any:
    """A Meta breakdown row: the standard level, the breakdown values in the segment."""
    return perf(
        day, campaign_id="m-1", segment=segment, spend=spend, clicks=clicks, leads=leads, **kw
    )


def breakdowns() -> list[dict[str, Any]]:
    """September and October of act_1, by age × gender and by publisher platform.

    Age × gender (campaign level):
      Sep: 25-34/female 100, 20 clicks, 4 leads; 25-34/male 100, 20, 1; 35-44/female 50, 10, 5
      Oct: 25-34/female 100, 30, 2;            25-34/male 100, 10, 3; 35-44/female 50, 10, 5
    Publisher platform: Sep instagram 150, 30, 5; facebook 100, 20, 5
                        Oct instagram 200, 40, 5; facebook 50, 10, 5
    Ad-level rows by age alone on the same days repeat the age spend: not added.
    """
    rows = []
    for day, figures in (
        ("2026-09-10", [(100, 20, 4), (100, 20, 1), (50, 10, 5), (150, 30, 5), (100, 20, 5)]),
        ("2026-10-10", [(100, 30, 2), (100, 10, 3), (50, 10, 5), (200, 40, 5), (50, 10, 5)]),
    ):
        segments = [
            "age=25-34|gender=female",
            "age=25-34|gender=male",
            "age=35-44|gender=female",
            "publisher_platform=instagram",
            "publisher_platform=facebook",
        ]
        for segment, (spend, clicks, leads) in zip(segments, figures, strict=True):
            rows.append(meta_split(day, segment, spend, clicks, leads))
        rows.append(meta_split(day, "age=25-34", 999, 99, 9, level="ad", ad_id="a1"))
    return [*standard(), *rows]


def test_audiences_and_placements_that_moved() -> None:
    """Age: 25-34 leads 5 → 5, clicks 40 → 40, spend 200 → 200; 35-44 the same both
    months: no move. Gender: female leads 9 → 7 (−22.22 %), clicks 30 → 40 (+33.33 %),
    cost per lead 150/9 → 150/7 (+2/7 = +28.57 %); male leads 1 → 3 (+200 %), clicks
    20 → 10 (−50 %), cost per lead 100 → 33.33 (−66.67 %). Platform: instagram clicks
    30 → 40 (+33.33 %), cost per lead 30 → 40 (+33.33 %); facebook clicks 20 → 10
    (−50 %), cost per lead 20 → 10 (−50 %); leads 5 → 5 both.
    """
    from partnerkit.analysis.grain import split_movers

    result = split_movers(WS, dataset(performance=breakdowns()), "2026-10")
    assert (result.month, result.previous_month) == ("2026-10", "2026-09")
    got = [(m.dimension, m.value, m.measure, round(m.change, 2), m.improved) for m in result.movers]
    d = Decimal
    assert got == [
        ("gender", "male", "leads", d(200), True),
        ("gender", "male", "cost_per_lead", d("-66.67"), True),
        ("gender", "male", "clicks", d(-50), False),
        ("publisher_platform", "facebook", "clicks", d(-50), False),
        ("publisher_platform", "facebook", "cost_per_lead", d(-50), True),
        ("gender", "female", "clicks", d("33.33"), True),
        ("publisher_platform", "instagram", "clicks", d("33.33"), True),
        ("publisher_platform", "instagram", "cost_per_lead", d("33.33"), False),
        ("gender", "female", "cost_per_lead", d("28.57"), False),
        ("gender", "female", "leads", d("-22.22"), False),
    ]
    cpl = result.movers[1]
    assert (cpl.current, cpl.previous, cpl.currency) == (d(100) / 3, d(100), "ILS")
    assert result.movers[0].currency is None
    # The breakdown rows leave the month's figures alone.
    assert month(breakdowns()) == month(standard())


def test_a_table_without_level_or_segment_is_all_standard_rows() -> None:
    """A performance table given by hand with neither column: 30 + 20 = 50, no split."""
    import datetime as dt

    import pyarrow as pa

    from partnerkit.analysis import Dataset
    from partnerkit.analysis.grain import conversions_by_action, split_movers, wasted_search_terms

    table = pa.table(
        {
            "date": [dt.date(2026, 10, 5), dt.date(2026, 10, 6)],
            "platform": ["meta", "meta"],
            "account_id": ["act_1", "act_1"],
            "currency": ["ILS", "ILS"],
            "spend": pa.array([Decimal(30), Decimal(20)], pa.decimal128(38, 6)),
        }
    )
    data = Dataset({"performance": table})
    spend = compute_kpis(WS, data, "2026-10", kpis=[SPEND], as_of=at("2026-11-02 10:00"))
    assert spend.get("spend").value == Decimal(50)
    assert wasted_search_terms(WS, data, "2026-10").terms == ()
    assert conversions_by_action(WS, data, "2026-10").actions == ()
    assert split_movers(WS, data, "2026-10").movers == ()


def test_only_overlapping_rows_take_the_rule() -> None:
    """One level per account: nothing to leave out; a second level or a split row: the rule."""
    from partnerkit.analysis._grain import overlaps

    campaigns = [r for r in standard() if r["level"] in ("campaign", "traffic")]
    assert not overlaps(dataset(performance=campaigns))
    assert overlaps(dataset(performance=standard()))  # act_1 has campaign and ad rows
    split = [*campaigns, perf("2026-10-05", campaign_id="m-1", segment="age=25-34", spend=1)]
    assert overlaps(dataset(performance=split))
    keywords = [*campaigns, perf("2026-10-05", level="keyword", spend=1, **G)]
    assert overlaps(dataset(performance=keywords))
