"""partnerkit.testing.google: Google's expired-token answer, built for any Google API."""

from __future__ import annotations

import json

from partnerkit.testing import google


def test_expired_token_is_googles_401_naming_the_service_and_method() -> None:
    fault = google.expired_token("example.googleapis.com", "google.example.v1.Things.List")

    assert fault.status == 401
    assert fault.headers["WWW-Authenticate"] == (
        'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    )
    assert json.loads(fault.body) == {
        "error": {
            "code": 401,
            "message": "Request had invalid authentication credentials. Expected OAuth 2 "
            "access token, login cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "status": "UNAUTHENTICATED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_EXPIRED",
                    "domain": "googleapis.com",
                    "metadata": {
                        "service": "example.googleapis.com",
                        "method": "google.example.v1.Things.List",
                    },
                }
            ],
        }
    }
