"""Arrow table helpers the analyses share: schemas, tables from rows, notebook sections."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from partnerkit.analysis._data import Result

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["TableView", "schema_of", "sections", "table_of", "the_one"]

_T = TypeVar("_T")


def the_one(items: Iterable[_T], matches: Callable[[_T], bool], missing: str) -> _T:
    """The first of ``items`` that ``matches``: a result's lookup by key.

    Raises:
        KeyError: None matches; ``missing`` says what was asked for.
    """
    for item in items:
        if matches(item):
            return item
    raise KeyError(missing)


def schema_of(*fields: tuple[str, Any]) -> pa.Schema:
    """An Arrow schema from ``(name, type)`` pairs."""
    import pyarrow as pa

    return pa.schema([pa.field(name, kind) for name, kind in fields])


def table_of(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """An Arrow table of row dicts with a fixed schema (empty rows keep the columns)."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=schema)


class TableView(Result):
    """One titled Arrow table shown as a :class:`Result`."""

    def __init__(self, title: str, table: pa.Table) -> None:
        """Wrap a table under a title."""
        self.title = title
        self._table = table

    def to_arrow(self) -> pa.Table:
        """The table."""
        return self._table


def sections(title: str, parts: Sequence[tuple[str, pa.Table]]) -> str:
    """Notebook HTML of several tables under one title (each as :class:`Result` shows one)."""
    return f"<h3>{html.escape(title)}</h3>" + "".join(
        TableView(heading, table)._repr_html_() for heading, table in parts
    )
