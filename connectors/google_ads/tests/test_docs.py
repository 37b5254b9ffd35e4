"""The README's examples are valid settings, and its fixture notes match the files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from partnerkit_google_ads import GoogleAdsConnector, GoogleAdsSettings

README = Path(__file__).parents[1] / "README.md"
CASSETTES = Path(__file__).parent / "cassettes"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_workspace_example_validates() -> None:
    example = blocks("yaml")[0]
    connections: list[dict[str, Any]] = yaml.safe_load(example)["connections"]
    assert [c["name"] for c in connections] == ["google_ads_agency", "google_ads_shop"]
    agency = GoogleAdsSettings(**connections[0]["settings"])
    assert agency.login_customer_id == "1234567890"
    assert agency.lookback_days == 30
    assert agency.lead_categories == ["SUBMIT_LEAD_FORM", "BOOK_APPOINTMENT", "PHONE_CALL_LEAD"]
    shop = GoogleAdsSettings(**connections[1]["settings"])
    assert (shop.accounts, shop.level) == (["2345678901"], "ad")


def test_report_streams_example_validates() -> None:
    (_, example) = blocks("yaml")
    (shop,) = yaml.safe_load(example)["connections"]
    settings = GoogleAdsSettings(**shop["settings"])
    assert settings.conversion_actions == ["670000001", "670000002"]
    assert settings.custom_queries["hourly"].startswith("SELECT campaign.id, campaign.name")
    assert settings.custom_queries["hourly"].endswith("WHERE campaign.status = 'ENABLED'")


def test_every_stream_has_a_row_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for spec in GoogleAdsConnector.streams:
        assert f"| `{spec.name}` |" in text, spec.name


def test_every_setting_has_a_row_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for name in ("conversion_actions", "custom_queries"):
        assert f"| `{name}` |" in text, name


def test_quick_start_settings_validate() -> None:
    python = next(b for b in blocks("python") if "get_connector" in b)
    start = python.index("settings = ")
    end = python.index("\nwith GoogleAds")
    namespace: dict[str, Any] = {}
    exec(python[start:end], namespace)  # the settings literal only: nothing is read
    GoogleAdsConnector(namespace["settings"])


def test_every_cassette_named_in_the_readme_or_tests_exists() -> None:
    names = {p.relative_to(CASSETTES).as_posix() for p in CASSETTES.rglob("*.yaml")}
    assert names == {
        "ad_level.yaml",
        "contract/campaigns.yaml",
        "contract/check.yaml",
        "contract/performance.yaml",
        "reports/check.yaml",
        "reports/conversions.yaml",
        "reports/conversions_selected.yaml",
        "reports/custom.yaml",
        "reports/custom_unknown.yaml",
        "reports/custom_unselectable.yaml",
        "reports/devices.yaml",
        "reports/geography.yaml",
        "reports/keywords.yaml",
        "reports/search_terms.yaml",
        "refresh_flow.yaml",
        "restated.yaml",
        "timezones.yaml",
    }
