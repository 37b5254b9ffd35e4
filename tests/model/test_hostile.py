"""Hostile workspace files: each is refused with one problem naming what is wrong.

Every case here hung ``partnerkit validate``, ended in a RecursionError traceback or
was silently accepted before the loader counted while composing (issue 24, item 3).
The counts in the assertions are worked out by hand in the comments.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app
from partnerkit.errors import WorkspaceError, WorkspaceProblem
from partnerkit.model import _yaml, load_workspace, parse_workspace
from partnerkit.model._checks import LISTED_NAMES

HEAD = "name: X\ncurrency: USD\ntimezone: Europe/London\n"  # lines 1-3


def only_problem(text: str) -> WorkspaceProblem:
    with pytest.raises(WorkspaceError) as info:
        parse_workspace(text)
    assert len(info.value.problems) == 1, info.value
    return info.value.problems[0]


def limit(name: str, value: int) -> str:
    return f"the file breaks the loader's limit {name} = {value:,}: "


# --------------------------------------------------------------------- alias bombs

# Nine lists of nine aliases to the list before: 9**10 = 3,486,784,401 strings at the
# bottom. Composing it is 90 list items; constructing it never ends.
LIST_BOMB = (
    HEAD
    + 'x-a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    + "".join(f"x-a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
    + "sources: *a9\n"
)

# The same with mappings, then every level merged into one mapping with '<<'.
MAPPING_BOMB = (
    HEAD
    + "x-m0: &m0 {k0: lol, k1: lol, k2: lol, k3: lol, k4: lol, k5: lol, k6: lol, k7: lol}\n"
    + "".join(
        f"x-m{i}: &m{i} {{{', '.join(f'k{j}: *m{i - 1}' for j in range(8))}}}\n"
        for i in range(1, 10)
    )
    + f"partner:\n  <<: [{', '.join(f'*m{i}' for i in range(10))}]\n"
)


def test_alias_bomb_of_nested_lists_is_refused_by_the_node_limit() -> None:
    problem = only_problem(LIST_BOMB)
    # Expanded sizes: a0 = 1 + 9 = 10 nodes, a_i = 1 + 9 * a_(i-1): 91, 820, 7,381, 66,430,
    # a5 = 597,871. Lines 4-9 (a0 .. a5) total 672,603 nodes; the first alias of a6 (line
    # 10) adds 597,871 more and passes 1,000,000.
    assert problem.message.startswith(limit("MAX_NODES", 1_000_000))
    assert "is it an alias bomb?" in problem.message
    assert problem.line == 10
    assert problem.path == ""


def test_alias_bomb_of_nested_mappings_and_merge_keys_is_refused() -> None:
    problem = only_problem(MAPPING_BOMB)
    # m_i = 1 + 8 * (1 + m_(i-1)) nodes (a key and a value per entry): m0 = 17, then 145,
    # 1,169, 9,361, 74,897 and m5 = 599,185. Lines 4-9 (m0 .. m5) total 684,774 nodes;
    # the first alias of m6 (line 10) adds 599,185 more and passes 1,000,000.
    assert problem.message.startswith(limit("MAX_NODES", 1_000_000))
    assert problem.line == 10


def test_merge_keys_alone_count_as_aliases() -> None:
    # 501 merges of one small mapping: nothing explodes, but every '*base' is an alias.
    text = HEAD + "x-base: &base {a: 1}\nx-list:\n" + "  - {<<: *base}\n" * 501
    problem = only_problem(text)
    assert problem.message.startswith(limit("MAX_ALIASES", 500))
    assert problem.line == 506  # items are lines 6 .. 506: the 501st is the last


def test_wide_fan_out_of_one_anchor_is_refused_by_the_alias_limit() -> None:
    # One anchored text repeated by 100,000 aliases on one line: the 501st passes.
    text = HEAD + "x-w: &w lol\nsources: [" + ", ".join(["*w"] * 100_000) + "]\n"
    problem = only_problem(text)
    assert problem.message == limit("MAX_ALIASES", 500) + (
        "more than 500 aliases (*name); is it an alias bomb?"
    )
    assert problem.line == 5


def test_wide_fan_out_of_a_large_anchor_is_refused_by_the_node_limit() -> None:
    # A list of 20,000 items aliased 20,000 times: 20,001 nodes per alias, so the 50th
    # alias passes 1,000,000 (50 * 20,001 + 20,001 for the anchor itself).
    text = (
        HEAD
        + "x-w: &w ["
        + ", ".join(["lol"] * 20_000)
        + "]\nsources: ["
        + ", ".join(["*w"] * 20_000)
        + "]\n"
    )
    problem = only_problem(text)
    assert problem.message.startswith(limit("MAX_NODES", 1_000_000))
    assert problem.line == 5


def test_aliases_up_to_the_limit_are_fine() -> None:
    text = (
        HEAD
        + "x-c: &c https://example.com/\nsources:\n"
        + "  - id: s\n    name: S\n    channel: email\n    wiring: form\n    owner: partner\n"
        + "    links: ["
        + ", ".join(["*c"] * 500)
        + "]\n"
    )
    ws = parse_workspace(text)
    assert len(ws.sources[0].links) == 500
    assert str(ws.sources[0].links[499].url) == "https://example.com/"


# ------------------------------------------------------------- nesting and recursion


def test_5000_deep_nesting_is_refused_by_the_depth_limit() -> None:
    text = HEAD + "sources: " + "[" * 5000 + "]" * 5000 + "\n"
    problem = only_problem(text)
    # The top-level mapping is depth 1, so the 64th '[' opens depth 65.
    assert problem.message == limit("MAX_DEPTH", 64) + "mappings and lists nested more than 64 deep"
    assert problem.line == 4


def test_deep_block_mappings_are_refused_on_the_line_that_passes_the_limit() -> None:
    text = HEAD + "".join("  " * i + f"k{i}:\n" for i in range(200))
    problem = only_problem(text)
    # The root mapping is depth 1; the mapping under k0 starts on line 5 (k1) at depth 2,
    # so depth d starts on line 3 + d and depth 65 on line 68.
    assert problem.message.startswith(limit("MAX_DEPTH", 64))
    assert problem.line == 68


def test_nesting_64_deep_is_fine_and_65_is_not() -> None:
    ok = HEAD + "x-deep: " + "[" * 63 + "]" * 63 + "\n"  # 1 + 63 = 64
    assert parse_workspace(ok).name == "X"
    problem = only_problem(HEAD + "x-deep: " + "[" * 64 + "]" * 64 + "\n")
    assert problem.message.startswith(limit("MAX_DEPTH", 64))


def test_an_alias_that_deepens_past_the_limit_is_refused() -> None:
    # The anchor is 40 lists deep inside x-a (depth 2 .. 41); aliased inside 30 more
    # lists (depth 2 .. 31), it reaches 31 + 40 = 71 > 64.
    text = HEAD + "x-a: " + "[" * 40 + "]" * 40 + "\n"
    text = HEAD + "x-a: &a " + "[" * 40 + "]" * 40 + "\nx-b: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    problem = only_problem(text)
    assert problem.message == limit("MAX_DEPTH", 64) + (
        "the alias *a nests mappings and lists more than 64 deep once expanded"
    )
    assert problem.line == 5


def test_recursive_alias_is_refused() -> None:
    problem = only_problem(HEAD + "sources: &a [*a]\n")
    assert problem.message == limit("MAX_DEPTH", 64) + (
        "the alias *a is inside the node it refers to, which nests without end"
    )
    assert problem.line == 4


def test_recursive_alias_in_a_mapping_is_refused() -> None:
    problem = only_problem(HEAD + "partner: &p\n  id: a\n  self: *p\n")
    assert problem.message.startswith(limit("MAX_DEPTH", 64) + "the alias *p is inside")
    assert problem.line == 6


# ------------------------------------------------------------ documents and size


def test_a_second_document_is_refused() -> None:
    problem = only_problem(HEAD + "---\n" + HEAD)
    assert problem.message == limit("MAX_DOCUMENTS", 1) + (
        "a second YAML document starts here ('---'); a workspace file is one document"
    )
    assert problem.line == 4


def test_half_a_million_documents_stop_at_the_second() -> None:
    problem = only_problem("---\n{}\n" * 500_000)
    assert problem.message.startswith(limit("MAX_DOCUMENTS", 1))
    assert problem.line == 3


def test_a_file_with_100_000_sources_is_refused_by_the_size_limit(tmp_path: Path) -> None:
    # 100,000 sources of 6 lines (~140 bytes each) are ~14 MB: read no further than 5 MiB.
    source = (
        "  - id: s{i}\n    name: Source {i}\n    channel: paid_search\n    wiring: native\n"
        "    owner: partner\n    matching: {{utm_source: src{i}}}\n"
    )
    path = tmp_path / "partnerkit.yaml"
    path.write_text(HEAD + "sources:\n" + "".join(source.format(i=i) for i in range(100_000)))
    with pytest.raises(WorkspaceError) as info:
        load_workspace(path)
    (problem,) = info.value.problems
    assert problem.message == limit("MAX_FILE_BYTES", 5 * 1024 * 1024) + (
        "the file is larger than 5,242,880 bytes"
    )
    # The line holding byte 5,242,880: count the newlines before it.
    raw = path.read_bytes()
    assert problem.line == raw.count(b"\n", 0, 5 * 1024 * 1024) + 1
    assert info.value.file == str(path)


def test_size_limit_applies_to_text_too() -> None:
    problem = only_problem(HEAD + "x-pad: '" + "é" * (3 * 1024 * 1024) + "'\n")  # 6 MiB
    assert problem.message.startswith(limit("MAX_FILE_BYTES", 5 * 1024 * 1024))
    assert problem.line == 4


def test_limits_are_read_when_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_yaml, "MAX_ALIASES", 2)
    problem = only_problem(HEAD + "x-a: &a x\nx-b: [*a, *a, *a]\n")
    assert problem.message.startswith(limit("MAX_ALIASES", 2))


# ------------------------------------------------------------- control characters


def test_currency_with_a_newline_is_refused() -> None:
    problem = only_problem('name: X\ncurrency: "ILS\\n"\ntimezone: Europe/London\n')
    assert problem == WorkspaceProblem(
        "currency",
        'contains the control character "\\n" (U+000A) at character 4; this field is one '
        "line of text; remove it (a line break, a tab or an invisible character pasted with "
        "the text)",
        2,
        "ILS\n",
    )
    assert "(got 'ILS\\n')" in str(problem)


@pytest.mark.parametrize(
    ("where", "yaml_text", "path", "line", "char"),
    [
        ("name", 'name: "Acme\\x1b[31m"', "name", 1, '"\\x1b" (U+001B) at character 5'),
        ("tab", 'name: "A\\tB"', "name", 1, '"\\t" (U+0009) at character 2'),
        ("DEL", 'name: "A\\x7f"', "name", 1, '"\\x7f" (U+007F) at character 2'),
        ("C1", 'name: "A\\x85B"', "name", 1, '"\\x85" (U+0085) at character 2'),
        ("NUL", 'name: "\\0"', "name", 1, '"\\x00" (U+0000) at character 1'),
        # "Trojan Source": a right-to-left override shows "Acme exe.txt" reversed
        ("RLO", 'name: "Acme \\u202etxt.exe"', "name", 1, '"\\u202e" (U+202E) at character 6'),
        ("isolate", 'name: "A\\u2066B"', "name", 1, '"\\u2066" (U+2066) at character 2'),
        ("line separator", 'name: "A\\u2028B"', "name", 1, '"\\u2028" (U+2028) at character 2'),
    ],
)
def test_control_characters_in_one_line_fields(
    where: str, yaml_text: str, path: str, line: int, char: str
) -> None:
    problem = only_problem(yaml_text + "\ncurrency: USD\ntimezone: Europe/London\n")
    assert (problem.path, problem.line) == (path, line)
    assert problem.message.startswith(f"contains the control character {char}; ")


SOURCE = (
    "sources:\n  - id: s\n    name: S\n    channel: email\n    wiring: form\n    owner: partner\n"
)


def test_control_characters_deep_in_the_file_have_their_key_path_and_line() -> None:
    text = (
        HEAD
        + SOURCE  # lines 4-9
        + '    matching: {utm_source: [google, "bing\\r"]}\n'  # line 10
        + '    links: ["https://example.com/\\x00"]\n'  # line 11
        + "connections:\n  - name: c\n    connector: echo\n"  # lines 12-14
        + '    settings: {"we\\u0085ird": 1, label: "a\\bb"}\n'  # line 15
    )
    with pytest.raises(WorkspaceError) as info:
        parse_workspace(text)
    got = [(p.line, p.path, p.message.split(";")[0], p.value) for p in info.value.problems]
    assert got == [
        (
            10,
            "sources[0].matching.utm_source[1]",
            'contains the control character "\\r" (U+000D) at character 5',
            "bing\r",
        ),
        (
            11,
            "sources[0].links[0].url",
            'contains the control character "\\x00" (U+0000) at character 21',
            "https://example.com/\x00",
        ),
        # settings may hold secrets: their values are never shown
        (
            15,
            'connections[0].settings["we\\u0085ird"]',
            'contains the control character "\\x85" (U+0085) at character 3',
            None,
        ),
        (
            15,
            "connections[0].settings.label",
            'contains the control character "\\x08" (U+0008) at character 2',
            None,
        ),
    ]


def test_free_text_keeps_line_breaks_and_tabs_but_no_other_control() -> None:
    ok = HEAD + SOURCE + "    notes: |\n      First line\n      \tindented\n"
    assert parse_workspace(ok).sources[0].notes == "First line\n\tindented"
    problem = only_problem(HEAD + SOURCE + '    notes: "bell \\a"\n')
    assert (problem.path, problem.line) == ("sources[0].notes", 10)
    assert problem.message == (
        'contains the control character "\\x07" (U+0007) at character 6; free text may hold '
        "line breaks and tabs, but no other control character"
    )


def test_hebrew_direction_marks_pass_and_overrides_do_not_even_in_free_text() -> None:
    # U+200F (RIGHT-TO-LEFT MARK) is ordinary in Hebrew text; U+202B (embedding) is not.
    ok = HEAD + SOURCE + '    notes: "\u05e9\u05dc\u05d5\u05dd\u200f (ILS)"\n'
    assert parse_workspace(ok).sources[0].notes == "\u05e9\u05dc\u05d5\u05dd\u200f (ILS)"
    problem = only_problem(HEAD + SOURCE + '    notes: "A\\u202bB"\n')
    assert (problem.path, problem.line) == ("sources[0].notes", 10)
    assert problem.message.startswith('contains the control character "\\u202b" (U+202B)')


def test_a_line_break_in_a_name_written_as_a_block_is_refused() -> None:
    problem = only_problem("name: |\n  Acme\ncurrency: USD\ntimezone: Europe/London\n")
    assert (problem.path, problem.line) == ("name", 1)
    assert '"\\n" (U+000A) at character 5' in problem.message


def test_other_problems_are_still_reported_next_to_a_control_character() -> None:
    text = 'name: "A\\x00"\ncurrency: USD\ntimezone: Mars/Base\n'
    with pytest.raises(WorkspaceError) as info:
        parse_workspace(text)
    assert [(p.line, p.path) for p in info.value.problems] == [(1, "name"), (3, "timezone")]


# ----------------------------------------------------------- 100k sources: linear


def test_unknown_references_list_a_bounded_number_of_names() -> None:
    # 2,000 sources and 2,000 campaigns naming none of them. Each problem used to list
    # all 2,000 ids (and fuzzy-match against all): 4M names in 2,000 messages.
    n = 2000
    sources = "".join(
        f"  - {{id: s{i}, name: S, channel: email, wiring: form, owner: partner}}\n"
        for i in range(n)
    )
    campaigns = "".join(
        f"  - {{id: c{i}, name: C, source: x{i}, objective: leads, start: 2026-01-01}}\n"
        for i in range(n)
    )
    with pytest.raises(WorkspaceError) as info:
        parse_workspace(HEAD + "sources:\n" + sources + "campaigns:\n" + campaigns)
    problems = info.value.problems
    assert len(problems) == n
    first = ", ".join(f"s{i}" for i in range(LISTED_NAMES))
    assert problems[0].message.endswith(f"Sources: {first} and 1,980 more.")
    assert problems[-1].path == "campaigns[1999].source"
    assert problems[-1].line == 4 + n + 1 + n  # sources: line 4, campaigns: line 2005
    assert max(len(p.message) for p in problems) < 300


def test_unknown_reference_differing_only_in_case_is_suggested_after_the_fuzzy_budget() -> None:
    sources = "".join(
        f"  - {{id: Src{i}, name: S, channel: email, wiring: form, owner: partner}}\n"
        for i in range(150)
    )
    campaigns = "".join(
        f"  - {{id: c{i}, name: C, source: src{i}, objective: leads, start: 2026-01-01}}\n"
        for i in range(150)
    )
    with pytest.raises(WorkspaceError) as info:
        parse_workspace(HEAD + "sources:\n" + sources + "campaigns:\n" + campaigns)
    assert "unknown source 'src149'. Did you mean 'Src149'?" in info.value.problems[-1].message


# ------------------------------------------------------------------ through the CLI

runner = CliRunner()

HOSTILE: dict[str, Callable[[], str]] = {
    "list-bomb": lambda: LIST_BOMB,
    "mapping-bomb": lambda: MAPPING_BOMB,
    "wide-fan-out": lambda: HEAD + "x-w: &w lol\nsources: [" + ", ".join(["*w"] * 2000) + "]\n",
    "deep-nesting": lambda: HEAD + "sources: " + "[" * 5000 + "]" * 5000 + "\n",
    "recursive-alias": lambda: HEAD + "sources: &a [*a]\n",
    "currency-newline": lambda: 'name: X\ncurrency: "ILS\\n"\ntimezone: Europe/London\n',
    "two-documents": lambda: HEAD + "---\n" + HEAD,
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_validate_prints_the_problem_and_fails_without_a_traceback(
    tmp_path: Path, case: str
) -> None:
    path = tmp_path / "partnerkit.yaml"
    path.write_text(HOSTILE[case](), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)], env={"COLUMNS": "300"})
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "1 problem" in result.output
    expected = {
        "list-bomb": "MAX_NODES = 1,000,000",
        "mapping-bomb": "MAX_NODES = 1,000,000",
        "wide-fan-out": "MAX_ALIASES = 500",
        "deep-nesting": "MAX_DEPTH = 64",
        "recursive-alias": "MAX_DEPTH = 64",
        "currency-newline": 'currency: contains the control character "\\n"',
        "two-documents": "MAX_DOCUMENTS = 1",
    }[case]
    assert expected in result.output


# ------------------------------------------------------------- values PyYAML chokes on


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int 1e5", "cannot read the value tagged tag:yaml.org,2002:int (invalid literal"),
        ("!!bool maybe", "cannot read the value tagged tag:yaml.org,2002:bool ('maybe')"),
        ("!!float abc", "'abc' is not a number"),
        ("!!int " + "9" * 5000, "cannot read the value tagged tag:yaml.org,2002:int (Exceeds"),
    ],
)
def test_explicit_tags_that_cannot_be_read_are_yaml_problems(value: str, message: str) -> None:
    problem = only_problem(HEAD + f"x-tagged: {value}\n")
    assert problem.line == 4
    assert problem.message.startswith(f"the file is not valid YAML: {message}")


def test_characters_yaml_forbids_are_a_problem_with_their_line() -> None:
    problem = only_problem(HEAD + "x-bell: a\x07b\n")
    assert problem == WorkspaceProblem(
        "",
        'the file holds the character "\\x07" (U+0007), which YAML does not allow anywhere '
        "in a file; remove it",
        4,
    )


def test_a_lone_surrogate_in_text_built_in_code_is_a_problem() -> None:
    problem = only_problem(HEAD + "x-broken: \ud800\n")
    assert (problem.line, problem.message) == (
        4,
        "the text is not valid Unicode (surrogates not allowed)",
    )


def test_text_given_for_a_model_is_checked_too() -> None:
    # Text where a model goes (a shorthand such as '4 business hours' for a Duration, or
    # here a budget) is checked before the model reads it.
    text = HEAD + SOURCE + '    budget: "500\\x1b"\n'
    problem = only_problem(text)
    assert (problem.path, problem.line) == ("sources[0].budget", 10)
    assert problem.message.startswith('contains the control character "\\x1b" (U+001B) at')
