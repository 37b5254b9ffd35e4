"""Render sections to self-contained HTML and to Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from string import Template
from typing import TYPE_CHECKING

from partnerkit.report.sections import (
    Block,
    Bullets,
    Cell,
    Chart,
    Heading,
    NoData,
    Section,
    Table,
    Text,
)

if TYPE_CHECKING:
    from partnerkit.report._document import Document

__all__ = ["DEFAULT_CSS", "DEFAULT_TEMPLATE", "render_html", "render_markdown"]

#: The report's stylesheet; ``build_report(css=...)`` appends to it.
DEFAULT_CSS = """
:root { --ink:#1f2933; --muted:#5f6b76; --line:#d9dee3; --good:#1e7b45; --bad:#b03a2e;
        --accent:#2f6f9f; --bg:#ffffff; --soft:#f4f6f8; }
* { box-sizing: border-box; }
html { background: var(--soft); -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; background: var(--bg);
       color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Arial, sans-serif;
       overflow-wrap: break-word; }
header.report-head { border-bottom: 3px solid var(--accent); margin-bottom: 8px; }
header.report-head h1 { margin: 0 0 4px; font-size: 26px; line-height: 1.2; }
header.report-head p { margin: 0 0 10px; color: var(--muted); }
nav.toc ol { columns: 15em 3; column-gap: 24px; margin: 8px 0 0; padding-inline-start: 20px;
             color: var(--muted); }
section.report-section { border-top: 1px solid var(--line); padding-top: 8px; margin-top: 22px; }
h2 { font-size: 21px; line-height: 1.25; margin: 8px 0 10px; color: var(--accent); }
h3 { font-size: 16px; margin: 16px 0 6px; }
ul { margin: 4px 0 10px; padding-inline-start: 22px; }
li.good::marker { color: var(--good); } li.bad::marker { color: var(--bad); }
li.good, p.good { border-inline-start: 3px solid var(--good); padding-inline-start: 6px; }
li.bad, p.bad { border-inline-start: 3px solid var(--bad); padding-inline-start: 6px; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 6px 0 12px;
              -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
caption { text-align: start; font-weight: 600; padding: 2px 0 4px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: start;
         vertical-align: top; min-width: 5.5em; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: end; white-space: nowrap; font-variant-numeric: tabular-nums; }
bdi.num { unicode-bidi: isolate; white-space: nowrap; }
.missing { color: var(--muted); cursor: help; }
p.nodata { color: var(--muted); font-style: italic; background: var(--soft);
           padding: 6px 10px; border-radius: 4px; }
figure.chart { margin: 12px 0 20px; max-width: 720px; container-type: inline-size; }
figure.chart figcaption { font-weight: 600; margin-bottom: 6px; }
figure.chart svg { display: block; width: 100%; overflow: visible; }
svg.chart .roomy { display: none; }
@container (min-width: 560px) { svg.chart .roomy { display: inline; } }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px;
                   padding: 0; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%);
                   white-space: nowrap; border: 0; }
@media (max-width: 640px) {
  body { padding: 14px 14px 32px; font-size: 15px; }
  header.report-head h1 { font-size: 22px; }
  h2 { font-size: 19px; }
  table { font-size: 13px; }
  th, td { padding: 4px 6px; }
  /* the first column names the row: it stays in view while a wide table scrolls */
  .table-wrap th:first-child, .table-wrap td:first-child {
    position: sticky; inset-inline-start: 0; background: var(--bg); z-index: 1; }
  .table-wrap th:first-child { background: var(--soft); }
  .table-wrap td:first-child { min-width: 7.5em; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { background: none; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc { display: none; }
  h2, h3, figcaption, caption { break-after: avoid; }
  figure.chart, tr, li, p { break-inside: avoid; }
  section.report-section { break-before: auto; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: 3px 5px; }
  td.num, bdi.num { white-space: normal; }
  a { color: inherit; text-decoration: none; }
}
"""

#: The page around the sections: a :class:`string.Template` with ``$lang``, ``$dir``,
#: ``$title``, ``$css`` and ``$body``.
DEFAULT_TEMPLATE = """<!DOCTYPE html>
<html lang="$lang" dir="$dir">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>$title</title>
<style>$css</style>
</head>
<body>
$body
</body>
</html>
"""


def _cell(cell: Cell) -> str:
    if cell.missing is not None:
        return f'<span class="missing" title="{escape(cell.missing)}">{escape(cell.text)}</span>'
    if cell.value is not None:
        return f'<bdi class="num" data-value="{cell.value}">{escape(cell.text)}</bdi>'
    if cell.numeric:
        return f"<bdi>{escape(cell.text)}</bdi>"
    return escape(cell.text)


def _text_html(text: Text) -> str:
    return escape(text.template, quote=False).format(
        **{k: _cell(c) for k, c in text.fields.items()}
    )


def _block_html(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h3>{escape(block.text)}</h3>"
    if isinstance(block, NoData):
        return f'<p class="nodata">{escape(block.reason)}</p>'
    if isinstance(block, Text):
        tone = f' class="{block.tone}"' if block.tone else ""
        return f"<p{tone}>{_text_html(block)}</p>"
    if isinstance(block, Bullets):
        items = "".join(
            f"<li{f' class={chr(34)}{t.tone}{chr(34)}' if t.tone else ''}>{_text_html(t)}</li>"
            for t in block.items
        )
        return f"<ul>{items}</ul>"
    if isinstance(block, Table):
        return _table_html(block)
    data = (
        f'<div class="chart-data visually-hidden">{_table_html(block.data, caption=False)}</div>'
        if block.data is not None
        else ""
    )
    return (
        f'<figure class="chart" data-chart="{escape(block.key)}">'
        f"<figcaption>{escape(block.title)}</figcaption>{block.svg}{data}</figure>"
    )


def _table_html(table: Table, *, caption: bool = True) -> str:
    """A table in its own scrolling container (a wide table never widens the page)."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_cell(c)}</td>' if c.numeric else f"<td>{_cell(c)}</td>" for c in row
        )
        + "</tr>"
        for row in table.rows
    )
    title = f"<caption>{escape(table.caption)}</caption>" if caption and table.caption else ""
    return (
        f'<div class="table-wrap"><table data-table="{escape(table.key)}">{title}'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def render_html(page: Document, *, lang: str) -> str:
    """A document (the report, a review) as one HTML page; ``<html lang>`` is ``lang``."""
    title, subtitle, sections = page.title, page.subtitle, page.sections
    toc = "".join(f'<li><a href="#{s.id}">{escape(s.title)}</a></li>' for s in sections)
    parts = [
        f'<header class="report-head"><h1>{escape(title)}</h1>'
        f"<p>{escape(subtitle)}</p><p>{escape(page.note)}</p>"
        f'<nav class="toc"><ol>{toc}</ol></nav></header>'
    ]
    for s in sections:
        body = "".join(_block_html(b) for b in s.blocks)
        parts.append(
            f'<section class="report-section" id="{s.id}" data-section="{s.id}">'
            f"<h2>{s.number}. {escape(s.title)}</h2>{body}</section>"
        )
    return Template(page.template).safe_substitute(
        lang=escape(lang),
        dir="rtl" if page.rtl else "ltr",
        title=escape(f"{title} — {subtitle}"),
        css=page.css,
        body="\n".join(parts),
    )


def _md(text: str) -> str:
    """A data value made inert in Markdown: its HTML shown as text, never run.

    ``&``, ``<`` and ``>`` become entities (``<script>`` and ``<img onerror=...>`` are
    shown, not parsed, by Markdown renderers and by browsers alike), ``[`` and ``]``
    are backslash-escaped (no link or image can be injected) and line breaks become
    spaces (a value cannot start a block of its own).
    """
    escaped = escape(text, quote=False).replace("[", "\\[").replace("]", "\\]")
    return escaped.replace("\r", " ").replace("\n", " ")


def _md_cell(text: str) -> str:
    """A value for a Markdown table cell: :func:`_md`, and ``|`` cannot end the cell."""
    return _md(text).replace("|", "\\|")


def _md_text(text: Text) -> str:
    return _md(text.template).format(**{k: _md(c.text) for k, c in text.fields.items()})


def _md_table(table: Table) -> list[str]:
    """A Markdown table (numbers aligned right), followed by a blank line."""
    lines = ["| " + " | ".join(_md_cell(c) for c in table.columns) + " |"]
    first = table.rows[0] if table.rows else ()
    align = [
        "---:" if i < len(first) and first[i].numeric else "---" for i in range(len(table.columns))
    ]
    lines.append("|" + "|".join(align) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_md_cell(c.text) for c in row) + " |")
    return [*lines, ""]


def render_markdown(*, title: str, subtitle: str, note: str, sections: Sequence[Section]) -> str:
    """The report as Markdown (each chart as the table of its numbers)."""
    lines = [f"# {_md(title)}", "", f"**{_md(subtitle)}**", "", _md(note), ""]
    for s in sections:
        lines += [f"## {s.number}. {_md(s.title)}", ""]
        for b in s.blocks:
            if isinstance(b, Heading):
                lines += [f"### {_md(b.text)}", ""]
            elif isinstance(b, NoData):
                lines += [f"*{_md(b.reason)}*", ""]
            elif isinstance(b, Text):
                lines += [_md_text(b), ""]
            elif isinstance(b, Bullets):
                lines += [f"- {_md_text(t)}" for t in b.items] + [""]
            elif isinstance(b, Table):
                lines += _md_table(b)
            elif isinstance(b, Chart):
                lines += [f"*{_md(b.title)}*", ""]
                lines += _md_table(b.data) if b.data is not None else [_md(b.alt), ""]
    return "\n".join(lines).rstrip() + "\n"
