"""partnerkit_google: the shared loader's choice of file types, and Google's bodies."""

import json

import pytest
from partnerkit_google import GoogleSettings, load_credentials
from partnerkit_google.testing import expired_token, google_error, status_fault
from pydantic import SecretStr

from partnerkit.errors import ConfigurationError

USER = {"type": "authorized_user", "client_id": "x", "client_secret": "y", "refresh_token": "z"}


class Settings(GoogleSettings):
    """A Google connector's settings with nothing of its own."""


def test_a_file_type_the_connector_does_not_accept_is_named_with_its_advice() -> None:
    settings = Settings(credentials_json=SecretStr(json.dumps(USER)))
    with pytest.raises(ConfigurationError) as caught:
        load_credentials(settings, scopes=("s",), product="X", how="Do this.")
    assert str(caught.value) == (
        "credentials_json is not a service account key (its type is 'authorized_user'). Do this."
    )


def test_an_accepted_authorized_user_file_and_a_bare_token() -> None:
    settings = Settings(credentials_json=SecretStr(json.dumps(USER)), quota_project_id="bill")
    accept = ("service_account", "authorized_user")
    credentials, refreshable = load_credentials(
        settings, scopes=("s",), product="X", how="", accept=accept
    )
    assert refreshable
    assert credentials.quota_project_id == "bill"
    _, refreshable = load_credentials(
        Settings(access_token=SecretStr("t")), scopes=("s",), product="X", how=""
    )
    assert not refreshable


def test_a_status_body_leaves_out_details_it_was_not_given() -> None:
    body = status_fault(429, "RESOURCE_EXHAUSTED", "Slow down.").json()
    assert body == {"error": {"code": 429, "message": "Slow down.", "status": "RESOURCE_EXHAUSTED"}}


def test_the_expired_token_answer() -> None:
    fault = expired_token("svc.googleapis.com", "pkg.Service.Call")
    error = fault.json()["error"]
    assert (fault.status, error["code"], error["status"]) == (401, 401, "UNAUTHENTICATED")
    assert error["details"] == [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_EXPIRED",
            "domain": "googleapis.com",
            "metadata": {"service": "svc.googleapis.com", "method": "pkg.Service.Call"},
        }
    ]
    assert fault.headers["WWW-Authenticate"].startswith('Bearer realm="https://accounts.google')


def test_the_json_api_envelope() -> None:
    fault = google_error(403, "PERMISSION_DENIED", "No.", reason="forbidden")
    assert fault.json() == {
        "error": {
            "code": 403,
            "message": "No.",
            "errors": [{"message": "No.", "domain": "global", "reason": "forbidden"}],
            "status": "PERMISSION_DENIED",
        }
    }
