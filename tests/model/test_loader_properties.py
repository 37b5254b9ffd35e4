"""Property tests of the workspace loader: any input is a Workspace or a WorkspaceError.

Inputs are arbitrary YAML-ish documents (generated values serialised with
``yaml.safe_dump``), workspace-shaped documents with random values in real keys,
arbitrary text, and mutations of the bundled example workspaces. Whatever the input,
the loader returns a :class:`~partnerkit.model.Workspace` or raises a
:class:`~partnerkit.errors.WorkspaceError` whose problems are well formed: never
another exception, never a line outside the file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.demo import DEMO_WORKSPACE
from partnerkit.errors import WorkspaceError
from partnerkit.model import Workspace, parse_workspace
from partnerkit.model._problems import parse_path
from partnerkit.model._yaml import WorkspaceLoader

EXAMPLES = [
    DEMO_WORKSPACE,
    Path(__file__).parents[2] / "examples" / "workspace" / "partnerkit.yaml",
]
TEXTS = [path.read_text(encoding="utf-8") for path in EXAMPLES]

# Text with what hostile files carry: controls (C0, C1, DEL), line breaks, YAML syntax.
_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(list("\x00\x07\t\n\r\x1b\x7f\x85\u2028:-[]{}&*!|>'\"#%@`,?")),
    ),
    max_size=20,
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    _text,
    st.sampled_from(["USD", "ILS\n", "Asia/Jerusalem", "paid_search", "partner", "2026-07"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_text, inner, max_size=4)),
    max_leaves=20,
)


def _outcome(text: str) -> Workspace | WorkspaceError:
    try:
        return parse_workspace(text, file="partnerkit.yaml")
    except WorkspaceError as exc:
        return exc


def _check(text: str) -> None:
    """Load ``text``: a Workspace, or a WorkspaceError with well-formed problems."""
    outcome = _outcome(text)
    if isinstance(outcome, Workspace):
        assert len(outcome.currency) == 3
        assert outcome.currency.isascii()
        assert outcome.currency.isupper()
        return
    assert outcome.file == "partnerkit.yaml"
    assert outcome.problems, "an error without problems"
    lines = text.count("\n") + 1
    for problem in outcome.problems:
        assert problem.message
        assert problem.line is None or 1 <= problem.line <= lines + 1, problem
        parse_path(problem.path)  # every path reads back
        shown = str(problem)
        assert "\x1b" not in shown, "a raw control character is printed"
        assert "\x85" not in shown, "a raw control character is printed"


def _plain(value: Any) -> Any:
    """Values safe_dump can write: Decimal as float."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@given(_values)
def test_any_yaml_document(value: Any) -> None:
    _check(yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True))


@given(
    st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(
            (
                "name",
                "currency",
                "timezone",
                "locale",
                "partner",
                "contract",
                "sources",
                "campaigns",
                "kpis",
                "targets",
                "slas",
                "connections",
                "warehouse",
                "monthly_notes",
            ),
            _values,
        ),
    )
)
def test_workspace_shaped_documents(data: dict[str, Any]) -> None:
    _check(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True))


@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    _check(text)


@given(
    st.sampled_from(range(len(TEXTS))),
    st.data(),
)
def test_text_mutations_of_the_examples(which: int, data: st.DataObject) -> None:
    text = TEXTS[which]
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, min(len(text), start + 40)), label="end")
    insert = data.draw(
        st.one_of(
            st.just(""),
            _text,
            st.sampled_from(["*a", "&a ", "<<: *a\n", "- ", ": ", "[", "{", "\n  ", "---\n"]),
        ),
        label="insert",
    )
    _check(text[:start] + insert + text[end:])


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*at, i))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: _replace(v, rest, new) if k == head else v for k, v in value.items()}
    return [_replace(v, rest, new) if i == head else v for i, v in enumerate(value)]


_EXAMPLE_DATA = [_plain(yaml.load(text, Loader=WorkspaceLoader)) for text in TEXTS]


@given(st.sampled_from(range(len(TEXTS))), st.data())
def test_value_mutations_of_the_examples(which: int, data: st.DataObject) -> None:
    original = _EXAMPLE_DATA[which]
    path = data.draw(st.sampled_from(_paths(original)), label="path")
    new = data.draw(_values, label="new value")
    _check(
        yaml.dump(
            _replace(original, path, new),
            Dumper=yaml.CSafeDumper,
            allow_unicode=True,
            sort_keys=False,
        )
    )


def test_the_examples_load_unchanged() -> None:
    for text in TEXTS:
        assert isinstance(parse_workspace(text), Workspace)
