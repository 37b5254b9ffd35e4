"""The report's languages: gettext catalogues managed with babel, and the locale's formats.

Words come from gettext message catalogues under ``locale/<language>/LC_MESSAGES/``
beside this module, one ``messages.po`` per language (:data:`LANGUAGES`), all made
from the template ``locale/messages.pot`` that ``pybabel extract`` takes from the
code (see ``docs/report-languages.md``). Message ids are stable keys
(``section.summary``, ``rec.shift``); the English catalogue holds the source text, so
translators work from it (a monolingual gettext setup). Templates use ``str.format``
fields (``{name}``) that the report fills with cells.

Numbers, money, dates, percentages, time zones and currency names follow the locale
through babel: money in tables to the currency's minor unit (:meth:`Formatter.money`),
in charts and headlines to whole units (:meth:`Formatter.money_whole`).

Why the catalogues are compiled when first loaded, not committed as ``.mo`` files:
babel is a runtime dependency already, a ``.po`` of a few hundred messages compiles in
milliseconds (once per process and language, cached), and a committed binary ``.mo``
can drift from its ``.po`` or conflict when two branches add messages; with only the
``.po`` in the tree there is one source per language and nothing to keep in step.
``pybabel compile`` still works on the tree for anyone who wants ``.mo`` files.

Example:
    >>> f = Formatter("en-US", "ILS")
    >>> f.t("section.budget")
    'Budget'
    >>> f.money(Decimal("4145.40")), f.money_whole(Decimal("4145.40"))
    ('₪4,145.40', '₪4,145')
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    get_day_names,
    get_timezone,
    get_timezone_name,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_name
from babel.support import Translations

from partnerkit.errors import UnknownLocaleError as NoCatalogueError

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALES",
    "LOCALE_DIR",
    "N_",
    "Formatter",
    "catalogue_path",
    "resolve_locale",
    "translations",
]

#: The languages with a complete catalogue.
LANGUAGES = ("en", "he", "th")
#: The locales a report can be asked for by name (any region of these languages works).
LOCALES = ("en-US", "he-IL", "th-TH")
#: Where the catalogues live: ``<LOCALE_DIR>/<language>/LC_MESSAGES/messages.po``.
LOCALE_DIR = Path(__file__).parent / "locale"
#: The gettext domain (the catalogues' file name).
DOMAIN = "messages"


def N_(key: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark a message id for extraction where it is looked up later (it is returned as is)."""
    return key


def catalogue_path(language: str) -> Path:
    """The ``.po`` file of a language."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> Translations:
    """A language's catalogue, compiled from its ``.po`` once per process.

    Messages the language lacks fall back to English.

    Raises:
        UnknownLocaleError: The language has no catalogue.
    """
    if language not in LANGUAGES:
        raise NoCatalogueError(language, LOCALES)
    with catalogue_path(language).open("rb") as fp:
        catalog = read_po(fp, locale=language, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    found = Translations(buffer, domain=DOMAIN)
    if language != "en":
        found.add_fallback(translations("en"))
    return found


def resolve_locale(tag: str) -> Locale:
    """The babel locale of a tag (``he-IL``, ``en_US``, ``th``) that has a catalogue.

    Raises:
        UnknownLocaleError: The tag is not a locale, or its language has no catalogue
            (``available`` lists :data:`LOCALES`).
    """
    try:
        found = Locale.parse(tag.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise NoCatalogueError(tag, LOCALES) from None
    if found.language not in LANGUAGES:
        raise NoCatalogueError(tag, LOCALES)
    if found.territory is None:  # a bare language: its usual region, for number formats
        found = Locale.parse(next(t for t in LOCALES if t.startswith(found.language + "-")), "-")
    return found


# Codes the analysis returns and the model's enumerations, each with its message id
# (ids written out so ``pybabel extract`` finds them).
CHANNELS = {
    "paid_search": N_("channel.paid_search"),
    "paid_social": N_("channel.paid_social"),
    "organic_search": N_("channel.organic_search"),
    "organic_social": N_("channel.organic_social"),
    "email": N_("channel.email"),
    "referral": N_("channel.referral"),
    "direct": N_("channel.direct"),
    "display": N_("channel.display"),
    "video": N_("channel.video"),
    "affiliate": N_("channel.affiliate"),
    "offline": N_("channel.offline"),
    "other": N_("channel.other"),
    "(unattributed)": N_("channel.unattributed"),
}
KPIS = {
    "cpl": N_("kpi.cpl"),
    "cpa": N_("kpi.cpa"),
    "cpc": N_("kpi.cpc"),
    "cpm": N_("kpi.cpm"),
    "ctr": N_("kpi.ctr"),
    "conversion_rate": N_("kpi.conversion_rate"),
    "roas": N_("kpi.roas"),
    "roi": N_("kpi.roi"),
    "cac": N_("kpi.cac"),
    "leads": N_("kpi.leads"),
    "people": N_("kpi.people"),
    "mqls": N_("kpi.mqls"),
    "sqls": N_("kpi.sqls"),
    "customers": N_("kpi.customers"),
    "mql_to_sql_rate": N_("kpi.mql_to_sql_rate"),
    "lead_to_customer_rate": N_("kpi.lead_to_customer_rate"),
    "sessions": N_("kpi.sessions"),
    "revenue": N_("kpi.revenue"),
    "clicks": N_("kpi.clicks"),
    "impressions": N_("kpi.impressions"),
    "conversions": N_("kpi.conversions"),
    "organic_clicks": N_("kpi.organic_clicks"),
    "organic_impressions": N_("kpi.organic_impressions"),
    "average_position": N_("kpi.average_position"),
    "email_sends": N_("kpi.email_sends"),
    "email_clicks": N_("kpi.email_clicks"),
    "spend": N_("kpi.spend"),
    "cpl_total_cost": N_("kpi.cpl_total_cost"),
    "cac_total_cost": N_("kpi.cac_total_cost"),
    "roi_total_cost": N_("kpi.roi_total_cost"),
    "sales_ready_leads": N_("kpi.sales_ready_leads"),
    "nurture_leads": N_("kpi.nurture_leads"),
    "joint_closed_deals": N_("kpi.joint_closed_deals"),
}
REASONS = {
    "not_computed": N_("reason.not_computed"),
    "no_rows": N_("reason.no_rows"),
    "no_rows_for_month": N_("reason.no_rows_for_month"),
    "not_synced": N_("reason.not_synced"),
    "month_not_started": N_("reason.month_not_started"),
    "no_cases": N_("reason.no_cases"),
    "pending_only": N_("reason.pending_only"),
    "no_evidence_log": N_("reason.no_evidence_log"),
    "no_first_engagement": N_("reason.no_first_engagement"),
    "not_given": N_("reason.not_given"),
    "no_target_judged": N_("reason.no_target_judged"),
    "no_sla_decided": N_("reason.no_sla_decided"),
    "month_not_judged": N_("reason.month_not_judged"),
    "no_survey_in_time": N_("reason.no_survey_in_time"),
    "parts_not_computable": N_("reason.parts_not_computable"),
    "no_part_given": N_("reason.no_part_given"),
    "no_budget": N_("reason.no_budget"),
    "no_previous": N_("reason.no_previous"),
    "no_target": N_("reason.no_target"),
    "no_baseline": N_("reason.no_baseline"),
    "no_day_counted": N_("reason.no_day_counted"),
    "no_media_budget": N_("reason.no_media_budget"),
    "no_management_fee": N_("reason.no_management_fee"),
    "no_monthly_fee": N_("reason.no_monthly_fee"),
    "not_computable": N_("reason.not_computable"),
    "period_not_started": N_("reason.period_not_started"),
    "zero_denominator": N_("reason.zero_denominator"),
    "missing_values": N_("reason.missing_values"),
    "not_additive": N_("reason.not_additive"),
    "fees_not_computable": N_("reason.fees_not_computable"),
    "hours_used_missing": N_("reason.hours_used_missing"),
    "no_time_records": N_("reason.no_time_records"),
    "no_working_day_yet": N_("reason.no_working_day_yet"),
    "no_action_due": N_("reason.no_action_due"),
    "no_overage_rate": N_("reason.no_overage_rate"),
    "no_bank": N_("reason.no_bank"),
}


#: Message ids the report looks up by a code (``f"status.{code}"``), listed so that
#: ``pybabel extract`` finds them; the catalogue test renders each family's codes.
LOOKED_UP = (
    N_("section.summary"),
    N_("section.work"),
    N_("section.channels"),
    N_("section.insights"),
    N_("section.budget"),
    N_("section.funnel"),
    N_("section.sla"),
    N_("section.learnings"),
    N_("section.next"),
    N_("status.on_track"),
    N_("status.at_risk"),
    N_("status.off_track"),
    N_("passed.true"),
    N_("passed.false"),
    N_("passed.none"),
    N_("flag.on_budget"),
    N_("flag.over"),
    N_("flag.under"),
    N_("flag.unbudgeted"),
    N_("decision.start"),
    N_("decision.stop"),
    N_("decision.continue"),
    N_("experiment.planned"),
    N_("experiment.running"),
    N_("experiment.done"),
    N_("experiment.cancelled"),
    N_("funnel.stage.lead"),
    N_("funnel.stage.mql"),
    N_("funnel.stage.sql"),
    N_("funnel.stage.opportunity"),
    N_("funnel.stage.customer"),
    N_("health.part.kpi"),
    N_("health.part.sla"),
    N_("health.part.hygiene"),
    N_("health.part.survey"),
    N_("health.part.actions"),
    N_("health.detail.kpi"),
    N_("health.detail.sla"),
    N_("health.detail.hygiene"),
    N_("health.detail.survey"),
    N_("health.detail.actions"),
    N_("work.scope.marked_out_of_scope"),
    N_("work.scope.change_request_outside_contract"),
    N_("hint.native"),
    N_("hint.zapier"),
    N_("hint.api"),
    N_("hint.form"),
    N_("hint.import"),
    N_("hint.manual"),
    N_("hint.other"),
    N_("finding.unmapped_leads"),
    N_("finding.overlapping_rules"),
    N_("finding.silent_source"),
    N_("finding.platform_crm_gap"),
    N_("finding.below_lead_target"),
    N_("finding.campaign_not_in_source_map"),
    N_("finding.campaign_not_in_campaign_list"),
    N_("finding.campaign_gone.removed_on_platform"),
    N_("finding.campaign_gone.not_found_on_platform"),
    N_("split.age"),
    N_("split.gender"),
    N_("split.publisher_platform"),
    N_("split.platform_position"),
    N_("split.leads"),
    N_("split.clicks"),
    N_("split.cost_per_lead"),
    N_("sla.kind.response_time"),
    N_("sla.kind.deliverable_turnaround"),
    N_("sla.kind.report_delivery"),
    N_("sla.kind.lead_follow_up"),
    N_("sla.kind.meeting_cadence"),
    N_("sla.kind.custom"),
    N_("sla.rule.within.minutes"),
    N_("sla.rule.within.hours"),
    N_("sla.rule.within.days"),
    N_("sla.rule.within.business_hours"),
    N_("sla.rule.within.business_days"),
    N_("frequency.once"),
    N_("frequency.week"),
    N_("frequency.month"),
    N_("frequency.quarter"),
    N_("frequency.year"),
    N_("frequency.weeks"),
    N_("frequency.months"),
    N_("frequency.quarters"),
    N_("due.business_day"),
    N_("due.business_day_from_end"),
    N_("due.day_of_month"),
    N_("due.day_of_month_from_end"),
    N_("due.weekday"),
    N_("due.date"),
    N_("cli.not_synced"),
    N_("cli.no_rows_for_month"),
    N_("cli.month_not_started"),
)


class Formatter:
    """Words and formats for one locale and currency.

    Attributes:
        locale: The babel locale.
        language: The catalogue's language (one of :data:`LANGUAGES`).
        currency: The ISO 4217 currency of money amounts.
        rtl: Whether the language is written right to left.
    """

    def __init__(self, locale: str, currency: str) -> None:
        """Set up words and formats for a locale tag (``he-IL``, ``en_US``) and a currency.

        Raises:
            UnknownLocaleError: The locale has no catalogue (the error lists those that do).
        """
        self.locale = resolve_locale(locale)
        self.language = self.locale.language
        self.currency = currency
        self.rtl = self.locale.character_order == "right-to-left"
        self._words = translations(self.language)

    @property
    def tag(self) -> str:
        """The language tag for ``<html lang>``."""
        return str(self.locale.language)

    @property
    def bcp47(self) -> str:
        """The locale as a BCP 47 tag (``he-IL``)."""
        return "-".join(p for p in (self.locale.language, self.locale.territory) if p)

    def has(self, key: str) -> bool:
        """Whether the catalogue (or English, its fallback) has the message ``key``."""
        return self._words.gettext(key) != key

    def t(self, key: str, **fields: object) -> str:
        """The message ``key`` in the report's language, with ``fields`` filled in.

        Raises:
            KeyError: No catalogue has the message.
        """
        template = self._words.gettext(key)
        if template == key:
            raise KeyError(f"no message {key!r} in the catalogues")
        return template.format(**fields)

    # ------------------------------------------------------------------ numbers

    def number(self, value: Decimal | int | float, digits: int = 0) -> str:
        """A number with the locale's grouping, at most ``digits`` decimals."""
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def money(self, value: Decimal, currency: str | None = None) -> str:
        """An amount to the currency's minor unit (tables): ``₪4,145.40``."""
        return format_currency(value, currency or self.currency, locale=self.locale)

    def money_whole(self, value: Decimal, currency: str | None = None) -> str:
        """An amount rounded to whole units, half up (charts, headlines): ``₪4,145``."""
        pattern = self.locale.currency_formats["standard"].pattern
        whole = re.sub(r"\.[0#]+", "", pattern)
        rounded = Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)
        return format_currency(
            rounded,
            currency or self.currency,
            format=whole,
            locale=self.locale,
            currency_digits=False,
        )

    def _percent_pattern(self, digits: int) -> str:
        pattern = self.locale.percent_formats[None].pattern
        decimals = "." + "#" * digits if digits else ""
        return re.sub(r"#,##0(?:\.[0#]+)?", "#,##0" + decimals, pattern)

    def percent(self, value: Decimal, digits: int = 1) -> str:
        """A percentage given in percent units (``45.9`` → ``45.9%``)."""
        return self.share(Decimal(value) / 100, digits)

    def share(self, value: Decimal, digits: int = 1) -> str:
        """A 0–1 share as a percentage (``0.3068`` → ``30.7%``)."""
        return format_percent(
            Decimal(value), format=self._percent_pattern(digits), locale=self.locale
        )

    def signed_percent(self, value: Decimal) -> str:
        """A relative change in percent units, with its sign."""
        sign = "+" if value > 0 else ("−" if value < 0 else "")
        return sign + self.percent(abs(value))

    # ------------------------------------------------------------------ dates

    def date(self, day: dt.date) -> str:
        """A day in the locale's medium format."""
        return format_date(day, format="medium", locale=self.locale)

    def stamp(self, moment: dt.datetime) -> str:
        """A day and a time of day (the moment as given, in its own zone)."""
        return f"{self.date(moment.date())} {format_time(moment, 'short', locale=self.locale)}"

    def month(self, day: dt.date) -> str:
        """A month and year, e.g. ``October 2026`` / ``אוקטובר 2026`` (the locale's ``yMMMM``).

        Stand-alone month names (``LLLL``) are not used: babel resolves Thai's through
        an alias that returns the names of the last locale read before it.
        """
        return str(format_skeleton("yMMMM", day, locale=self.locale))

    def short_month(self, day: dt.date) -> str:
        """A short month label for chart axes."""
        return format_date(day, format="MMM yy", locale=self.locale)

    def weekday(self, name: str) -> str:
        """A weekday (``monday``) in the locale's words."""
        index = (
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ).index(name)
        return str(get_day_names("wide", locale=self.locale)[index])

    def zone(self, timezone: str) -> str:
        """A time zone's name in the locale (``Asia/Jerusalem`` → ``שעון ישראל``)."""
        return str(get_timezone_name(get_timezone(timezone), "long", locale=self.locale))

    def currency_name(self, code: str | None = None) -> str:
        """A currency's name in the locale (``ILS`` → ``Israeli New Shekel``)."""
        return str(get_currency_name(code or self.currency, locale=self.locale))

    # ------------------------------------------------------------------ codes

    def channel(self, channel: str | None) -> str:
        """A channel's name in the report's language (``None``: leads with no source)."""
        key = CHANNELS.get(channel or "(unattributed)")
        return self.t(key) if key else str(channel)

    def kpi(self, kpi: str, fallback: str) -> str:
        """A KPI's name in the report's language; ``fallback`` (the workspace's) for others.

        Leads say what they count: ``Leads (inquiries)``, every lead record.
        """
        key = KPIS.get(kpi)
        return self.t(key) if key else fallback

    def reason(self, code: str | None, **params: object) -> str:
        """A "not computable" reason code in words (an unknown code is shown as is)."""
        key = REASONS.get(code or "not_computed")
        if key is None:  # an analysis reason still in English words (the KPI engine's)
            return str(code) if self.language == "en" else self.t("reason.not_computable")
        try:
            return self.t(key, **params)
        except (KeyError, IndexError):
            return str(code)
