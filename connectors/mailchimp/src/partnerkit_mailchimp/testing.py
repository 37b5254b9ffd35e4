"""Scripted Mailchimp failures for tests: the problem+json bodies the Marketing API sends.

Mailchimp's error body (its "Errors" page in the Marketing API reference)::

    {"type": "https://mailchimp.com/developer/marketing/docs/errors/",
     "title": "API Key Invalid", "status": 401,
     "detail": "Your API key may be invalid, or you've attempted to access the wrong
     datacenter.", "instance": "<an id for Mailchimp support>"}

served as ``application/problem+json``. Each helper returns a vendor-neutral
:class:`partnerkit.testing.faults.Fault`::

    from partnerkit_mailchimp import testing as mailchimp_faults

    tape.inject(0, mailchimp_faults.too_many_requests())
"""

from __future__ import annotations

from partnerkit.testing.faults import Fault, json_fault

__all__ = [
    "ERRORS_PAGE",
    "bad_key",
    "forbidden",
    "mailchimp_error",
    "server_error",
    "too_many_requests",
]

#: The ``type`` of every Mailchimp error: the page that lists them.
ERRORS_PAGE = "https://mailchimp.com/developer/marketing/docs/errors/"

_INSTANCE = "4a1c0e52-0f0a-4cd9-9a5e-000000000000"


def mailchimp_error(status: int, title: str, detail: str, instance: str = _INSTANCE) -> Fault:
    """Any error in Mailchimp's problem+json body.

    Args:
        status: The HTTP status (also the body's ``status``).
        title: Mailchimp's short name of the error, e.g. ``"API Key Invalid"``.
        detail: Mailchimp's explanation.
        instance: The id of this occurrence.

    Returns:
        The fault.
    """
    body = {"type": ERRORS_PAGE, "title": title, "status": status, "detail": detail}
    body["instance"] = instance
    return json_fault(status, body, {"Content-Type": "application/problem+json"})


def bad_key() -> Fault:
    """HTTP 401: the key is invalid, revoked, or of another data centre.

    Returns:
        The fault.
    """
    return mailchimp_error(
        401,
        "API Key Invalid",
        "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
    )


def forbidden() -> Fault:
    """HTTP 403: the key's user may not read this resource (or the account is disabled).

    Returns:
        The fault.
    """
    return mailchimp_error(403, "Forbidden", "You don't have permission to access this resource.")


def too_many_requests() -> Fault:
    """HTTP 429: more than 10 simultaneous connections for the user.

    Returns:
        The fault.
    """
    return mailchimp_error(
        429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections."
    )


def server_error(status: int = 503) -> Fault:
    """HTTP 5xx.

    Returns:
        The fault.
    """
    return mailchimp_error(
        status, "Internal Server Error", "An unexpected internal error has occurred."
    )
