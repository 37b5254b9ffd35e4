"""HubSpot contacts and deals to unified lead and deal records.

Each mapper turns one raw CRM object (``properties`` as strings) into a flat
record. Values that cannot be read are left empty and collected, per field, into
one notice each at the end of a read — never dropped silently, never repeated raw
when they are personal data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from partnerkit.connector import Notice
from partnerkit.privacy import hash_email, hash_phone
from partnerkit.records import ActivityRecord, CompanyRecord, DealRecord, ExtraValue, LeadRecord
from partnerkit_hubspot._pages import CrmObject, parse_decimal, parse_timestamp, text
from partnerkit_hubspot._properties import ExtraProperties
from partnerkit_hubspot._reference import HubSpotPipeline, HubSpotPortal
from partnerkit_hubspot._settings import UtmField

__all__ = [
    "ACTIVITY_MODIFIED",
    "ACTIVITY_TYPES",
    "CONTACT_MODIFIED",
    "CONTACT_PROPERTIES",
    "DEAL_MODIFIED",
    "DEAL_PROPERTIES",
    "ActivityMapper",
    "CompanyMapper",
    "DealMapper",
    "LeadMapper",
    "Problems",
]

PLATFORM = "hubspot"

CONTACT_MODIFIED = "lastmodifieddate"
DEAL_MODIFIED = "hs_lastmodifieddate"
ACTIVITY_MODIFIED = "hs_lastmodifieddate"
ACTIVITY_OCCURRED = "hs_timestamp"

#: The CRM object type of each activity type, in the order a read takes them.
ACTIVITY_TYPES: dict[str, str] = {
    "calls": "call",
    "emails": "email",
    "meetings": "meeting",
    "notes": "note",
    "tasks": "task",
}

#: ``(direction property, status property)`` of each activity object type.
_ACTIVITY_FIELDS: dict[str, tuple[str | None, str | None]] = {
    "calls": ("hs_call_direction", "hs_call_status"),
    "emails": ("hs_email_direction", "hs_email_status"),
    "meetings": (None, "hs_meeting_outcome"),
    "notes": (None, None),
    "tasks": (None, "hs_task_status"),
}

#: HubSpot's direction values: a call's ``OUTBOUND``/``INBOUND``; an email's ``EMAIL``
#: (sent from the CRM) and ``INCOMING_EMAIL`` (the contact's reply). A forwarded email
#: (``FORWARDED_EMAIL``) says nothing about who wrote first, so it has no direction.
_DIRECTIONS = {
    "OUTBOUND": "outbound",
    "INBOUND": "inbound",
    "EMAIL": "outbound",
    "INCOMING_EMAIL": "inbound",
}

#: Lifecycle stages with a date column, and the record field each one fills.
STAGE_FIELDS: dict[str, str] = {
    "lead": "became_lead_at",
    "marketingqualifiedlead": "became_mql_at",
    "salesqualifiedlead": "became_sql_at",
    "opportunity": "became_opportunity_at",
    "customer": "became_customer_at",
}

#: The first time a sales rep reached out (any rep, any channel), then the current
#: owner's first engagement: the first one set is the end of speed-to-lead.
FIRST_ENGAGEMENT = ("hs_first_outreach_date", "hs_sa_first_engagement_date")

UTM_FIELDS: tuple[UtmField, ...] = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
)
FIRST_URL = "hs_analytics_first_url"

#: The lead columns copied as text from a contact property: column to property (where
#: the lead came from, then where it stands; the request lists them in that order).
_SOURCE_TEXTS: dict[str, str] = {
    "original_source": "hs_analytics_source",
    "original_source_drill_1": "hs_analytics_source_data_1",
    "original_source_drill_2": "hs_analytics_source_data_2",
    "latest_source": "hs_latest_source",
    "latest_source_drill_1": "hs_latest_source_data_1",
    "latest_source_drill_2": "hs_latest_source_data_2",
    "record_source": "hs_object_source_label",
    "record_source_detail": "hs_object_source_detail_1",
}
_STATUS_TEXTS: dict[str, str] = {
    "lifecycle_stage": "lifecyclestage",
    "lead_status": "hs_lead_status",
    "owner_id": "hubspot_owner_id",
}
_CONTACT_TEXTS = {**_SOURCE_TEXTS, **_STATUS_TEXTS}

CONTACT_PROPERTIES: tuple[str, ...] = (
    "createdate",
    CONTACT_MODIFIED,
    "email",
    "phone",
    "mobilephone",
    *_SOURCE_TEXTS.values(),
    FIRST_URL,
    *_STATUS_TEXTS.values(),
    *(f"hs_lifecyclestage_{stage}_date" for stage in STAGE_FIELDS),
    *(f"hs_v2_date_entered_{stage}" for stage in STAGE_FIELDS),
    *FIRST_ENGAGEMENT,
    "hs_merged_object_ids",
)
"""The contact properties every lead read requests."""

DEAL_PROPERTIES: tuple[str, ...] = (
    "dealname",
    "amount",
    "deal_currency_code",
    "closedate",
    "createdate",
    DEAL_MODIFIED,
    "pipeline",
    "dealstage",
    "hubspot_owner_id",
)
"""The deal properties every deal read requests."""


def _merge(*groups: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(name for group in groups for name in group))


def _extra(
    extras: ExtraProperties, props: Mapping[str, str | None], record_id: str, problems: Problems
) -> dict[str, ExtraValue]:
    """The record's ``extra`` values; each unreadable one is noted in ``problems``."""
    issues: list[tuple[str, str]] = []
    extra = extras.convert(props, issues)
    for name, reason in issues:
        problems.add(name, record_id, reason)
    return extra


class Problems:
    """Unreadable values of one read, collected by field for one notice each.

    Args:
        noun: What the records are, e.g. ``"lead"``, for messages.
    """

    def __init__(self, noun: str) -> None:
        self.noun = noun
        self._seen: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.rejected: list[tuple[str, str]] = []

    def add(self, field: str, record_id: str, reason: str) -> None:
        """Note that ``field`` of ``record_id`` could not be read (``reason`` never holds it)."""
        self._seen[(field, reason)].append(record_id)

    def reject(self, record_id: str, reason: str) -> None:
        """Note a record that could not be mapped at all."""
        self.rejected.append((record_id, reason))

    def notices(self) -> Iterator[Notice]:
        """One warning per field and reason, then one per rejected record."""
        for (field, reason), ids in sorted(self._seen.items()):
            shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
            yield Notice(
                "warning",
                "unreadable_value",
                f"{len(ids)} {self.noun}(s): the {field} HubSpot sent could not be read "
                f"({reason}) and was left empty. Ids: {shown}.",
                {"field": field, "reason": reason, "ids": list(ids), "count": len(ids)},
            )
        for record_id, reason in self.rejected:
            yield Notice(
                "warning",
                "rejected_row",
                f"{self.noun} {record_id} was left out: {reason}.",
                {"id": record_id, "reason": reason},
            )


def _timestamp(
    props: Mapping[str, str | None], name: str, record_id: str, problems: Problems
) -> dt.datetime | None:
    try:
        return parse_timestamp(props.get(name))
    except ValueError:
        problems.add(name, record_id, "not a timestamp")
        return None


def _dated(
    obj: CrmObject, name: str, top: str, record_id: str, problems: Problems
) -> dt.datetime | None:
    """The property ``name``, else the object's top-level ``top`` (``createdAt``...)."""
    found = _timestamp(obj["properties"], name, record_id, problems)
    if found is not None:
        return found
    raw = obj.get(top)
    return _timestamp({top: raw if isinstance(raw, str) else None}, top, record_id, problems)


def _first_timestamp(
    props: Mapping[str, str | None], names: Sequence[str], record_id: str, problems: Problems
) -> dt.datetime | None:
    for name in names:
        moment = _timestamp(props, name, record_id, problems)
        if moment is not None:
            return moment
    return None


class LeadMapper:
    """Contacts to :class:`~partnerkit.records.LeadRecord` rows.

    Args:
        portal: The portal (its id is the records' ``account_id``).
        salt: The secret salt of email and phone hashes.
        keep_raw_email: Also keep the raw email.
        extras: The validated extra properties, if any.
        utm_properties: Contact properties holding UTM values, by UTM field.
    """

    def __init__(
        self,
        *,
        portal: HubSpotPortal,
        salt: str,
        keep_raw_email: bool = False,
        extras: ExtraProperties | None = None,
        utm_properties: Mapping[UtmField, str] | None = None,
    ) -> None:
        self.portal = portal
        self._salt = salt
        self._keep_raw_email = keep_raw_email
        self.extras = extras
        self._utm = dict(utm_properties or {})
        self.problems = Problems("lead")

    def properties(self) -> list[str]:
        """Every contact property this mapper reads."""
        extra = self.extras.names if self.extras else []
        return _merge(CONTACT_PROPERTIES, list(self._utm.values()), extra)

    def __call__(self, obj: CrmObject) -> LeadRecord | None:
        """Map one contact; ``None`` (and a rejection noted) when it has no created time."""
        props = obj["properties"]
        lead_id = obj["id"]
        problems = self.problems
        created = _timestamp(props, "createdate", lead_id, problems)
        if created is None:
            created = _timestamp(
                {"createdAt": obj.get("createdAt")}, "createdAt", lead_id, problems
            )
        if created is None:
            problems.reject(lead_id, "HubSpot sent no created time (createdate)")
            return None
        record: LeadRecord = {
            "platform": PLATFORM,
            "account_id": self.portal.portal_id,
            "lead_id": lead_id,
            "created_at": created,
            "updated_at": _dated(obj, CONTACT_MODIFIED, "updatedAt", lead_id, problems),
            **self._contact_points(props, lead_id),  # type: ignore[typeddict-item]
            **_texts(props, _CONTACT_TEXTS),
            **self._utm_values(props),
            "first_engagement_at": _first_timestamp(props, FIRST_ENGAGEMENT, lead_id, problems),
            "merged_ids": _merged_ids(props.get("hs_merged_object_ids")),
            "is_deleted": bool(obj.get("archived", False)),
        }
        for stage, field in STAGE_FIELDS.items():
            names = (f"hs_lifecyclestage_{stage}_date", f"hs_v2_date_entered_{stage}")
            record[field] = _first_timestamp(props, names, lead_id, problems)  # type: ignore[literal-required]
        if self.extras is not None and self.extras.names:
            record["extra"] = _extra(self.extras, props, lead_id, problems)
        return record

    def _contact_points(
        self, props: Mapping[str, str | None], lead_id: str
    ) -> dict[str, str | None]:
        """``email_hash`` and ``phone_hash`` (and ``email`` only when asked to keep it)."""
        points: dict[str, str | None] = {"email_hash": None, "phone_hash": None}
        email = text(props.get("email"))
        if email is not None:
            try:
                points["email_hash"] = hash_email(email, self._salt)
            except ValueError:
                self.problems.add("email", lead_id, "not an email address")
        if self._keep_raw_email:
            points["email"] = email
        phone = text(props.get("phone")) or text(props.get("mobilephone"))
        if phone is not None:
            try:
                points["phone_hash"] = hash_phone(phone, self._salt)
            except ValueError:
                self.problems.add("phone", lead_id, "not a phone number")
        return points

    def _utm_values(self, props: Mapping[str, str | None]) -> dict[str, str | None]:
        from_url = utm_of(props.get(FIRST_URL))
        return {
            field: text(props.get(self._utm[field])) if field in self._utm else from_url[field]
            for field in UTM_FIELDS
        }


def _texts(props: Mapping[str, str | None], columns: Mapping[str, str]) -> dict[str, str | None]:
    """The record columns that copy a property as text (``None`` when empty or absent)."""
    return {column: text(props.get(name)) for column, name in columns.items()}


def utm_of(url: str | None) -> dict[str, str | None]:
    """The ``utm_*`` parameters of an address's query (each ``None`` when absent)."""
    url = text(url)
    found = parse_qs(urlsplit(url).query) if url is not None else {}
    return {field: text(found[field][0]) if field in found else None for field in UTM_FIELDS}


def _merged_ids(value: str | None) -> list[str] | None:
    """``hs_merged_object_ids`` (``"201;202"``) as a list of ids."""
    value = text(value)
    if value is None:
        return None
    ids = [part.strip() for part in value.split(";") if part.strip()]
    return ids or None


class DealMapper:
    """Deals to :class:`~partnerkit.records.DealRecord` rows.

    Closed-won and closed-lost come from the pipelines API: a stage whose
    ``metadata.isClosed`` is true is won at probability 1 and lost at probability 0
    — never from the stage's name, which users rename and translate.

    Args:
        portal: The portal (its id is ``account_id``; its company currency is a deal's
            currency when the deal has none).
        pipelines: The deal pipelines.
        extras: The validated extra properties, if any.
    """

    def __init__(
        self,
        *,
        portal: HubSpotPortal,
        pipelines: Sequence[HubSpotPipeline],
        extras: ExtraProperties | None = None,
    ) -> None:
        self.portal = portal
        self._pipelines = {p.id: p for p in pipelines}
        self.extras = extras
        self.problems = Problems("deal")

    def properties(self) -> list[str]:
        """Every deal property this mapper reads."""
        return _merge(DEAL_PROPERTIES, self.extras.names if self.extras else [])

    def __call__(self, obj: CrmObject, contact_ids: list[str] | None) -> DealRecord:
        """Map one deal with its associated contact ids (``None`` when not looked up)."""
        props = obj["properties"]
        deal_id = obj["id"]
        problems = self.problems
        try:
            amount = parse_decimal(props.get("amount"))
        except ValueError:
            amount = None
            problems.add("amount", deal_id, "not a number")
        pipeline_id = text(props.get("pipeline"))
        stage_id = text(props.get("dealstage"))
        record: DealRecord = {
            "platform": PLATFORM,
            "account_id": self.portal.portal_id,
            "deal_id": deal_id,
            "name": text(props.get("dealname")),
            "created_at": _dated(obj, "createdate", "createdAt", deal_id, problems),
            "updated_at": _dated(obj, DEAL_MODIFIED, "updatedAt", deal_id, problems),
            "close_date": _timestamp(props, "closedate", deal_id, problems),
            "amount": amount,
            "currency": text(props.get("deal_currency_code")) or self.portal.currency,
            "pipeline_id": pipeline_id,
            "stage_id": stage_id,
            "contact_ids": contact_ids,
            "owner_id": text(props.get("hubspot_owner_id")),
            "is_deleted": bool(obj.get("archived", False)),
            **self._stage(deal_id, pipeline_id, stage_id),  # type: ignore[typeddict-item]
        }
        if self.extras is not None and self.extras.names:
            record["extra"] = _extra(self.extras, props, deal_id, problems)
        return record

    def _stage(
        self, deal_id: str, pipeline_id: str | None, stage_id: str | None
    ) -> dict[str, object]:
        unknown: dict[str, object] = {
            "stage_label": None,
            "is_closed_won": None,
            "is_closed_lost": None,
        }
        if stage_id is None:
            return unknown
        pipeline = self._pipelines.get(pipeline_id or "")
        stage = pipeline.stage(stage_id) if pipeline else None
        if stage is None:
            where = f"pipeline {pipeline_id}" if pipeline_id else "no pipeline"
            self.problems.add(
                "dealstage", deal_id, f"stage {stage_id} is not in {where} (archived or deleted)"
            )
            return unknown
        if stage.is_closed and not (stage.is_won or stage.is_lost):
            self.problems.add(
                "dealstage",
                deal_id,
                f"closed stage {stage_id} has probability {stage.probability}, neither won "
                "(1.0) nor lost (0.0)",
            )
        return {
            "stage_label": stage.label,
            "is_closed_won": stage.is_won,
            "is_closed_lost": stage.is_lost,
        }


class _PortalMapper:
    """A mapper that needs only the portal, its unreadable values noted as ``noun``s.

    Args:
        portal: The portal (its id is ``account_id``).
    """

    noun: ClassVar[str]

    def __init__(self, *, portal: HubSpotPortal) -> None:
        self.portal = portal
        self.problems = Problems(self.noun)


class ActivityMapper(_PortalMapper):
    """Calls, emails, meetings, notes and tasks to :class:`~partnerkit.records.ActivityRecord`.

    Only timing, direction, status and owner are read: bodies, subjects and
    recipients are personal data and never requested.
    """

    noun = "activity"

    @staticmethod
    def properties(object_type: str) -> list[str]:
        """Every property of ``object_type`` (``calls``...) this mapper reads."""
        direction, status = _ACTIVITY_FIELDS[object_type]
        named = [n for n in (direction, status) if n is not None]
        starts = ["hs_meeting_start_time"] if object_type == "meetings" else []
        return _merge(
            (ACTIVITY_OCCURRED, "hs_createdate", ACTIVITY_MODIFIED, "hubspot_owner_id"),
            named,
            starts,
        )

    def __call__(
        self, object_type: str, obj: CrmObject, lead_ids: list[str] | None
    ) -> ActivityRecord:
        """Map one activity with its associated contact ids (``None`` when not looked up)."""
        props = obj["properties"]
        activity_id = obj["id"]
        problems = self.problems
        direction_property, status_property = _ACTIVITY_FIELDS[object_type]
        occurred = _first_timestamp(
            props, ("hs_meeting_start_time", ACTIVITY_OCCURRED), activity_id, problems
        )
        direction = None
        if direction_property is not None:
            raw = text(props.get(direction_property))
            direction = _DIRECTIONS.get(raw.upper()) if raw else None
        return {
            "platform": PLATFORM,
            "account_id": self.portal.portal_id,
            "activity_type": ACTIVITY_TYPES[object_type],
            "activity_id": activity_id,
            "occurred_at": occurred,
            "created_at": _dated(obj, "hs_createdate", "createdAt", activity_id, problems),
            "updated_at": _dated(obj, ACTIVITY_MODIFIED, "updatedAt", activity_id, problems),
            "direction": direction,
            "status": text(props.get(status_property)) if status_property else None,
            "owner_id": text(props.get("hubspot_owner_id")),
            "lead_ids": lead_ids,
            "is_deleted": bool(obj.get("archived", False)),
        }


#: The company columns copied as text from a company property: column to property.
_COMPANY_TEXTS: dict[str, str] = {
    "name": "name",
    "domain": "domain",
    "industry": "industry",
    "country": "country",
    "lifecycle_stage": "lifecyclestage",
    "owner_id": "hubspot_owner_id",
}

COMPANY_PROPERTIES: tuple[str, ...] = (
    *_COMPANY_TEXTS.values(),
    "createdate",
    "hs_lastmodifieddate",
)
"""The company properties every company read requests."""


class CompanyMapper(_PortalMapper):
    """Companies to :class:`~partnerkit.records.CompanyRecord` rows."""

    noun = "company"

    @staticmethod
    def properties() -> list[str]:
        """Every company property this mapper reads."""
        return list(COMPANY_PROPERTIES)

    def __call__(
        self, obj: CrmObject, lead_ids: list[str] | None, deal_ids: list[str] | None
    ) -> CompanyRecord:
        """Map one company with its associated contacts and deals (``None``: not looked up)."""
        props = obj["properties"]
        company_id = obj["id"]
        problems = self.problems
        return {
            "platform": PLATFORM,
            "account_id": self.portal.portal_id,
            "company_id": company_id,
            **_texts(props, _COMPANY_TEXTS),  # type: ignore[typeddict-item]
            "created_at": _dated(obj, "createdate", "createdAt", company_id, problems),
            "updated_at": _dated(obj, "hs_lastmodifieddate", "updatedAt", company_id, problems),
            "lead_ids": lead_ids,
            "deal_ids": deal_ids,
            "is_deleted": bool(obj.get("archived", False)),
        }
