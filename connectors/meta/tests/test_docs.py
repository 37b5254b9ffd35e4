"""The README's examples are valid, and its worked example row says what the code does."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from partnerkit_meta import MetaConnector, MetaSettings
from partnerkit_meta._insights import PAGE, RowMapper
from partnerkit_meta._objects import AccountInfo

README = Path(__file__).parents[1] / "README.md"
DOCS_PAGE = Path(__file__).parents[3] / "docs" / "connectors" / "meta.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_workspace_example_validates() -> None:
    (connections,) = [
        yaml.safe_load(b)["connections"] for b in blocks("yaml") if "connections" in b
    ]
    (connection,) = connections
    assert connection["connector"] == "meta"
    assert set(connection["secrets"]) == {"access_token", "app_secret"}
    settings = MetaSettings(
        **connection["settings"],
        accounts=connection["accounts"],
        access_token="a-token-from-the-env",
    )
    assert settings.accounts == ["act_1029384756", "act_2048576001"]
    assert set(settings.actions.extra) == {"landing_page_views", "calls"}
    assert settings.extra_fields == ("frequency", "quality_ranking")


def test_the_custom_mapping_example_validates() -> None:
    (mapping,) = [yaml.safe_load(b) for b in blocks("yaml") if b.startswith("actions:")]
    settings = MetaSettings(accounts=["1"], access_token="x", **mapping)
    assert settings.actions.leads is not None
    assert settings.actions.leads.combine == "sum"
    assert settings.actions.conversion_value is None


def test_the_quick_start_settings_validate() -> None:
    python = next(b for b in blocks("python") if "get_connector" in b)
    start, end = python.index("settings = "), python.index("\nwith Meta")
    namespace: dict[str, Any] = {}
    exec(python[start:end], namespace)  # the settings literal only: nothing is sent
    MetaConnector({**namespace["settings"], "access_token": "x"})


def test_the_example_row_gives_the_documented_values() -> None:
    (row,) = [json.loads(b) for b in blocks("json")]
    page = PAGE.validate_json(json.dumps({"data": [row]}))
    settings = MetaSettings(accounts=["act_1029384756"], access_token="x")
    account = AccountInfo("act_1029384756", "Shemesh Solar – IL", "ILS", "Asia/Jerusalem", 1)
    (record,) = RowMapper(settings, "campaign", account).records(page["data"])

    assert record["leads"] == 7.0  # not 7 + 4 + 3 = 14
    assert (record["conversions"], record["conversion_value"]) == (None, None)
    assert record["extra"] == {"landing_page_views": 81.0, "action_report_time": "mixed"}
    assert record["spend"] == Decimal("412.37")
    assert record["attribution"] == "7d_click_1d_view"
    assert record["date"] == dt.date(2026, 10, 1)


def test_the_docs_page_includes_the_readme() -> None:
    assert '--8<-- "connectors/meta/README.md:docs"' in DOCS_PAGE.read_text(encoding="utf-8")
