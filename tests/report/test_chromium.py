"""The report as a person sees it: real headless Chromium, screenshots for the docs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from partnerkit.report import MonthlyReport

IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MAX_BYTES = 400_000
SCALE = 0.5


@pytest.fixture(scope="module")
def browser() -> Any:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip(
            "needs system: chromium is not on PATH; the report's browser test needs Debian's "
            "chromium package (apt-get install chromium fonts-dejavu-core), which `.ci/run` "
            "installs — in CI this skip is a failure"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _render(browser: Any, report: MonthlyReport, shot: Path) -> dict[str, Any]:
    # A 1280-wide layout, captured at a reduced pixel ratio so the full page stays a
    # commit-worthy size (under MAX_BYTES).
    page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=SCALE)
    console: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))

    def refuse(route: Any) -> None:
        requests.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)
    page.set_content(report.to_html(), wait_until="load")
    found = page.evaluate(
        """() => {
          const charts = [...document.querySelectorAll('svg[data-chart]')].map(s => {
            const r = s.getBoundingClientRect();
            return {key: s.dataset.chart, width: r.width, height: r.height};
          });
          const limit = document.documentElement.clientWidth;
          const over = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1
                      || e.getBoundingClientRect().left < -1)
            .filter(e => !e.closest('.table-wrap') || e.classList.contains('table-wrap'))
            .map(e => e.tagName + '.' + e.className);
          return {
            charts,
            over,
            scroll: document.documentElement.scrollWidth,
            width: limit,
            dir: getComputedStyle(document.body).direction,
            h2dir: getComputedStyle(document.querySelector('h2')).direction,
            sections: document.querySelectorAll('section[data-section]').length,
          };
        }"""
    )
    page.screenshot(path=str(shot), full_page=True, type="png")
    page.close()
    return {"console": console, "errors": errors, "requests": requests, **found}


def _check(found: dict[str, Any], shot: Path) -> None:
    assert found["errors"] == []
    assert found["console"] == []
    assert found["requests"] == []
    assert found["sections"] == 10  # October, the trial's last month: the verdict opens it
    keys = {c["key"] for c in found["charts"]}
    assert {"history", "cpl", "funnel", "budget"} <= keys
    for chart in found["charts"]:
        assert chart["width"] > 0
        assert chart["height"] > 0
    assert found["over"] == []
    assert found["scroll"] <= found["width"]
    size = shot.stat().st_size
    assert 0 < size < MAX_BYTES, f"{shot.name} is {size:,} bytes"


def test_english_report_in_chromium(browser: Any, demo_report_en: MonthlyReport) -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    shot = IMG / "report.png"
    found = _render(browser, demo_report_en, shot)
    _check(found, shot)
    assert found["dir"] == "ltr"


def test_hebrew_report_in_chromium(browser: Any, demo_report_he: MonthlyReport) -> None:
    shot = IMG / "report-he.png"
    found = _render(browser, demo_report_he, shot)
    _check(found, shot)
    assert found["dir"] == "rtl"
    assert found["h2dir"] == "rtl"
