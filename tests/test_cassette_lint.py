"""Every cassette and fixture in the repository: no token, no raw e-mail.

Scans ``*.yaml``, ``*.yml``, ``*.json`` and ``*.csv`` under any ``cassettes/`` or
``fixtures/`` folder. A finding means a recording was not scrubbed (or a fixture was
written by hand with real data): fix the file, never the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.testing.lint import fixture_files, lint_file

ROOT = Path(__file__).resolve().parents[1]
FILES = fixture_files(ROOT)


def test_the_repository_has_fixtures_to_lint() -> None:
    assert (ROOT / "pyproject.toml").is_file()
    assert FILES, f"no cassette or fixture found under {ROOT}"


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_fixture_holds_no_secret(path: Path) -> None:
    findings = lint_file(path)
    assert not findings, "\n".join(str(f) for f in findings)
