"""Settings shared by every test directory of the repository (tests/, connectors/, examples/).

Hypothesis runs with a fixed, derandomised budget so CI takes the same time and finds
the same examples on every run; ``HYPOTHESIS_PROFILE=explore`` searches wider locally.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
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


TINY_WORKSPACE = """\
version: 1
name: Tiny Shop × Agency
currency: EUR
timezone: Europe/Rome
locale: en-US
connections:
  - name: ads
    connector: files
    settings:
      files:
        - path: ads.csv
          stream: performance
          columns: {date: Day, campaign_id: Campaign ID, spend: Cost, clicks: Clicks}
          constants: {platform: google_ads, account_id: "111", currency: EUR,
                      channel: paid_search, level: campaign}
sources:
  - id: search
    name: Search ads
    channel: paid_search
    platform: google_ads
    connection: ads
    wiring: form
    owner: partner
    matching: {account_ids: "111"}
"""
"""A small engagement read by the files connector: one paid-search source (account 111)."""

TINY_ADS = """\
Day,Campaign ID,Cost,Clicks
2026-09-30,7,10.00,5
2026-10-01,7,12.50,6
2026-10-02,7,7.25,4
"""
"""Its ``ads.csv``: three days of one campaign, 30 September to 2 October 2026."""


@pytest.fixture
def tiny_workspace() -> Callable[[Path], Path]:
    """Write :data:`TINY_WORKSPACE` and its ``ads.csv`` into a folder; returns the yaml's path.

    The report tests of the command line and of the PDF share it.
    """

    def write(folder: Path) -> Path:
        (folder / "ads.csv").write_text(TINY_ADS, encoding="utf-8")
        config = folder / "partnerkit.yaml"
        config.write_text(TINY_WORKSPACE, encoding="utf-8")
        return config

    return write
