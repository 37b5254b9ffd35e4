"""Settings shared by every test directory of the repository (tests/, connectors/, examples/).

Hypothesis runs with a fixed, derandomised budget so CI takes the same time and finds
the same examples on every run; ``HYPOTHESIS_PROFILE=explore`` searches wider locally.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", max_examples=2_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


#: A skip whose reason starts with this needs something outside Python and uv (a browser,
#: a system package). Locally it skips with the reason; in CI (``CI`` set) it fails, so CI
#: can never pass while hiding a test it did not run.
SYSTEM_SKIP = "needs system:"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """In CI, a skip for a missing system dependency is a failure."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not (report.skipped and os.environ.get("CI")) or not isinstance(report.longrepr, tuple):
        return
    reason = str(report.longrepr[2])
    if reason.removeprefix("Skipped: ").startswith(SYSTEM_SKIP):
        report.outcome = "failed"
        report.longrepr = f"CI must not skip this test: {reason}"
