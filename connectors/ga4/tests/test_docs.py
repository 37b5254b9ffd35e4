"""The README's examples are valid: the workspace entries build connectors, the settings load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from partnerkit_ga4 import Ga4Connector, Ga4Settings

from partnerkit.model.loader import parse_workspace

README = Path(__file__).parents[1] / "README.md"
DOCS_PAGE = Path(__file__).parents[3] / "docs" / "connectors" / "ga4.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_workspace_example_builds_connectors(monkeypatch: pytest.MonkeyPatch) -> None:
    example = next(b for b in blocks("yaml") if b.startswith("connections:"))
    monkeypatch.setenv("GA4_SERVICE_ACCOUNT_JSON", '{"type": "service_account"}')
    text = "name: demo\ncurrency: EUR\ntimezone: Europe/Rome\n" + example
    workspace = parse_workspace(text, root=README.parent)
    site = workspace.connector("ga4-site")
    assert isinstance(site, Ga4Connector)
    assert site.settings.accounts == ["123456789"]
    assert [r.name for r in site.settings.custom_reports] == ["landing_pages", "italy_devices"]
    assert site.settings.channel_map_in_force()["Cross-network"] == "paid_search"
    shop = workspace.connector("ga4-shop")
    assert shop.settings.accounts == ["987654321", "987654322"]
    assert shop.settings.credentials_json is not None
    assert (shop.settings.chunk_days, shop.settings.lookback_days) == (7, 5)


def test_the_custom_report_example_is_valid() -> None:
    example = next(b for b in blocks("yaml") if b.startswith("custom_reports:"))
    reports: list[dict[str, Any]] = yaml.safe_load(example)["custom_reports"]
    settings = Ga4Settings(accounts=["1"], custom_reports=reports)
    assert settings.custom_reports[0].dimensions == ["landingPage", "deviceCategory"]


def test_the_quick_start_settings_are_valid() -> None:
    python = next(b for b in blocks("python") if "get_connector" in b)
    start, end = python.index("settings = "), python.index("\nwith Ga4")
    namespace: dict[str, Any] = {}
    exec(python[start:end], namespace)  # the settings literal only: nothing is read
    assert Ga4Settings(**namespace["settings"]).lead_events == ["generate_lead", "form_submit"]


def test_the_docs_page_includes_the_readme() -> None:
    page = DOCS_PAGE.read_text(encoding="utf-8")
    assert '--8<-- "connectors/ga4/README.md:docs"' in page
    readme = README.read_text(encoding="utf-8")
    assert readme.count("--8<-- [start:docs]") == readme.count("--8<-- [end:docs]") == 1
