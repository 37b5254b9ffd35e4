"""Google's shared error front end, for the tests of connectors to Google APIs.

Google APIs (the GA4 Data API, the Google Ads REST interface...) answer errors as a
``google.rpc.Status`` (AIP-193): ``{"error": {"code", "message", "status",
"details": [...]}}``, and say an expired token the same way whatever the API; only the
``ErrorInfo`` metadata names the service and method. A connector's own ``testing``
module builds its expired-token fault with :func:`expired_token`, and its tests
subclass :class:`GoogleErrorShape` to check that the error shape the connector
registers (``ErrorShape(code_keys=("status", "code"), detail_keys=("details",))``)
reads such bodies back.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, ClassVar

from partnerkit.testing.faults import Fault, json_fault, served

if TYPE_CHECKING:
    from partnerkit.errors import SourceError

__all__ = ["UNAUTHENTICATED_MESSAGE", "GoogleErrorShape", "expired_token"]

UNAUTHENTICATED_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
"""The ``message`` of Google's 401 ``UNAUTHENTICATED``, word for word."""


def expired_token(service: str, method: str) -> Fault:
    """An expired access token, as a Google API says it.

    HTTP 401 ``UNAUTHENTICATED`` with a ``google.rpc.ErrorInfo`` of reason
    ``ACCESS_TOKEN_EXPIRED`` (AIP-193 ``ErrorReason``; googleads/googleads-php-lib#671)
    and the ``WWW-Authenticate`` header Google sends with it.

    Args:
        service: The API's service name, e.g. ``"analyticsdata.googleapis.com"``.
        method: The RPC the request called, e.g.
            ``"google.analytics.data.v1beta.BetaAnalyticsData.RunReport"``.

    Returns:
        The fault.
    """
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "ACCESS_TOKEN_EXPIRED",
        "domain": "googleapis.com",
        "metadata": {"service": service, "method": method},
    }
    body = {
        "error": {
            "code": 401,
            "message": UNAUTHENTICATED_MESSAGE,
            "status": "UNAUTHENTICATED",
            "details": [info],
        }
    }
    www = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    return json_fault(401, body, {"WWW-Authenticate": www})


class GoogleErrorShape:
    """Checks that a Google connector's registered error shape reads Google's errors.

    Subclass it in a test module, naming the API and the connector's fault::

        class TestGoogleErrors(GoogleErrorShape):
            api, package = "ga4", "partnerkit_ga4"

            def expired_token(self):
                return ga4_faults.expired_token()

    The checks: the connector's expired-token fault is Google's 401 (the service of
    :attr:`service`); the shape keeps the status name as the vendor code, the message,
    and the ``details``; a body wrapped in a JSON array (as streaming methods send it)
    keeps its message and status.
    """

    #: The API name the connector registers its error shape under.
    api: ClassVar[str]
    #: The package whose import registers it.
    package: ClassVar[str]
    #: The service the connector's expired-token fault names.
    service: ClassVar[str]

    def expired_token(self) -> Fault:
        """The connector's expired-token fault."""
        raise NotImplementedError

    def _read_back(self, fault: Fault) -> SourceError:
        from partnerkit import http

        importlib.import_module(self.package)  # registers the API's error shape
        return http.error_from_response(self.api, served(fault))

    def test_expired_token_is_unauthenticated_with_error_info(self) -> None:
        """The fault is Google's 401, its ErrorInfo naming the connector's service."""
        fault = self.expired_token()
        (info,) = fault.json()["error"]["details"]

        assert fault.status == 401
        assert fault.json()["error"]["status"] == "UNAUTHENTICATED"
        assert info["reason"] == "ACCESS_TOKEN_EXPIRED"
        assert info["metadata"]["service"] == self.service
        assert fault.headers["WWW-Authenticate"].startswith("Bearer ")

    def test_the_registered_shape_prefers_the_status_name_and_keeps_details(self) -> None:
        """The status name is the vendor code; the message and details are kept."""
        error = self._read_back(self.expired_token())

        assert error.vendor_code == "UNAUTHENTICATED"
        assert error.vendor_message == UNAUTHENTICATED_MESSAGE
        assert [d["reason"] for d in error.details["details"]] == ["ACCESS_TOKEN_EXPIRED"]

    def test_an_array_wrapped_error_body_keeps_its_message(self) -> None:
        """``[{"error": {...}}]``, as a streaming method answers, reads as the object."""
        fault = Fault(
            status=403,
            headers={"Content-Type": "application/json"},
            body=b'[{"error": {"code": 403, "message": "The caller does not have permission",'
            b' "status": "PERMISSION_DENIED"}}]',
        )
        error = self._read_back(fault)

        assert error.vendor_message == "The caller does not have permission"
        assert error.vendor_code == "PERMISSION_DENIED"
