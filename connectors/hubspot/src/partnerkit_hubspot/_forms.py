"""Forms and their submissions: which form brought which person, hashed like a lead.

Two endpoints, because HubSpot has no v3 API for submissions:

* ``GET /marketing/v3/forms/`` — the portal's forms (``results`` of form definitions
  with ``id``, ``name``, ``formType``, paged by ``paging.next.after``), through the
  SDK's ``FormsApi``;
* ``GET /form-integrations/v1/submissions/forms/{formGuid}`` — one form's submissions,
  **newest first**, at most 50 a page (``results`` of ``{conversionId, submittedAt
  (epoch ms), values: [{name, value, objectTypeId}], pageUrl}``, paged by
  ``paging.next.after``). It takes no date filter: a read pages back until a page
  reaches past the window's start.

A submission's answers are personal data: only the email and the phone are kept, as
the salted hashes every partnerkit connector shares, so a submission joins the leads
it created (``LeadRecord.email_hash``). Names, messages and the raw values never
reach a record. The page's address is kept without its query string (which can carry
an email), with its ``utm_source`` / ``utm_medium`` / ``utm_campaign``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import NotRequired, Required
from urllib.parse import urlsplit, urlunsplit

from pydantic import TypeAdapter
from typing_extensions import TypedDict

from partnerkit.connector import first_contact_points
from partnerkit.privacy import hash_email, hash_phone
from partnerkit.records import FormSubmissionRecord
from partnerkit_hubspot._pages import Paging, _validate, text
from partnerkit_hubspot._records import PLATFORM, Problems, utm_of
from partnerkit_hubspot._reference import HubSpotPortal

__all__ = [
    "FormDef",
    "FormPage",
    "FormSubmissionMapper",
    "SubmissionPage",
    "in_window",
    "parse_form_page",
    "parse_submission_page",
]

#: Submissions per page (the endpoint's maximum).
SUBMISSIONS_PAGE_SIZE = 50

#: Form fields whose value is an email or a phone, hashed; every other answer is dropped.
_EMAIL_FIELDS = frozenset({"email", "work_email"})
_PHONE_FIELDS = frozenset({"phone", "mobilephone"})


class FormDef(TypedDict, total=False):
    """One form of ``GET /marketing/v3/forms/`` (the fields a read uses)."""

    id: Required[str]
    name: str | None
    formType: str | None
    archived: bool


class FormPage(TypedDict, total=False):
    """A page of forms."""

    results: Required[list[FormDef]]
    paging: Paging


class SubmittedValue(TypedDict, total=False):
    """One answer of a submission."""

    name: Required[str]
    value: str | None
    objectTypeId: str


class Submission(TypedDict, total=False):
    """One submission of ``/form-integrations/v1/submissions/forms/{formGuid}``."""

    submittedAt: Required[int]
    values: Required[list[SubmittedValue]]
    conversionId: NotRequired[str]
    pageUrl: NotRequired[str | None]


class SubmissionPage(TypedDict, total=False):
    """A page of a form's submissions, newest first."""

    results: Required[list[Submission]]
    paging: Paging


_FORM_PAGE = TypeAdapter(FormPage)
_SUBMISSION_PAGE = TypeAdapter(SubmissionPage)


def parse_form_page(raw: bytes) -> FormPage:
    """Validate a page of forms in one call.

    Raises:
        PageShapeError: The body is JSON but not a page of forms.
        PageError: The body is not JSON, or a form's fields do not fit.
    """
    return _validate(_FORM_PAGE, raw)


def parse_submission_page(raw: bytes) -> SubmissionPage:
    """Validate a page of submissions in one call.

    Raises:
        PageShapeError: The body is JSON but not a page of submissions.
        PageError: The body is not JSON, or a submission's fields do not fit.
    """
    return _validate(_SUBMISSION_PAGE, raw)


def in_window(
    pages: Iterator[SubmissionPage], start_ms: int | None, end_ms: int
) -> Iterator[list[Submission]]:
    """The submissions of newest-first pages inside ``start_ms <= submittedAt < end_ms``.

    Stops asking for pages once a page holds a submission older than ``start_ms``.
    """
    for page in pages:
        rows = page["results"]
        yield [
            r
            for r in rows
            if (start_ms is None or r["submittedAt"] >= start_ms) and r["submittedAt"] < end_ms
        ]
        if start_ms is not None and any(r["submittedAt"] < start_ms for r in rows):
            return


def _page_and_utm(url: str | None) -> tuple[str | None, dict[str, str | None]]:
    """The page's address without its query string, and the query's UTM tags."""
    url = text(url)
    if url is None:
        return None, utm_of(None)
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")) or None, utm_of(url)


class FormSubmissionMapper:
    """Submissions to :class:`~partnerkit.records.FormSubmissionRecord` rows.

    Args:
        portal: The portal (its id is ``account_id``).
        salt: The secret salt of email and phone hashes (the leads' salt).
    """

    def __init__(self, *, portal: HubSpotPortal, salt: str) -> None:
        self.portal = portal
        self._salt = salt
        self.problems = Problems("form submission")

    def __call__(self, form: FormDef, submission: Submission) -> FormSubmissionRecord:
        """Map one submission of ``form``."""
        submitted = dt.datetime.fromtimestamp(submission["submittedAt"] / 1000, dt.UTC)
        email, phone = first_contact_points(
            (
                (answer["name"].lower(), text(answer.get("value")))
                for answer in submission["values"]
            ),
            _EMAIL_FIELDS,
            _PHONE_FIELDS,
        )
        submission_id = text(submission.get("conversionId"))
        email_hash = self._hash(hash_email, email, "email", submission_id)
        phone_hash = self._hash(hash_phone, phone, "phone", submission_id)
        if submission_id is None:  # no id from HubSpot: one from what identifies it
            seed = f"{form['id']}|{submission['submittedAt']}|{email_hash}|{phone_hash}"
            submission_id = "sha256:" + hashlib.sha256(seed.encode()).hexdigest()[:32]
        page_url, utm = _page_and_utm(submission.get("pageUrl"))
        return {
            "platform": PLATFORM,
            "account_id": self.portal.portal_id,
            "form_id": form["id"],
            "submission_id": submission_id,
            "submitted_at": submitted,
            "form_name": text(form.get("name")),
            "form_type": text(form.get("formType")),
            "page_url": page_url,
            "utm_source": utm["utm_source"],
            "utm_medium": utm["utm_medium"],
            "utm_campaign": utm["utm_campaign"],
            "email_hash": email_hash,
            "phone_hash": phone_hash,
        }

    def _hash(
        self,
        how: Callable[[str, str], str],
        value: str | None,
        field: str,
        submission_id: str | None,
    ) -> str | None:
        if value is None:
            return None
        try:
            return how(value, self._salt)
        except ValueError:
            what = "an email address" if field == "email" else "a phone number"
            self.problems.add(field, submission_id or "(no id)", f"not {what}")
            return None
