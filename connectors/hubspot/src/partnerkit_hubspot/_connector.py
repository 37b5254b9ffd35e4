"""The HubSpot connector: contacts as leads and deals, full and incremental reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from partnerkit.connector import (
    Capability,
    CheckResult,
    Connector,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import ConfigurationError, PartnerkitError
from partnerkit.records import (
    ActivityRecord,
    CompanyRecord,
    DealRecord,
    EmailCampaignRecord,
    FormSubmissionRecord,
    LeadRecord,
    RecordKind,
)
from partnerkit_hubspot import _emails
from partnerkit_hubspot._client import BASE_URL, HubSpotClient
from partnerkit_hubspot._errors import unreadable_answer
from partnerkit_hubspot._forms import FormDef, FormSubmissionMapper, SubmissionPage, in_window
from partnerkit_hubspot._pages import (
    CrmObject,
    ObjectPage,
    epoch_ms,
    next_after,
    parse_timestamp,
)
from partnerkit_hubspot._properties import ExtraProperties
from partnerkit_hubspot._records import (
    ACTIVITY_MODIFIED,
    ACTIVITY_OCCURRED,
    ACTIVITY_TYPES,
    CONTACT_MODIFIED,
    DEAL_MODIFIED,
    ActivityMapper,
    CompanyMapper,
    DealMapper,
    LeadMapper,
    Problems,
)
from partnerkit_hubspot._reference import (
    HubSpotOwner,
    HubSpotPipeline,
    HubSpotPortal,
    PropertyDef,
)
from partnerkit_hubspot._search import Query, SearchOrderError, scan_window
from partnerkit_hubspot._settings import HubSpotSettings

__all__ = ["HubSpotConnector"]

#: Deals per associations batch read.
_ASSOCIATION_BATCH = 100
_R = TypeVar("_R")
_P = TypeVar("_P", bound=Mapping[str, Any])

#: The values of the ``dates`` read option.
_DATES = ("modified", "created")

#: ``(property, top-level field)`` pairs a read selects on, by object type and ``dates``:
#: a record is read when any of its dates falls in the window.
_SELECT: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("contacts", "modified"): ((CONTACT_MODIFIED, "updatedAt"),),
    ("deals", "modified"): ((DEAL_MODIFIED, "updatedAt"),),
    ("contacts", "created"): (("createdate", "createdAt"),),
    ("deals", "created"): (("createdate", "createdAt"), ("closedate", "")),
    ("companies", "modified"): (("hs_lastmodifieddate", "updatedAt"),),
    ("companies", "created"): (("createdate", "createdAt"),),
    **{(t, "modified"): ((ACTIVITY_MODIFIED, "updatedAt"),) for t in ACTIVITY_TYPES},
    **{(t, "created"): ((ACTIVITY_OCCURRED, ""),) for t in ACTIVITY_TYPES},
}
_NO_ASSOCIATIONS = "crm.associations.NO_ASSOCIATIONS_FOUND"

#: The CRM object types each stream reads.
_OBJECTS: dict[str, tuple[str, ...]] = {
    "leads": ("contacts",),
    "deals": ("deals",),
    "activities": tuple(ACTIVITY_TYPES),
    "companies": ("companies",),
    "form_submissions": (),
}


@dataclass(frozen=True)
class _Window:
    """A read's modification-time window, in epoch milliseconds (end exclusive).

    Attributes:
        start_ms: The start, inclusive; ``None`` for a full read.
        end_ms: The end, exclusive.
        start: The first day read, in the portal's time zone.
        end: The last day read.
        zone: The time zone of the days.
    """

    start_ms: int | None
    end_ms: int
    start: dt.date | None
    end: dt.date
    zone: str
    dates: str = "modified"

    def holds(self, moment_ms: int) -> bool:
        """Whether a modification (or archiving) time falls in the window."""
        return (self.start_ms is None or moment_ms >= self.start_ms) and moment_ms < self.end_ms

    def describe(self) -> str:
        """The window in words, for notices."""
        first = self.start.isoformat() if self.start else "the beginning"
        return f"{first} to {self.end.isoformat()} ({self.zone})"

    def holds_any(self, obj: CrmObject, select: tuple[tuple[str, str], ...]) -> bool:
        """Whether any of the object's selecting dates falls in the window.

        An object with none of them is in a full read only (as if dated at the epoch).
        """
        moments = [_moment_ms(obj, *(n for n in pair if n)) for pair in select]
        known = [m for m in moments if m is not None]
        if not known:
            return self.start_ms is None
        return any(self.holds(m) for m in known)


_SELECTED = {
    "modified": "modified",
    "created": "created (deals: or closed; activities: that happened)",
    "submitted": "submitted",
}


def _moment_ms(obj: CrmObject, *names: str) -> int | None:
    """The first readable timestamp among ``properties[name]`` and top-level ``name``."""
    for name in names:
        value = obj["properties"].get(name) or obj.get(name)
        if isinstance(value, str):
            try:
                moment = parse_timestamp(value)
            except ValueError:
                continue
            if moment is not None:
                return epoch_ms(moment)
    return None


def _id_order(value: str) -> tuple[int, str]:
    return (int(value), value) if value.isdigit() else (0, value)


class HubSpotConnector(Connector[HubSpotSettings]):
    """HubSpot CRM: contacts as leads and deals, read through hubspot-api-client.

    Streams:

    * ``leads`` — contacts as :class:`~partnerkit.records.LeadRecord`: hashed email
      and phone, original / latest / record source, first-touch UTM, lifecycle stage
      dates, first sales engagement, merged ids, archived contacts as deleted.
    * ``deals`` — :class:`~partnerkit.records.DealRecord`: amount and currency,
      pipeline and stage, closed-won / closed-lost from the pipelines' stage
      metadata, associated contact ids.
    * ``activities`` — calls, emails, meetings, notes and tasks as
      :class:`~partnerkit.records.ActivityRecord`: when, which way (outbound or
      inbound), status, owner and the associated contacts — so a lead's first touch
      is read from what its reps did.
    * ``companies`` — :class:`~partnerkit.records.CompanyRecord`: name, domain,
      industry, stage, owner, and the contacts and deals associated with each.
    * ``form_submissions`` — :class:`~partnerkit.records.FormSubmissionRecord`: which
      form, when, from which page, and the person as the leads' email and phone
      hashes (every other answer is dropped). Its range is the submission time.

    A read's date range is the **modification** time of the records (in the portal's
    time zone): an incremental read returns every record created or changed in the
    range, through the CRM search API; a read without ``start`` lists everything
    (the first sync). Each record keeps its own ``created_at``.

    Read option (``ReadRequest.options``): ``dates`` — ``"modified"`` (the default,
    what a sync uses) or ``"created"``: the range then selects contacts by their
    creation date, and deals by their creation **or** close date, so a report of a
    month read straight from HubSpot (no warehouse) gets the month's leads and deals
    even when they were edited later.
    """

    name = "hubspot"
    settings_class = HubSpotSettings
    streams = (
        *(
            StreamSpec.dated(
                name, kind, f"{what}, by modification time", lookback_days=1, cursor="updated_at"
            )
            for name, kind, what in (
                ("leads", RecordKind.LEAD, "contacts as leads"),
                ("deals", RecordKind.DEAL, "deals with stage, amount and contacts"),
                ("activities", RecordKind.ACTIVITY, "calls, emails, meetings, notes, tasks"),
                ("companies", RecordKind.COMPANY, "companies with their contacts and deals"),
            )
        ),
        StreamSpec.dated(
            "form_submissions",
            RecordKind.FORM_SUBMISSION,
            "form submissions, by submission time",
            lookback_days=1,
            cursor="submitted_at",
        ),
        _emails.STREAM,
    )
    capabilities = frozenset({Capability.HTTP, Capability.INCREMENTAL, Capability.CHECK})
    read_options = frozenset({"dates"})
    """The ``ReadRequest.options`` this connector takes (see the class docstring)."""

    def __init__(
        self,
        settings: HubSpotSettings | dict[str, Any] | None = None,
        *,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        """Build the connector; nothing is requested until the first read or check.

        Args:
            settings: Settings, a mapping of them (merged over the environment), or
                ``None`` to read everything from ``PARTNERKIT_HUBSPOT_*``.
            now: The wall clock, timezone-aware; the system's by default (tests pass
                a fixed one). It says when the daily API limit resets, and is the
                moment of a read whose request sets no ``as_of`` (``ReadRequest.as_of``
                wins over it).

        Raises:
            ConfigurationError: The settings are invalid; the message names each field.
        """
        super().__init__(settings)
        self._now = now
        self._client = HubSpotClient(self.settings, now=now)
        self._pipelines: list[HubSpotPipeline] | None = None
        self._owners: list[HubSpotOwner] | None = None
        self._definitions: dict[str, list[PropertyDef]] = {}

    # ----------------------------------------------------------- reference

    def portal(self) -> HubSpotPortal:
        """The portal the credentials read: id, time zone and company currency."""
        return self._client.portal()

    def pipelines(self) -> list[HubSpotPipeline]:
        """The deal pipelines and their stages (read once, then cached)."""
        if self._pipelines is None:
            self._pipelines = self._client.pipelines("deals")
        return self._pipelines

    def owners(self) -> list[HubSpotOwner]:
        """Every owner, active and archived (read once, then cached).

        Records keep ``owner_id``; join it here for names and teams. Archived owners
        are included because older records still point to them.
        """
        if self._owners is None:
            active = self._client.owners(archived=False)
            self._owners = active + self._client.owners(archived=True)
        return self._owners

    def property_definitions(self, object_type: str) -> list[PropertyDef]:
        """The portal's property definitions of ``contacts`` or ``deals`` (cached)."""
        if object_type not in self._definitions:
            self._definitions[object_type] = self._client.property_definitions(object_type)
        return self._definitions[object_type]

    # ---------------------------------------------------------------- read

    def enabled_streams(self) -> tuple[StreamSpec, ...]:
        """The streams the ``streams`` setting names."""
        return tuple(s for s in self.streams if s.name in self.settings.streams)

    def read(
        self, request: ReadRequest
    ) -> Iterator[
        LeadRecord
        | DealRecord
        | ActivityRecord
        | FormSubmissionRecord
        | CompanyRecord
        | EmailCampaignRecord
        | Notice
    ]:
        """Read one stream's records changed (or, for forms and emails, sent) in the date range.

        Args:
            request: ``stream`` is ``leads``, ``deals``, ``activities``, ``companies``
                or ``form_submissions``; ``start``/``end`` are days of modification
                (form submissions: of submission) in the portal's time zone
                (``start=None``: everything, the first sync); ``accounts`` may name the
                portal.

        Raises:
            ConfigurationError: A stream that is not enabled, an account that is not
                this connection's portal, an option the connector does not know, an
                unknown or personal extra property.
            SourceError: HubSpot failed (mapped at one boundary; see the README).
        """
        self.stream_spec(request.stream)
        unknown = sorted(set(request.options) - self.read_options)
        if unknown:
            raise ConfigurationError(
                f"The hubspot connector takes the read option 'dates' only (got "
                f"{', '.join(unknown)})."
            )
        dates = request.options.get("dates", "modified")
        if dates not in _DATES:
            raise ConfigurationError(
                f"The hubspot read option 'dates' is 'modified' or 'created', got {dates!r}."
            )
        if request.stream not in self.settings.streams:
            raise ConfigurationError(
                f"Stream {request.stream!r} is not enabled for this connection; its streams "
                f"setting names {', '.join(self.settings.streams)}."
            )
        portal = self._client.portal()
        if request.accounts and portal.portal_id not in request.accounts:
            raise ConfigurationError(
                f"This HubSpot connection reads portal {portal.portal_id}, not "
                f"{', '.join(request.accounts)}."
            )
        window = dataclasses.replace(self._window(request, portal), dates=dates)
        excluded = request.window(portal.time_zone, clock=self._now).notice(portal.portal_id)
        if excluded is not None:
            yield excluded
        if request.stream == _emails.STREAM.name:
            yield from _emails.read_emails(
                self._client,
                start_ms=window.start_ms,
                end_ms=window.end_ms,
                zone=window.zone,
                page_size=self.settings.page_size,
            )
        elif request.stream == "leads":
            yield from self._read_leads(portal, window)
        elif request.stream == "activities":
            yield from self._read_activities(portal, window)
        elif request.stream == "companies":
            yield from self._read_companies(portal, window)
        elif request.stream == "form_submissions":
            yield from self._read_form_submissions(portal, window)
        else:
            yield from self._read_deals(portal, window)

    def _window(self, request: ReadRequest, portal: HubSpotPortal) -> _Window:
        """The read's window; "today" and "nothing from the future" count from its moment."""
        zone = ZoneInfo(portal.time_zone)
        now = request.now(self._now)
        end = request.window(zone, clock=self._now).end
        end_ms = epoch_ms(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone))
        end_ms = min(end_ms, epoch_ms(now))  # nothing from the future: it would repeat
        start_ms = None
        if request.start is not None:
            start_ms = epoch_ms(dt.datetime.combine(request.start, dt.time(), zone))
        return _Window(start_ms, end_ms, request.start, end, portal.time_zone)

    def _extras(self, object_type: str, names: Sequence[str], setting: str) -> ExtraProperties:
        definitions = self.property_definitions(object_type) if names else []
        return ExtraProperties(names, definitions, object_type=object_type, setting=setting)

    def _objects(
        self, object_type: str, window: _Window, properties: Sequence[str]
    ) -> Iterator[list[CrmObject] | Notice]:
        """Pages of objects modified (or archived) in the window, live ones first.

        With ``dates="created"`` the window selects by creation (deals: creation or
        close) instead; archived objects then by the same dates.
        """
        select = _SELECT[(object_type, window.dates)]
        if window.start_ms is not None and window.start_ms >= window.end_ms:
            return  # e.g. start is today, and today is not read: nothing to ask for
        if window.start_ms is None:
            later = 0
            for page in self._list_all(object_type, properties, archived=False):
                kept = [o for o in page if window.holds_any(o, select)]
                later += len(page) - len(kept)
                yield kept
            if later and window.dates == "modified":
                yield Notice(
                    "info",
                    "modified_after_range",
                    f"{later} {object_type} modified after {window.end.isoformat()} "
                    f"({window.zone}) were left out of this read; the next incremental read "
                    "(or include_today) picks them up.",
                    {"count": later, "end": window.end.isoformat()},
                )
        else:
            start_ms = window.start_ms

            def search(query: Query) -> ObjectPage:
                return self._client.search_page(object_type, query, properties)

            emitted: set[str] = set()  # an object selected by two dates comes once
            try:
                for prop, _ in select:
                    for page in scan_window(search, prop, start_ms, window.end_ms):
                        fresh = [o for o in page if o["id"] not in emitted]
                        if len(select) > 1:
                            emitted.update(o["id"] for o in fresh)
                        yield fresh
            except SearchOrderError as exc:
                raise unreadable_answer(
                    f"POST {BASE_URL}/crm/v3/objects/{object_type}/search",
                    str(exc),
                    account=self._client.portal().portal_id,
                ) from None
        if self.settings.include_archived:
            archived = (("archivedAt", "updatedAt"),) if window.dates == "modified" else select
            for page in self._list_all(object_type, properties, archived=True):
                yield [o for o in page if window.holds_any(o, archived)]

    def _list_all(
        self, object_type: str, properties: Sequence[str], *, archived: bool
    ) -> Iterator[list[CrmObject]]:
        def page(after: str | None) -> ObjectPage:
            return self._client.list_page(
                object_type, properties=properties, after=after, archived=archived
            )

        for answer in self._paged(page, f"GET {BASE_URL}/crm/v3/objects/{object_type}"):
            yield answer["results"]

    def _paged(self, fetch: Callable[[str | None], _P], request: str) -> Iterator[_P]:
        """Every page of a list HubSpot pages by ``paging.next.after``, in order.

        Raises:
            SourceError: A next page's cursor is the one just sent (it would never end).
        """
        after: str | None = None
        while True:
            page = fetch(after)
            yield page
            cursor = next_after(page)
            if cursor is None:
                return
            if cursor == after:
                raise unreadable_answer(
                    request,
                    "the paging cursor did not move",
                    account=self._client.portal().portal_id,
                )
            after = cursor

    # --------------------------------------------------------------- leads

    def _read_leads(self, portal: HubSpotPortal, window: _Window) -> Iterator[LeadRecord | Notice]:
        s = self.settings
        extras = self._extras("contacts", s.lead_properties, "lead_properties")
        if s.utm_properties:  # validate the UTM property names the same way
            self._extras("contacts", list(s.utm_properties.values()), "utm_properties")
        assert s.hash_salt is not None  # the settings require it when leads are read
        mapper = LeadMapper(
            portal=portal,
            salt=s.hash_salt.get_secret_value(),
            keep_raw_email=s.keep_raw_email,
            extras=extras,
            utm_properties=s.utm_properties,
        )

        def records(page: list[CrmObject]) -> Iterator[tuple[bool, LeadRecord]]:
            for obj in page:
                record = mapper(obj)
                if record is not None:
                    yield bool(record.get("is_deleted")), record

        properties = mapper.properties()
        yield from self._mapped(
            ("contacts", "leads"), window, extras, properties, records, mapper.problems
        )

    # --------------------------------------------------------------- deals

    def _read_deals(self, portal: HubSpotPortal, window: _Window) -> Iterator[DealRecord | Notice]:
        extras = self._extras("deals", self.settings.deal_properties, "deal_properties")
        mapper = DealMapper(portal=portal, pipelines=self.pipelines(), extras=extras)

        def records(page: list[CrmObject]) -> Iterator[tuple[bool, DealRecord]]:
            live = [o["id"] for o in page if not o.get("archived")]
            contacts = self._contact_ids("deals", live, mapper.problems)
            for obj in page:
                archived = bool(obj.get("archived"))
                yield archived, mapper(obj, None if archived else contacts.get(obj["id"]))

        properties = mapper.properties()
        yield from self._mapped(
            ("deals", "deals"), window, extras, properties, records, mapper.problems
        )

    def _mapped(
        self,
        objects: tuple[str, str],
        window: _Window,
        extras: ExtraProperties,
        properties: Sequence[str],
        records: Callable[[list[CrmObject]], Iterator[tuple[bool, _R]]],
        problems: Problems,
    ) -> Iterator[_R | Notice]:
        """A stream's read: the extras' notices, each page's records, problems and summary.

        ``objects`` is the CRM object type and the stream; ``records`` maps a page to
        ``(archived, record)`` pairs, which the summary counts.
        """
        object_type, stream = objects
        yield from extras.notices()
        counts = {"live": 0, "archived": 0}
        for item in self._objects(object_type, window, properties):
            if isinstance(item, Notice):
                yield item
                continue
            for archived, record in records(item):
                counts["archived" if archived else "live"] += 1
                yield record
        yield from problems.notices()
        yield self._summary(stream, counts, window)

    def _contact_ids(
        self, from_type: str, object_ids: Sequence[str], problems: Problems
    ) -> dict[str, list[str]]:
        """The contacts associated with each object: :meth:`_associated` to contacts."""
        field = "contact_ids" if from_type == "deals" else "lead_ids"
        return self._associated(from_type, "contacts", object_ids, problems, field)

    def _associated(
        self,
        from_type: str,
        to_type: str,
        object_ids: Sequence[str],
        problems: Problems,
        field: str,
    ) -> dict[str, list[str]]:
        """The ``to_type`` objects associated with each object (v4 batch read, with paging).

        An object without any gets ``[]`` (HubSpot answers 207 with a
        ``NO_ASSOCIATIONS_FOUND`` error for it); one HubSpot could not look up gets
        no entry (its ids stay ``None``) and a notice naming ``field``.
        """
        found: dict[str, list[str]] = {}
        failed: set[str] = set()
        pending: list[tuple[str, str | None]] = [(d, None) for d in object_ids]
        while pending:
            batch, pending = pending[:_ASSOCIATION_BATCH], pending[_ASSOCIATION_BATCH:]
            page = self._client.associations_page(from_type, to_type, batch)
            for result in page["results"]:
                object_id = str(result["from"]["id"])
                targets = found.setdefault(object_id, [])
                targets.extend(str(t["toObjectId"]) for t in result["to"])
                after = next_after(result)
                if after is not None:
                    pending.append((object_id, after))
            for error in page.get("errors") or []:
                context = error.get("context") or {}
                for object_id in map(str, context.get("fromObjectId") or []):
                    if error.get("subCategory") == _NO_ASSOCIATIONS:
                        found.setdefault(object_id, [])
                    else:
                        failed.add(object_id)
                        reason = str(error.get("category") or "an error")
                        problems.add(field, object_id, f"HubSpot answered {reason}")
        for object_id in object_ids:  # neither answered nor refused: no associations
            if object_id not in failed:
                found.setdefault(object_id, [])
        return {d: sorted(set(ids), key=_id_order) for d, ids in found.items()}

    # ---------------------------------------------------------- activities

    def _read_activities(
        self, portal: HubSpotPortal, window: _Window
    ) -> Iterator[ActivityRecord | Notice]:
        """Each activity type in turn, with its contacts; one summary for them all."""
        mapper = ActivityMapper(portal=portal)
        counts = {"live": 0, "archived": 0}
        for object_type in ACTIVITY_TYPES:
            properties = mapper.properties(object_type)
            for item in self._objects(object_type, window, properties):
                if isinstance(item, Notice):
                    yield item
                    continue
                live = [o["id"] for o in item if not o.get("archived")]
                contacts = self._contact_ids(object_type, live, mapper.problems)
                for obj in item:
                    archived = bool(obj.get("archived"))
                    counts["archived" if archived else "live"] += 1
                    leads = None if archived else contacts.get(obj["id"])
                    yield mapper(object_type, obj, leads)
        yield from mapper.problems.notices()
        yield self._summary("activities", counts, window)

    # ------------------------------------------------------------ companies

    def _read_companies(
        self, portal: HubSpotPortal, window: _Window
    ) -> Iterator[CompanyRecord | Notice]:
        mapper = CompanyMapper(portal=portal)
        extras = self._extras("companies", (), "company_properties")

        def records(page: list[CrmObject]) -> Iterator[tuple[bool, CompanyRecord]]:
            live = [o["id"] for o in page if not o.get("archived")]
            leads = self._contact_ids("companies", live, mapper.problems)
            deals = self._associated("companies", "deals", live, mapper.problems, "deal_ids")
            for obj in page:
                archived = bool(obj.get("archived"))
                company = obj["id"]
                yield (
                    archived,
                    mapper(
                        obj,
                        None if archived else leads.get(company),
                        None if archived else deals.get(company),
                    ),
                )

        yield from self._mapped(
            ("companies", "companies"),
            window,
            extras,
            mapper.properties(),
            records,
            mapper.problems,
        )

    # ---------------------------------------------------------------- forms

    def forms(self) -> list[FormDef]:
        """Every live form of the portal (``GET /marketing/v3/forms/``, all pages)."""
        pages = self._paged(self._client.forms_page, f"GET {BASE_URL}/marketing/v3/forms/")
        return [form for page in pages for form in page["results"]]

    def _read_form_submissions(
        self, portal: HubSpotPortal, window: _Window
    ) -> Iterator[FormSubmissionRecord | Notice]:
        """Each live form's submissions in the window, newest first, form by form."""
        assert self.settings.hash_salt is not None  # the settings require it
        mapper = FormSubmissionMapper(
            portal=portal, salt=self.settings.hash_salt.get_secret_value()
        )
        counts = {"live": 0, "archived": 0}
        for form in self.forms():
            if form.get("archived"):
                continue

            def page(after: str | None, form_id: str = form["id"]) -> SubmissionPage:
                return self._client.submissions_page(form_id, after)

            path = f"/form-integrations/v1/submissions/forms/{form['id']}"
            pages = self._paged(page, f"GET {BASE_URL}{path}")
            for rows in in_window(pages, window.start_ms, window.end_ms):
                for row in rows:
                    counts["live"] += 1
                    yield mapper(form, row)
        yield from mapper.problems.notices()
        yield self._summary("form submissions", counts, window)

    # -------------------------------------------------------------- common

    def _summary(self, stream: str, counts: dict[str, int], window: _Window) -> Notice:
        total = counts["live"] + counts["archived"]
        return Notice(
            "info",
            "read_summary",
            f"Read {total} {stream} ({counts['archived']} archived) {_SELECTED[window.dates]} "
            f"{window.describe()} from HubSpot portal {self._client.portal().portal_id}.",
            {"stream": stream, **counts, "start": window.start, "end": window.end},
        )

    def check(self) -> CheckResult:
        """Check the credentials, the portal and read access to the enabled objects.

        Asks for the account details, then one record of each enabled object type.

        Returns:
            ``ok`` with the portal in ``accounts``, or the error that made it fail.
        """
        try:
            portal = self._client.portal()
            for stream in self.settings.streams:
                if stream == _emails.STREAM.name:
                    _emails.check_emails(self._client)
                    continue
                if stream == "form_submissions":
                    self._client.forms_page(None)
                for object_type in _OBJECTS[stream]:
                    self._client.list_page(
                        object_type, properties=(), after=None, archived=False, limit=1
                    )
        except PartnerkitError as exc:
            return CheckResult.failed(exc)
        names = {"form_submissions": ("forms",), _emails.STREAM.name: ("marketing emails",)}
        readable = ", ".join(
            t for s in self.settings.streams for t in names.get(s, _OBJECTS.get(s, ()))
        )
        readable = " and ".join(readable.rsplit(", ", 1))
        return CheckResult(
            ok=True,
            message=f"HubSpot portal {portal.portal_id} ({portal.time_zone}): {readable} readable.",
            accounts=(portal.portal_id,),
        )

    def close(self) -> None:
        """Close the HTTP sessions. Safe to call more than once."""
        self._client.close()
        super().close()
