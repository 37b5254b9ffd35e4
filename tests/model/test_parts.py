"""Contract, targets, sources, roles and the learning log, model by model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from partnerkit.model import (
    BankOfHoursPricing,
    Budget,
    Contract,
    Deliverable,
    DueRule,
    Experiment,
    ManagementFee,
    Partner,
    Period,
    Responsibility,
    Scope,
    Source,
    SourceMatching,
    Target,
    TargetStatus,
    Tolerance,
    month_bounds,
    quarter_bounds,
)


def _fails(model: Any, data: Any, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    assert fragment in str(info.value)


# ---------------------------------------------------------------------- contract


@pytest.mark.parametrize(
    ("due", "text"),
    [
        ({"business_day": 5}, "5th business day"),
        ({"business_day": 1}, "1st business day"),
        ({"business_day": -1}, "last business day"),
        ({"business_day": -2}, "2nd last business day"),
        ({"day_of_month": 22}, "22nd day of the month"),
        ({"day_of_month": 13}, "13th day of the month"),
        ({"weekday": "thu"}, "every thursday"),
        ({"date": "2026-03-01"}, "on 2026-03-01"),
    ],
)
def test_due_rules(due: dict[str, Any], text: str) -> None:
    assert str(DueRule.model_validate(due)) == text


@pytest.mark.parametrize(
    ("due", "fragment"),
    [
        ({}, "give exactly one of business_day, day_of_month, weekday or date"),
        ({"business_day": 5, "day_of_month": 5}, "got business_day, day_of_month"),
        ({"business_day": 0}, "0 is not a day"),
        ({"business_day": 24}, "less than or equal to 23"),
        ({"day_of_month": 32}, "less than or equal to 31"),
    ],
)
def test_bad_due_rules(due: dict[str, Any], fragment: str) -> None:
    _fails(DueRule, due, fragment)


@pytest.mark.parametrize(
    ("every", "due", "ok"),
    [
        ("month", {"business_day": 5}, True),
        ("month", {"day_of_month": 10}, True),
        ("quarter", {"business_day": 10}, True),
        ("week", {"weekday": "monday"}, True),
        ("once", {"date": "2026-02-01"}, True),
        ("week", {"business_day": 2}, False),
        ("month", {"weekday": "monday"}, False),
        ("quarter", {"day_of_month": 3}, False),
        ("once", {"business_day": 3}, False),
        ("month", {"date": "2026-02-01"}, False),
    ],
)
def test_due_rule_fits_frequency(every: str, due: dict[str, Any], ok: bool) -> None:
    data = {"id": "d", "name": "D", "every": every, "due": due}
    if ok:
        assert Deliverable.model_validate(data).every == every
    else:
        _fails(Deliverable, data, f"a deliverable due every {every} needs a due rule with")


def test_pricing_models() -> None:
    hours = BankOfHoursPricing.model_validate(
        {"kind": "bank_of_hours", "hours": 20, "hourly_rate": "350.50", "per": "quarter"}
    )
    assert hours.fee_per_period == Decimal(7010)  # 20 × 350.50
    contract = Contract.model_validate(
        {
            "start": "2026-01-01",
            "pricing": {"kind": "per_project", "projects": [{"id": "site", "name": "S", "fee": 9}]},
        }
    )
    assert contract.pricing.kind == "per_project"
    assert contract.end is None
    assert contract.covers(dt.date(2030, 1, 1))
    assert not contract.covers(dt.date(2025, 12, 31))
    _fails(
        Contract,
        {"start": "2026-01-01", "pricing": {"kind": "per_project", "projects": []}},
        "at least 1 item",
    )
    _fails(
        Contract, {"start": "2026-01-01", "pricing": {"monthly_fee": 1}}, "Unable to extract tag"
    )


def test_management_fee() -> None:
    fixed = ManagementFee(monthly=Decimal(3000))
    assert fixed.fee_for(Decimal(100_000)) == Decimal(3000)
    share = ManagementFee(percent_of_spend=Decimal("12.5"))
    assert share.fee_for(Decimal(8000)) == Decimal(1000)
    _fails(ManagementFee, {}, "give exactly one of 'monthly' or 'percent_of_spend'")
    _fails(ManagementFee, {"monthly": 1, "percent_of_spend": 1}, "give exactly one of")
    _fails(ManagementFee, {"monthly": 1, "minimum_monthly": 1}, "only applies with")
    _fails(ManagementFee, {"percent_of_spend": 120}, "less than or equal to 100")


def test_month_and_quarter_bounds() -> None:
    assert month_bounds("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert month_bounds("2028-02") == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert month_bounds("2026-12") == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert quarter_bounds("2026-Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert quarter_bounds("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


# ----------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("written", "kind", "bounds"),
    [
        ("2026-07", "month", (dt.date(2026, 7, 1), dt.date(2026, 7, 31))),
        ({"month": "2026-02"}, "month", (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
        ("2026-q3", "quarter", (dt.date(2026, 7, 1), dt.date(2026, 9, 30))),
        (
            {"start": "2026-01-15", "end": "2026-03-14"},
            "custom",
            (dt.date(2026, 1, 15), dt.date(2026, 3, 14)),
        ),
        ("monthly", "recurring", None),
        ({"every": "quarter", "start": "2026-04-01"}, "recurring", None),
    ],
)
def test_periods(written: Any, kind: str, bounds: Any) -> None:
    period = Period.model_validate(written)
    assert period.kind == kind
    assert period.bounds() == bounds


def test_recurring_occurrence() -> None:
    monthly = Period.model_validate({"every": "month", "start": "2026-02-01", "end": "2026-06-30"})
    assert monthly.occurrence(dt.date(2026, 3, 17)) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert monthly.occurrence(dt.date(2026, 1, 31)) is None
    assert monthly.occurrence(dt.date(2026, 7, 1)) is None
    quarterly = Period.model_validate("quarterly")
    assert quarterly.occurrence(dt.date(2026, 5, 5)) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert str(monthly) == "every month from 2026-02-01 until 2026-06-30"
    fixed = Period.model_validate("2026-07")
    assert fixed.occurrence(dt.date(2026, 7, 9)) == (dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    assert fixed.occurrence(dt.date(2026, 8, 1)) is None


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        ({"month": "2026-13"}, "must be a month written year-month"),
        ({"month": dt.date(2026, 7, 1)}, "a month is written year-month, e.g. 2026-07"),
        ({"quarter": "2026-Q5"}, "must be a quarter written year-Qn"),
        ({"start": "2026-01-01"}, "a custom period needs both start and end"),
        ({"month": "2026-01", "quarter": "2026-Q1"}, "give one of {month: 2026-07}"),
        ({"month": "2026-01", "every": "month"}, "give one of"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "the period ends (2026-01-01) before it"),
        ("weekly", "must be a month written year-month"),
    ],
)
def test_bad_periods(written: Any, fragment: str) -> None:
    _fails(Period, written, fragment)


@pytest.mark.parametrize(
    ("written", "kind", "ref"),
    [
        ("all", "all", None),
        ({}, "all", None),
        ({"channel": "email"}, "channel", "email"),
        ({"source": "s"}, "source", "s"),
        ({"campaign": "c"}, "campaign", "c"),
        ({"partner": "p"}, "partner", "p"),
    ],
)
def test_scopes(written: Any, kind: str, ref: str | None) -> None:
    scope = Scope.model_validate(written)
    assert (scope.kind, scope.ref) == (kind, ref)


def test_bad_scopes() -> None:
    _fails(Scope, "everything", "is 'all' or a mapping")
    _fails(Scope, {"source": "a", "campaign": "b"}, "not source and campaign")
    _fails(Scope, {"channel": "tv"}, "Input should be 'paid_search'")


@pytest.mark.parametrize(
    ("actual", "target", "direction", "status"),
    [
        # higher is better, target 50, bands 0% / 10%
        (50, 50, "higher", TargetStatus.ON_TRACK),
        (60, 50, "higher", TargetStatus.ON_TRACK),
        (46, 50, "higher", TargetStatus.AT_RISK),  # 8% short
        (45, 50, "higher", TargetStatus.AT_RISK),  # exactly 10% short
        (44, 50, "higher", TargetStatus.OFF_TRACK),  # 12% short
        # lower is better (CPL), target 100
        (90, 100, "lower", TargetStatus.ON_TRACK),
        (105, 100, "lower", TargetStatus.AT_RISK),  # 5% over
        (111, 100, "lower", TargetStatus.OFF_TRACK),  # 11% over
        # a target of 0
        (0, 0, "lower", TargetStatus.ON_TRACK),
        (1, 0, "lower", TargetStatus.OFF_TRACK),
        (3, 0, "higher", TargetStatus.ON_TRACK),
    ],
)
def test_tolerance_bands(actual: int, target: int, direction: str, status: TargetStatus) -> None:
    assert Tolerance().classify(Decimal(actual), Decimal(target), direction) is status


def test_custom_bands_and_negative_targets() -> None:
    bands = Tolerance(on_track=Decimal(5), at_risk=Decimal(20))
    assert bands.classify(Decimal(96), Decimal(100), "higher") is TargetStatus.ON_TRACK  # 4%
    assert bands.classify(Decimal(81), Decimal(100), "higher") is TargetStatus.AT_RISK  # 19%
    # ROI target of -10%: -15 is 50% worse (5 / |-10|)
    assert Tolerance.shortfall(Decimal(-15), Decimal(-10), "higher") == Decimal(50)
    _fails(Tolerance, {"on_track": 10, "at_risk": 5}, "at_risk (5) must be at least on_track (10)")
    _fails(Tolerance, {"at_risk": -1}, "greater than or equal to 0")


def test_target_status_and_baseline() -> None:
    target = Target.model_validate(
        {
            "id": "t",
            "kpi": "cpl",
            "value": 280,
            "period": "monthly",
            "baseline": {"value": 340, "period": "2025-12"},
        }
    )
    assert target.scope.kind == "all"
    assert target.status(Decimal(300), "lower") is TargetStatus.AT_RISK  # 7.1% over
    _fails(
        Target,
        {
            "id": "t",
            "kpi": "cpl",
            "value": 1,
            "period": "monthly",
            "baseline": {"value": 1, "period": "monthly"},
        },
        "a baseline is measured in one period",
    )


# ----------------------------------------------------------------------- sources


MATCHING = SourceMatching.model_validate(
    {
        "original_source": "PAID_SOCIAL",
        "original_source_drill_1": ["Facebook", "Instagram"],
        "utm_source": ["facebook", "fb*"],
        "utm_medium": "paid",
        "account_ids": "act_1",
        "campaign_ids": ["11", "12"],
    }
)


@pytest.mark.parametrize(
    ("lead", "matches"),
    [
        ({"original_source": "PAID_SOCIAL", "original_source_drill_1": "facebook"}, True),
        ({"original_source": "paid_social", "original_source_drill_1": "Instagram"}, True),
        ({"original_source": "PAID_SOCIAL", "original_source_drill_1": "LinkedIn"}, False),
        ({"original_source": "PAID_SOCIAL"}, False),  # drill-down rule set, value missing
        ({"utm_source": "fb_ads", "utm_medium": "PAID"}, True),
        ({"utm_source": "facebook", "utm_medium": "cpc"}, False),
        ({"utm_source": "google", "utm_medium": "paid"}, False),
        ({}, False),
    ],
)
def test_lead_matching(lead: dict[str, Any], matches: bool) -> None:
    assert MATCHING.matches_lead(lead) is matches


@pytest.mark.parametrize(
    ("row", "matches"),
    [
        ({"account_id": "act_1", "campaign_id": "12"}, True),
        ({"account_id": "act_1", "campaign_id": "13"}, False),
        ({"account_id": "act_2", "campaign_id": "11"}, False),
        ({"source": "FB", "medium": "paid"}, True),
        ({"source": "fb", "medium": None}, False),
    ],
)
def test_performance_matching(row: dict[str, Any], matches: bool) -> None:
    assert MATCHING.matches_performance(row) is matches


def test_empty_matching_matches_nothing() -> None:
    empty = SourceMatching()
    assert empty.is_empty
    assert not MATCHING.is_empty
    assert not empty.matches_lead({"utm_source": "x"})
    assert not empty.matches_performance({"account_id": "x"})


def test_source_rules() -> None:
    base = {"id": "s", "name": "S", "channel": "email", "wiring": "form", "owner": "in_house"}
    source = Source.model_validate({**base, "start": "2026-01-01", "status": "retired"})
    assert not source.is_live(dt.date(2026, 2, 1))
    live = Source.model_validate({**base, "start": "2026-01-01", "end": "2026-06-30"})
    assert live.is_live(dt.date(2026, 6, 30))
    assert not live.is_live(dt.date(2026, 7, 1))
    _fails(Source, {**base, "start": "2026-02-01", "end": "2026-01-01"}, "ends (2026-01-01) before")
    _fails(Source, {**base, "account": "1"}, "'account' needs 'connection'")
    _fails(Source, {**base, "links": ["not a url"]}, "Input should be a valid URL")
    _fails(Source, {**base, "monthly_lead_target": -1}, "greater than or equal to 0")


def test_budgets() -> None:
    assert Budget.model_validate({"total": 100}).monthly is None
    _fails(Budget, {}, "give 'monthly', 'total' or both")
    _fails(Budget, 5000, "write {monthly: 5000}")
    _fails(Budget, {"monthly": -5}, "greater than or equal to 0")
    _fails(Budget, {"monthly": 5, "currency": "ZZZ"}, "ISO 4217")


# ---------------------------------------------------------- people, roles, tests


def test_partner_people() -> None:
    partner = Partner.model_validate(
        {
            "id": "p",
            "name": "P",
            "kind": "freelancer",
            "people": [{"id": "a", "name": "A", "side": "partner", "email": "a@x.example"}],
        }
    )
    assert partner.person("a") is not None
    assert partner.person("b") is None
    _fails(
        Partner,
        {
            "id": "p",
            "name": "P",
            "kind": "agency",
            "people": [{"id": "a", "name": "A", "side": "partner", "email": "not-an-email"}],
        },
        "must be an email address",
    )
    _fails(Partner, {"id": "bad id!", "name": "P", "kind": "agency"}, "must be an id of letters")


def test_raci_grey_zones() -> None:
    row = Responsibility.model_validate({"area": "Tracking", "grey_zone": True})
    assert row.responsible == []
    _fails(
        Responsibility, {"area": "Tracking"}, "nobody is responsible and accountable for 'Tracking'"
    )
    _fails(
        Responsibility,
        {"area": "Ads", "responsible": "partner"},
        "nobody is accountable for 'Ads': name who, or flag the area with grey_zone: true",
    )


def test_learning_log_decisions() -> None:
    done = Experiment.model_validate(
        {"id": "x", "hypothesis": "h", "learning_goal": "g", "result": "r", "decision": "stop"}
    )
    assert done.decision == "stop"
    _fails(
        Experiment,
        {"id": "x", "hypothesis": "h", "learning_goal": "g", "decision": "start"},
        "a decision needs the 'result' it rests on",
    )
    _fails(
        Experiment,
        {
            "id": "x",
            "hypothesis": "h",
            "learning_goal": "g",
            "start": "2026-02-01",
            "end": "2026-01-01",
        },
        "the test ends (2026-01-01) before it starts (2026-02-01)",
    )
    _fails(
        Experiment,
        {"id": "x", "hypothesis": "h", "learning_goal": "g", "decision": "pivot"},
        "Input should be 'start', 'stop' or 'continue'",
    )
