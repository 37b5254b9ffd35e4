"""The fixture linter flags tokens and raw e-mails, and passes what scrubbing leaves."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.testing import lint_file, lint_text, lint_tree
from partnerkit.testing.lint import fixture_files

from .test_scrub import TOKENS


@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_flags_each_token_kind(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "cassette.yaml"
    path.write_text(f"version: 1\nnote: |\n  sent {TOKENS[kind]}\n", encoding="utf-8")
    findings = lint_file(path)
    assert kind in {f.kind for f in findings}
    finding = next(f for f in findings if f.kind == kind)
    assert (finding.path, finding.line) == (path, 3)
    assert TOKENS[kind].splitlines()[0] not in finding.excerpt  # masked
    assert str(finding).startswith(f"{path}:3: {kind}: ")


def test_flags_long_access_token_values() -> None:
    for line in (
        "access_token: 1234567890|abcdefghijklmnopqrstuvwxyz",
        '{"access_token": "AbCdEfGhIjKlMnOpQrStUv"}',
        "next: https://graph.facebook.com/me?access_token=AbCdEfGhIjKlMnOpQrStUv&after=x",
    ):
        assert [f.kind for f in lint_text(line)] == ["secret_value"], line


def test_flags_a_raw_email_and_masks_it() -> None:
    (finding,) = lint_text('"email": "jane.doe@acme.co.il"', "x.json")
    assert (finding.kind, finding.line) == ("email", 1)
    assert "jane.doe" not in finding.excerpt
    assert "j***@acme.co.il" in finding.excerpt


def test_passes_scrubbed_and_reserved_values() -> None:
    text = """\
access_token: REDACTED
authorization: Bearer REDACTED
next: https://graph.facebook.com/me?access_token=REDACTED&after=MQZDZD
email: user-7df6b809@example.com
others: a@example.org b@mail.example.net c@corp.example d@x.test e@y.invalid f@localhost.localhost
campaign_id: '120210000000001'
spend: '12.34'
"""
    assert lint_text(text) == []


def test_ignore_pragma() -> None:
    assert lint_text("logo: brand@2x.png  # partnerkit-lint: ignore") == []
    assert lint_text("logo: brand@2x.png") != []


def test_lint_tree_reads_only_fixture_folders(tmp_path: Path) -> None:
    bad = "owner: jane@acme.com\n"
    for relative in (
        "tests/cassettes/a.yaml",
        "connectors/meta/tests/fixtures/deep/b.json",
        "tests/fixtures/c.csv",
        "tests/cassettes/notes.txt",  # not a fixture suffix
        "tests/data/d.yaml",  # not under cassettes/ or fixtures/
        ".venv/lib/fixtures/e.yaml",  # hidden folder
        "node_modules/x/fixtures/f.json",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(bad, encoding="utf-8")
    files = [p.relative_to(tmp_path).as_posix() for p in fixture_files(tmp_path)]
    assert files == [
        "connectors/meta/tests/fixtures/deep/b.json",
        "tests/cassettes/a.yaml",
        "tests/fixtures/c.csv",
    ]
    assert len(lint_tree(tmp_path)) == 3


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("      authorization: Bearer abc12345", "bearer_token"),
        ("      authorization: Bearer abc", "secret_value"),
        ("      proxy-authorization: Basic c3ZjOnB3MTIz", "basic_auth"),
        ("      x-echo: Basic c3ZjOnB3MTIz", "basic_auth"),
        ("      x-api-key: k-123", "secret_value"),
        ("      developer-token: dev", "secret_value"),
        ("      api-key: abcdef", "secret_value"),
        ('{"headers": {"X-Api-Key": "abcdef"}}', "secret_value"),
        ("        client_secret: plain", "secret_value"),
        ("    url: https://h.example.com/v1/token/abc/x", "secret_path_segment"),
        ("    url: https://api.hubapi.com/oauth/v1/refresh-tokens/abc", "secret_path_segment"),
        ("next: https://h.example.com/x?api_key=xyz&after=1", "secret_value"),
        ("      sig: Xk9fQ2mLp8RtZ4vB7nW1cY6hTa", "token_like"),
        ("      note: your key is Xk9fQ2mLp8RtZ4vB7nW1cY6hTa, keep it", "token_like"),
        ("      - value: Xk9fQ2mLp8RtZ4vB7nW1cY6hTa", "token_like"),
        ("    url: https://h.example.com/v1/Xk9fQ2mLp8RtZ4vB7nW1cY6hTa/x", "token_like"),
        ("next: https://h.example.com/x?sig=Xk9fQ2mLp8RtZ4vB7nW1cY6hTa&a=1", "token_like"),
        ("      fingerprint: WGs5ZlEybUxwOFJ0WjR2QjduVzFjWTZoVGE=", "token_like"),
    ],
)
def test_flags_secrets_in_every_place(line: str, kind: str) -> None:
    assert [f.kind for f in lint_text(line)] == [kind]


@pytest.mark.parametrize(
    "line",
    [
        "      authorization: Bearer REDACTED",
        "      x-echo-authorization: Basic REDACTED",
        "      x-api-key: REDACTED",
        "      developer-token: ''",
        "    url: https://h.example.com/v1/token/REDACTED/x",
        "    url: https://oauth2.googleapis.com/token",
        "    url: https://googleads.googleapis.com/v26/customers/4567890123/googleAds:searchStream",
        "        resourceName: customers/4567890123/adGroupAds/60000000001~70000000001",
        "        requestId: FAKEreqId0000000000018",
        "        requestId: 4xEUMR4bfQm1XuP8Xq3wOwZk",  # a real-looking request id
        "          after: QVFIUmx1WmR3bXpPeTZA3ZAGY4cGZA5VWVOSk5xbFdZ",  # a paging cursor
        "    next: https://graph.facebook.com/v26.0/act_1/insights?access_token=REDACTED"
        "&after=QVFIUmx1WmR3bXpPeTZA3ZAGY4cGZA5VWVOSk5xbFdZ",
        "      nextPageToken: CAoQ9hYaBgj9hLqXBiIVCgJ4eRIPYmF0Y2gtaWQtMTIzNDU",
        "      token_type: Bearer",
        '      {"tokens_used": 1234, "expires_in": 3599}',
        "      message: Basic authentication failed; send a Bearer token",
        "        campaign_name: SummerSale2024TelAvivRetargetingAudience",
    ],
)
def test_passes_placeholders_and_ordinary_values(line: str) -> None:
    assert lint_text(line) == []


# What the recorder wrote before secrets were scrubbed by value: each leak is found.
UNSCRUBBED = """\
version: 1
interactions:
- request:
    method: GET
    url: http://127.0.0.1:8080/v1/token/cnryPath8Va4Ko6/report
    query:
      api_key: REDACTED
      sig: cnry/Query+9Lx=5
  response:
    status: 200
    headers:
      x-echo-authorization: Bearer cnryBearer7Qz81
      x-echo-key: cnryApiKey5Jd1W
    body:
      headers:
        Authorization: Bearer cnryBearer7Qz81
        X-Api-Key: cnryApiKey5Jd1W
        developer-token: cnryDevTok6Gt0N
      fingerprint: Y25yeUJlYXJlcjdRejgx
      debug: {seen: [{value: Xk9fQ2mLp8RtZ4vB7nW1cY6hTa}]}
- request:
    method: POST
    url: http://127.0.0.1:8080/v1/login
    body:
      client_secret: cnryBodySecret3E
  response:
    status: 200
    body: |
      welcome Basic c3ZjLXJlcG9ydGluZzpjbnJ5QmFzaWNQdzRIczg=
"""


def test_flags_every_leak_of_an_unscrubbed_recording() -> None:
    found = [(f.line, f.kind) for f in lint_text(UNSCRUBBED)]
    assert found == [
        (5, "secret_path_segment"),
        (12, "bearer_token"),
        (16, "bearer_token"),
        (17, "secret_value"),
        (18, "secret_value"),
        (20, "token_like"),
        (25, "secret_value"),
        (29, "basic_auth"),
    ]
    # Not seen: a short value under an ordinary name (`sig:`, `x-echo-key:`, a 20-char
    # `fingerprint:`) reads like any id. Only the recorder, which knows the values,
    # can scrub those: see test_canary.py.
