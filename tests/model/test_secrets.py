"""Secrets never live in the workspace file; only environment variable names do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from partnerkit.errors import WorkspaceError
from partnerkit.model import Connection, Workspace, credential_kind, is_secret_key

Data = dict[str, Any]
CodeError = Callable[[Data], WorkspaceError]

# Made-up credentials shaped like the real ones (none of them is valid anywhere).
META_TOKEN = "EAAB" + "x7Qz" * 12
HUBSPOT_TOKEN = "pat-na1-" + "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
GOOGLE_API_KEY = "AIza" + "Sy" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEv...\n-----END PRIVATE KEY-----"


@pytest.mark.parametrize(
    "key",
    [
        "token",
        "access_token",
        "refresh_token",
        "developer_token",
        "client_secret",
        "password",
        "api_key",
        "apiKey",
        "private_key",
        "credentials",
        "key",
        "passphrase",
        "app-secret",
    ],
)
def test_secret_keys(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key",
    [
        "login_customer_id",
        "property_id",
        "account_id",
        "base_dir",
        "credentials_file",
        "key_file_path",
        "token_uri",
        "client_id",
        "path",
        "monkey",
        "tokenizer_name",
    ],
)
def test_not_secret_keys(key: str) -> None:
    assert not is_secret_key(key)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (META_TOKEN, "a Meta access token"),
        (f"token is {HUBSPOT_TOKEN} ok", "a HubSpot private-app token"),
        (GOOGLE_API_KEY, "a Google API key"),
        (PRIVATE_KEY, "a private key"),
        ("ya29." + "a0AfB_" * 5, "a Google OAuth access token"),
        ("1//0" + "gABCDEFGHIJKLMNOPQRSTUV", "a Google OAuth refresh token"),
        ("plain notes about the account", None),
        ("https://ads.google.com/aw/overview?ocid=1234567890", None),
        ("GOOGLE_ADS_DEVELOPER_TOKEN", None),
    ],
)
def test_credential_kind(text: str, kind: str | None) -> None:
    assert credential_kind(text) == kind


def _ws(base: Data, connection: Data) -> Data:
    base["connections"] = [
        {"name": "ads", "connector": "echo", "accounts": ["acc-1"], **connection}
    ]
    return base


def test_literal_secret_in_settings(base: Data, code_error: CodeError) -> None:
    error = code_error(_ws(base, {"settings": {"developer_token": "dev-123-abc"}}))
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.path == "connections[0].settings.developer_token"
    assert problem.message == (
        "'developer_token' looks like a secret, and secrets never go in the workspace file: put "
        "the value in an environment variable and name the variable under this connection's "
        "secrets: (e.g. secrets: {developer_token: ADS_DEVELOPER_TOKEN})"
    )
    assert problem.value is None
    assert "dev-123-abc" not in str(error)


def test_nested_and_listed_secrets(base: Data, code_error: CodeError) -> None:
    settings = {
        "oauth": {"client_id": "123.apps", "client_secret": "shh"},
        "profiles": [{"name": "a", "password": "hunter2"}],
        "use_token": True,  # a flag, not a secret
        "api_key": None,  # empty, nothing leaked
    }
    error = code_error(_ws(base, {"settings": settings}))
    assert [p.path for p in error.problems] == [
        "connections[0].settings.oauth.client_secret",
        "connections[0].settings.profiles[0].password",
    ]
    assert "shh" not in str(error)
    assert "hunter2" not in str(error)


def test_env_var_name_in_settings_is_pointed_to_secrets(base: Data, code_error: CodeError) -> None:
    error = code_error(_ws(base, {"settings": {"access_token": "META_ACCESS_TOKEN"}}))
    assert error.problems[0].message == (
        "'access_token' is a secret setting and its value looks like the name of an environment "
        "variable: move it from settings to this connection's secrets: (secrets: {access_token: "
        "<VARIABLE_NAME>})"
    )


def test_key_both_in_settings_and_secrets(base: Data, code_error: CodeError) -> None:
    error = code_error(
        _ws(base, {"settings": {"region": "eu"}, "secrets": {"region": "ADS_REGION"}})
    )
    assert [(p.path, p.message) for p in error.problems] == [
        (
            "connections[0].secrets.region",
            "'region' is given both in settings and in secrets; keep it only under secrets",
        )
    ]


@pytest.mark.parametrize("name", ["meta_access_token", "my-token", "1TOKEN", "EAA token"])
def test_secret_names_must_look_like_env_vars(base: Data, code_error: CodeError, name: str) -> None:
    error = code_error(_ws(base, {"secrets": {"access_token": name}}))
    assert [p.path for p in error.problems] == ["connections[0].secrets.access_token"]
    problem = error.problems[0]
    assert problem.message.startswith("must be the name of an environment variable")
    assert problem.value is None  # what was written there may be the secret itself


def test_credential_pasted_anywhere(base: Data, code_error: CodeError) -> None:
    base["sources"][0]["notes"] = f"Use token {META_TOKEN} for the API"
    base["monthly_notes"][0]["observations"] = ["fine", f"key: {GOOGLE_API_KEY}"]
    error = code_error(base)
    assert [(p.path, p.value) for p in error.problems] == [
        ("sources[0].notes", None),
        ("monthly_notes[0].observations[1]", None),
    ]
    assert "a Meta access token" in error.problems[0].message
    assert META_TOKEN not in str(error)
    assert GOOGLE_API_KEY not in str(error)


def test_secrets_reported_even_with_schema_errors(base: Data, code_error: CodeError) -> None:
    base["currency"] = "EURO"
    base["connections"][0]["settings"] = {"token": "t0k3n"}
    error = code_error(base)
    assert [p.path for p in error.problems] == ["currency", "connections[0].settings.token"]


def test_secrets_checked_on_models_built_in_code(base: Data, code_error: CodeError) -> None:
    base["connections"] = [
        Connection(name="ads", connector="echo", accounts=["acc-1"], settings={"password": "p"})
    ]
    error = code_error(base)
    assert [p.path for p in error.problems] == ["connections[0].settings.password"]


def test_secret_problems_have_lines(
    write: Callable[..., Path], load_error: Callable[[Path], WorkspaceError]
) -> None:
    path = write(
        f"""
        name: X
        currency: USD
        timezone: UTC
        connections:
          - name: hubspot
            connector: hubspot
            settings:
              portal: "123"
              access_token: {HUBSPOT_TOKEN}
            secrets:
              client_secret: hubspot-secret
        """
    )
    error = load_error(path)
    assert [(p.line, p.path) for p in error.problems] == [
        (9, "connections[0].settings.access_token"),
        (11, "connections[0].secrets.client_secret"),
    ]
    assert HUBSPOT_TOKEN not in str(error)
    assert "hubspot-secret" not in str(error)


def test_valid_secret_names(base: Data) -> None:
    ws = Workspace.model_validate(_ws(base, {"secrets": {"api_token": "ECHO_API_TOKEN_2"}}))
    assert ws.connection("ads").secrets == {"api_token": "ECHO_API_TOKEN_2"}
