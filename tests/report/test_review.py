"""The relationship's documents on the demo: the Q4 review, the trial verdict, the source map.

The demo has data for August, September and October 2026 and describes 15 November
2026: its Q4 review has October only (November has no record, December has not
started) and says so. Every figure checked here is worked out by DuckDB over the raw
record tables (``_demo_sql``, no partnerkit rule) or from the workspace file by hand:
the contract is a retainer of 12,000 a month and a management fee of 10% of media
spend; the sources' monthly lead targets are 70 (Meta), 60 (Google Ads search), 30
(organic), 25 (partner form) and 10 (referrals).
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _demo_sql import TZ, connect, month_by_source, month_totals
from _helpers import Page

from partnerkit.analysis.periods import parse_quarter
from partnerkit.analysis.review import evaluate_quarter, score_test
from partnerkit.errors import NotComputableError, PeriodError
from partnerkit.model import Responsibility
from partnerkit.model.learning import Experiment
from partnerkit.model.sources import Source
from partnerkit.report import (
    MonthlyReport,
    NoData,
    ReviewDocument,
    Text,
    build_review,
    build_source_map,
    build_trial_review,
)

TARGETS = {
    "meta-lead-ads": 70,
    "google-search": 60,
    "organic-search": 30,
    "partner-form": 25,
    "referral-programme": 10,
}


#: The English catalogue's words of the review's work section, as a reader sees them.
LENT = {
    "review.section.work": "Work, hours and action items",
    "review.no_work": (
        "the workspace has no work log, time record, bank of hours or meeting for these months"
    ),
    "review.col.out_of_scope": "Out of scope",
    "review.col.overdue_actions": "Overdue action items",
    "review.out_of_scope": "Work outside the contract's scope",
    "review.overdue_actions": "Overdue action items",
}


def _v(cell: tuple[str, str | None]) -> Decimal:
    assert cell[1] is not None, f"no value behind {cell[0]!r}"
    return Decimal(cell[1])


def _sqls(dataset: Any, month: str) -> int:
    row = (
        connect(dataset)
        .execute(
            f"SELECT count(*) FROM raw_lead WHERE is_deleted IS NOT true "
            f"AND strftime(timezone('{TZ}', became_sql_at), '%Y-%m') = '{month}'"
        )
        .fetchone()
    )
    assert row is not None
    return int(row[0])


@pytest.fixture(scope="module")
def q4(demo: Any) -> ReviewDocument:
    return build_review(
        demo.workspace,
        demo.dataset,
        "2026Q4",
        evidence=demo.evidence,
        survey=demo.survey,
        as_of=demo.as_of,
        locale="en-US",
    )


def _texts(doc: ReviewDocument, section: str) -> list[str]:
    return [b.plain() for b in doc.section(section).blocks if isinstance(b, Text)]


# ------------------------------------------------------------------ the quarter


def test_the_q4_review_names_the_months_with_data_and_why_the_others_have_none(
    q4: ReviewDocument,
) -> None:
    assert [s.id for s in q4.sections] == [
        "overview",
        "trends",
        "sla",
        "cost",
        "work",
        "learnings",
        "proposal",
        "next_quarter",
        "roles",
    ]
    assert (q4.title, q4.subtitle) == (
        "Quarterly review",
        "Negev Solar × Blue Orbit Digital — 2026-Q4",
    )
    texts = _texts(q4, "overview")
    assert (
        texts[0] == "The quarter 2026-Q4, Oct 1, 2026 to Dec 31, 2026, counted up to Oct 31, 2026."
    )
    assert texts[1] == "Months with data: October 2026."
    md = q4.to_markdown()
    assert "- November 2026: no data (no lead and no spend record in 2026-11)." in md
    assert "- December 2026: no data (the month 2026-12 has not started (as of 2026-11-15))." in md
    q = q4.results
    assert [m.label for m in q.with_data] == ["2026-10"]  # type: ignore[union-attr]


def test_the_quarter_to_date_is_october_worked_out_by_hand(demo: Any, q4: ReviewDocument) -> None:
    raw = month_totals(demo.dataset, "2026-10")
    spend, leads = raw["spend"], raw["inquiries"]
    # HubSpot's 264 and Meta's + Google's ₪29,796.50, plus LinkedIn's cassette: 8 form
    # leads and 31 days × ₪156 = ₪4,836
    assert (spend, leads) == (Decimal("29796.50") + 4836, 264 + 8)
    page = Page(q4.to_html())
    assert _v(page.row("review.to_date", "Spend")[1]) == spend
    assert _v(page.row("review.to_date", "Leads (inquiries)")[1]) == leads
    cpl = _v(page.row("review.to_date", "Cost per lead (CPL)")[1])
    assert abs(cpl - spend / leads) < Decimal("0.000001")  # 34,632.50 / 272 = 127.3253…
    assert _v(page.row("review.to_date", "New customers")[1]) == raw["customers"]
    assert _v(page.row("review.to_date", "Sales-qualified leads (SQLs)")[1]) == _sqls(
        demo.dataset, "2026-10"
    )


def test_targets_month_by_month(demo: Any, q4: ReviewDocument) -> None:
    raw = month_totals(demo.dataset, "2026-10")
    page = Page(q4.to_html())
    leads = page.row("review.trends", "Leads (inquiries)")
    assert [c[0] for c in leads[1:2] + leads[4:5]] == ["October 2026", "on track"]
    assert (_v(leads[2]), _v(leads[3])) == (raw["inquiries"], 180)
    cpl = page.row("review.trends", "Cost per lead (CPL)")
    assert abs(_v(cpl[2]) - raw["spend"] / raw["inquiries"]) < Decimal("0.000001")
    assert (_v(cpl[3]), cpl[4][0]) == (180, "on track")
    sqls = page.row("review.trends", "Sales-qualified leads (SQLs)")
    assert (_v(sqls[2]), _v(sqls[3])) == (_sqls(demo.dataset, "2026-10"), 25)


def test_cost_per_result_on_media_and_on_total_cost(demo: Any, q4: ReviewDocument) -> None:
    raw = month_totals(demo.dataset, "2026-10")
    spend, leads, customers = raw["spend"], raw["inquiries"], raw["customers"]
    # the retainer, 10% of media, and October's 68.5 hours of the Harvest export beyond the
    # 60 the retainer includes at 250 an hour (worked out from the CSV in test_work_demo)
    overage = (Decimal("68.5") - 60) * 250
    fees = 12000 + spend / 10 + overage
    total = spend + fees
    page = Page(q4.to_html())
    assert _v(page.row("review.cost", "Media spend")[1]) == spend
    assert _v(page.row("review.cost", "Fees")[1]) == fees  # 17,104.65
    assert _v(page.row("review.cost", "Total cost")[1]) == total
    on_media = _v(page.row("review.cost", "Cost per lead (CPL) (on media spend)")[1])
    on_total = _v(page.row("review.cost", "CPL on total cost")[1])
    assert abs(on_media - spend / leads) < Decimal("0.000001")
    assert abs(on_total - total / leads) < Decimal("0.000001")  # 177.66
    cac = _v(page.row("review.cost", "CAC on total cost")[1])
    assert abs(cac - total / customers) < Decimal("0.000001")


def test_sla_and_health_by_month_are_the_month_evaluations(
    q4: ReviewDocument, demo_report_en: MonthlyReport
) -> None:
    page = Page(q4.to_html())
    october = demo_report_en.results
    assert october.sla is not None
    for term in october.sla.terms:
        row = page.row("review.sla", _term_name(term))
        assert _v(row[1]) == term.headline.attainment
    assert _v(page.row("review.health", "October 2026")[1]) == demo_report_en.health_score


_TERMS = {
    "lead_follow_up": "Lead follow-up",
    "report_delivery": "Report delivery",
    "meeting_cadence": "Meeting cadence",
}


def _term_name(term: Any) -> str:
    return _TERMS[term.sla.kind.value]


def test_start_stop_continue_from_the_numbers(demo: Any, q4: ReviewDocument) -> None:
    by_source = month_by_source(demo.dataset, "2026-10")
    met = {s for s, goal in TARGETS.items() if by_source.get(s, {}).get("inquiries", 0) >= goal}
    assert met == {"meta-lead-ads", "google-search", "organic-search", "referral-programme"}
    q = q4.results
    proposal = [(p.action, p.code, p.subject) for p in q.proposal]  # type: ignore[union-attr]
    continued = {s for a, c, s in proposal if (a, c) == ("continue", "lead_target_met")}
    assert continued == met
    # every absolute target was on track in October, the one month with data
    # (sales-ready: 117 of 100, worked out from the raw answers in
    # test_lead_agreement_demo.py); the relative one (171.6) is not
    assert {s for a, c, s in proposal if c == "target_met"} == {
        "monthly-leads",
        "cpl",
        "monthly-sqls",
        "monthly-sales-ready",
    }
    # the display test spent in October and brought no lead: pause it
    (display_spend,) = (
        connect(demo.dataset)
        .execute(  # type: ignore[misc]
            "SELECT sum(spend) FROM raw_performance WHERE campaign_id = '21000000003' "
            "AND date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'"
        )
        .fetchone()
    )
    stop = [p for p in q.proposal if p.action == "stop"]  # type: ignore[union-attr]
    assert [(p.subject, p.params["spend"]) for p in stop] == [
        ("pause_campaign", Decimal(display_spend))
    ]
    # the relative target on sales-ready leads (+20% on August's 143: 171.6) is off
    # track with October's 117 (test_lead_agreement_demo.py): close its gap
    starts = [s for a, c, s in proposal if a == "start"]
    assert starts == [
        "shift_budget",
        "fix_silent_source",
        "restore_sla",
        "close_target_gap",
        "deduplicate",
    ]
    md = q4.to_markdown()
    assert "- Meta lead ads: 100 leads in 1 month(s), at least its 70 a month each month." in md
    assert f"- Pause or re-tag Display | Awareness test: ₪{display_spend:,.2f} spent" in md
    # start: the 5 above; continue: 4 sources and the 4 targets on track (not the
    # relative one); stop: the display test
    assert "The proposal: start 5, continue 8, stop 1." in md


def test_the_third_quarter_has_august_and_september(demo: Any) -> None:
    q = evaluate_quarter(
        demo.workspace, demo.dataset, "2026-Q3", as_of=demo.as_of, evidence=demo.evidence
    )
    assert [m.label for m in q.with_data] == ["2026-08", "2026-09"]
    assert [(m.label, m.status.code) for m in q.without_data if m.status] == [
        ("2026-07", "no_rows_for_month")
    ]
    aug, sep = month_totals(demo.dataset, "2026-08"), month_totals(demo.dataset, "2026-09")
    assert q.totals is not None
    assert q.totals.get("leads").value == aug["inquiries"] + sep["inquiries"]
    assert q.totals.get("spend").value == aug["spend"] + sep["spend"]
    # partner form: 25 a month was met in August and September (it fell silent in October)
    by = [
        month_by_source(demo.dataset, m)["partner-form"]["inquiries"]
        for m in ("2026-08", "2026-09")
    ]
    item = next(p for p in q.proposal if p.subject == "partner-form")
    assert (item.action, item.params["leads"]) == ("continue", sum(by))
    assert min(by) >= 25


def test_nothing_from_nothing(demo: Any) -> None:
    with pytest.raises(NotComputableError) as not_started:
        build_review(demo.workspace, demo.dataset, "2027Q1", as_of=demo.as_of)
    assert not_started.value.code == "quarter_not_started"
    assert not_started.value.params == {"quarter": "2027-Q1", "as_of": "2026-11-15"}
    with pytest.raises(NotComputableError) as empty:
        build_review(demo.workspace, demo.dataset, "2026Q1", as_of=demo.as_of)
    assert empty.value.code == "no_rows_for_quarter"


# ----------------------------------------------------------------- the parser


@pytest.mark.parametrize("text", ["2026Q4", "2026-Q4", "2026q4", " 2026-q4 "])
def test_a_quarter_is_read_in_its_usual_forms(text: str) -> None:
    window = parse_quarter(text)
    assert (window.start, window.end, window.label) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        "2026-Q4",
    )


def test_a_fifth_quarter_says_which_values_there_are() -> None:
    with pytest.raises(PeriodError) as caught:
        parse_quarter("2026Q5")
    error = caught.value
    assert (error.value, error.kind, error.problem, error.example) == (
        "2026Q5",
        "quarter",
        "quarter_number",
        "2026Q4",
    )
    assert str(error) == (
        "not a quarter: '2026Q5'; a year has quarters 1 to 4, so write one of "
        "2026Q1, 2026Q2, 2026Q3, 2026Q4"
    )


@pytest.mark.parametrize("text", ["Q4 2026", "2026-10", "2026/4", "", "2026Q"])
def test_a_malformed_quarter_says_what_to_write(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_quarter(text)
    assert caught.value.problem == "format"
    assert "e.g. 2026Q4" in str(caught.value)


# ---------------------------------------------------- learning goals and roles


@pytest.fixture(scope="module")
def with_plan(demo: Any) -> ReviewDocument:
    tests = [
        Experiment(
            id="short-form",
            name="Three-field form",
            hypothesis="A shorter form converts better",
            learning_goal="Does form length change the conversion rate?",
            start=dt.date(2026, 10, 1),
            end=dt.date(2026, 10, 31),
            status="done",
            result="Conversion 6.1% against 4.8%",
            learning="Fewer fields convert better",
            decision="start",
        ),
        Experiment(
            id="lookalike",
            hypothesis="A lookalike audience lowers the CPL",
            learning_goal="Do lookalikes beat interests?",
            start=dt.date(2026, 10, 5),
            status="cancelled",
        ),
        Experiment(
            id="video",
            hypothesis="Video ads bring cheaper leads",
            learning_goal="Is video worth its production cost?",
            start=dt.date(2026, 11, 1),
            status="running",
        ),
        Experiment(
            id="seo-hub",
            hypothesis="A solar guide hub grows organic leads",
            learning_goal="Does a content hub bring organic leads?",
            start=dt.date(2027, 1, 10),
        ),
    ]
    roles = [
        Responsibility(area="Google Ads account", responsible=["tomer"], accountable="gil"),
        Responsibility(
            area="Landing pages", responsible=["partner"], grey_zone=True, notes="Who approves?"
        ),
    ]
    ws = demo.workspace.model_copy(update={"learning_log": tests, "roles": roles})
    return build_review(ws, demo.dataset, "2026Q4", as_of=demo.as_of, locale="en-US")


def test_learning_goals_are_scored(with_plan: ReviewDocument) -> None:
    q = with_plan.results
    scored = {t.experiment.id: t.outcome for t in q.tests}  # type: ignore[union-attr]
    assert scored == {"short-form": "answered", "lookalike": "not_answered", "video": "open"}
    assert q.learning_score == Decimal(1) / Decimal(2)  # type: ignore[union-attr]
    assert "Learning goals answered: 1 of 2 tests decided (50%)." in _texts(with_plan, "learnings")
    assert score_test(q.planned[0]) == "not_started"  # type: ignore[union-attr]
    assert [e.id for e in q.planned] == ["seo-hub"]  # type: ignore[union-attr]
    md = with_plan.to_markdown()
    assert "- Test Three-field form: Fewer fields convert better" in md
    assert "- seo-hub: Does a content hub bring organic leads?" in md


def test_roles_say_who_supplies_approves_and_decides(with_plan: ReviewDocument) -> None:
    page = Page(with_plan.to_html())
    ads = page.row("roles", "Google Ads account")
    assert [c[0] for c in ads[1:3]] == [
        "Tomer Adler (Paid media lead)",
        "Gil Harel (Marketing manager)",
    ]
    pages = page.row("roles", "Landing pages")
    assert [c[0] for c in pages[1:3]] + [pages[5][0]] == ["the partner", "—", "yes"]
    md = with_plan.to_markdown()
    assert "1 grey zone(s) to settle: Landing pages." in md
    assert "- the partner: Maya Shani (Account manager)" in md
    assert "- in-house: Gil Harel (Marketing manager)" in md
    assert (
        "- Step 2: Tomer Adler (Paid media lead), when an issue is not resolved "
        "within 2 business days" in md
    )


# ------------------------------------------------------------ every language


@pytest.mark.parametrize("locale", ["he-IL", "th-TH"])
def test_the_review_is_written_in_every_locale(demo: Any, locale: str, tmp_path: Path) -> None:
    q = evaluate_quarter(demo.workspace, demo.dataset, "2026Q4", as_of=demo.as_of)
    doc = build_review(demo.workspace, demo.dataset, "2026Q4", locale=locale, evaluation=q)
    page = Page(doc.to_html())
    assert page.html_attrs["dir"] == ("rtl" if locale == "he-IL" else "ltr")
    assert page.sections[0] == "overview"
    assert _v(page.tables["review.to_date"][1][1]) == month_totals(demo.dataset, "2026-10")["spend"]
    html, md = doc.write(tmp_path)
    assert (html.name, md.name) == ("review-2026-Q4.html", "review-2026-Q4.md")


# ----------------------------------------------------------- the trial verdict


def test_the_trial_verdict_on_its_own(demo: Any) -> None:
    doc = build_trial_review(
        demo.workspace, demo.dataset, evidence=demo.evidence, as_of=demo.as_of, locale="en-US"
    )
    months = [month_totals(demo.dataset, m) for m in ("2026-08", "2026-09", "2026-10")]
    leads = sum(m["inquiries"] for m in months)
    spend = sum((m["spend"] for m in months), Decimal(0))
    # HubSpot's and the ad platforms' 840 and ₪91,706.90, plus LinkedIn's cassette: 21 + 20 + 8
    # form leads and 31 × 140 + 30 × 145 + 31 × 156 = ₪13,526
    assert (leads, spend) == (840 + 49, Decimal("91706.90") + 13526)
    assert [s.id for s in doc.sections] == ["trial"]
    assert doc.file_stem() == "trial-verdict"
    assert _texts(doc, "trial")[:2] == [
        "The trial period ran from Aug 1, 2026 to Oct 31, 2026.",
        "Verdict: extend the trial. 3 of 4 success criteria met, 1 not met, "
        "0 not measurable: not enough to decide.",
    ]
    page = Page(doc.to_html())
    cpl = page.row("trial.criteria", "Cost per lead (CPL)")
    assert (_v(cpl[2]), cpl[3][0]) == (spend / leads, "met")
    assert _v(page.row("trial.criteria", "Leads (inquiries)")[2]) == leads


def test_a_trial_still_running_is_provisional(demo: Any) -> None:
    doc = build_trial_review(
        demo.workspace, demo.dataset, evidence=demo.evidence, as_of=dt.date(2026, 9, 30)
    )
    assert doc.results.provisional  # type: ignore[union-attr]
    assert doc.locale == "he_IL"
    assert "2026" in _texts(doc, "trial")[0]


# -------------------------------------------------------------- the source map


def _last_leads(dataset: Any) -> dict[str, dt.date]:
    from _demo_sql import LEAD_SOURCE

    rows = (
        connect(dataset)
        .execute(
            f"SELECT {LEAD_SOURCE} AS source, max(timezone('{TZ}', created_at)::DATE) "
            f"FROM raw_lead WHERE is_deleted IS NOT true GROUP BY ALL"
        )
        .fetchall()
    )
    return {s: d for s, d in rows if s is not None}


def test_the_monthly_report_shows_the_source_map(demo: Any, demo_report_en: MonthlyReport) -> None:
    # silent: active, had leads, and none in the 14 days up to 31 October
    last = _last_leads(demo.dataset)
    silent = {
        s for s, d in last.items() if s != "trade-show" and (dt.date(2026, 10, 31) - d).days >= 14
    }
    assert silent == {"partner-form"}
    page = Page(demo_report_en.to_html())
    states = {r[0][0]: r[5][0] for r in page.tables["sourcemap"] if r}
    assert states == {
        "Meta lead ads": "wired",
        "LinkedIn lead gen forms": "wired",
        "Google Ads search": "wired",
        "Organic search": "wired",
        "SolarCompare partner form": "silent",
        "Customer referral programme": "wired",
        "Eilat Renewable Energy Expo import": "wired (paused)",
    }
    form = page.row("sourcemap", "SolarCompare partner form")
    assert [c[0] for c in form[1:5]] == [
        "referral",
        "Original source = OFFLINE · Original source drill-down 2 = Zapier",
        "the partner",
        "Zapier or a similar automation",
    ]


def test_the_source_map_on_its_own_names_an_unwired_source(demo: Any) -> None:
    extra = Source(
        id="webinars",
        name="Webinar sign-ups",
        channel="email",
        wiring="manual",
        owner="in_house",
    )
    ws = demo.workspace.model_copy(update={"sources": [*demo.workspace.sources, extra]})
    doc = build_source_map(ws, demo.dataset, as_of=dt.date(2026, 10, 31), locale="en-US")
    assert doc.file_stem() == "source-map"
    page = Page(doc.to_html())
    states = {r[0][0]: r[5][0] for r in page.tables["sourcemap"] if r}
    assert states["Webinar sign-ups"] == "unwired: no matching rule"
    assert states["SolarCompare partner form"] == "silent"
    assert states["Meta lead ads"] == "wired"
    assert "States as the source-map audit found them up to Oct 31, 2026." in doc.to_markdown()


# ------------------------------------------------------------------ what the partner did


def test_the_review_shows_the_work_hours_and_action_items_of_october(q4: ReviewDocument) -> None:
    # the demo's files read by hand (test_work_demo): 68.5 hours in October's Harvest
    # export against the 60 the retainer includes, 8.5 over at 250 an hour; 4 items done
    # in October and 2 open on 31 October, one of them out of scope (the Eilat expo
    # landing page); one action item overdue (the CRM access, due 16 October)
    from test_work_demo import october_hours, overdue_on_october_31, work_in_october

    used = october_hours()
    done, remaining, outside = work_in_october()
    overdue = overdue_on_october_31()
    assert (used, len(done), len(remaining)) == (Decimal("68.5"), 4, 2)
    assert outside == ["Landing page for the Eilat expo leads"]
    assert [(r["text"], r["owner"], r["due"]) for r in overdue] == [
        (
            "Give the agency access to the CRM's call tracking",
            "Marketing manager",
            "2026-10-16",
        )
    ]
    page = Page(q4.to_html())
    assert [s.id for s in q4.sections][3:5] == ["cost", "work"]
    hours = page.tables["review.hours"]
    assert [row[0][0] for row in hours[1:]] == ["October 2026"]  # November has no record
    bank, spent, over, cost = (_v(c) for c in hours[1][1:])
    assert (bank, spent, over, cost) == (60, used, used - 60, (used - 60) * 250)
    assert over == Decimal("8.5")
    work = page.tables["review.work"]
    assert [row[0][0] for row in work[1:]] == ["October 2026"]
    assert [_v(c) for c in work[1][1:]] == [len(done), len(remaining), len(outside), len(overdue)]
    scope = page.tables["review.out_of_scope"]
    assert [(row[0][0], row[1][0]) for row in scope[1:]] == [("October 2026", outside[0])]
    actions = page.tables["review.overdue_actions"]
    assert [(row[0][0], row[1][0], row[2][0], row[3][0]) for row in actions[1:]] == [
        ("October 2026", overdue[0]["text"], overdue[0]["owner"], "Oct 16, 2026")
    ]


def test_the_review_says_when_no_month_has_work_hours_or_meetings(demo: Any) -> None:
    ws = demo.workspace.model_copy(update={"contract": None})
    q = evaluate_quarter(ws, demo.dataset, "2026Q4", as_of=demo.as_of)
    october = q.with_data[0]
    october.hours = october.work_log = october.meetings = None
    october.errors.pop("hours", None)
    doc = build_review(ws, demo.dataset, "2026Q4", locale="en-US", evaluation=q)
    [block] = doc.section("work").blocks
    assert isinstance(block, NoData)
    assert block.reason == "No data: " + LENT["review.no_work"]


def test_the_relative_target_is_off_track_in_the_review(q4: ReviewDocument) -> None:
    # +20% on August's 143 sales-ready leads: 171.6; October's 117 is 31.8% short, beyond
    # the default at-risk band of 10% (worked out in test_lead_agreement_demo.py)
    from test_lead_agreement_demo import relative_target

    target, _, goal, october = relative_target()
    trend = Page(q4.to_html()).row("review.trends", target["name"])
    assert (trend[1][0], _v(trend[2]), _v(trend[3]), trend[4][0]) == (
        "October 2026",
        october,
        goal,
        "off track",
    )
