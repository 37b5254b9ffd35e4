"""The README's examples are valid settings, and its settings table lists every field."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import partnerkit_hubspot
import yaml
from partnerkit_hubspot import HubSpotSettings

from partnerkit.model.connections import Connection

README = Path(__file__).parents[1] / "README.md"
DOCS_PAGE = Path(__file__).parents[3] / "docs" / "connectors" / "hubspot.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_workspace_example_validates() -> None:
    (example,) = [b for b in blocks("yaml") if "connections:" in b]
    connections = [Connection(**c) for c in yaml.safe_load(example)["connections"]]
    assert [c.name for c in connections] == [
        "hubspot",
        "hubspot-partner-portal",
        "hubspot-activity",
    ]
    for connection in connections:
        assert connection.connector == "hubspot"
        secrets = {name: f"from-{variable}" for name, variable in connection.secrets.items()}
        settings = HubSpotSettings(**connection.settings, **secrets, accounts=connection.accounts)
        assert settings.accounts == connection.accounts
    oauth = HubSpotSettings(
        **connections[1].settings, client_secret="s", refresh_token="r", hash_salt="x"
    )
    assert oauth.uses_oauth
    assert oauth.streams == ["deals"]


def test_quick_start_settings_validate() -> None:
    python = next(b for b in blocks("python") if "get_connector" in b)
    literal = re.search(r"settings = (\{.*?\})\n", python)
    assert literal is not None
    settings: dict[str, Any] = ast.literal_eval(literal.group(1))
    HubSpotSettings(**settings, access_token="t", hash_salt="s")


def test_every_setting_is_documented() -> None:
    table = README.read_text(encoding="utf-8").split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", table))
    assert set(HubSpotSettings.model_fields) <= documented


def test_the_docs_page_includes_the_readme() -> None:
    page = DOCS_PAGE.read_text(encoding="utf-8")
    assert '--8<-- "connectors/hubspot/README.md:docs"' in page
    readme = README.read_text(encoding="utf-8")
    assert "<!-- --8<-- [start:docs] -->" in readme
    assert "<!-- --8<-- [end:docs] -->" in readme


def test_public_names() -> None:
    assert sorted(partnerkit_hubspot.__all__) == [
        "HubSpotConnector",
        "HubSpotOwner",
        "HubSpotPipeline",
        "HubSpotPortal",
        "HubSpotSettings",
        "HubSpotStage",
        "PropertyDef",
    ]
    for name in partnerkit_hubspot.__all__:
        assert getattr(partnerkit_hubspot, name).__module__.startswith("partnerkit_hubspot._")
