"""The review documents as a person sees them: real headless Chromium, a phone and a desktop.

The same checks as the monthly report's (``test_chromium.py``, whose measuring script and
browser this module reuses): no page or console error, no request, nothing reaches past
the viewport at 390 px or 1280 px, no text squeezed to a few characters a line, and the
direction of the language.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_chromium import MEASURE, browser  # noqa: F401 - the module's browser fixture

from partnerkit.report import ReviewDocument, build_review, build_source_map, build_trial_review


@pytest.fixture(scope="module")
def documents(demo: Any) -> dict[str, ReviewDocument]:
    ws, data = demo.workspace, demo.dataset
    common = {"as_of": demo.as_of}
    return {
        "review-en": build_review(ws, data, "2026Q4", locale="en-US", **common),
        "review-he": build_review(ws, data, "2026Q4", **common),
        "trial-he": build_trial_review(ws, data, evidence=demo.evidence, **common),
        "sources-en": build_source_map(ws, data, locale="en-US", **common),
    }


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["review-en", "review-he", "trial-he", "sources-en"])
def test_the_document_reads_in_chromium(
    browser: Any,  # noqa: F811 - the fixture imported above
    documents: dict[str, ReviewDocument],
    name: str,
    width: int,
) -> None:
    doc = documents[name]
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def refuse(route: Any) -> None:
        requests.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)
    page.set_content(doc.to_html(), wait_until="load")
    found = page.evaluate(MEASURE, False)
    page.close()
    assert (errors, requests) == ([], [])
    assert found["sections"] == len(doc.sections)
    assert found["dir"] == ("rtl" if doc.rtl else "ltr")
    assert found["over"] == []
    assert found["scroll"] <= found["width"] == width
    assert found["narrow"] == []
