"""Load a workspace file (``partnerkit.yaml``), reporting every problem with its line.

The file is YAML, read with YAML 1.2-style plain scalars (``no`` and ``on`` are text,
``18:00`` is text, ``0123`` is text; see :mod:`partnerkit.model._yaml`). Problems raise
one :class:`~partnerkit.errors.WorkspaceError` that lists them all in file order, each
a :class:`~partnerkit.errors.WorkspaceProblem` with the key path, the line, what is
wrong and what is expected.

Hostile files are refused quickly and cleanly: the loader reads at most
:data:`~partnerkit.model._yaml.MAX_FILE_BYTES` and the YAML layer stops at its limits on
documents, nesting depth, aliases and expanded nodes (see :mod:`partnerkit.model._yaml`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from partnerkit.errors import WorkspaceError, WorkspaceProblem
from partnerkit.model._base import escape_char
from partnerkit.model._problems import PathPart, format_path, parse_path
from partnerkit.model._yaml import MAX_FILE_BYTES, WorkspaceLoader, limit_error, make_loader
from partnerkit.model.workspace import Workspace

__all__ = ["WORKSPACE_FILE", "load_workspace", "parse_workspace"]

#: The file name :func:`load_workspace` looks for when given a folder.
WORKSPACE_FILE = "partnerkit.yaml"

_MERGE_TAG = "tag:yaml.org,2002:merge"

LineIndex = dict[tuple[PathPart, ...], int]


def load_workspace(path: str | os.PathLike[str]) -> Workspace:
    """Read and check a workspace file.

    Args:
        path: The file, or a folder holding ``partnerkit.yaml``.

    Returns:
        The workspace; its :attr:`~Workspace.root` is the file's folder.

    Raises:
        WorkspaceError: The file is missing, unreadable, not valid YAML, or has problems;
            every problem is listed with its key path and line.
    """
    file = Path(path)
    if file.is_dir():
        file = file / WORKSPACE_FILE
    shown = str(file)
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # never more, whatever the file claims
        if len(raw) > MAX_FILE_BYTES:
            raise _too_big(raw, shown)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise WorkspaceError(
            shown, [WorkspaceProblem("", "the file does not exist; create it or check the path")]
        ) from None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise WorkspaceError(
            shown, [WorkspaceProblem("", f"the file is not UTF-8 text ({exc.reason})", line)]
        ) from None
    except OSError as exc:
        raise WorkspaceError(
            shown, [WorkspaceProblem("", f"the file cannot be read: {exc.strerror or exc}")]
        ) from None
    return parse_workspace(text, file=shown, root=file.parent.resolve())


def parse_workspace(text: str, *, file: str | None = None, root: Path | None = None) -> Workspace:
    """Check a workspace given as YAML text.

    Args:
        text: The YAML.
        file: The file name to show in errors.
        root: The folder relative paths are resolved against (the current one if ``None``).

    Returns:
        The workspace.

    Raises:
        WorkspaceError: Every problem, with its key path and line.
    """
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:  # a lone surrogate: only text built in code has one
        line = text.count("\n", 0, exc.start) + 1
        raise WorkspaceError(
            file, [WorkspaceProblem("", f"the text is not valid Unicode ({exc.reason})", line)]
        ) from None
    if size > MAX_FILE_BYTES:
        raise _too_big(text.encode("utf-8"), file)
    index: LineIndex = {}
    problems: list[WorkspaceProblem] = []
    try:
        node, data = _read_yaml(make_loader, text, index, problems, file, final=False)
    except yaml.MarkedYAMLError:
        # libyaml's messages differ from PyYAML's ("not allowed in this context"): read
        # the broken file again with the pure-Python parser for its clearer message.
        node, data = _read_yaml(WorkspaceLoader, text, {}, [], file, final=True)
    if node is None:
        raise WorkspaceError(
            file,
            [
                WorkspaceProblem(
                    "", "the file is empty; a workspace needs name:, currency: and timezone:", 1
                )
            ],
        )
    if not isinstance(data, dict):
        raise WorkspaceError(
            file,
            [
                WorkspaceProblem(
                    "",
                    "the file must be a mapping of keys at the top level (name:, currency:, "
                    "timezone:, ...)",
                    node.start_mark.line + 1,
                )
            ],
        )
    try:
        workspace = Workspace.model_validate(data, context={"root": root, "file": file})
    except WorkspaceError as exc:
        problems += exc.problems
    else:
        if not problems:
            return workspace
    located = [_locate(p, index) for p in problems]
    located.sort(key=lambda p: (p.line is None, p.line or 0))
    raise WorkspaceError(file, located)


def _too_big(data: bytes, file: str | None) -> WorkspaceError:
    line = data.count(b"\n", 0, MAX_FILE_BYTES) + 1
    error = limit_error(
        "MAX_FILE_BYTES",
        MAX_FILE_BYTES,
        f"the file is larger than {MAX_FILE_BYTES:,} bytes",
        line,
    )
    return WorkspaceError(file, error.problems)


def _read_yaml(
    loader_class: Callable[[str], WorkspaceLoader],
    text: str,
    index: LineIndex,
    problems: list[WorkspaceProblem],
    file: str | None,
    *,
    final: bool,
) -> tuple[yaml.Node | None, Any]:
    """Compose, index and construct the one document of ``text``.

    Raises:
        yaml.MarkedYAMLError: A syntax error, unless ``final``: then every error is a
            :class:`WorkspaceError`.
        WorkspaceError: A limit of the YAML layer, a character YAML does not allow.
    """
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as exc:  # the pure-Python reader checks at once
        raise WorkspaceError(file, [_reader_problem(exc, text)]) from None
    try:
        node = loader.get_single_node()
        if node is not None:  # index before constructing: that flattens merge keys
            _index(node, (), index, problems, set())
        data = loader.construct_document(node) if node is not None else None
    except WorkspaceError as exc:  # a limit of the YAML layer
        raise WorkspaceError(file, exc.problems) from None
    except yaml.reader.ReaderError as exc:  # libyaml checks while it reads
        raise WorkspaceError(file, [_reader_problem(exc, text)]) from None
    except yaml.MarkedYAMLError as exc:
        if not final:
            raise
        raise WorkspaceError(file, [_yaml_problem(exc)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks its syntax errors
        raise WorkspaceError(
            file, [WorkspaceProblem("", f"the file is not valid YAML: {exc}")]
        ) from None
    finally:
        loader.dispose()
    return node, data


def _reader_problem(exc: yaml.reader.ReaderError, text: str) -> WorkspaceProblem:
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    return WorkspaceProblem(
        "",
        f"the file holds the character {escape_char(char)} (U+{ord(char):04X}), which YAML "
        f"does not allow anywhere in a file; remove it",
        text.count("\n", 0, exc.position) + 1,
    )


def _yaml_problem(exc: yaml.MarkedYAMLError) -> WorkspaceProblem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "syntax error"
    if exc.context:
        what = f"{what} ({exc.context})"
    if "\\t" in what or "'\\t'" in what:
        what += "; indent with spaces, not tabs"
    line = mark.line + 1 if mark is not None else None
    return WorkspaceProblem("", f"the file is not valid YAML: {what}", line)


def _index(
    node: yaml.Node,
    path: tuple[PathPart, ...],
    index: LineIndex,
    problems: list[WorkspaceProblem],
    active: set[int],
) -> None:
    """Record the line of every key and list item; report duplicate keys."""
    if id(node) in active:  # a recursive alias
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:  # keys merged from an anchor: lines of the anchor
                merged: LineIndex = {}
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in sources:
                    _index(source, path, merged, [], active)
                for where, line in merged.items():
                    index.setdefault(where, line)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            child = (*path, key)
            if key in first:
                problems.append(
                    WorkspaceProblem(
                        format_path(child),
                        f"duplicate key {key!r} (first on line {first[key]}); YAML keeps only "
                        f"the last one, so remove one of them",
                        line,
                    )
                )
            first[key] = line
            index[child] = line
            _index(value_node, child, index, problems, active)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            index[(*path, i)] = item.start_mark.line + 1
            _index(item, (*path, i), index, problems, active)
    active.discard(id(node))


def _locate(problem: WorkspaceProblem, index: LineIndex) -> WorkspaceProblem:
    if problem.line is not None:
        return problem
    parts: list[Any] = parse_path(problem.path)
    while parts and tuple(parts) not in index:
        parts.pop()
    line = index.get(tuple(parts)) if parts else None
    return WorkspaceProblem(problem.path, problem.message, line, problem.value)
