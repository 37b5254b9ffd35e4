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
        assert [f.kind for f in lint_text(line)] == ["access_token_value"], line


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
