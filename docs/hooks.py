"""mkdocs hooks: generate the record dictionary; refuse a page with an unexpanded snippet.

The column documentation lives once, in the code (``Annotated`` metadata on each
record field); :func:`on_page_markdown` renders it into ``records.md`` at build time.

:func:`on_page_content` fails the build when a rendered page still shows a
``pymdownx.snippets`` include line: the snippet was not expanded (a formatter that
took a ```` ```python ```` block for Python rewrote ``--8<--`` as ``--8 < --``, and
``check_paths`` only checks the lines it recognises).
"""

from __future__ import annotations

import html
import re
from typing import Any

from mkdocs.exceptions import PluginError

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


#: A line that begins with a snippet marker, as the reader would see it: ``--8<--``,
#: also spread out by a formatter (``--8 < --``), then a quoted path or nothing.
UNEXPANDED_SNIPPET = re.compile(
    r"""^[ \t]*-{2}8[ \t]*<[ \t]*-{2}[ \t]*(?:["'].*)?$""", re.MULTILINE
)
_TAG = re.compile(r"<[^>]+>")


def unexpanded_snippets(rendered: str) -> list[str]:
    """The lines of a rendered page that still show a snippet include line."""
    text = html.unescape(_TAG.sub("", rendered))
    return [m.group(0).strip() for m in UNEXPANDED_SNIPPET.finditer(text)]


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    """Fail the build on a page that shows an unexpanded snippet include line."""
    found = unexpanded_snippets(html)
    if found:
        shown = "; ".join(found[:5])
        raise PluginError(
            f"{page.file.src_uri}: {len(found)} snippet include line(s) were not expanded "
            f'({shown}). Write each as `--8<-- "path"` on a line of its own; in a '
            "```python block, wrap the block in <!-- fmt: off --> / <!-- fmt: on --> so "
            "ruff format leaves it alone."
        )
    return html
