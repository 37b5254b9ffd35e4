"""The unified record schemas every connector emits.

A record is a flat ``dict`` (typed as a :class:`~typing.TypedDict`) so that pages of
records validate in one call and convert column-wise into Arrow. Each field carries a
:class:`Column` in its ``Annotated`` metadata: its meaning, unit, role and additivity.
That metadata is the one place a column is documented; :func:`columns` reads it, the
docs' record dictionary is generated from it, and :func:`arrow_schema` builds the
Arrow schema from it.

Rules every connector follows:

* Missing is ``None`` (or the key left out), never ``0``.
* Money is :class:`~decimal.Decimal` in the record's ``currency`` (ISO 4217). Google
  Ads micros are divided once, in the connector.
* ``date`` is the calendar day in the account's time zone (``timezone`` names it);
  timestamps are timezone-aware.
* ``record_id`` is filled by the framework from the record's key columns
  (:func:`record_id`): re-pulled (restated) rows get the same id and merge.
* Metrics a connector has beyond the standard ones go into ``extra``
  (``{"name": value}``); they become columns named ``extra.<name>`` in Arrow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    NotRequired,
    Required,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from pydantic import AwareDatetime, ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "MONEY_SCALE",
    "ActivityRecord",
    "Additivity",
    "CampaignRecord",
    "Column",
    "ColumnInfo",
    "CompanyRecord",
    "DealRecord",
    "EmailCampaignRecord",
    "ExtraValue",
    "FormSubmissionRecord",
    "LeadRecord",
    "MeetingItemRecord",
    "PerformanceRecord",
    "Record",
    "RecordKind",
    "Role",
    "SearchPerformanceRecord",
    "SocialDailyRecord",
    "TimeEntryRecord",
    "WorkItemRecord",
    "arrow_schema",
    "columns",
    "key_columns",
    "record_id",
    "record_type",
]

#: Digits kept after the decimal point for money (covers Google Ads micros).
MONEY_SCALE = 6

ExtraValue = str | int | float | Decimal | bool | dt.datetime | dt.date | None


class RecordKind(StrEnum):
    """The kinds of unified record."""

    PERFORMANCE = "performance"
    LEAD = "lead"
    DEAL = "deal"
    CAMPAIGN = "campaign"
    SEARCH_PERFORMANCE = "search_performance"
    EMAIL_CAMPAIGN = "email_campaign"
    ACTIVITY = "activity"
    FORM_SUBMISSION = "form_submission"
    COMPANY = "company"
    SOCIAL_DAILY = "social_daily"
    TIME_ENTRY = "time_entry"
    WORK_ITEM = "work_item"
    MEETING_ITEM = "meeting_item"


class Role(StrEnum):
    """What a column is for."""

    KEY = "key"
    """Part of the record's identity: hashed into ``record_id``."""
    ATTRIBUTE = "attribute"
    """Describes the record (a name, a currency) but is not part of its identity."""
    METRIC = "metric"
    """A measured quantity."""


class Additivity(StrEnum):
    """Whether a metric may be summed, and across what."""

    ADDITIVE = "additive"
    """Sums across every dimension and over time (impressions, clicks, spend, sessions)."""
    NON_ADDITIVE = "non_additive"
    """Never summed: distinct counts (users, reach) and ratios. Re-query at the grain."""
    NOT_APPLICABLE = "n/a"
    """Not a metric (keys and attributes)."""


Unit = Literal[
    "id",
    "text",
    "date",
    "timestamp",
    "currency_code",
    "timezone",
    "count",
    "money",
    "flag",
    "list",
    "ratio",
    "rank",
]


@dataclass(frozen=True)
class Column:
    """Documentation and role of one record column, attached with ``Annotated``.

    Attributes:
        description: What the value means, in one or two sentences.
        role: Key, attribute or metric.
        unit: The unit or kind of value.
        additivity: For metrics, whether summing is allowed.
    """

    description: str
    role: Role = Role.ATTRIBUTE
    unit: Unit = "text"
    additivity: Additivity = Additivity.NOT_APPLICABLE


def _key(description: str, unit: Unit = "id") -> Column:
    return Column(description, Role.KEY, unit)


def _attr(description: str, unit: Unit = "text") -> Column:
    return Column(description, Role.ATTRIBUTE, unit)


def _sum(description: str, unit: Unit = "count") -> Column:
    return Column(description, Role.METRIC, unit, Additivity.ADDITIVE)


def _distinct(description: str, unit: Unit = "count") -> Column:
    return Column(description, Role.METRIC, unit, Additivity.NON_ADDITIVE)


_RECORD_ID = _attr(
    "Deterministic id of the record: a hash of its record kind and key columns. "
    "Filled by the framework; equal ids mean the same row re-pulled.",
    "id",
)
_PLATFORM = _key(
    "Where the record comes from: 'meta', 'google_ads', 'ga4', 'hubspot', 'files', ..."
)
_ACCOUNT = _key(
    "The platform account: ad account, customer id, GA4 property, HubSpot portal, or a "
    "file-defined account."
)
_FORBID = ConfigDict(extra="forbid")
_EXTRA = _attr(
    "Metrics or attributes beyond the standard columns, by name. Each becomes an Arrow "
    "column named 'extra.<name>'.",
    "list",
)


@with_config(_FORBID)
class PerformanceRecord(TypedDict, total=False):
    """One day of one platform object: ad, ad group, campaign, account or traffic slice."""

    record_id: Annotated[str, _RECORD_ID]
    date: Required[Annotated[dt.date, _key("Calendar day in the account's time zone.", "date")]]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _ACCOUNT]]
    account_name: Annotated[str | None, _attr("The account's display name.")]
    level: Annotated[
        str | None,
        _key(
            "Grain of the row: 'account', 'campaign', 'ad_group', 'ad' or 'traffic'; a "
            "report stream's own grain ('keyword', 'search_term', 'geography', 'device', "
            "'conversion_action', 'custom:<name>'), whose splitting values are in "
            "'segment'. Rows of different levels overlap: never add them together.",
            "text",
        ),
    ]
    campaign_id: Annotated[str | None, _key("Platform id of the campaign.")]
    campaign_name: Annotated[str | None, _attr("Campaign name as the platform shows it.")]
    ad_group_id: Annotated[str | None, _key("Ad group (Google) or ad set (Meta) id.")]
    ad_group_name: Annotated[str | None, _attr("Ad group / ad set name.")]
    ad_id: Annotated[str | None, _key("Platform id of the ad.")]
    ad_name: Annotated[str | None, _attr("Ad name.")]
    source: Annotated[
        str | None, _key("Traffic source (utm_source or GA4 session source).", "text")
    ]
    medium: Annotated[
        str | None, _key("Traffic medium (utm_medium or GA4 session medium).", "text")
    ]
    utm_campaign: Annotated[
        str | None, _key("Campaign name in UTM tags or GA4's session campaign.", "text")
    ]
    segment: Annotated[
        str | None,
        _key(
            "Values of the row's other dimensions, 'name=value|name=value' (custom "
            "reports, e.g. 'deviceCategory=mobile'); null for the standard grain.",
            "text",
        ),
    ]
    channel: Annotated[
        str | None,
        _attr(
            "partnerkit's channel vocabulary: 'paid_search', 'paid_social', 'organic_search', "
            "'organic_social', 'email', 'referral', 'direct', 'display', 'video', 'affiliate', "
            "'offline', 'other'."
        ),
    ]
    currency: Annotated[str | None, _attr("ISO 4217 code of every money column.", "currency_code")]
    timezone: Annotated[str | None, _attr("IANA time zone the account reports in.", "timezone")]
    attribution: Annotated[
        str | None,
        _attr("Attribution setting the conversions were counted with, as the platform names it."),
    ]
    impressions: Annotated[int | None, _sum("Times an ad was shown.")]
    reach: Annotated[int | None, _distinct("Distinct people reached; not additive across days.")]
    clicks: Annotated[int | None, _sum("Clicks of any kind, as the platform counts them.")]
    link_clicks: Annotated[int | None, _sum("Clicks that led to a destination.")]
    spend: Annotated[Decimal | None, _sum("Media cost in the account currency.", "money")]
    conversions: Annotated[
        float | None, _sum("Conversions as the platform counts them (may be fractional).")
    ]
    conversion_value: Annotated[
        Decimal | None, _sum("Value of the conversions, in the account currency.", "money")
    ]
    all_conversions: Annotated[float | None, _sum("All conversions incl. secondary actions.")]
    leads: Annotated[float | None, _sum("Lead conversions by the connector's lead mapping.")]
    sessions: Annotated[int | None, _sum("Sessions (GA4).")]
    engaged_sessions: Annotated[int | None, _sum("Engaged sessions (GA4).")]
    users: Annotated[int | None, _distinct("Distinct users; not additive across days or sources.")]
    new_users: Annotated[int | None, _distinct("First-time users; not additive across slices.")]
    key_events: Annotated[float | None, _sum("GA4 key events (formerly conversions).")]
    revenue: Annotated[Decimal | None, _sum("Revenue reported by analytics.", "money")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class LeadRecord(TypedDict, total=False):
    """One lead (a CRM contact) with its sources and lifecycle dates."""

    record_id: Annotated[str, _RECORD_ID]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _ACCOUNT]]
    lead_id: Required[Annotated[str, _key("The CRM's id of the lead/contact.")]]
    created_at: Required[
        Annotated[AwareDatetime, _attr("When the lead was created (timezone-aware).", "timestamp")]
    ]
    updated_at: Annotated[AwareDatetime | None, _attr("Last modification time.", "timestamp")]
    email_hash: Annotated[
        str | None, _attr("Salted SHA-256 of the trimmed, lower-cased email. Never the raw email.")
    ]
    phone_hash: Annotated[str | None, _attr("Salted SHA-256 of the phone in E.164 form.")]
    email: Annotated[str | None, _attr("Raw email: only when the workspace opts in explicitly.")]
    original_source: Annotated[str | None, _attr("First-touch source (e.g. PAID_SOCIAL).")]
    original_source_drill_1: Annotated[str | None, _attr("First drill-down of the source.")]
    original_source_drill_2: Annotated[str | None, _attr("Second drill-down of the source.")]
    latest_source: Annotated[str | None, _attr("Latest-touch source.")]
    latest_source_drill_1: Annotated[str | None, _attr("First drill-down of the latest source.")]
    latest_source_drill_2: Annotated[str | None, _attr("Second drill-down of latest source.")]
    record_source: Annotated[
        str | None, _attr("How the record got into the CRM: form, API, import, integration.")
    ]
    record_source_detail: Annotated[str | None, _attr("Detail of the record source.")]
    utm_source: Annotated[str | None, _attr("First-touch utm_source, where known.")]
    utm_medium: Annotated[str | None, _attr("First-touch utm_medium, where known.")]
    utm_campaign: Annotated[str | None, _attr("First-touch utm_campaign, where known.")]
    utm_content: Annotated[str | None, _attr("First-touch utm_content, where known.")]
    utm_term: Annotated[str | None, _attr("First-touch utm_term, where known.")]
    lifecycle_stage: Annotated[str | None, _attr("Current lifecycle stage.")]
    lead_status: Annotated[str | None, _attr("Sales' lead status.")]
    owner_id: Annotated[str | None, _attr("Owner (sales rep) id.")]
    became_lead_at: Annotated[AwareDatetime | None, _attr("Entered stage 'lead'.", "timestamp")]
    became_mql_at: Annotated[AwareDatetime | None, _attr("Entered stage 'MQL'.", "timestamp")]
    became_sql_at: Annotated[AwareDatetime | None, _attr("Entered stage 'SQL'.", "timestamp")]
    became_opportunity_at: Annotated[
        AwareDatetime | None, _attr("Entered stage 'opportunity'.", "timestamp")
    ]
    became_customer_at: Annotated[AwareDatetime | None, _attr("Entered 'customer'.", "timestamp")]
    first_engagement_at: Annotated[
        AwareDatetime | None,
        _attr("First sales engagement / contact: the end of speed-to-lead.", "timestamp"),
    ]
    merged_ids: Annotated[list[str] | None, _attr("Ids of records merged into this one.", "list")]
    is_deleted: Annotated[bool | None, _attr("True when archived/deleted at the source.", "flag")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class DealRecord(TypedDict, total=False):
    """One deal (opportunity) with its amount, stage and contacts."""

    record_id: Annotated[str, _RECORD_ID]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _ACCOUNT]]
    deal_id: Required[Annotated[str, _key("The CRM's id of the deal.")]]
    name: Annotated[str | None, _attr("Deal name.")]
    created_at: Annotated[AwareDatetime | None, _attr("When the deal was created.", "timestamp")]
    updated_at: Annotated[AwareDatetime | None, _attr("Last modification time.", "timestamp")]
    close_date: Annotated[
        AwareDatetime | None, _attr("Close date (expected or actual).", "timestamp")
    ]
    amount: Annotated[Decimal | None, _sum("Deal amount in 'currency'.", "money")]
    currency: Annotated[str | None, _attr("ISO 4217 code of 'amount'.", "currency_code")]
    pipeline_id: Annotated[str | None, _attr("Pipeline id.")]
    stage_id: Annotated[str | None, _attr("Stage id within the pipeline.")]
    stage_label: Annotated[str | None, _attr("Stage label as shown in the CRM.")]
    is_closed_won: Annotated[
        bool | None, _attr("Stage is closed-won (from pipeline metadata).", "flag")
    ]
    is_closed_lost: Annotated[bool | None, _attr("Stage is closed-lost.", "flag")]
    contact_ids: Annotated[list[str] | None, _attr("Associated lead/contact ids.", "list")]
    owner_id: Annotated[str | None, _attr("Owner id.")]
    is_deleted: Annotated[bool | None, _attr("True when archived/deleted at the source.", "flag")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class CampaignRecord(TypedDict, total=False):
    """Metadata of one ad platform object (campaign, ad group/ad set or ad)."""

    record_id: Annotated[str, _RECORD_ID]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _ACCOUNT]]
    level: Required[
        Annotated[str, _key("'campaign_group', 'campaign', 'ad_group' or 'ad'.", "text")]
    ]
    object_id: Required[Annotated[str, _key("Platform id of the campaign, ad group or ad.")]]
    campaign_id: Annotated[str | None, _attr("The campaign this object belongs to.", "id")]
    name: Annotated[str | None, _attr("Name as the platform shows it.")]
    status: Annotated[str | None, _attr("Platform status, e.g. ACTIVE, PAUSED, REMOVED.")]
    objective: Annotated[str | None, _attr("Objective or advertising channel type.")]
    created_at: Annotated[AwareDatetime | None, _attr("Created time.", "timestamp")]
    updated_at: Annotated[AwareDatetime | None, _attr("Last updated time.", "timestamp")]
    start_date: Annotated[dt.date | None, _attr("Scheduled start.", "date")]
    end_date: Annotated[dt.date | None, _attr("Scheduled end.", "date")]
    daily_budget: Annotated[Decimal | None, _attr("Daily budget in 'currency'.", "money")]
    lifetime_budget: Annotated[Decimal | None, _attr("Lifetime budget in 'currency'.", "money")]
    currency: Annotated[str | None, _attr("ISO 4217 code of the budgets.", "currency_code")]
    utm_source: Annotated[str | None, _attr("utm_source from URL tags / tracking template.")]
    utm_medium: Annotated[str | None, _attr("utm_medium from URL tags / tracking template.")]
    utm_campaign: Annotated[str | None, _attr("utm_campaign from URL tags / tracking template.")]
    url_tags: Annotated[str | None, _attr("The raw URL tags / final URL suffix.")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class SearchPerformanceRecord(TypedDict, total=False):
    """One day of organic search results (Search Console): a property, or a query on a page.

    ``level`` says which: ``'query'`` rows are split by query, page, country and device
    and leave out anonymised queries; ``'property'`` rows are the property's whole day
    (anonymised queries included). Never add the two levels together: the difference
    is the hidden, anonymised volume. CTR and average position are not additive: roll
    them up with :func:`partnerkit.search.rollup`, which recomputes CTR from clicks and
    impressions and weights position by impressions.
    """

    record_id: Annotated[str, _RECORD_ID]
    date: Required[
        Annotated[dt.date, _key("Calendar day in the property's time zone (Pacific Time).", "date")]
    ]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[
        Annotated[
            str,
            _key(
                "The Search Console property: 'sc-domain:example.com' (a domain property) "
                "or its URL prefix, e.g. 'https://www.example.com/'."
            ),
        ]
    ]
    level: Required[
        Annotated[
            str,
            _key(
                "Grain of the row: 'query' (by query, page, country and device; anonymised "
                "queries left out) or 'property' (the whole day, anonymised queries in).",
                "text",
            ),
        ]
    ]
    search_type: Annotated[
        str | None, _key("Where the results were shown: 'web', 'image', 'video', 'news', ...")
    ]
    query: Annotated[str | None, _key("The search query; null on property rows.", "text")]
    page: Annotated[str | None, _key("The page (URL) shown in the results.", "text")]
    country: Annotated[
        str | None, _key("Searcher's country, ISO 3166-1 alpha-3 in lower case ('usa').", "text")
    ]
    device: Annotated[str | None, _key("'DESKTOP', 'MOBILE' or 'TABLET'.", "text")]
    final: Annotated[
        bool | None,
        _attr(
            "False when the day was still being processed when read (dataState 'all'); its "
            "figures may still change. Null when not known.",
            "flag",
        ),
    ]
    timezone: Annotated[str | None, _attr("IANA time zone of 'date'.", "timezone")]
    clicks: Annotated[int | None, _sum("Clicks from the search results to the property.")]
    impressions: Annotated[
        int | None, _sum("Times a link to the property was shown in the search results.")
    ]
    ctr: Annotated[
        float | None,
        _distinct(
            "Click-through rate, clicks / impressions (0.05 is 5%). Not additive: never summed "
            "or averaged; a rollup recomputes it from the summed clicks and impressions.",
            "ratio",
        ),
    ]
    position: Annotated[
        float | None,
        _distinct(
            "Average position of the topmost result (1 is first). Not additive: a rollup "
            "weights each row's position by its impressions, "
            "sum(position × impressions) / sum(impressions).",
            "rank",
        ),
    ]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class EmailCampaignRecord(TypedDict, total=False):
    """One email campaign (one send) and its counts since it was sent.

    The counts keep growing for days after the send (late opens and clicks), so a
    connector re-reads recent sends and the row is replaced by ``record_id``. Only the
    counts are columns: every rate (delivery, open, click, click-to-open, unsubscribe,
    bounce) is derived from them by :func:`partnerkit.email.rollup`, never summed or
    averaged. Opens are inflated by Apple Mail Privacy Protection (the mail app fetches
    every image on delivery, which counts as an open), so a report leads with clicks.
    """

    record_id: Annotated[str, _RECORD_ID]
    date: Required[
        Annotated[
            dt.date,
            _attr("Calendar day of the send in the account's time zone ('timezone').", "date"),
        ]
    ]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _ACCOUNT]]
    email_id: Required[
        Annotated[
            str,
            _key("The id of the sent email: a Mailchimp campaign, a HubSpot marketing email."),
        ]
    ]
    name: Annotated[str | None, _attr("The campaign's or email's internal name.")]
    subject: Annotated[str | None, _attr("The subject line recipients saw.")]
    sent_at: Annotated[
        AwareDatetime | None, _attr("When the send started (timezone-aware).", "timestamp")
    ]
    email_type: Annotated[
        str | None, _attr("The platform's kind of email: 'regular', 'automation', 'BATCH_EMAIL'...")
    ]
    audience_id: Annotated[str | None, _attr("The list or audience sent to.", "id")]
    audience_name: Annotated[str | None, _attr("The list's or audience's name.")]
    timezone: Annotated[str | None, _attr("IANA time zone of 'date'.", "timezone")]
    sent: Annotated[int | None, _sum("Emails sent (recipients the send was addressed to).")]
    delivered: Annotated[
        int | None, _sum("Emails delivered: sent minus bounced. The base of every email rate.")
    ]
    bounces: Annotated[int | None, _sum("Emails that bounced, hard and soft.")]
    hard_bounces: Annotated[int | None, _sum("Permanent bounces (the address does not exist).")]
    soft_bounces: Annotated[int | None, _sum("Temporary bounces (a full mailbox, a busy server).")]
    opens: Annotated[
        int | None,
        _sum(
            "Opens, every time counted. Inflated by Apple Mail Privacy Protection, which "
            "opens every message on delivery: read it as an upper bound."
        ),
    ]
    unique_opens: Annotated[
        int | None,
        _sum(
            "Recipients who opened at least once (inflated by Apple Mail Privacy "
            "Protection). Distinct within the send; sums across sends as per-send counts."
        ),
    ]
    clicks: Annotated[int | None, _sum("Clicks on tracked links, every time counted.")]
    unique_clicks: Annotated[
        int | None,
        _sum(
            "Recipients who clicked at least once. Distinct within the send; sums across "
            "sends as per-send counts."
        ),
    ]
    unsubscribes: Annotated[int | None, _sum("Recipients who unsubscribed from this send.")]
    spam_reports: Annotated[
        int | None, _sum("Recipients who marked the email as spam (abuse complaints).")
    ]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class ActivityRecord(TypedDict, total=False):
    """One sales activity logged in a CRM (a call, an email, a meeting, a note, a task).

    ``lead_ids`` are the contacts it is associated with, as ``LeadRecord.lead_id`` of
    the same platform and account, so a lead's first touch can be read from what its
    reps really did. ``direction`` is ``'outbound'`` (from the business to the
    contact), ``'inbound'`` or null (notes, tasks, meetings, a forwarded email).
    """

    record_id: Annotated[str, _RECORD_ID]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _ACCOUNT]]
    activity_type: Required[
        Annotated[str, _key("'call', 'email', 'meeting', 'note' or 'task'.", "text")]
    ]
    activity_id: Required[Annotated[str, _key("The CRM's id of the activity.")]]
    occurred_at: Annotated[
        AwareDatetime | None,
        _attr("When it happened (a meeting's start, a task's due time).", "timestamp"),
    ]
    created_at: Annotated[AwareDatetime | None, _attr("When it was logged.", "timestamp")]
    updated_at: Annotated[AwareDatetime | None, _attr("Last modification time.", "timestamp")]
    direction: Annotated[str | None, _attr("'outbound', 'inbound' or null (not known).")]
    status: Annotated[
        str | None, _attr("The CRM's status or outcome (COMPLETED, NO_ANSWER, SENT, ...).")
    ]
    owner_id: Annotated[str | None, _attr("Owner (sales rep) id.")]
    lead_ids: Annotated[
        list[str] | None, _attr("Associated lead/contact ids; null when not looked up.", "list")
    ]
    is_deleted: Annotated[bool | None, _attr("True when archived/deleted at the source.", "flag")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class FormSubmissionRecord(TypedDict, total=False):
    """One submission of a website form: which form brought which person, and from where.

    The person is known by the same salted hashes as a lead (``email_hash``,
    ``phone_hash``), so a submission joins the leads it created or updated; the
    other answers (names, messages) are personal data and are not kept.
    """

    record_id: Annotated[str, _RECORD_ID]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _ACCOUNT]]
    form_id: Required[Annotated[str, _key("The platform's id of the form.")]]
    submission_id: Required[
        Annotated[str, _key("The submission's id (the platform's, or derived from its content).")]
    ]
    submitted_at: Required[
        Annotated[AwareDatetime, _attr("When the form was submitted.", "timestamp")]
    ]
    form_name: Annotated[str | None, _attr("The form's name.")]
    form_type: Annotated[str | None, _attr("The platform's kind of form (e.g. 'hubspot').")]
    page_url: Annotated[
        str | None, _attr("The page the form was on, without its query string.", "text")
    ]
    utm_source: Annotated[str | None, _attr("utm_source of the page's address, where given.")]
    utm_medium: Annotated[str | None, _attr("utm_medium of the page's address, where given.")]
    utm_campaign: Annotated[str | None, _attr("utm_campaign of the page's address, where given.")]
    email_hash: Annotated[
        str | None, _attr("Salted SHA-256 of the submitted email, as on lead records.")
    ]
    phone_hash: Annotated[str | None, _attr("Salted SHA-256 of the submitted phone (E.164).")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class CompanyRecord(TypedDict, total=False):
    """One company (an account) in a CRM, with the leads and deals associated with it."""

    record_id: Annotated[str, _RECORD_ID]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _ACCOUNT]]
    company_id: Required[Annotated[str, _key("The CRM's id of the company.")]]
    name: Annotated[str | None, _attr("Company name.")]
    domain: Annotated[str | None, _attr("The company's website domain.")]
    industry: Annotated[str | None, _attr("Industry, as the CRM names it.")]
    country: Annotated[str | None, _attr("Country, as entered in the CRM.")]
    lifecycle_stage: Annotated[str | None, _attr("Current lifecycle stage.")]
    owner_id: Annotated[str | None, _attr("Owner (sales rep) id.")]
    created_at: Annotated[AwareDatetime | None, _attr("When it was created.", "timestamp")]
    updated_at: Annotated[AwareDatetime | None, _attr("Last modification time.", "timestamp")]
    lead_ids: Annotated[
        list[str] | None, _attr("Associated lead/contact ids; null when not looked up.", "list")
    ]
    deal_ids: Annotated[
        list[str] | None, _attr("Associated deal ids; null when not looked up.", "list")
    ]
    is_deleted: Annotated[bool | None, _attr("True when archived/deleted at the source.", "flag")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class SocialDailyRecord(TypedDict, total=False):
    """One day of an organic social account: a Facebook Page or an Instagram professional account.

    Flows (impressions, engagements, new followers, unfollows) add up over days. Reach
    counts distinct people and never adds up: a month's reach is not the sum of its
    days (the same person is counted on each day), and Meta's own 28-day period is not
    a calendar month, so a month's reach is not computable from these rows. Followers
    is a level on the day (a stock, not a flow): a month's figure is its last day's
    value. Roll rows up with :func:`partnerkit.social.rollup`, which keeps these rules.
    """

    record_id: Annotated[str, _RECORD_ID]
    date: Required[
        Annotated[
            dt.date,
            _key("Calendar day the figures are for, in Meta's insights time zone.", "date"),
        ]
    ]
    platform: Required[
        Annotated[
            str,
            _key("The social network and kind of account: 'facebook_page' or 'instagram'."),
        ]
    ]
    account_id: Required[
        Annotated[
            str,
            _key("The Facebook Page id, or the Instagram professional account's user id."),
        ]
    ]
    account_name: Annotated[str | None, _attr("The Page's or the Instagram account's name.")]
    timezone: Annotated[
        str | None,
        _attr(
            "IANA time zone of 'date': Meta ends a day of Page and Instagram insights at "
            "midnight Pacific Time ('America/Los_Angeles').",
            "timezone",
        ),
    ]
    impressions: Annotated[
        int | None,
        _sum(
            "Times the account's content was shown, repeats counted. Facebook: "
            "'page_media_view' (views, which replaced 'page_impressions' in November "
            "2025); Instagram: 'views' (which replaced 'impressions' in April 2025)."
        ),
    ]
    reach: Annotated[
        int | None,
        _distinct(
            "Distinct people who saw the account's content that day. Facebook: "
            "'page_total_media_view_unique' (which replaced 'page_impressions_unique'); "
            "Instagram: 'reach'. Not additive: never summed over days or accounts."
        ),
    ]
    engagements: Annotated[
        int | None,
        _sum(
            "Interactions with the account's content, every one counted (reactions, "
            "comments, shares, saves, clicks). Facebook: 'page_post_engagements'; "
            "Instagram: 'total_interactions'."
        ),
    ]
    engaged_users: Annotated[
        int | None,
        _distinct(
            "Distinct accounts that interacted that day. Instagram: 'accounts_engaged'; "
            "Facebook no longer reports it ('page_engaged_users' was retired in March "
            "2024). Not additive."
        ),
    ]
    followers: Annotated[
        int | None,
        _distinct(
            "Followers on the day: a level (a stock), not a flow. Facebook: 'page_follows'. "
            "Never summed over days: a period's followers is its last day's value."
        ),
    ]
    new_followers: Annotated[
        int | None,
        _sum(
            "People who started following that day. Facebook: 'page_daily_follows_unique'; "
            "Instagram: 'follower_count' (new followers each day)."
        ),
    ]
    unfollows: Annotated[
        int | None,
        _sum("People who stopped following that day. Facebook: 'page_daily_unfollows_unique'."),
    ]
    posts: Annotated[
        int | None,
        _sum(
            "Posts the account published that day. Facebook: the Page's 'published_posts' "
            "by 'created_time'; null on Instagram rows."
        ),
    ]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


_PERSON = "Who: a role label ('analyst', 'account_manager') or a hashed id, never a person's name."


@with_config(_FORBID)
class TimeEntryRecord(TypedDict, total=False):
    """One entry of a time-tracking export (Toggl Track, Harvest, Clockify): hours on a day.

    Hours are exact (``1.5`` is one hour and a half; a duration ``1:30:00`` in a file is
    read as 1.5). :mod:`partnerkit.analysis.hours` sets them against the contract's bank.
    """

    record_id: Annotated[str, _RECORD_ID]
    date: Required[Annotated[dt.date, _key("The day the hours were worked.", "date")]]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[
        Annotated[str, _key("The time-tracking workspace or account (a file-defined id).")]
    ]
    entry_id: Annotated[
        str | None, _key("The tracker's id of the entry, or its start time, where there is one.")
    ]
    person: Annotated[str | None, _key(_PERSON, "text")]
    project: Annotated[str | None, _key("The tracker's project.", "text")]
    task: Annotated[str | None, _key("The tracker's task.", "text")]
    task_type: Annotated[
        str | None,
        _attr(
            "The kind of work the hours went to, as the partner names it: 'strategy', "
            "'campaign_management', 'content', 'reporting', 'meetings', ..."
        ),
    ]
    client: Annotated[str | None, _attr("The tracker's client.")]
    billable: Annotated[bool | None, _attr("Whether the tracker marks the hours billable.", "flag")]
    hours: Required[
        Annotated[Decimal, _sum("Hours worked, exact (1.5 is one hour and a half).", "count")]
    ]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class WorkItemRecord(TypedDict, total=False):
    """One item of the partner's work log: a deliverable, content, an optimisation, a change.

    From the log the partner keeps or a project-management export (Asana, Jira, Trello,
    monday.com). An item is done when it has a ``done_date``;
    :mod:`partnerkit.analysis.worklog` lists the month's completed and remaining work.
    """

    record_id: Annotated[str, _RECORD_ID]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _key("The log, project or board (a file-defined id).")]]
    item_id: Required[
        Annotated[str, _key("The item's id in the log or tool (task id, issue key).")]
    ]
    title: Annotated[str | None, _attr("What the item is.")]
    item_type: Annotated[
        str | None,
        _attr(
            "'deliverable', 'content', 'optimisation', 'change_request' or 'task' (anything "
            "else as written)."
        ),
    ]
    owner: Annotated[str | None, _attr("Who owns it: a role label, never a person's name.")]
    status: Annotated[str | None, _attr("Its status as the log or the tool writes it.")]
    created_date: Annotated[dt.date | None, _attr("The day it was logged.", "date")]
    due_date: Annotated[dt.date | None, _attr("The day it is due.", "date")]
    done_date: Annotated[dt.date | None, _attr("The day it was done; null while open.", "date")]
    in_scope: Annotated[
        bool | None,
        _attr("Whether the contract's scope covers it (null: not said).", "flag"),
    ]
    deliverable_id: Annotated[
        str | None, _attr("The contract deliverable it belongs to, by its id.", "id")
    ]
    source: Annotated[str | None, _attr("Where the item was logged: 'log', 'asana', 'jira', ...")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


@with_config(_FORBID)
class MeetingItemRecord(TypedDict, total=False):
    """One decision or action item of a meeting (one row per item, the meeting repeated).

    :mod:`partnerkit.analysis.meetings` lists the month's meetings and the overdue
    action items (due before the as-of day and not done).
    """

    record_id: Annotated[str, _RECORD_ID]
    platform: Required[Annotated[str, _PLATFORM]]
    account_id: Required[Annotated[str, _key("The meeting log (a file-defined id).")]]
    meeting_id: Required[Annotated[str, _key("The meeting's id in the log.")]]
    meeting_date: Required[Annotated[dt.date, _attr("The day of the meeting.", "date")]]
    meeting_title: Annotated[str | None, _attr("What the meeting was (a weekly call, a review).")]
    item_id: Required[Annotated[str, _key("The item's id within the log.")]]
    item_type: Required[Annotated[str, _attr("'decision' or 'action'.")]]
    text: Annotated[str | None, _attr("The decision or the action, in words.")]
    owner: Annotated[str | None, _attr("Who owns the action: a role label, never a name.")]
    due_date: Annotated[dt.date | None, _attr("The day the action is due.", "date")]
    done: Annotated[bool | None, _attr("Whether the action is done.", "flag")]
    done_date: Annotated[dt.date | None, _attr("The day it was done.", "date")]
    extra: Annotated[dict[str, ExtraValue], _EXTRA]


Record = (
    PerformanceRecord
    | LeadRecord
    | DealRecord
    | CampaignRecord
    | SearchPerformanceRecord
    | EmailCampaignRecord
    | ActivityRecord
    | FormSubmissionRecord
    | CompanyRecord
    | SocialDailyRecord
    | TimeEntryRecord
    | WorkItemRecord
    | MeetingItemRecord
)

_TYPES: dict[RecordKind, type[Any]] = {
    RecordKind.PERFORMANCE: PerformanceRecord,
    RecordKind.LEAD: LeadRecord,
    RecordKind.DEAL: DealRecord,
    RecordKind.CAMPAIGN: CampaignRecord,
    RecordKind.SEARCH_PERFORMANCE: SearchPerformanceRecord,
    RecordKind.EMAIL_CAMPAIGN: EmailCampaignRecord,
    RecordKind.ACTIVITY: ActivityRecord,
    RecordKind.FORM_SUBMISSION: FormSubmissionRecord,
    RecordKind.COMPANY: CompanyRecord,
    RecordKind.SOCIAL_DAILY: SocialDailyRecord,
    RecordKind.TIME_ENTRY: TimeEntryRecord,
    RecordKind.WORK_ITEM: WorkItemRecord,
    RecordKind.MEETING_ITEM: MeetingItemRecord,
}


def record_type(kind: RecordKind | str) -> type[Any]:
    """Return the TypedDict class of a record kind.

    Args:
        kind: A :class:`RecordKind` or its value.

    Returns:
        The TypedDict class, e.g. :class:`PerformanceRecord`.
    """
    return _TYPES[RecordKind(kind)]


@dataclass(frozen=True)
class ColumnInfo:
    """A column of a record kind, as :func:`columns` returns it.

    Attributes:
        name: The column name.
        python_type: The value's Python type without ``None`` (e.g. ``Decimal``).
        nullable: Whether ``None`` is allowed.
        required: Whether every record must have the key.
        column: The documentation and role.
    """

    name: str
    python_type: Any
    nullable: bool
    required: bool
    column: Column


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    if get_origin(tp) is Annotated:  # e.g. pydantic's AwareDatetime
        return _strip_optional(get_args(tp)[0])
    args = get_args(tp)
    if get_origin(tp) in (Union, type(int | None)) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        inner = rest[0] if len(rest) == 1 else Union[tuple(rest)]  # noqa: UP007
        return _strip_optional(inner)[0], True
    return tp, False


@cache
def columns(kind: RecordKind | str) -> tuple[ColumnInfo, ...]:
    """List the columns of a record kind, in schema order, with their documentation.

    Args:
        kind: A :class:`RecordKind` or its value.

    Returns:
        One :class:`ColumnInfo` per column.
    """
    cls = record_type(kind)
    hints = get_type_hints(cls, include_extras=True)
    out = []
    for name, hint in hints.items():
        inner, required = hint, name in cls.__required_keys__
        while get_origin(inner) in (Required, NotRequired):
            required = get_origin(inner) is Required
            inner = get_args(inner)[0]
        base, meta = get_args(inner)[0], get_args(inner)[1]
        py, nullable = _strip_optional(base)
        out.append(ColumnInfo(name, py, nullable, required, meta))
    return tuple(out)


@cache
def key_columns(kind: RecordKind | str) -> tuple[str, ...]:
    """Return the names of the key columns of a record kind (hashed into ``record_id``)."""
    return tuple(c.name for c in columns(kind) if c.column.role is Role.KEY)


def record_id(kind: RecordKind | str, record: Mapping[str, Any]) -> str:
    """Compute the deterministic id of a record from its kind and key columns.

    The id is stable across runs, processes and Python versions: it hashes the kind
    and the key values (dates as ISO strings, ``None`` as an empty marker).

    Args:
        kind: The record's kind.
        record: The record (missing keys count as ``None``).

    Returns:
        A 32-character hex string.
    """
    kind = RecordKind(kind)
    parts = [kind.value]
    for name in key_columns(kind):
        value = record.get(name)
        if value is None:
            parts.append("\x00")
        elif isinstance(value, dt.date):
            parts.append(value.isoformat())
        else:
            parts.append(str(value))
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def _arrow_type(py: Any) -> pa.DataType:
    import pyarrow as pa

    if py is bool:
        return pa.bool_()
    if py is int:
        return pa.int64()
    if py is float:
        return pa.float64()
    if py is Decimal:
        return pa.decimal128(38, MONEY_SCALE)
    if py is dt.datetime or py is AwareDatetime:
        return pa.timestamp("us", tz="UTC")
    if py is dt.date:
        return pa.date32()
    if py is str:
        return pa.string()
    if get_origin(py) is list:
        return pa.list_(pa.string())
    raise TypeError(f"no Arrow type for {py!r}")


@cache
def arrow_schema(kind: RecordKind | str) -> pa.Schema:
    """Build the Arrow schema of a record kind (without ``extra``, which is expanded).

    Money is ``decimal128(38, 6)``, dates ``date32``, timestamps ``timestamp[us, UTC]``,
    counts ``int64`` (nullable), and every column carries its description as metadata.

    Args:
        kind: A :class:`RecordKind` or its value.

    Returns:
        The :class:`pyarrow.Schema`.
    """
    import pyarrow as pa

    fields = []
    for c in columns(kind):
        if c.name == "extra":
            continue
        meta = {
            "description": c.column.description,
            "role": c.column.role.value,
            "unit": c.column.unit,
            "additivity": c.column.additivity.value,
        }
        fields.append(
            pa.field(c.name, _arrow_type(c.python_type), c.nullable or not c.required, meta)
        )
    return pa.schema(fields, metadata={"partnerkit.kind": RecordKind(kind).value})
