"""Whether the connectors a workspace file names are installed (``partnerkit validate``).

Kept apart from the loader: a workspace loads without its connectors (to read a
warehouse synced elsewhere), but ``validate`` reports a connector no installed package
provides, with its line and the package to install. It reads the file's YAML nodes
itself, so it reports even when the file has other problems.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from partnerkit.errors import PartnerkitError, WorkspaceProblem
from partnerkit.model._base import did_you_mean
from partnerkit.model._yaml import WorkspaceLoader

__all__ = ["uninstalled_connector_problems"]


def _connector_nodes(root: yaml.Node) -> list[tuple[int, str, int]]:
    """Each ``connections[i].connector`` that is a plain name: (index, name, line)."""
    if not isinstance(root, yaml.MappingNode):
        return []
    found: list[tuple[int, str, int]] = []
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == "connections"):
            continue
        if not isinstance(value, yaml.SequenceNode):
            continue
        for i, item in enumerate(value.value):
            if not isinstance(item, yaml.MappingNode):
                continue
            for field, name in item.value:
                if (
                    isinstance(field, yaml.ScalarNode)
                    and field.value == "connector"
                    and isinstance(name, yaml.ScalarNode)
                    and isinstance(name.value, str)
                    and name.value
                ):
                    found.append((i, name.value, name.start_mark.line + 1))
    return found


def uninstalled_connector_problems(path: str | os.PathLike[str]) -> list[WorkspaceProblem]:
    """List the connections whose connector no installed package provides.

    Args:
        path: The workspace file, or a folder holding ``partnerkit.yaml``.

    Returns:
        One problem per such connection, at the line of its ``connector:``, saying what
        to install: ``uv add partnerkit-<name>`` for the connectors partnerkit knows of.
        Empty when the file cannot be read or parsed (the loader reports that).
    """
    from partnerkit.model.loader import WORKSPACE_FILE
    from partnerkit.registry import KNOWN_PROVIDERS, available_connectors

    file = Path(path)
    if file.is_dir():
        file = file / WORKSPACE_FILE
    try:
        root = yaml.compose(file.read_text(encoding="utf-8"), Loader=WorkspaceLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    if root is None:
        return []
    try:
        installed = list(available_connectors())
    except PartnerkitError:  # two packages claim a name: `partnerkit connectors` says so
        return []
    problems: list[WorkspaceProblem] = []
    for index, name, line in _connector_nodes(root):
        if name in installed:
            continue
        provider = KNOWN_PROVIDERS.get(name)
        if provider is not None:
            fix = f"install it: `uv add {provider}` (or `pip install {provider}`)"
        else:
            fix = (
                "install the package that provides it, or check the name (installed: "
                f"{', '.join(installed) or 'none'}).{did_you_mean(name, installed)}"
            )
        problems.append(
            WorkspaceProblem(
                f"connections[{index}].connector",
                f"no installed package provides the connector {name!r}; {fix}",
                line,
            )
        )
    return problems
