"""HubSpot marketing emails and their statistics, as ``email_campaign`` records.

The stream ``marketing_emails`` reads the Marketing Emails v3 API through the SDK
(``hubspot.marketing.emails``) on partnerkit's seam, like every other HubSpot call::

    GET /marketing/v3/emails?limit=100&includeStats=true&after=<cursor>

answers ``{"total": 2, "results": [{"id": "184993428780", "name": "...", "subject":
"...", "type": "BATCH_EMAIL", "state": "PUBLISHED", "isPublished": true, "publishDate":
"2026-10-06T07:00:00Z", "campaign": "...", "campaignName": "...", "stats": {"counters":
{"sent": 704, "delivered": 704, "open": 443, "click": 8, "bounce": 0, "hardbounced": 0,
"softbounced": 0, "unsubscribed": 0, "spamreport": 0, "dropped": 1, "selected": 705,
...}, "ratios": {...}, "deviceBreakdown": {...}}}], "paging": {"next": {"after":
"..."}}}`` (HubSpot's "Marketing Emails" v3 reference; the ``counters`` keys and their
meaning are those of its "email statistics" pages). Pages follow ``paging.next.after``.

HubSpot's ``open`` and ``click`` counters are **unique** (contacts who opened, contacts
who clicked), so they become ``unique_opens`` and ``unique_clicks``; HubSpot gives no
total opens or clicks (``opens`` and ``clicks`` stay null). ``bounce`` is every bounce,
``hardbounced`` and ``softbounced`` its parts. ``dropped``, ``selected``, ``suppressed``
and ``notsent`` go to ``extra``. HubSpot's ``ratios`` are left out: the rates are
recomputed by :func:`partnerkit.email.rollup`.

The API cannot filter by send time, so the stream lists the portal's emails and keeps
the published ones whose ``publishDate`` falls in the read's days (in the portal's time
zone). Automated emails (types ``AUTOMATED_EMAIL``, ``AUTOMATED_AB_EMAIL``) are sent
one contact at a time for as long as their workflow runs: their statistics are not one
send's, so they are left out, and a notice counts them.

The connector registers the stream with :data:`STREAM`, dispatches its reads to
:func:`read_emails` and its check to :func:`check_emails`; the rest lives here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from partnerkit.connector import Notice, StreamSpec
from partnerkit.errors import PageShapeError, ResponseShapeError
from partnerkit.pages import count, json_object, objects, text
from partnerkit.records import EmailCampaignRecord, RecordKind
from partnerkit_hubspot._pages import parse_timestamp

if TYPE_CHECKING:
    from partnerkit_hubspot._client import HubSpotClient

__all__ = ["PATH", "SKIPPED_AUTOMATED", "STREAM", "check_emails", "read_emails"]

#: The marketing emails endpoint.
PATH = "/marketing/v3/emails"

#: The stream's declaration: a send's counts keep growing for weeks, so a sync re-reads
#: a month of sends.
STREAM = StreamSpec.dated(
    "marketing_emails",
    RecordKind.EMAIL_CAMPAIGN,
    "marketing emails sent in the range, with their statistics (counts; rates derived)",
    lookback_days=30,
)

#: Code of the notice that counts the automated emails left out.
SKIPPED_AUTOMATED = "automated_emails_skipped"

_AUTOMATED = frozenset({"AUTOMATED_EMAIL", "AUTOMATED_AB_EMAIL"})

#: ``counters`` kept in ``extra``.
_EXTRA_COUNTERS = ("dropped", "selected", "suppressed", "notsent")


@dataclass(frozen=True)
class EmailPage:
    """One page of marketing emails.

    Attributes:
        results: The emails, each an object.
        after: The cursor of the next page, ``None`` on the last.
    """

    results: list[dict[str, Any]]
    after: str | None


def parse_email_page(raw: bytes) -> EmailPage:
    """Validate one answer of ``GET /marketing/v3/emails``.

    Raises:
        PageShapeError: The body is not a page of emails.
    """
    page = json_object(raw)
    results = objects(page, "results", "an email object", note="which HubSpot always sends")
    paging = page.get("paging")
    following = paging.get("next") if isinstance(paging, dict) else None
    after = text(following.get("after")) if isinstance(following, dict) else None
    return EmailPage(results, after)


def _page(client: HubSpotClient, after: str | None, limit: int) -> EmailPage:
    return client.emails_page(parse_email_page, PATH, after, limit)


def read_emails(
    client: HubSpotClient, *, start_ms: int | None, end_ms: int, zone: str, page_size: int
) -> Iterator[EmailCampaignRecord | Notice]:
    """The published emails sent in ``[start_ms, end_ms)``, one record each.

    Args:
        client: The connector's client (the portal is read first).
        start_ms: The window's start in epoch milliseconds; ``None`` for every send.
        end_ms: The window's end (exclusive).
        zone: The portal's time zone: a send's ``date`` is its day there.
        page_size: Emails per page.

    Raises:
        SourceError: HubSpot's error, or a page that is not the documented shape.
    """
    portal = client.portal().portal_id
    tz = ZoneInfo(zone)
    automated = 0
    after: str | None = None
    while True:
        page = _page(client, after, page_size)
        for index, email in enumerate(page.results):
            try:
                record = _record(email, f"results[{index}]", portal, tz)
            except PageShapeError as exc:
                raise ResponseShapeError.of(
                    "HubSpot", exc, api="hubspot", account=portal, request=f"GET {PATH}"
                ) from None
            if record is None:
                continue
            sent_ms = int(record["sent_at"].timestamp() * 1000)  # type: ignore[union-attr]
            if (start_ms is not None and sent_ms < start_ms) or sent_ms >= end_ms:
                continue
            if record["email_type"] in _AUTOMATED:
                automated += 1
                continue
            yield record
        after = page.after
        if after is None:
            break
    if automated:
        yield Notice(
            "info",
            SKIPPED_AUTOMATED,
            f"{automated} automated HubSpot email(s) published in the range were left out: "
            "their statistics run over every contact their workflow reaches, not one send.",
            {"account": portal, "count": automated},
        )


def check_emails(client: HubSpotClient) -> None:
    """Read one marketing email, to prove the credentials may (the ``content`` scope).

    Raises:
        SourceError: They may not.
    """
    _page(client, None, 1)


def _record(
    email: Mapping[str, Any], at: str, portal: str, zone: ZoneInfo
) -> EmailCampaignRecord | None:
    """One published email as a record; ``None`` for an email not (yet) sent."""
    email_id = text(email.get("id"))
    if email_id is None:
        raise PageShapeError(f"{at}.id", "the email's id", ResponseShapeError.describe(None))
    published = email.get("publishDate")
    if email.get("isPublished") is False or not published:
        return None
    try:
        sent_at = parse_timestamp(published) if isinstance(published, str) else None
    except ValueError:
        sent_at = None
    if sent_at is None:
        raise PageShapeError(
            f"{at}.publishDate", "an ISO 8601 time", ResponseShapeError.describe(published)
        )
    stats = email.get("stats")
    counters = stats.get("counters") if isinstance(stats, dict) else None
    if counters is not None and not isinstance(counters, dict):
        raise PageShapeError(
            f"{at}.stats.counters", "an object", ResponseShapeError.describe(counters)
        )
    found = counters or {}

    def counter(key: str) -> int | None:
        return count(found.get(key), f"{at}.stats.counters.{key}")

    extra: dict[str, str | int | None] = {key: counter(key) for key in _EXTRA_COUNTERS}
    extra["campaign_id"] = text(email.get("campaign"))
    extra["campaign_name"] = text(email.get("campaignName"))
    record: EmailCampaignRecord = {
        "date": sent_at.astimezone(zone).date(),
        "platform": "hubspot",
        "account_id": portal,
        "email_id": email_id,
        "name": text(email.get("name")),
        "subject": text(email.get("subject")),
        "sent_at": sent_at,
        "email_type": text(email.get("type")),
        "timezone": str(zone),
        "sent": counter("sent"),
        "delivered": counter("delivered"),
        "bounces": counter("bounce"),
        "hard_bounces": counter("hardbounced"),
        "soft_bounces": counter("softbounced"),
        "opens": None,  # HubSpot counts unique opens only
        "unique_opens": counter("open"),
        "clicks": None,  # and unique clicks only
        "unique_clicks": counter("click"),
        "unsubscribes": counter("unsubscribed"),
        "spam_reports": counter("spamreport"),
        "extra": {k: v for k, v in extra.items() if v is not None},
    }
    return record
