"""The report's catalogues: complete, in step with the code, and the demo in every language.

The demo's October report is rendered in English, Hebrew and Thai from one evaluation;
each text is read as a person would (the Markdown, and the HTML page's text and
tooltips) and must hold no untranslated message, no raw code or enum value, and — in
Hebrew and Thai — no Latin-script word but the proper names the data gives.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from partnerkit.errors import ConfigurationError, UnknownLocaleError
from partnerkit.report import MonthlyReport, build_report
from partnerkit.report.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    LOCALES,
    Formatter,
    catalogue_path,
    resolve_locale,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "partnerkit"
FIELD = re.compile(r"\{(\w+)\}")


def _extract(out: Path) -> None:
    """The documented ``pybabel extract`` command (docs/report-languages.md)."""
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            "-F",
            str(LOCALE_DIR / "babel.cfg"),
            "--no-default-keywords",
            "-k",
            "t",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "--ignore-dirs",
            ".* __pycache__",
            "-o",
            str(out),
            str(SRC / "report"),
            str(SRC / "cli.py"),
        ]
    )


def _ids(path: Path) -> list[str]:
    with path.open("rb") as fp:
        return [m.id for m in read_po(fp) if m.id]


def test_the_committed_template_is_what_the_code_uses(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    _extract(fresh)
    committed = LOCALE_DIR / "messages.pot"
    assert _ids(fresh) == _ids(committed), (
        "the code's messages changed: run the extract and update commands of "
        "docs/report-languages.md"
    )
    assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_the_same_fields(language: str) -> None:
    template = _ids(LOCALE_DIR / "messages.pot")
    with catalogue_path(language).open("rb") as fp:
        catalog = read_po(fp, locale=language)
    with catalogue_path("en").open("rb") as fp:
        english = {m.id: m.string for m in read_po(fp, locale="en") if m.id}
    found = {m.id: m for m in catalog if m.id}
    assert sorted(found) == sorted(template), "the catalogue's ids differ from the template's"
    for key, message in found.items():
        assert isinstance(message.string, str)
        assert message.string.strip(), f"{language}: {key} is not translated"
        assert not message.fuzzy, f"{language}: {key} is fuzzy"
        assert set(FIELD.findall(message.string)) == set(FIELD.findall(english[key])), key


def test_an_unknown_locale_is_an_error_listing_the_available_ones() -> None:
    with pytest.raises(UnknownLocaleError) as caught:
        Formatter("de-DE", "EUR")
    assert isinstance(caught.value, ConfigurationError)
    assert caught.value.locale == "de-DE"
    assert caught.value.available == ("en-US", "he-IL", "th-TH")
    assert "en-US, he-IL, th-TH" in str(caught.value)
    with pytest.raises(UnknownLocaleError):
        resolve_locale("not a locale")
    assert str(resolve_locale("th")) == "th_TH"
    assert str(resolve_locale("en-GB")) == "en_GB"  # another region of a language with words


def test_money_to_minor_units_in_tables_and_whole_units_in_headlines() -> None:
    amount = Decimal("4145.50")
    assert Formatter("en-US", "ILS").money(amount) == "₪4,145.50"
    assert Formatter("en-US", "ILS").money_whole(amount) == "₪4,146"  # half up
    assert Formatter("en-US", "ILS").money_whole(Decimal("4145.49")) == "₪4,145"
    assert Formatter("he-IL", "ILS").money_whole(amount) == "\u200f4,146\u00a0\u200f₪"
    assert Formatter("th-TH", "THB").money(amount) == "฿4,145.50"
    assert Formatter("th-TH", "THB").money_whole(amount) == "฿4,146"
    assert Formatter("en-US", "JPY").money(Decimal("4145")) == "¥4,145"  # no minor unit


def test_numbers_dates_and_percentages_follow_the_locale() -> None:
    day = dt.date(2026, 10, 31)
    en, he, th = (Formatter(t, "ILS") for t in LOCALES)
    assert (en.month(day), he.month(day), th.month(day)) == (
        "October 2026",
        "אוקטובר 2026",
        "ตุลาคม 2026",
    )
    assert (en.date(day), he.date(day), th.date(day)) == (
        "Oct 31, 2026",
        "31 באוק׳ 2026",
        "31 ต.ค. 2026",
    )
    assert en.share(Decimal("0.3068")) == "30.7%"
    assert en.percent(Decimal("45.9")) == "45.9%"
    assert en.signed_percent(Decimal("-0.9")) == "−0.9%"
    assert Formatter("en-US", "ILS").number(Decimal("1234567.891"), 2) == "1,234,567.89"
    assert he.zone("Asia/Jerusalem") == "שעון ישראל"
    assert th.currency_name() == "นิวเชเกลอิสราเอล"


# ---------------------------------------------------------------- the demo's report


@pytest.fixture(scope="module")
def evaluation(demo: Any) -> Any:
    from partnerkit.analysis.month import evaluate_month

    return evaluate_month(
        demo.workspace,
        demo.dataset,
        "2026-10",
        as_of=demo.as_of,
        evidence=demo.evidence,
        survey=demo.survey,
    )


@pytest.fixture(scope="module")
def reports(demo: Any, evaluation: Any) -> dict[str, MonthlyReport]:
    return {
        tag: build_report(
            demo.workspace, demo.dataset, "2026-10", evaluation=evaluation, locale=tag
        )
        for tag in LOCALES
    }


class _Text(HTMLParser):
    """The words a reader sees (text nodes outside style/script) and the tooltips."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        self.parts.extend(v for k, v in attrs if k in ("title", "aria-label", "alt") and v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _read(report: MonthlyReport) -> str:
    page = _Text()
    page.feed(report.to_html())
    return report.to_markdown() + "\n" + "\n".join(page.parts)


def _names(demo: Any, evaluation: Any) -> list[str]:
    """The proper names the data gives: workspace, partner, sources, campaigns, terms."""
    ws = demo.workspace
    names = [ws.name, ws.partner.name if ws.partner else ""]
    names += [s.name for s in ws.sources] + [c.name for c in ws.campaigns if c.name]
    names += [s.name for s in ws.slas if s.name] + [t.name for t in ws.targets if t.name]
    names += [str(line.label) for line in evaluation.budget_campaigns or ()]
    for row in evaluation.audit.findings.to_pylist():
        names += [v for k, v in (row["params"] or ()) if k == "campaign_name" and v]
    names += [e.name for e in ws.learning_log if e.name]
    for source in ws.sources:  # the source map's rule values (its CRM property values)
        names += [
            p
            for field in type(source.matching).model_fields
            for p in getattr(source.matching, field)
        ]
    for note in ws.monthly_notes:
        names += [*note.observations, *note.learnings, *note.next_steps]
    names += list(ws.keyword_groups)
    if evaluation.seo is not None:  # search queries and pages are the data's own
        names += [m.key for m in evaluation.seo.movers]
    if evaluation.email is not None:  # and so are the sends' names
        names += [n for send in evaluation.email.sends for n in (send.name, send.subject) if n]
    if evaluation.social is not None:  # and the Pages' and Instagram accounts' names
        names += [a.account_name or a.account_id for a in evaluation.social.accounts]
    # the partner's own files: work items, task types, meetings and their owners (roles)
    if evaluation.work_log is not None:
        for item in (*evaluation.work_log.completed, *evaluation.work_log.remaining):
            names += [item.title or "", item.owner or ""]
    if evaluation.hours is not None:
        names += [t.task_type or "" for t in evaluation.hours.by_task_type]
    if evaluation.meetings is not None:
        items = [i for m in evaluation.meetings.meetings for i in (*m.decisions, *m.actions)]
        names += [i.meeting_title or "" for i in (*items, *evaluation.meetings.overdue)]
        names += [x for i in (*items, *evaluation.meetings.overdue) for x in (i.text, i.owner) if x]
    return sorted({n for n in names if n}, key=len, reverse=True)


#: Codes and enum values the analysis returns, that must never reach a reader as is.
_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\(\w+_\w+\)|\{\w+\}")


@pytest.mark.parametrize("tag", LOCALES)
def test_the_demo_report_is_all_in_its_language(
    tag: str, reports: dict[str, MonthlyReport], demo: Any, evaluation: Any
) -> None:
    text = _read(reports[tag])
    for name in _names(demo, evaluation):
        text = text.replace(name, " ")
    codes = sorted(set(_CODE.findall(text)))
    assert codes == [], f"raw codes in the {tag} report: {codes}"
    if tag == "en-US":
        return
    # Hebrew and Thai: no Latin letter is left once the data's names are taken out.
    latin = sorted(set(re.findall(r"[A-Za-z][A-Za-z'’.-]*", text)))
    assert latin == [], f"Latin-script words in the {tag} report: {latin}"


def test_the_demo_report_reads_as_each_language(reports: dict[str, MonthlyReport]) -> None:
    en, he, th = (reports[t] for t in LOCALES)
    assert (en.title, he.title, th.title) == ("Monthly report", "דוח חודשי", "รายงานประจำเดือน")
    assert (en.rtl, he.rtl, th.rtl) == (False, True, False)
    assert 'lang="th"' in th.to_html()
    assert "ตุลาคม 2026" in th.subtitle
    assert "ตามเวลาอิสราเอล" in th.note  # the zone and the currency by name, not code
    assert "Israel Time" in en.note
    assert "Israeli New Shekel" in en.note
    # the silent source's hint is the report's words, by the source's wiring (zapier)
    assert "check the Zap's run history" in en.to_markdown().replace("Check", "check")
    assert "בדקו את היסטוריית ההרצות של האוטומציה" in he.to_markdown()


def test_the_executive_table_names_its_first_column_metric(
    reports: dict[str, MonthlyReport],
) -> None:
    he = reports["he-IL"].section("summary").table("summary.targets")
    assert he.columns[0] == "מדד"
    assert he.columns.count("יעד") == 1
    assert reports["en-US"].section("summary").table("summary.targets").columns[:1] == ("Metric",)


def test_no_unattributed_row_where_nothing_is_unattributed(
    reports: dict[str, MonthlyReport], evaluation: Any
) -> None:
    # By hand: the demo's spend all matches a source and a campaign; the budget's
    # unattributed lines hold no spend and no plan.
    lines = [line for line in evaluation.budget_campaigns if line.key is None]
    assert all(line.spend == 0 and line.planned is None for line in lines)
    for tag in LOCALES:
        budget = reports[tag].section("budget")
        for key in ("budget.source", "budget.campaign"):
            labels = [row[0].text for row in budget.table(key).rows]
            assert Formatter(tag, "ILS").channel(None) not in labels, (tag, key)
    campaigns = [
        r[0].text for r in reports["en-US"].section("budget").table("budget.campaign").rows
    ]
    assert campaigns == [
        "Lead Ads – homeowners 30-65",
        "Lead Ads – retargeting",
        "Lead Gen – homeowners Negev",  # LinkedIn's
        "Search – solar installation",
        "Search – brand",
        "Display awareness test",
    ]


def test_findings_are_worded_from_their_codes(reports: dict[str, MonthlyReport]) -> None:
    bullets = [
        b for b in reports["en-US"].section("insights").blocks if type(b).__name__ == "Bullets"
    ]
    lines = [t.plain() for b in bullets for t in b.items]  # type: ignore[attr-defined]
    # the campaign with spend and no lead: its October spend, to the agora, in the locale
    assert (
        "Google Ads search: Display | Awareness test: ₪4,145.40 spent and no lead "
        "(ad platform: 0 leads)." in lines
    )
    assert "SolarCompare partner form: 6 leads against a target of 25 (off track)." in lines


# ---------------------------------------------------------------- the notebook display


def test_the_text_repr_is_a_short_summary(
    reports: dict[str, MonthlyReport], tmp_path: Path
) -> None:
    report = reports["en-US"]
    before = repr(report)
    assert len(before.encode("utf-8")) < 2048
    assert "October 2026" in before
    assert "272" in before  # the month's leads (inquiries), read from the evaluation
    # the month's spend, Meta + Google's 29,796.50 and LinkedIn's 4,836 (31 days × ₪156 in
    # its cassette) = 34,632.50, in whole shekels
    assert "₪34,633" in before
    assert "not written yet" in before
    html, md = report.write(tmp_path)
    after = repr(report)
    assert str(html) in after
    assert str(md) in after
    assert len(after.encode("utf-8")) < 2048
    assert len(repr(reports["he-IL"]).encode("utf-8")) < 2048


def test_the_text_repr_in_ipython_is_the_same_summary(reports: dict[str, MonthlyReport]) -> None:
    report = reports["th-TH"]

    class Printer:
        def __init__(self) -> None:
            self.out: list[str] = []

        def text(self, s: str) -> None:
            self.out.append(s)

    printer = Printer()
    report._repr_pretty_(printer, False)
    assert "".join(printer.out) == repr(report)
    printer = Printer()
    report._repr_pretty_(printer, True)
    assert "".join(printer.out) == "MonthlyReport(...)"


def test_the_html_display_keeps_its_styles_inside_the_report(
    reports: dict[str, MonthlyReport],
) -> None:
    shown = reports["he-IL"]._repr_html_()
    scope = re.match(r'<div class="partnerkit-report (partnerkit-report-[0-9a-f]+)"', shown)
    assert scope is not None
    assert 'dir="rtl"' in shown[: shown.index(">")]
    styles = re.findall(r"<style>(.*?)</style>", shown, flags=re.S)
    assert styles
    selectors = []
    for css in styles:
        body = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
        for head in re.findall(r"([^{}]+)\{", body):
            head = head.strip()
            if head.startswith("@"):
                continue
            selectors += [s.strip() for s in head.split(",")]
    assert selectors
    outside = [s for s in selectors if not s.startswith("." + scope[1])]
    assert outside == [], outside
    assert not any(re.search(r"(^|\s)(html|body|:root)\b", s) for s in selectors)
    assert "<body" not in shown
    assert "<html" not in shown
    # two displays in one notebook do not share a scope
    assert reports["he-IL"]._repr_html_()[:60] != shown[:60]


# ---------------------------------------------------------------- every code has words


def _codes() -> dict[str, list[str]]:
    """Each family of codes the report words, with every value the library defines."""
    from typing import get_args

    from partnerkit.analysis.budget import BudgetFlag
    from partnerkit.analysis.cost import FeeCode
    from partnerkit.analysis.funnel import STAGES
    from partnerkit.analysis.grain import SPLIT_DIMENSIONS, SplitMeasure
    from partnerkit.model import Channel
    from partnerkit.model._base import DurationUnit, Frequency
    from partnerkit.model.kpis import BUILTIN_KPIS, TOTAL_COST_KPIS
    from partnerkit.model.learning import Decision, ExperimentStatus
    from partnerkit.model.sla import SLAKind
    from partnerkit.model.sources import Wiring
    from partnerkit.model.targets import TargetStatus

    return {
        "channel": [c.value for c in Channel],
        "status": [s.value for s in TargetStatus],
        "flag": list(get_args(BudgetFlag)),
        "fee": list(get_args(FeeCode)),
        "decision": [d.value for d in Decision],
        "experiment": [s.value for s in ExperimentStatus],
        "funnel.stage": [name for name, _ in STAGES],
        "health.part": ["kpi", "sla", "hygiene", "survey"],
        "hint": [w.value for w in Wiring],
        "sla.kind": [k.value for k in SLAKind],
        "sla.rule.within": list(get_args(DurationUnit)),
        "frequency": list(get_args(Frequency)),
        "kpi": [*BUILTIN_KPIS, *TOTAL_COST_KPIS],
        "split": [*SPLIT_DIMENSIONS, *get_args(SplitMeasure)],
        "finding": [
            "unmapped_leads",
            "overlapping_rules",
            "silent_source",
            "spend_without_leads",
            "leads_without_spend",
            "platform_crm_gap",
            "below_lead_target",
            "campaign_not_in_source_map",
            "campaign_not_in_campaign_list",
            "campaign_gone.removed_on_platform",
            "campaign_gone.not_found_on_platform",
        ],
    }


@pytest.mark.parametrize("tag", LOCALES)
def test_every_code_the_library_defines_has_words(tag: str) -> None:
    f = Formatter(tag, "ILS")
    missing = [
        f"{family}.{code}"
        for family, codes in _codes().items()
        for code in codes
        if not f.has(f"{family}.{code}")  # each language's own words: see the .po test
    ]
    assert missing == []
    assert f.channel("paid_search") != "paid_search"
    assert f.kpi("cpl", "fallback") != "fallback"
    assert f.kpi("my_own_kpi", "My own KPI") == "My own KPI"  # the workspace's name


def test_headlines_show_whole_units_and_tables_the_minor_unit(
    reports: dict[str, MonthlyReport],
) -> None:
    # By hand: October's spend 29,796.50 + LinkedIn's 4,836 over 264 + LinkedIn's 8 leads
    # is 34,632.50 / 272 = 127.3254 a lead.
    summary = reports["en-US"].section("summary")
    lines = [t.plain() for b in summary.blocks if type(b).__name__ == "Bullets" for t in b.items]  # type: ignore[attr-defined]
    assert any(
        line.startswith("Cost per lead (CPL): ₪127 against a target of ₪180") for line in lines
    )
    row = next(r for r in summary.table("summary.targets").rows if r[0].text.startswith("Cost"))
    assert row[1].text == "₪127.33"
    assert row[1].value is not None
    assert round(row[1].value, 2) == round((Decimal("29796.50") + 4836) / (264 + 8), 2)
