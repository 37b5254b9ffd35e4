"""Every ``partnerkit`` command the pages' shell blocks show is a real command with real options.

The shell blocks are not run (they write files, read live accounts, take minutes); their
command lines are parsed by the command line's own parser instead, so a renamed command
or option fails here. A value the parser refuses (a placeholder, a file that does not
exist here) is fine: only the command and option names are checked.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import typer
import typer.core
import typer.main

from partnerkit.cli import app

ROOT = Path(__file__).resolve().parents[2]
SHELL = {"bash", "sh", "shell", "console", "zsh"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$", re.MULTILINE)
OPERATORS = {"&&", "||", ";", "|", "&", "(", ")"}


def shell_blocks(text: str) -> list[tuple[int, str]]:
    """The shell code blocks of a Markdown text: (line of the opening fence, source)."""
    blocks, opening = [], None
    for match in FENCE.finditer(text):
        if opening is None:
            opening = match
        elif match["fence"][0] == opening["fence"][0] and not match["info"].strip():
            info = opening["info"].strip().split()
            language = info[0].strip("{}.") if info else ""
            if language in SHELL:
                line = text.count("\n", 0, opening.start()) + 1
                blocks.append((line, text[opening.end() + 1 : match.start()]))
            opening = None
    return blocks


def partnerkit_commands(source: str) -> list[list[str]]:
    """The argument lists of every ``partnerkit`` (or ``uv run partnerkit``) command."""
    commands = []
    for line in source.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line.removeprefix("$ "), posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token not in OPERATORS:
                words.append(token)
                continue
            while words[:2] == ["uv", "run"]:
                words = words[2:]
            if words[:1] == ["partnerkit"]:
                commands.append(words[1:])
            words = []
    return commands


def problem(args: list[str]) -> str | None:
    """Why the command line parser refuses ``args`` by name, or ``None``."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    ctx = typer.Context(group, info_name="partnerkit")
    if not args or args[0].startswith("-"):
        return None if not args or args[0] in {"--help", "--version"} else f"{args[0]}?"
    command = group.get_command(ctx, args[0])
    if command is None:
        return f"no command {args[0]!r} (commands: {', '.join(group.list_commands(ctx))})"
    try:
        command.make_context(args[0], args[1:], parent=ctx)
    except typer.BadParameter:  # a value: a placeholder, a missing file, a missing argument
        return None
    except typer.Exit:  # --help
        return None
    except typer.TyperException as exc:  # an unknown option, an option without its value...
        return str(exc.format_message())  # type: ignore[attr-defined]
    return None


def test_shell_blocks_are_parsed() -> None:
    assert partnerkit_commands(
        "uv run partnerkit pull -c a.yaml --from 2026-10-01 \\\n  --out o.duckdb  # october\n"
        "uv add partnerkit partnerkit-files\n"
        "partnerkit sync && partnerkit export --out ./lake | tee log\n"
    ) == [
        ["pull", "-c", "a.yaml", "--from", "2026-10-01", "--out", "o.duckdb"],
        ["sync"],
        ["export", "--out", "./lake"],
    ]
    assert shell_blocks("a\n```bash\npartnerkit demo\n```\n```text\npartnerkit x\n```\n") == [
        (2, "partnerkit demo\n")
    ]


def test_a_wrong_command_or_option_is_found() -> None:
    assert problem(["demo"]) is None
    assert problem(["pull", "--from", "not-a-date"]) is None  # a value: not checked here
    assert "No such option" in (problem(["pull", "--frm", "2026-10-01"]) or "")
    assert "no command 'pul'" in (problem(["pul"]) or "")


def test_every_command_in_the_docs_is_real(docs_pages: list[Path]) -> None:
    found, problems = 0, []
    for page in docs_pages:
        text = page.read_text(encoding="utf-8")
        for line, source in shell_blocks(text):
            for args in partnerkit_commands(source):
                found += 1
                why = problem(args)
                if why:
                    where = f"{page.relative_to(ROOT)}, block at line {line}"
                    problems.append(f"{where}: partnerkit {shlex.join(args)}: {why}")
    assert found, "no partnerkit command found in the shell blocks"
    assert not problems, "\n".join(problems)
