"""mkdocs hook: generate the record dictionary from partnerkit.records.

The column documentation lives once, in the code (``Annotated`` metadata on each
record field); this hook renders it into ``records.md`` at build time.
"""

from __future__ import annotations

from typing import Any

from partnerkit.records import RecordKind, columns, record_type

MARKER = "<!-- record-dictionary -->"


def _type_name(python_type: Any) -> str:
    return getattr(python_type, "__name__", str(python_type)).replace("AwareDatetime", "datetime")


def record_dictionary() -> str:
    """Render every record kind's columns as Markdown tables."""
    parts = []
    for kind in RecordKind:
        cls = record_type(kind)
        doc = (cls.__doc__ or "").strip()
        parts.append(f"## `{kind.value}` — `{cls.__name__}`\n\n{doc}\n")
        parts.append("| column | type | role | unit | additivity | meaning |")
        parts.append("|---|---|---|---|---|---|")
        for c in columns(kind):
            required = " (required)" if c.required else ""
            parts.append(
                f"| `{c.name}`{required} | {_type_name(c.python_type)} | {c.column.role.value} | "
                f"{c.column.unit} | {c.column.additivity.value} | {c.column.description} |"
            )
        parts.append("")
    return "\n".join(parts)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Replace the marker with the generated dictionary."""
    if MARKER in markdown:
        return markdown.replace(MARKER, record_dictionary())
    return markdown
