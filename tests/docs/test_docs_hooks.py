"""The docs build's own checks (docs/hooks.py) and the page sources they protect."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A python block as pymdownx.highlight renders `--8 < --"examples/x.py:part"` (what
# ruff format made of a snippet line).
MANGLED = (
    '<div class="highlight"><pre><span></span><code><span class="o">--</span>'
    '<span class="mi">8</span> <span class="o">&lt;</span> <span class="o">--</span>'
    '<span class="s2">&quot;examples/x.py:part&quot;</span>\n</code></pre></div>'
)


def test_a_mangled_snippet_line_in_rendered_code_is_found(hooks: ModuleType) -> None:
    assert hooks.unexpanded_snippets(MANGLED) == ['--8 < --"examples/x.py:part"']


def test_a_snippet_line_left_as_written_is_found(hooks: ModuleType) -> None:
    page = '<p>Intro</p>\n<p>--8&lt;-- "connectors/meta/README.md:docs"</p>'
    assert hooks.unexpanded_snippets(page) == ['--8<-- "connectors/meta/README.md:docs"']


def test_the_marker_named_in_a_sentence_is_not_a_snippet_line(hooks: ModuleType) -> None:
    page = "<p>Write each include as <code>--8&lt;-- &quot;path&quot;</code> on its own.</p>"
    assert hooks.unexpanded_snippets(page) == []


def test_the_build_fails_on_such_a_page(hooks: ModuleType) -> None:
    from mkdocs.exceptions import PluginError

    class Page:
        class file:  # noqa: N801
            src_uri = "testing-your-connector.md"

    with pytest.raises(PluginError, match=r"testing-your-connector.md: 1 snippet include"):
        hooks.on_page_content(MANGLED, page=Page)
    assert hooks.on_page_content("<p>fine</p>", page=Page) == "<p>fine</p>"


def test_no_page_holds_a_snippet_line_a_formatter_rewrote(docs_pages: list[Path]) -> None:
    mangled = re.compile(r"^\s*-{2}8\s+<\s*-{2}|^\s*-{2}8\s*<\s+-{2}", re.MULTILINE)
    found = [
        f"{page.relative_to(ROOT)}: {m.group(0).strip()}"
        for page in docs_pages
        for m in mangled.finditer(page.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_record_dictionary_has_every_kind_with_its_columns(hooks: ModuleType) -> None:
    from partnerkit.records import RecordKind

    page = hooks.on_page_markdown((ROOT / "docs" / "records.md").read_text())
    headings = re.findall(r"^## `(\w+)` — `\w+`$", page, re.MULTILINE)
    assert headings == [k.value for k in RecordKind]
    assert {"email_campaign", "activity", "form_submission", "company"} <= set(headings)
    activity = page[page.index("## `activity`") : page.index("## `form_submission`")]
    assert "| `lead_ids` |" in activity
    assert "| `occurred_at`" in activity
