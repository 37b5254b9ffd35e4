"""The bundled example workspace loads cleanly, with the values written in it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import yaml

from partnerkit.model import (
    BUILTIN_KPIS,
    Channel,
    PartnerKind,
    RetainerPricing,
    Side,
    SLAKind,
    SourceStatus,
    Weekday,
    Wiring,
    Workspace,
    load_workspace,
    parse_workspace,
)


def test_top_level(example_path: Path) -> None:
    ws = load_workspace(example_path)
    assert ws.name == "Shemesh Solar × Brightline Digital"
    assert ws.currency == "ILS"
    assert ws.timezone == "Asia/Jerusalem"
    assert ws.locale == "he-IL"
    assert ws.root == example_path.parent.resolve()
    assert ws.file == example_path


def test_folder_path_finds_partnerkit_yaml(example_path: Path) -> None:
    ws = load_workspace(example_path.parent)
    assert ws.name == "Shemesh Solar × Brightline Digital"


def test_partner(example_path: Path) -> None:
    partner = load_workspace(example_path).partner
    assert partner is not None
    assert partner.kind is PartnerKind.AGENCY
    assert [p.id for p in partner.people_on(Side.PARTNER)] == ["noa", "amir", "dana"]
    assert [p.id for p in partner.people_on("in_house")] == ["yael", "oren", "rami"]
    assert partner.point_people.partner == "noa"
    assert partner.point_people.in_house == "yael"
    assert [s.person for s in partner.escalation] == ["noa", "dana", "oren"]
    after = partner.escalation[1].after
    assert after is not None
    assert (after.value, after.unit) == (Decimal(2), "business_days")
    person = partner.person("yael")
    assert person is not None
    assert person.email == "yael@shemesh-solar.example"


def test_contract(example_path: Path) -> None:
    contract = load_workspace(example_path).contract
    assert contract is not None
    assert (contract.start, contract.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert contract.trial_end == dt.date(2026, 3, 31)
    assert isinstance(contract.pricing, RetainerPricing)
    assert contract.pricing.monthly_fee == Decimal(14000)
    assert contract.pricing.hours_included == Decimal(60)
    fee = contract.management_fee
    assert fee is not None
    # 10% of 40,000 is 4,000; 10% of 20,000 is 2,000, under the 2,500 minimum.
    assert fee.fee_for(Decimal(40000)) == Decimal(4000)
    assert fee.fee_for(Decimal(20000)) == Decimal(2500)
    assert contract.budget_for(Channel.PAID_SEARCH, "2026-04") == Decimal(30000)
    assert contract.budget_for("paid_search", "2026-06") == Decimal(22000)
    assert contract.budget_for("paid_social", "2026-04") == Decimal(15000)
    assert contract.budget_for("email", "2026-04") is None
    report = contract.deliverable("monthly-report")
    assert report is not None
    assert report.every == "month"
    assert report.due.business_day == 5
    assert str(report.due) == "5th business day"
    assert [d.due.rule for d in contract.deliverables] == [
        "business_day",
        "day_of_month",
        "weekday",
        "date",
    ]
    assert contract.in_trial(dt.date(2026, 3, 31))
    assert not contract.in_trial(dt.date(2026, 4, 1))


def test_calendar_is_sunday_to_thursday(example_path: Path) -> None:
    cal = load_workspace(example_path).calendar
    assert cal.timezone == "Asia/Jerusalem"  # inherited from the workspace
    assert cal.working_days == [
        Weekday.SUNDAY,
        Weekday.MONDAY,
        Weekday.TUESDAY,
        Weekday.WEDNESDAY,
        Weekday.THURSDAY,
    ]
    assert (cal.hours.start, cal.hours.end) == (dt.time(9), dt.time(18))
    assert len(cal.holidays) == 9
    assert cal.is_working_day(dt.date(2026, 3, 1))  # a Sunday
    assert not cal.is_working_day(dt.date(2026, 3, 6))  # a Friday
    assert not cal.is_working_day(dt.date(2026, 9, 21))  # Yom Kippur, a Monday


def test_sources_and_campaigns(example_path: Path) -> None:
    ws = load_workspace(example_path)
    assert [s.id for s in ws.sources] == [
        "google-search",
        "google-pmax",
        "meta-lead-ads",
        "organic-search",
        "compare-site",
        "installer-referrals",
    ]
    search = ws.source("google-search")
    assert search.channel is Channel.PAID_SEARCH
    assert search.wiring is Wiring.NATIVE
    assert search.owner is Side.PARTNER
    assert search.matching.utm_medium == ["cpc", "ppc"]
    assert search.matching.original_source == ["PAID_SEARCH"]
    assert search.monthly_lead_target == 60
    assert search.budget is not None
    assert search.budget.monthly == Decimal(18000)
    assert ws.source("installer-referrals").status is SourceStatus.PAUSED
    assert str(ws.source("compare-site").links[0].url) == "https://zapier.com/app/zaps/123456789"
    assert [c.id for c in ws.campaigns_of("google-search")] == ["brand-search", "generic-search"]
    pmax = ws.campaign("pmax-spring")
    assert pmax.budget is not None
    assert pmax.budget.total == Decimal(12000)
    assert pmax.end == dt.date(2026, 5, 31)


def test_kpis_targets_slas(example_path: Path) -> None:
    ws = load_workspace(example_path)
    assert set(ws.kpi_catalogue) == set(BUILTIN_KPIS) | {
        "platform_cpl",
        "site_survey_rate",
        # the example has a lead definition: the lead agreement's three KPIs
        "sales_ready_leads",
        "nurture_leads",
        "joint_closed_deals",
    }
    assert ws.kpi("platform_cpl").formula == "sum(performance.spend) / sum(performance.leads)"
    assert ws.kpi("cpl") is BUILTIN_KPIS["cpl"]
    search_cpl = ws.target("search-cpl")
    assert search_cpl.scope.kind == "source"
    assert search_cpl.scope.ref == "google-search"
    assert search_cpl.period.kind == "recurring"
    assert search_cpl.baseline is not None
    assert search_cpl.baseline.period.bounds() == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    roas = ws.target("paid-search-roas")
    assert roas.period.bounds() == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert ws.target("monthly-sqls").tolerance.at_risk == Decimal(15)
    assert [s.kind for s in ws.slas] == [
        SLAKind.RESPONSE_TIME,
        SLAKind.DELIVERABLE_TURNAROUND,
        SLAKind.REPORT_DELIVERY,
        SLAKind.LEAD_FOLLOW_UP,
        SLAKind.MEETING_CADENCE,
        SLAKind.MEETING_CADENCE,
    ]
    turnaround = ws.sla("draft-turnaround")
    assert str(turnaround.threshold) == "3 business days"
    assert turnaround.attainment == Decimal("0.9")
    assert ws.sla("monthly-review").attainment == Decimal(1)
    assert str(ws.sla("weekly-call").cadence) == "every week"


def test_roles_learning_lead_definition(example_path: Path) -> None:
    ws = load_workspace(example_path)
    grey = [r.area for r in ws.roles if r.grey_zone]
    assert grey == ["Offline conversion upload (closed deals back to the ad platforms)"]
    assert ws.roles[0].parties == ["amir", "noa", "yael", "oren"]
    short = ws.learning_log[0]
    assert (short.decision, short.budget) == ("start", Decimal(4000))
    assert ws.monthly_notes[0].month == "2026-01"
    assert len(ws.monthly_notes[0].next_steps) == 2
    definition = ws.lead_definition
    assert definition is not None
    house = {"lead_id": "1", "extra": {"property_type": "house", "monthly_bill_ils": 750}}
    flat = {"lead_id": "2", "extra": {"property_type": "apartment", "monthly_bill_ils": 900}}
    deleted = {"lead_id": "3", "is_deleted": True, "extra": {"property_type": "flat"}}
    assert definition.classify(house) == "sales_ready"
    assert definition.classify(flat) == "nurture"
    assert definition.classify(deleted) == "disqualified"


def test_connections(example_path: Path) -> None:
    ws = load_workspace(example_path)
    assert [c.name for c in ws.connections] == ["google-ads", "meta", "hubspot", "ga4", "exports"]
    ads = ws.connection("google-ads")
    assert ads.accounts == ["123-456-7890"]
    assert ads.secrets["developer_token"] == "GOOGLE_ADS_DEVELOPER_TOKEN"
    assert ws.connection("exports").settings == {"base_dir": "data"}


def test_round_trips(example_path: Path) -> None:
    ws = load_workspace(example_path)
    again = Workspace.model_validate(ws.model_dump())
    assert again.model_dump() == ws.model_dump()
    text = yaml.safe_dump(ws.model_dump(mode="json", exclude_none=True), allow_unicode=True)
    assert parse_workspace(text).model_dump() == ws.model_dump()


def test_json_schema_for_editors() -> None:
    schema = Workspace.model_json_schema()
    assert {"name", "currency", "timezone", "sources", "connections"} <= set(schema["properties"])
    assert set(schema["required"]) == {"name", "currency", "timezone"}
