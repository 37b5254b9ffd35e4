"""The Markdown report shows hostile data as text: no HTML runs, no table breaks.

Campaign names come from a partner's ad accounts; a name like ``<script>...`` or
``<img src=x onerror=...>`` must reach report-*.md as text (entities), and a ``|`` in
a name must not split a table row into more cells.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _helpers import _lead, _perf, small_workspace

from partnerkit.analysis import Dataset
from partnerkit.report import build_report
from partnerkit.report._render import render_markdown
from partnerkit.report.sections import Bullets, Cell, Heading, Section, Table, Text

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
PIPE = "Brand | Generic"
LINK = "[win](javascript:alert(1))"


def hostile_report_md(tmp_path: Path) -> str:
    names = [SCRIPT, IMG, PIPE, LINK]
    performance = []
    campaigns = []
    for i, name in enumerate(names):
        row = _perf("2026-10-05", "100", 10, 100, 1.0)
        row.update(campaign_id=f"c{i}", campaign_name=name)
        performance.append(row)
        campaigns.append(
            {
                "id": f"k{i}",
                "name": name,
                "source": "google-search",
                "objective": "leads",
                "start": "2026-09-01",
                "platform_campaign_ids": [f"c{i}"],
            }
        )
    data = Dataset.from_records(
        {
            "performance": performance,
            "lead": [_lead("O1", "ORGANIC_SEARCH", "2026-10-02 09:00")],
        }
    )
    report = build_report(small_workspace(campaigns=campaigns), data, dt.date(2026, 10, 1))
    _, md_path = report.write(tmp_path)
    assert md_path.name == "report-2026-10.md"
    return md_path.read_text(encoding="utf-8")


def test_campaign_names_with_html_come_out_inert_in_the_markdown_file(tmp_path: Path) -> None:
    md = hostile_report_md(tmp_path)
    assert "<script" not in md
    assert "<img" not in md
    assert "onerror=alert(1)>" not in md
    # shown as text, in the campaign lines and the campaign table
    assert md.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert md.count("&lt;img src=x onerror=alert(1)&gt;") >= 2
    # no link can be injected
    assert "](javascript:" not in md.replace("\\](javascript:", "")
    assert "\\[win\\](javascript:alert(1))" in md


def test_a_pipe_in_a_name_stays_inside_its_table_cell(tmp_path: Path) -> None:
    md = hostile_report_md(tmp_path)
    rows = [line for line in md.splitlines() if line.startswith("| Brand")]
    assert rows, md
    for row in rows:
        header = next(
            line
            for line in md.splitlines()[: md.splitlines().index(row)][::-1]
            if line.startswith(("|---", "|--"))
        )
        cells = row.replace("\\|", "").count("|")
        assert cells == header.count("|"), (row, header)
        assert "Brand \\| Generic" in row


def test_every_data_value_is_escaped_by_the_markdown_renderer() -> None:
    section = Section(
        id="summary",
        number=1,
        title="Summary",
        blocks=(
            Heading(f"Campaign {SCRIPT}"),
            Text("Best: {name} at {cpl}.", {"name": Cell(IMG), "cpl": Cell("₪5", numeric=True)}),
            Bullets((Text("{name}", {"name": Cell("a & b <b>bold</b>")}),)),
            Table(key="t", columns=("name", "spend"), rows=((Cell(PIPE), Cell("₪1")),)),
        ),
    )
    md = render_markdown(title=f"Acme {SCRIPT}", subtitle="October", note="", sections=[section])
    assert md.splitlines() == [
        "# Acme &lt;script&gt;alert(1)&lt;/script&gt;",
        "",
        "**October**",
        "",
        "",  # the note, empty
        "",
        "## 1. Summary",
        "",
        "### Campaign &lt;script&gt;alert(1)&lt;/script&gt;",
        "",
        "Best: &lt;img src=x onerror=alert(1)&gt; at ₪5.",
        "",
        "- a &amp; b &lt;b&gt;bold&lt;/b&gt;",
        "",
        "| name | spend |",
        "|---|---|",
        "| Brand \\| Generic | ₪1 |",
    ]
