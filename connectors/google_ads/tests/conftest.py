"""Shared fixtures: the cassettes, a connector factory, and Google Ads error bodies.

Tests run with ``--import-mode=importlib``, so test modules cannot import this file:
everything they share is a fixture.

The credentials are a bare access token (``google.oauth2.credentials.Credentials``
with a token and no expiry), so no OAuth traffic happens except in the refresh-flow
test, whose cassette replays Google's token endpoint too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from partnerkit_google_ads import GoogleAdsConnector

from partnerkit.testing import FakeClock
from partnerkit.testing.faults import Fault

CASSETTES = Path(__file__).parent / "cassettes"
MANAGER = "1234567890"
SECRETS = {"developer_token": "test-developer-token", "access_token": "test-access-token"}
#: 2026-10-10 15:00 UTC: every day the cassettes read lies in the past.
NOW = dt.datetime(2026, 10, 10, 15, 0, tzinfo=dt.UTC)
_FAILURE_TYPE = "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure"


@pytest.fixture(autouse=True)
def _on_fake_time(fake_time: FakeClock) -> None:
    """Retries and rate limiters wait on a fake clock (``fake_time``): nothing sleeps."""


@pytest.fixture
def make_connector() -> Callable[..., GoogleAdsConnector]:
    """Build a connector: ``make_connector(now=..., **settings)`` (secrets included)."""

    def make(now: dt.datetime = NOW, **settings: Any) -> GoogleAdsConnector:
        return GoogleAdsConnector({**SECRETS, **settings}, now=lambda: now)

    return make


def _failure_body(
    status: int, grpc_status: str, message: str, errors: list[dict[str, Any]], *, wrap: bool
) -> str:
    body: Any = {
        "error": {
            "code": status,
            "message": message,
            "status": grpc_status,
            "details": [
                {"@type": _FAILURE_TYPE, "errors": errors, "requestId": "FAKEreqIdErr000000001"}
            ],
        }
    }
    return json.dumps([body] if wrap else body)


@pytest.fixture
def ads_failure() -> Callable[..., Fault]:
    """A Google Ads REST error answer: ``ads_failure(403, "PERMISSION_DENIED", {...})``.

    The shape is the ``google.rpc.Status`` with a ``GoogleAdsFailure`` in ``details``
    (n8n-io/n8n#36313, google-marketing-solutions/adios#47, PipedreamHQ/pipedream#21554);
    ``wrap=True`` sends it inside a JSON array, as ``searchStream`` may.
    """

    def make(
        status: int,
        grpc_status: str,
        error_code: dict[str, str],
        message: str,
        *,
        top_message: str = "Request contains an invalid argument.",
        wrap: bool = False,
    ) -> Fault:
        errors = [{"errorCode": error_code, "message": message}]
        body = _failure_body(status, grpc_status, top_message, errors, wrap=wrap)
        return Fault(
            status=status, headers={"Content-Type": "application/json; charset=UTF-8"}, body=body
        )

    return make
