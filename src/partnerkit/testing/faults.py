"""Scripted failures for connector tests: HTTP statuses, resets, timeouts, broken bodies.

Every helper returns a :class:`Fault`: a status, headers and a body, or an exception
raised where the network would. The kit is vendor-neutral: what one API sends when it
throttles or rejects a token (its error body, its usage headers) lives in that
connector's own ``testing`` module (``partnerkit_meta.testing.meta_error``,
``partnerkit_hubspot.testing.hubspot_rate_limited``, ...), built on :func:`json_fault`.
A fault is served in place of a response, either by ``responses``::

    with responses.RequestsMock() as rsps:
        script(rsps, "GET", url, server_error(503), rate_limited(7), {"data": []})
        ...  # the code under test retries through partnerkit.http and gets the data

or by the cassette player, which serves a fault instead of a recorded interaction
(:func:`fault_callback` turns one into a ``responses`` callback). A fault with an
``exception`` raises it where the network would: ``requests`` exceptions, as the
real transport raises them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import requests
from urllib3.exceptions import ProtocolError

if TYPE_CHECKING:
    import pytest
    import responses

__all__ = [
    "ErrorShapeChecks",
    "Fault",
    "connection_reset",
    "fault_callback",
    "in_a_list",
    "json_fault",
    "malformed_json",
    "rate_limited",
    "read_timeout",
    "script",
    "served",
    "server_error",
    "truncated_json",
]


@dataclass(frozen=True)
class Fault:
    """A scripted response, or an exception raised instead of a response.

    The cassette player and ``responses`` callbacks both understand it, so a fault
    can replace a recorded interaction or be registered on its own.

    Attributes:
        status: HTTP status of the scripted response (ignored when ``exception`` is set).
        headers: Response headers.
        body: Response body, as sent on the wire.
        exception: Raised instead of returning a response (connection reset, timeout).
    """

    status: int = 500
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | bytes = b""
    exception: BaseException | None = None

    def reply(self) -> tuple[int, dict[str, str], bytes]:
        """Serve the fault: its status, headers and body bytes, or raise its exception."""
        if self.exception is not None:
            raise self.exception
        body = self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        return self.status, dict(self.headers), body

    def json(self) -> Any:
        """The body, parsed as JSON (what a vendor's error builder put in it)."""
        return json.loads(self.body)


_JSON = "application/json; charset=UTF-8"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def json_fault(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Fault:
    """An HTTP error with a JSON body: the building block of every vendor's error faults.

    Args:
        status: The HTTP status.
        body: The body, serialised compactly as JSON.
        headers: Extra headers; ``Content-Type`` is JSON unless overridden.

    Returns:
        The fault.
    """
    return Fault(
        status=status, headers={"Content-Type": _JSON, **(headers or {})}, body=_json(body)
    )


# ------------------------------------------------------------------ generic faults


def rate_limited(retry_after: float | str | None = None) -> Fault:
    """HTTP 429, with a ``Retry-After`` header when ``retry_after`` is given.

    Args:
        retry_after: Seconds (a number) or an HTTP-date (a string); ``None`` omits it.

    Returns:
        The fault (body: the plain status text, as many gateways send).
    """
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    if retry_after is not None:
        headers["Retry-After"] = (
            f"{retry_after:g}" if isinstance(retry_after, int | float) else retry_after
        )
    return Fault(status=429, headers=headers, body="Too Many Requests")


# google.rpc.Status bodies: the status per HTTP code from cloud.google.com/apis/design/errors,
# the messages as Google front ends send them; a 502 comes from a load balancer, as HTML.
_SERVER_ERRORS: dict[int, str] = {
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "Deadline expired before operation could complete.",
}


def server_error(status: int = 503, *, retry_after: float | None = None) -> Fault:
    """A 5xx: a JSON ``{"error": {"code", "message"}}`` for 500/503/504, an HTML page else.

    A vendor's own 5xx body (with its status names) belongs to that connector's
    ``testing`` module.

    Args:
        status: 500, 502, 503 or 504 (any 5xx is accepted).
        retry_after: Adds a ``Retry-After`` header (seconds), as a 503 may carry.

    Returns:
        The fault.
    """
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    if status in _SERVER_ERRORS:
        body = {"error": {"code": status, "message": _SERVER_ERRORS[status]}}
        return json_fault(status, body, headers)
    page = f"<html><head><title>{status} Server Error</title></head><body></body></html>"
    return Fault(status=status, headers={"Content-Type": "text/html", **headers}, body=page)


def connection_reset() -> Fault:
    """The peer reset the connection: what ``requests`` raises on ``ECONNRESET``."""
    reset = ConnectionResetError(104, "Connection reset by peer")
    return Fault(
        exception=requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", reset))
    )


def read_timeout(seconds: float = 60.0) -> Fault:
    """No answer within the read timeout: what ``requests`` raises then."""
    message = f"Read timed out. (read timeout={seconds:g})"
    return Fault(exception=requests.exceptions.ReadTimeout(message))


def truncated_json(body: Any, *, keep: float = 0.5) -> Fault:
    """A 200 whose JSON body stops part-way (a dropped connection after the headers).

    Args:
        body: The full body: a JSON-able value, or its serialised text.
        keep: The fraction of the body kept.

    Returns:
        The fault; the cut never ends on the closing bracket.
    """
    text = body if isinstance(body, str) else _json(body)
    cut = text[: max(1, int(len(text) * keep))].rstrip("}] \n")
    return Fault(status=200, headers={"Content-Type": _JSON}, body=cut or text[:1])


def in_a_list(fault: Fault) -> Fault:
    """``fault`` with its JSON body wrapped in a one-item JSON array, status and headers kept.

    Some APIs and gateways send their error object inside a list (``[{"error": ...}]``);
    the core's error reader must find the vendor's code and message there too.

    Args:
        fault: A fault with a JSON body (from :func:`json_fault` or a vendor's kit).

    Returns:
        The fault.
    """
    return Fault(fault.status, fault.headers, "[" + _json(fault.json()) + "]")


def malformed_json(body: str = '{"data": [{"spend": "12.50",}]}') -> Fault:
    """A complete 200 that is not valid JSON (here a trailing comma).

    It is complete (brackets closed), so the seam passes it through untouched and
    the connector's own parsing must report it.
    """
    return Fault(status=200, headers={"Content-Type": _JSON}, body=body)


# ----------------------------------------------------------------- serving faults

Step = Fault | Mapping[str, Any] | Sequence[Any] | str | bytes


def fault_callback(
    fault: Fault,
) -> Callable[[requests.PreparedRequest], tuple[int, dict[str, str], bytes]]:
    """A ``responses`` callback serving ``fault``: its response, or its exception raised.

    Register it with ``rsps.add_callback(method, url, callback=..., content_type=None)``
    (``content_type=None`` keeps the fault's own ``Content-Type``).
    """

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        return fault.reply()

    return callback


def served(fault: Fault, url: str = "https://api.example.com/x") -> requests.Response:
    """``fault`` as the real ``requests.Response`` a connector would receive from a GET.

    For testing what reads a response (an error shape registered with
    :func:`partnerkit.http.register_error_shape`, :func:`partnerkit.http.error_from_response`)
    without a transport.

    Args:
        fault: The fault to serve; one with an ``exception`` raises it.
        url: The URL the response claims to come from.

    Returns:
        The response.
    """
    import responses

    with responses.RequestsMock() as rsps:
        rsps.add_callback("GET", url, callback=fault_callback(fault), content_type=None)
        return requests.get(url, timeout=10)


def script(
    rsps: responses.RequestsMock, method: str, url: str, *steps: Step
) -> list[responses.BaseResponse]:
    """Register ``steps`` at one URL on ``rsps``, served in order, one per request.

    A step is a :class:`Fault`, or a normal 200 response: a mapping or a list (sent
    as JSON), or a ``str``/``bytes`` body. The last step keeps being served after
    the others are used up; with ``assert_all_requests_are_fired`` (the default of
    ``responses.RequestsMock()``) a step never reached fails the test.

    Args:
        rsps: The active ``responses.RequestsMock``.
        method: The HTTP method, e.g. ``"GET"``.
        url: The URL (a query string in it must match; or use a compiled regex).
        *steps: What to serve, first to last.

    Returns:
        The registered responses, in order (each has ``call_count``).
    """
    registered: list[responses.BaseResponse] = []
    for step in steps:
        if isinstance(step, Fault):
            if step.exception is not None:
                registered.append(rsps.add(method, url, body=step.exception))
                continue
            kind = [v for k, v in step.headers.items() if k.lower() == "content-type"]
            rest = {k: v for k, v in step.headers.items() if k.lower() != "content-type"}
            registered.append(
                rsps.add(
                    method,
                    url,
                    status=step.status,
                    headers=rest,
                    body=step.body,
                    content_type=kind[0] if kind else None,
                )
            )
        elif isinstance(step, str | bytes):
            registered.append(rsps.add(method, url, body=step, status=200))
        else:
            registered.append(rsps.add(method, url, json=step, status=200))
    return registered


ErrorCase = tuple[Fault, int, str | int | None, str]
"""One row of :attr:`ErrorShapeChecks.cases`: ``(fault, status, vendor_code, message_start)``."""


class ErrorShapeChecks:
    """Contract-style checks that a vendor's error faults read back through its error shape.

    The vendor's package owns its error bodies (its ``testing`` module) and the
    :class:`~partnerkit.http.ErrorShape` it registers; these checks hold the two together
    without the core knowing either. Subclass it in the connector's tests::

        class TestErrorShape(faults.ErrorShapeChecks):
            api = "shop"
            cases = {"expired token": (shop_faults.expired_token(), 401, "EXPIRED", "The token")}

    For each case, named by its key: the fault is served with ``status``, and
    :func:`partnerkit.http.error_from_response` finds ``vendor_code`` and a vendor message
    that starts with ``message_start``.
    """

    #: The API whose registered error shape reads the faults.
    api: ClassVar[str] = ""
    #: Name (the test id) to ``(fault, status, vendor_code, message_start)``.
    cases: ClassVar[Mapping[str, ErrorCase]] = {}

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """One test per row of :attr:`cases`, named by its key."""
        if "error_case" in metafunc.fixturenames:
            metafunc.parametrize("error_case", list(self.cases.values()), ids=list(self.cases))

    def test_the_registered_shape_reads_the_vendor_code_and_message(
        self, error_case: ErrorCase
    ) -> None:
        """The vendor's fault reads back as its code and message, not a generic error."""
        from partnerkit import http

        fault, status, code, message = error_case
        error = http.error_from_response(self.api, served(fault))
        assert fault.status == status
        assert error.vendor_code == code
        assert error.vendor_message is not None
        assert error.vendor_message.startswith(message)
