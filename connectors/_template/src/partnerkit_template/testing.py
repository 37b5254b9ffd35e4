"""Scripted failures of the example API for tests: the error bodies it really sends.

Replace them with your API's: copy an error body from its documentation (or a recorded
cassette) into a builder here. Each builder returns a vendor-neutral
:class:`partnerkit.testing.faults.Fault`, served by ``partnerkit.testing.faults.script``
or injected into a cassette::

    from partnerkit.testing import faults
    from partnerkit_template import testing as template_faults

    faults.script(rsps, "GET", url, template_faults.api_error(429, "rate_limited"), {"data": []})

The core's fault kit knows no vendor (statuses, resets, timeouts, broken bodies); what
this API's errors look like lives here, next to the shape ``partnerkit_template`` registers to
read them (``register_error_shape``).
"""

from __future__ import annotations

from partnerkit.testing.faults import Fault, json_fault

__all__ = ["api_error", "expired_token"]

REQUEST_ID = "req-00000000"


def api_error(status: int, code: str, message: str = "Something went wrong.") -> Fault:
    """An error as the example API sends it.

    Body: an ``"error"`` object with the API's ``code``, ``message`` and ``request_id``.

    Args:
        status: The HTTP status.
        code: The API's own error code, e.g. ``"rate_limited"``.
        message: The API's message.

    Returns:
        The fault.
    """
    error = {"code": code, "message": message, "request_id": REQUEST_ID}
    return json_fault(status, {"error": error})


def expired_token() -> Fault:
    """The token has expired: HTTP 401 with the code ``token_expired``.

    Returns:
        The fault.
    """
    return api_error(401, "token_expired", "The access token expired.")
