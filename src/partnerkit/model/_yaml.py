"""The YAML dialect of workspace files: YAML 1.1 syntax with YAML 1.2's plain scalars.

PyYAML follows YAML 1.1, where ``no``, ``on`` and ``off`` are booleans, ``18:00`` is
the number 1080 (base 60) and ``0123`` is octal. In a workspace file those are a
country code, a time and an account id, so this loader reads them as text:

* booleans are only ``true`` / ``false`` (any case);
* integers are plain decimal numbers without a leading zero (``0123`` stays text);
* numbers with a decimal point become exact :class:`~decimal.Decimal` values;
* dates (``2026-01-31``) still become :class:`datetime.date`; an impossible date
  (``2026-13-01``) stays text, so the model reports it with its key and line.

It also reads hostile files safely. YAML aliases (``*name``) compose to the node of
their anchor, so a file of a few hundred bytes can stand for billions of nodes (the
"billion laughs"); PyYAML builds such a file cheaply and then explodes when the
Python objects are constructed or walked. :class:`WorkspaceLoader` counts while it
composes and stops *before* anything is constructed, at the first of these limits:

* :data:`MAX_FILE_BYTES` -- the size of the file (checked by the loader);
* :data:`MAX_DOCUMENTS` -- YAML documents in the file: exactly one;
* :data:`MAX_DEPTH` -- mappings and lists nested in each other, counted after
  aliases are expanded;
* :data:`MAX_ALIASES` -- aliases (``*name``, including those after ``<<:``);
* :data:`MAX_NODES` -- keys, values and list items after aliases are expanded.

An alias inside the node it refers to (``&a [*a]``) is refused as well. A limit that
is broken raises :class:`~partnerkit.errors.WorkspaceError` with one problem naming
the limit, its value and the line where it was passed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.cyaml import CParser  # type: ignore[attr-defined]
from yaml.events import (
    AliasEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from partnerkit.errors import WorkspaceError, WorkspaceProblem

__all__ = [
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_DOCUMENTS",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "WorkspaceLoader",
    "limit_error",
    "make_loader",
    "parse_scalar",
]

#: Largest workspace file read, in bytes (5 MiB; a workspace with 10,000 sources is ~1.5 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024

#: YAML documents in a workspace file: exactly one (a second ``---`` is an error).
MAX_DOCUMENTS = 1

#: Deepest nesting of mappings and lists, after aliases are expanded (real files: < 10).
MAX_DEPTH = 64

#: Most aliases (``*name``) in one file (real files use a handful for shared blocks).
MAX_ALIASES = 500

#: Most nodes (keys, values, list items) after aliases are expanded (~75,000 sources).
MAX_NODES = 1_000_000


def limit_error(name: str, value: int, what: str, line: int | None) -> WorkspaceError:
    """The error for a file that breaks one of the loader's limits.

    Args:
        name: The limit's constant, e.g. ``"MAX_ALIASES"``.
        value: Its value.
        what: What was counted and where, e.g. ``"more than 500 aliases (*name)"``.
        line: The 1-based line where the limit was passed, when known.

    Returns:
        A :class:`~partnerkit.errors.WorkspaceError` without a file name (the loader
        adds it) holding one problem.
    """
    return WorkspaceError(
        None,
        [
            WorkspaceProblem(
                "",
                f"the file breaks the loader's limit {name} = {value:,}: {what}",
                line,
            )
        ],
    )


def _line(event: Any) -> int:
    """The 1-based line an event starts on."""
    return int(event.start_mark.line) + 1


class WorkspaceLoader(yaml.SafeLoader):
    """A safe YAML loader with limits, YAML 1.2-style booleans and numbers, floats as Decimal.

    Composition counts aliases, expanded nodes and nesting depth and refuses a file
    that passes a limit (see the module docs) before any value is constructed.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._start_counting()

    def _start_counting(self) -> None:
        self._aliases = 0
        self._nodes = 0  # nodes composed so far, every alias counted as its whole node
        self._depth = 0  # mappings and lists open right now
        self._frames: list[list[int]] = []  # [expanded size, height] of each open node
        self._sizes: dict[int, tuple[int, int]] = {}  # finished anchored nodes

    def get_single_node(self) -> yaml.Node | None:
        """Compose the one document of the file; a second document is an error."""
        self.get_event()  # type: ignore[no-untyped-call]  # stream start
        node = None
        if not self.check_event(StreamEndEvent):
            node = self.compose_document()
        if not self.check_event(StreamEndEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            raise limit_error(
                "MAX_DOCUMENTS",
                MAX_DOCUMENTS,
                "a second YAML document starts here ('---'); a workspace file is one document",
                _line(event),
            )
        self.get_event()  # type: ignore[no-untyped-call]  # stream end
        return node

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, counting it (and every alias as its whole node)."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, ScalarEvent):  # most nodes: the short way
            node: yaml.Node | None = super().compose_node(parent, index)
            self._nodes += 1
            if self._nodes > MAX_NODES:
                raise self._too_many_nodes(_line(event))
            if self._frames:
                self._frames[-1][0] += 1
            if event.anchor is not None:
                self._sizes[id(node)] = (1, 0)
            return node
        line = _line(event)
        if isinstance(event, AliasEvent):
            target = self.anchors.get(event.anchor)
            node = super().compose_node(parent, index)  # an undefined alias: a YAML error
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise limit_error(
                    "MAX_ALIASES",
                    MAX_ALIASES,
                    f"more than {MAX_ALIASES:,} aliases (*name); is it an alias bomb?",
                    line,
                )
            sized = self._sizes.get(id(target))
            if sized is None:
                raise limit_error(
                    "MAX_DEPTH",
                    MAX_DEPTH,
                    f"the alias *{event.anchor} is inside the node it refers to, which "
                    f"nests without end",
                    line,
                )
            size, height = sized
            if self._depth + height > MAX_DEPTH:
                raise limit_error(
                    "MAX_DEPTH",
                    MAX_DEPTH,
                    f"the alias *{event.anchor} nests mappings and lists more than "
                    f"{MAX_DEPTH} deep once expanded",
                    line,
                )
            self._count(size, size, height, line)
            return node
        collection = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if collection:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise limit_error(
                    "MAX_DEPTH",
                    MAX_DEPTH,
                    f"mappings and lists nested more than {MAX_DEPTH} deep",
                    line,
                )
        self._frames.append([0, 0])
        node = super().compose_node(parent, index)
        children, height = self._frames.pop()
        if collection:
            self._depth -= 1
            height += 1
        self._count(1, children + 1, height, line)
        if event.anchor is not None:
            self._sizes[id(node)] = (children + 1, height)
        return node

    def _count(self, added: int, size: int, height: int, line: int) -> None:
        """Count ``added`` nodes; tell the open parent its child's expanded size and height."""
        self._nodes += added
        if self._nodes > MAX_NODES:
            raise self._too_many_nodes(line)
        if self._frames:
            frame = self._frames[-1]
            frame[0] += size
            frame[1] = max(frame[1], height)

    @staticmethod
    def _too_many_nodes(line: int) -> WorkspaceError:
        return limit_error(
            "MAX_NODES",
            MAX_NODES,
            f"more than {MAX_NODES:,} keys, values and list items once aliases are expanded; "
            f"is it an alias bomb?",
            line,
        )

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct a value; a tagged value that cannot be read is a YAML error, not a crash."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value tagged {node.tag} ({exc})", node.start_mark
            ) from None


_REPLACED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
WorkspaceLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
WorkspaceLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
WorkspaceLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
WorkspaceLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "").lower()  # type: ignore[arg-type]
    if text.endswith("inf"):
        return Decimal("-Infinity") if text.startswith("-") else Decimal("Infinity")
    if text.endswith("nan"):
        return Decimal("NaN")
    try:
        return Decimal(text)
    except InvalidOperation:  # an explicit !!float tag on text that is no number
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a number", node.start_mark
        ) from None


WorkspaceLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """Build a date or datetime; an impossible one (2026-13-01) stays text for the model."""
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


WorkspaceLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class _LibyamlWorkspaceLoader(CParser, WorkspaceLoader):
    """The same loader reading events with libyaml's parser: about five times faster.

    Only the events come from C; composing (with its limits), resolving and
    constructing are :class:`WorkspaceLoader`'s own.
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._start_counting()

    get_single_node = WorkspaceLoader.get_single_node  # not libyaml's: that one cannot count
    compose_document = yaml.composer.Composer.compose_document
    compose_node = WorkspaceLoader.compose_node


def make_loader(text: str) -> WorkspaceLoader:
    """A :class:`WorkspaceLoader` for ``text``, reading events with libyaml when installed.

    Raises:
        yaml.reader.ReaderError: The text holds a character YAML does not allow (the
            pure-Python reader checks when it starts; libyaml while it parses).
    """
    if yaml.__with_libyaml__:
        return _LibyamlWorkspaceLoader(text)
    return WorkspaceLoader(text)  # pragma: no cover - PyYAML is always built with libyaml here


def parse_scalar(text: str) -> Any:
    """Parse a value written in a condition (``true``, ``[a, b]``, ``12.5``) like YAML does.

    Args:
        text: The text after the operator.

    Returns:
        The value; text that is not valid YAML is returned unchanged.
    """
    try:
        loader = make_loader(text)
    except yaml.YAMLError:
        return text
    try:
        return loader.get_single_data()
    except (yaml.YAMLError, WorkspaceError):
        return text
    finally:
        loader.dispose()
