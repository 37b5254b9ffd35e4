"""The one module that imports facebook-business: a typed, lazy facade over the SDK.

The SDK ships without type hints, so its untyped calls are kept here, behind small
typed functions, and imported only when used (``import partnerkit_meta`` does not
load the SDK, which takes about half a second).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol, cast

import requests

__all__ = [
    "GraphApi",
    "SdkRequestError",
    "api_version",
    "effective_statuses",
    "insights_field_types",
    "object_field_names",
]


class SdkRequestError(Protocol):
    """What partnerkit reads from the SDK's ``FacebookRequestError``."""

    def request_context(self) -> Mapping[str, Any]:
        """``{"method", "path", "params", "headers", "files"}`` of the failed call."""
        ...

    def http_status(self) -> int | None:
        """The HTTP status of the answer."""
        ...

    def http_headers(self) -> Mapping[str, str] | None:
        """The answer's headers (the ``requests`` response's own mapping)."""
        ...

    def body(self) -> Any:
        """The answer's body, parsed from JSON when it was JSON."""
        ...


def api_version() -> str:
    """The Graph API version the installed SDK was generated for, e.g. ``v26.0``."""
    from facebook_business.apiconfig import ads_api_config  # type: ignore[import-untyped]

    return str(ads_api_config["API_VERSION"])


def insights_field_types() -> dict[str, str]:
    """Every Ads Insights field the SDK knows, with its Graph type (``string``, ``list<...>``)."""
    from facebook_business.adobjects.adsinsights import (  # type: ignore[import-untyped]
        AdsInsights,
    )

    return dict(cast(Mapping[str, str], AdsInsights._field_types))


def object_field_names(node: str) -> list[str]:
    """The field names of an SDK object class (``AdsInsights``, ``AdAccount``, ``Ad``...).

    Returns:
        The names, or an empty list for a node the SDK does not have.
    """
    import importlib

    try:
        module = importlib.import_module(f"facebook_business.adobjects.{node.lower()}")
        fields = vars(getattr(module, node).Field)
    except (ImportError, AttributeError):
        return []
    return [name for name in fields if not name.startswith("_")]


def effective_statuses(level: str) -> list[str]:
    """Every ``effective_status`` of ``campaign``, ``adset`` or ``ad`` objects, sorted."""
    from facebook_business.adobjects.ad import Ad  # type: ignore[import-untyped]
    from facebook_business.adobjects.adset import AdSet  # type: ignore[import-untyped]
    from facebook_business.adobjects.campaign import Campaign  # type: ignore[import-untyped]

    source = {"campaign": Campaign, "adset": AdSet, "ad": Ad}[level]
    values = vars(source.EffectiveStatus).values()
    return sorted(v for v in values if isinstance(v, str) and v.isupper())


class GraphApi:
    """``FacebookAdsApi`` on its own ``FacebookSession``, with typed methods.

    ``FacebookAdsApi.init()`` is deliberately not used: it installs the SDK's crash
    reporter (which sends tracebacks to Meta) and a process-wide default API object.

    Args:
        access_token: The system-user token.
        app_secret: The app secret; when given the session adds ``appsecret_proof``.
        app_id: The app id.
        timeout: Seconds per HTTP answer.
        api_version: The Graph API version, e.g. ``v26.0``.

    Attributes:
        error_type: The SDK's ``FacebookRequestError`` class (to catch it).
    """

    def __init__(
        self,
        *,
        access_token: str,
        app_secret: str | None,
        app_id: str | None,
        timeout: float,
        api_version: str,
    ) -> None:
        from facebook_business.api import FacebookAdsApi  # type: ignore[import-untyped]
        from facebook_business.exceptions import (  # type: ignore[import-untyped]
            FacebookRequestError,
        )
        from facebook_business.session import FacebookSession  # type: ignore[import-untyped]

        self._session = FacebookSession(
            app_id=app_id, app_secret=app_secret, access_token=access_token, timeout=timeout
        )
        self._api = FacebookAdsApi(self._session, api_version=api_version)
        self.error_type: type[Exception] = FacebookRequestError

    @property
    def http(self) -> requests.Session:
        """The SDK's ``requests`` session (partnerkit mounts its adapter on it)."""
        return cast(requests.Session, self._session.requests)

    def call(self, method: str, path: tuple[str, ...], params: Mapping[str, Any]) -> bytes:
        """``FacebookAdsApi.call`` and the raw body of its answer.

        The SDK's ``call`` parses every answer with the standard ``json`` module only to
        see whether it is an error (``FacebookResponse.is_failure``): on an insights
        page that costs as much as validating it, and on a JSON number or ``true`` it
        raises a bare ``TypeError`` (``'success' in 123``). This is the same request
        (URL, JSON-encoded parameters in the query of a GET and the form body of a
        POST, the SDK's headers, its session and timeout); an answer that plainly is a
        successful JSON object (no ``error``/``success`` key, no "Service
        Unavailable") is returned as is; an answer that is JSON but not an object or
        a string (``null``, ``123``, ``true``, a list) is returned as is too, for the
        page check to refuse by name; anything else goes through the SDK's own
        ``FacebookResponse`` check and error. The body stays bytes: the page parsers
        read bytes, so a multi-megabyte page is neither decoded nor encoded again.

        Raises:
            FacebookRequestError: The answer was an error (see :attr:`error_type`).
        """
        from facebook_business import api as sdk_api  # type: ignore[import-untyped]

        fb_api = self._api
        version = fb_api._api_version  # as FacebookAdsApi.call does
        url = "/".join((self._session.GRAPH, version, "/".join(map(str, path))))
        headers = dict(sdk_api.FacebookAdsApi.HTTP_DEFAULT_HEADERS)
        encoded = sdk_api._top_level_param_json_encode(dict(params)) if params else {}
        fb_api._num_requests_attempted += 1
        where = {"params": encoded} if method in ("GET", "DELETE") else {"data": encoded}
        response = self._session.requests.request(
            method, url, headers=headers, files={}, timeout=self._session.timeout, **where
        )
        body = bytes(response.content)
        if not (
            body.startswith(b'{"')
            and b'"error"' not in body
            and b'"success"' not in body
            and b"Service Unavailable" not in body
        ):
            call = {"method": method, "path": url, "params": encoded, "headers": headers}
            fb_response = sdk_api.FacebookResponse(
                body=str(response.text),
                headers=response.headers,
                http_status=response.status_code,
                call={**call, "files": {}},
            )
            if _sdk_can_judge(fb_response.json()):
                if fb_response.is_failure():
                    raise fb_response.error()
            elif response.status_code >= 400:  # the SDK's error, with the body as text
                raise self.error_type(
                    "Call was not successful",
                    call,
                    response.status_code,
                    response.headers,
                    json.dumps(str(response.text)),
                )
        fb_api._num_requests_succeeded += 1
        return body


def _sdk_can_judge(answer: Any) -> bool:
    """Whether ``FacebookResponse.is_failure`` can read an answer without a TypeError.

    It reads mappings and strings (a body that is not JSON stays a string); a JSON
    ``null``, number, boolean or list is left to the page check.
    """
    return isinstance(answer, Mapping | str)
