"""The README's examples are valid settings, and its fixture notes match the files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from partnerkit_files import FilesSettings

README = Path(__file__).parents[1] / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_workspace_example_validates() -> None:
    (example,) = blocks("yaml")
    connections: list[dict[str, Any]] = yaml.safe_load(example)["connections"]

    assert [c["name"] for c in connections] == ["linkedin_export", "agency_sheet", "lead_log"]
    for connection in connections:
        assert connection["connector"] == "files"
        settings = FilesSettings(**connection["settings"], hash_salt="a-salt-from-the-env")
        assert settings.files
    lead_log = FilesSettings(**connections[2]["settings"], hash_salt="x")
    assert [f.stream for f in lead_log.files] == ["leads", "deals"]


def test_quick_start_settings_validate() -> None:
    python = next(b for b in blocks("python") if "get_connector" in b)
    start = python.index("settings = ")
    end = python.index("\nwith Files")
    namespace: dict[str, Any] = {}
    exec(python[start:end], namespace)  # the settings literal only: no file is read
    FilesSettings(**namespace["settings"])
