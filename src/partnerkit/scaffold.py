"""Scaffold a connector package: what ``partnerkit new-connector NAME`` writes.

The files come from the templates shipped inside partnerkit (``partnerkit/_templates/
connector``), with ``{{name}}``, ``{{dist}}``, ``{{module}}``, ``{{Class}}`` and
``{{ENV}}`` filled in. The repository's ``connectors/_template`` is the same templates
rendered for the name ``template`` (a test keeps them identical), so the starting point
a plugin author copies and the one the command writes are one thing.

The package it writes passes the connector contract suite as generated::

    from partnerkit.scaffold import new_connector

    new_connector("shop", "partnerkit-shop")  # then: cd partnerkit-shop && uv run pytest tests
"""

from __future__ import annotations

import keyword
import os
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from partnerkit.errors import ConfigurationError

__all__ = ["ConnectorNames", "new_connector", "render_connector"]

_SUFFIX = ".tmpl"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class ConnectorNames:
    """The names a connector package derives from its connector name.

    Attributes:
        name: The connector's (and entry point's) name, e.g. ``google_ads``.
        dist: The distribution, e.g. ``partnerkit-google-ads``.
        module: The import package, e.g. ``partnerkit_google_ads``.
        class_prefix: The prefix of the class names, e.g. ``GoogleAds``.
        env_prefix: The settings' environment prefix, e.g. ``PARTNERKIT_GOOGLE_ADS_``.
    """

    name: str
    dist: str
    module: str
    class_prefix: str
    env_prefix: str

    @classmethod
    def of(cls, name: str) -> ConnectorNames:
        """Derive every name from a connector name, after checking it.

        Args:
            name: The connector name: lower-case letters, digits and ``_``, starting with
                a letter, and not a Python keyword.

        Raises:
            ConfigurationError: The name cannot be a connector's name.
        """
        from partnerkit.model.connections import CONNECTOR_NAME

        if not CONNECTOR_NAME.match(name) or keyword.iskeyword(name) or name.endswith("_"):
            raise ConfigurationError(
                f"{name!r} cannot be a connector's name: use lower-case letters, digits and "
                f"'_', starting with a letter (a Python identifier such as 'shop' or "
                f"'my_shop'); it becomes the entry point, the module partnerkit_<name> and "
                f"the package partnerkit-<name>"
            )
        return cls(
            name=name,
            dist=f"partnerkit-{name.replace('_', '-')}",
            module=f"partnerkit_{name}",
            class_prefix="".join(part.capitalize() for part in name.split("_")),
            env_prefix=f"PARTNERKIT_{name.upper()}_",
        )

    def substitutions(self) -> dict[str, str]:
        """The placeholder values, by placeholder name."""
        return {
            "name": self.name,
            "dist": self.dist,
            "module": self.module,
            "Class": self.class_prefix,
            "ENV": self.env_prefix,
        }


def _fill(text: str, values: dict[str, str], where: str) -> str:
    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:  # a template bug, caught by the tests
            raise KeyError(f"unknown placeholder {{{{{key}}}}} in {where}")
        return values[key]

    return _PLACEHOLDER.sub(one, text)


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            out += _walk(entry, relative + "/")
        elif entry.name.endswith(_SUFFIX):
            out.append((relative.removesuffix(_SUFFIX), entry))
    return out


def render_connector(name: str) -> dict[str, str]:
    """Render the connector package's files for a name, without writing anything.

    Args:
        name: The connector name (see :meth:`ConnectorNames.of`).

    Returns:
        Each file's text by its path relative to the package folder (``/``-separated),
        e.g. ``src/partnerkit_shop/__init__.py``.

    Raises:
        ConfigurationError: The name cannot be a connector's name.
    """
    values = ConnectorNames.of(name).substitutions()
    root = files("partnerkit").joinpath("_templates").joinpath("connector")
    return {
        _fill(path, values, path): _fill(entry.read_text(encoding="utf-8"), values, path)
        for path, entry in _walk(root, "")
    }


def _taken_by(name: str) -> str | None:
    """The package that already provides a connector with this name, if any."""
    from partnerkit.registry import KNOWN_PROVIDERS, available_connectors

    installed = available_connectors().get(name)
    if installed is not None:
        return installed.distribution or "a connector registered in this process"
    return KNOWN_PROVIDERS.get(name)


def new_connector(name: str, target: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write a new connector package that passes the contract suite as generated.

    Args:
        name: The connector name, e.g. ``shop``: the entry point ``shop``, the module
            ``partnerkit_shop``, the distribution ``partnerkit-shop``.
        target: The package folder to create; it must not exist or be empty. Defaults
            to ``./partnerkit-<name>`` (with ``-`` for ``_``).

    Returns:
        The files written, in order.

    Raises:
        ConfigurationError: The name is not a valid connector name or is taken by an
            installed (or known) connector, or the target is a file or a folder that
            is not empty, or cannot be written.
    """
    names = ConnectorNames.of(name)
    taken = _taken_by(name)
    if taken is not None:
        raise ConfigurationError(
            f"a connector named {name!r} exists already (package {taken}): choose another "
            f"name, e.g. '{name}_custom'"
        )
    folder = Path(target) if target is not None else Path(names.dist)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "folder is not empty" if folder.is_dir() else "path is a file"
        raise ConfigurationError(
            f"cannot write the connector into {folder}: the {what}; give an empty or new "
            f"folder with --dir"
        )
    written: list[Path] = []
    try:
        for relative, text in render_connector(name).items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write the connector into {folder}: {exc.strerror or exc}"
        ) from exc
    return written
