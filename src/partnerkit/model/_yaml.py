"""The YAML dialect of workspace files: YAML 1.1 syntax with YAML 1.2's plain scalars.

PyYAML follows YAML 1.1, where ``no``, ``on`` and ``off`` are booleans, ``18:00`` is
the number 1080 (base 60) and ``0123`` is octal. In a workspace file those are a
country code, a time and an account id, so this loader reads them as text:

* booleans are only ``true`` / ``false`` (any case);
* integers are plain decimal numbers without a leading zero (``0123`` stays text);
* numbers with a decimal point become exact :class:`~decimal.Decimal` values;
* dates (``2026-01-31``) still become :class:`datetime.date`; an impossible date
  (``2026-13-01``) stays text, so the model reports it with its key and line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

__all__ = ["WorkspaceLoader", "parse_scalar"]


class WorkspaceLoader(yaml.SafeLoader):
    """A safe YAML loader with YAML 1.2-style booleans and numbers, floats as Decimal."""


_REPLACED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
WorkspaceLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
WorkspaceLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
WorkspaceLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
WorkspaceLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "").lower()  # type: ignore[arg-type]
    if text.endswith("inf"):
        return Decimal("-Infinity") if text.startswith("-") else Decimal("Infinity")
    if text.endswith("nan"):
        return Decimal("NaN")
    return Decimal(text)


WorkspaceLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """Build a date or datetime; an impossible one (2026-13-01) stays text for the model."""
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


WorkspaceLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_scalar(text: str) -> Any:
    """Parse a value written in a condition (``true``, ``[a, b]``, ``12.5``) like YAML does.

    Args:
        text: The text after the operator.

    Returns:
        The value; text that is not valid YAML is returned unchanged.
    """
    try:
        return yaml.load(text, Loader=WorkspaceLoader)
    except yaml.YAMLError:
        return text
