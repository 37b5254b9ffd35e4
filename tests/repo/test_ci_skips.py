"""The repository's rule for tests that need a system package: skip locally, fail in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT_CONFTEST = Path(__file__).resolve().parents[2] / "conftest.py"

TESTS = """
import pytest

def test_needs_browser():
    pytest.skip("needs system: chromium is not on PATH")

def test_plain_skip():
    pytest.skip("the connector does not declare Capability.HTTP")
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(ROOT_CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(test_skips=TESTS)
    return pytester


def test_a_system_skip_is_a_skip_outside_ci(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    result = suite.runpytest("-p", "no:cacheprovider", "-p", "no:partnerkit")
    result.assert_outcomes(skipped=2)


def test_a_system_skip_fails_in_ci_and_a_plain_skip_stays(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest("-p", "no:cacheprovider", "-p", "no:partnerkit")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*CI must not skip this test*needs system: chromium*"])
