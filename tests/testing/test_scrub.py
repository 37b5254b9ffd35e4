"""Scrubbing: every secret kind, in every place, and stable fakes for personal data."""

from __future__ import annotations

import base64
import json
import re

import pytest
from pydantic import BaseModel, SecretStr
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import ConnectorSettings
from partnerkit.testing import REDACTED, Scrubber
from partnerkit.testing.credentials import environment_secrets, is_secret_name, secrets_of
from partnerkit.testing.scrub import (
    SECRET_HEADERS,
    SECRET_KEYS,
    SECRET_PARAMS,
    TOKEN_PATTERNS,
    is_reserved_email_domain,
)

S = Scrubber()

# Built by concatenation so this file does not itself look like it holds secrets.
TOKENS = {
    "meta_access_token": "EAA" + "BwzLixnjYBO" * 4,
    "google_oauth_token": "ya29." + "a0AfB_byC" * 4,
    "google_refresh_token": "1//" + "0gYdR3kq-x" * 4,
    "google_api_key": "AI" + "za" + "SyD-9tSrke72PouQMnMX" * 2,
    "hubspot_token": "pat-" + "na1-" + "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901",
    "bearer_token": "Bearer " + "abcDEF123456" * 3,
    "basic_auth": "Basic " + "c3ZjLXVzZXI6" + "aHVudGVyMg==",  # svc-user:hunter2
    "live_secret_key": "sk" + "_live_" + "51HxYzAbCdEf1234",
    "private_key": "-----BEGIN " + "PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----\n",
    "jwt": "eyJ"
    + "hbGciOiJSUzI1NiJ9"
    + ".eyJ"
    + "pc3MiOiJzdmNAeC5pYW0ifQ"
    + "."
    + "c2lnbmF0dXJlLXNpZ24",
}


def test_every_token_kind_is_covered() -> None:
    assert set(TOKENS) == set(TOKEN_PATTERNS)


@pytest.mark.parametrize("header", sorted(SECRET_HEADERS))
def test_secret_headers(header: str) -> None:
    headers = {header.title(): "secret-value-123", "login-customer-id": "1234567890"}
    assert S.scrub_headers(headers) == {header.title(): REDACTED, "login-customer-id": "1234567890"}


@pytest.mark.parametrize("name", sorted(SECRET_PARAMS))
def test_secret_query_params_and_form_fields(name: str) -> None:
    params = {name: "s3cr3t-value", "fields": "spend", "ids": ["1", "2"]}
    assert S.scrub_params(params) == {name: REDACTED, "fields": "spend", "ids": ["1", "2"]}
    assert S.scrub_params({name: ["a", "b"]}) == {name: [REDACTED, REDACTED]}


@pytest.mark.parametrize("name", sorted(SECRET_KEYS))
def test_secret_json_keys_at_any_depth(name: str) -> None:
    body = {"data": [{"auth": {name: "s3cr3t-value"}, "spend": "1.00"}]}
    assert S.scrub_json(body) == {"data": [{"auth": {name: REDACTED}, "spend": "1.00"}]}


def test_code_and_key_are_kept_in_json_error_bodies() -> None:
    error = {"error": {"code": 17, "subcode": 2446079, "message": "Request limit reached"}}
    assert S.scrub_json(error) == error
    assert S.scrub_json({"key": "campaign_id", "code": "INVALID_EMAIL"}) == {
        "key": "campaign_id",
        "code": "INVALID_EMAIL",
    }


@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_tokens_anywhere_in_text(kind: str) -> None:
    token = TOKENS[kind]
    scrubbed = S.scrub_text(f"the credential is {token} ok")
    assert token.strip() not in scrubbed
    assert REDACTED in scrubbed
    assert not TOKEN_PATTERNS[kind].search(scrubbed)
    assert S.scrub_json({"note": [f"x {token}"]}) != {"note": [f"x {token}"]}
    assert S.scrub_headers({"x-debug": token}) != {"x-debug": token}


def test_api_keys_and_tokens_in_urls() -> None:
    url = "https://www.googleapis.com/v1/x?key=abc123&alt=json&access_token=zzz#frag"
    assert S.scrub_url(url) == (
        "https://www.googleapis.com/v1/x?key=REDACTED&alt=json&access_token=REDACTED#frag"
    )
    page = {
        "paging": {
            "next": "https://graph.facebook.com/v19.0/act_1/insights?access_token=abc&after=MQ"
        }
    }
    assert S.scrub_json(page)["paging"]["next"].endswith("?access_token=REDACTED&after=MQ")
    assert (
        S.scrub_url("https://api.example.com/monkey?monkey=1")
        == "https://api.example.com/monkey?monkey=1"
    )


def test_service_account_json_in_a_string() -> None:
    account = {
        "type": "service_account",
        "private_key_id": "0123abcd",
        "private_key": TOKENS["private_key"],
        "client_email": "svc@proj.iam.gserviceaccount.com",
    }
    scrubbed = json.loads(S.scrub_text(json.dumps(account)))
    assert scrubbed["private_key"] == REDACTED
    assert scrubbed["private_key_id"] == REDACTED
    assert scrubbed["client_email"].endswith("@example.com")
    assert "BEGIN" not in S.scrub_text("key:\n" + TOKENS["private_key"])


def test_emails_become_stable_fakes() -> None:
    first = S.scrub_text("Contact jane.doe@acme.co.il today")
    again = Scrubber().scrub_text("Contact JANE.DOE@acme.co.il today")
    other = S.scrub_text("Contact john@acme.co.il today")
    assert re.fullmatch(r"Contact user-[0-9a-f]{8}@example\.com today", first)
    assert first == again
    assert first != other
    assert Scrubber(salt="other").scrub_text("jane.doe@acme.co.il") not in first
    assert (
        S.scrub_text("mailto:ops@example.org, qa@foo.test") == "mailto:ops@example.org, qa@foo.test"
    )
    assert "acme" not in S.scrub_text("?email=jane%40acme.com")


def test_personal_data_in_a_hubspot_contact() -> None:
    contact = {
        "id": "501",
        "properties": {
            "email": "dana@acme.com",
            "firstname": "דנה",
            "lastname": "Levi",
            "phone": "+972 54-123-4567",
            "mobilephone": "(415) 555-2671",
            "hs_analytics_source": "PAID_SOCIAL",
            "notes": "Called dana@acme.com at +972-54-123-4567",
        },
    }
    props = S.scrub_json(contact)["properties"]
    assert props["email"] == S.fake_email("dana@acme.com")
    assert props["firstname"] != "דנה"
    assert props["lastname"] != "Levi"
    assert re.fullmatch(r"\+1-555-01\d\d", props["phone"])
    assert re.fullmatch(r"\+1-555-01\d\d", props["mobilephone"])
    assert props["hs_analytics_source"] == "PAID_SOCIAL"
    assert props["notes"] == f"Called {props['email']} at {props['phone']}"
    assert S.scrub_json(contact) == S.scrub_json(contact)  # stable
    assert S.scrub_json(S.scrub_json(contact)) == S.scrub_json(contact)  # idempotent


def test_names_only_inside_person_like_objects() -> None:
    body = {
        "data": [{"id": "1", "name": "Summer Sale — Tel Aviv", "status": "ACTIVE"}],
        "owner": {"id": "7", "name": "Noam Cohen"},
        "users": [{"name": "Yael Bar", "role": "ADMIN"}],
        "results": [{"firstName": "Avi", "lastName": "Katz", "email": "avi@acme.com"}],
    }
    out = S.scrub_json(body)
    assert out["data"][0]["name"] == "Summer Sale — Tel Aviv"  # a campaign name is kept
    assert out["owner"]["name"] not in ("Noam Cohen",)
    assert len(out["owner"]["name"].split()) == 2
    assert out["users"][0]["name"] != "Yael Bar"
    assert out["results"][0]["firstName"] != "Avi"
    assert out["results"][0]["lastName"] != "Katz"


def test_the_key_lists_are_configurable() -> None:
    body = {"advertiser": {"name": "Ron Gal"}, "owner": {"name": "Noam Cohen"}}
    custom = Scrubber(person_keys=frozenset({"advertiser"}))
    out = custom.scrub_json(body)
    assert out["advertiser"]["name"] != "Ron Gal"
    assert out["owner"]["name"] == "Noam Cohen"


def test_meta_lead_form_field_data() -> None:
    lead = {
        "field_data": [
            {"name": "full_name", "values": ["Jane Doe"]},
            {"name": "phone_number", "values": ["+14155552671"]},
            {"name": "email", "values": ["jane@acme.com"]},
            {"name": "budget", "values": ["5000"]},
        ]
    }
    fields = {f["name"]: f["values"][0] for f in S.scrub_json(lead)["field_data"]}
    assert fields["full_name"] != "Jane Doe"
    assert fields["phone_number"].startswith("+1-555-01")
    assert fields["email"].endswith("@example.com")
    assert fields["budget"] == "5000"


def test_numbers_that_are_not_phones_are_kept() -> None:
    text = "act_1234567890 spent 1234567.89 on 2024-05-01; id 120210000000001"
    assert S.scrub_text(text) == text


@pytest.mark.parametrize(
    ("domain", "reserved"),
    [
        ("example.com", True),
        ("mail.example.net", True),
        ("corp.example", True),
        ("foo.test", True),
        ("x.invalid", True),
        ("my.localhost", True),
        ("examples.com", False),
        ("acme.com", False),
    ],
)
def test_reserved_domains(domain: str, reserved: bool) -> None:
    assert is_reserved_email_domain(domain) is reserved


# ------------------------------------------------------------ secrets by value

SECRET = "s3cr3t/Value+42"  # "/" and "+" change under URL and base64 encoding


def test_a_known_secret_is_replaced_in_every_place_and_encoding() -> None:
    scrubber = S.with_secrets(SECRET)
    assert scrubber.scrub_headers({"x-echo": f"got {SECRET}"}) == {"x-echo": "got REDACTED"}
    assert scrubber.scrub_params({"sig": SECRET, "q": [SECRET]}) == {
        "sig": REDACTED,
        "q": [REDACTED],
    }
    assert scrubber.scrub_url("https://h/v1/a/s3cr3t%2FValue%2B42/b?x=s3cr3t%2fValue%2b42") == (
        "https://h/v1/a/REDACTED/b?x=REDACTED"
    )
    body = {"a": [{"b": {"c": SECRET}}], SECRET: 1, "d": "s3cr3t\\/Value+42"}
    assert scrubber.scrub_json(body) == {"a": [{"b": {"c": REDACTED}}], REDACTED: 1, "d": REDACTED}
    assert scrubber.scrub_text("q=s3cr3t%2FValue%2B42 and s3cr3t/Value+42") == (
        "q=REDACTED and REDACTED"
    )
    # base64 at each of the three offsets inside a longer value ("Basic" credentials)
    for prefix in ("", "u:", "us:"):
        encoded = base64.b64encode(f"{prefix}{SECRET}!".encode()).decode()
        assert "REDACTED" in scrubber.scrub_text(f"sig {encoded}")
        assert encoded not in scrubber.scrub_text(f"sig {encoded}")
    assert scrubber.scrub_bytes(b"\x00\x01" + SECRET.encode()) == b"\x00\x01REDACTED"
    assert SECRET not in repr(scrubber)


def test_short_values_are_not_scrubbed_by_value() -> None:
    assert S.with_secrets("abc", None, "") is S
    assert S.with_secrets(SecretStr(SECRET)).secrets == {SECRET}


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("X-Api-Key", True),
        ("api-key", True),
        ("developer-token", True),
        ("client_secret", True),
        ("accessTokens", True),
        ("X-Auth-Token", True),
        ("password", True),
        ("nextPageToken", False),
        ("page_token", False),
        ("token_type", False),
        ("token_uri", False),
        ("login-customer-id", False),
        ("primary_key", False),
        ("x-business-use-case-usage", False),
    ],
)
def test_is_secret_name(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_widened_names_in_headers_params_and_json() -> None:
    assert S.scrub_headers({"api-key": "k", "X-Auth-Token": "t", "Content-Type": "x"}) == {
        "api-key": REDACTED,
        "X-Auth-Token": REDACTED,
        "Content-Type": "x",
    }
    assert S.scrub_params({"apiKey": "k", "nextPageToken": "p"}) == {
        "apiKey": REDACTED,
        "nextPageToken": "p",
    }
    echoed = {"headers": {"Authorization": "Bearer x", "Cookie": "a=b"}, "nextPageToken": "CAE"}
    assert S.scrub_json(echoed) == {
        "headers": {"Authorization": REDACTED, "Cookie": REDACTED},
        "nextPageToken": "CAE",
    }


def test_secret_path_segments() -> None:
    assert S.scrub_url("https://api.hubapi.com/oauth/v1/access-tokens/CJ-abc.def") == (
        "https://api.hubapi.com/oauth/v1/access-tokens/REDACTED"
    )
    assert S.scrub_url("https://h/v1/token/abc123/x?y=1") == "https://h/v1/token/REDACTED/x?y=1"
    assert S.scrub_url("https://h/v1/keys/abc123/x") == "https://h/v1/keys/abc123/x"
    assert (
        S.scrub_url("https://oauth2.googleapis.com/token") == "https://oauth2.googleapis.com/token"
    )


def test_bearer_and_basic_credentials_in_text() -> None:
    basic = base64.b64encode(b"svc:pw-123").decode()
    assert S.scrub_text(f"sent Bearer ab12cd34 and Basic {basic}") == (
        "sent Bearer REDACTED and Basic REDACTED"
    )
    kept = "Basic authentication failed; Bearer tokens only"
    assert S.scrub_text(kept) == kept


def test_credentials_found_in_traffic() -> None:
    basic = base64.b64encode(b"svc-user:pw-123456").decode()
    headers = {
        "Authorization": "Bearer tok-123456",
        "Proxy-Authorization": f"Basic {basic}",
        "X-Api-Key": "key-123456",
        "Cookie": "sid=cookie-123456; lang=en",
        "Accept": "application/json",
    }
    assert S.secrets_in_headers(headers) == {
        "tok-123456",
        basic,
        "svc-user:pw-123456",
        "pw-123456",
        "key-123456",
        "cookie-123456",
    }
    url = "https://u:pass-1234@h/v1/access_token/seg-123456/x?api_key=q-123456&sig=notlearned"
    assert S.secrets_in_url(url) == {"pass-1234", "seg-123456", "q-123456"}
    body = {"a": {"refresh_token": "r-123456"}, "b": [{"password": "p-123456"}], "c": "x-123456"}
    assert S.secrets_in_fields(body) == {"r-123456", "p-123456"}
    assert S.secrets_in_fields({"code": "oauth-code-1"}, form=True) == {"oauth-code-1"}


def test_secrets_of_settings_connectors_and_mappings() -> None:
    class Inner(BaseModel):
        key_file: str = "/path/not/secret"
        private: SecretStr = SecretStr("inner-secret-1")

    class Settings(BaseModel):
        access_token: SecretStr
        account: str = "act_1"
        nested: Inner = Inner()

    class FakeConnector:
        settings = Settings(access_token=SecretStr("outer-secret-1"))

    assert secrets_of(FakeConnector()) == {"outer-secret-1", "inner-secret-1"}
    resolved = {"accounts": ["1"], "developer_token": "dev-token-1", "opts": {"password": "pw-1"}}
    assert secrets_of(resolved) == {"dev-token-1", "pw-1"}


def test_environment_secrets() -> None:
    class DemoSettings(ConnectorSettings):
        model_config = SettingsConfigDict(env_prefix="DEMO_PK_")
        hash_salt: SecretStr | None = None
        account: str = ""

    environ = {
        "DEMO_PK_HASH_SALT": "salt-value-1",  # a SecretStr field of a settings class
        "DEMO_PK_ACCOUNT": "act-1234567",  # not a secret
        "GOOGLE_ADS_DEVELOPER_TOKEN": "dev-token-12",  # named like a secret
        "META_ACCESS_TOKEN": "short",  # too short to scrub by value
        "HOME": "/home/someone",
    }
    assert environment_secrets(environ) == {"salt-value-1", "dev-token-12"}
    account = {"type": "service_account", "private_key_id": "kid-0123abcd", "project_id": "p"}
    environ = {"DEMO_PK_CREDENTIALS_JSON": json.dumps(account) + "\n"}
    assert environment_secrets(environ) == {json.dumps(account), "kid-0123abcd"}
    del DemoSettings
