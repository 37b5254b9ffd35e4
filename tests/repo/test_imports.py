"""The import graph of the core and the connectors: no circles, no private names across packages.

The graph is read from the source with ``ast`` (nothing is imported): every module of
``src/partnerkit`` and ``connectors/*/src``, every ``import`` and ``from ... import``
in it. Imports under ``if TYPE_CHECKING:`` never run, so they are left out of the
circle checks. Module-level imports form one graph and must have no circle; adding the
imports made inside functions must not make one either (a function-level import that
closes a circle only hides it until the function runs).

A private name (one ``_``, not a dunder) belongs to its module's package: using
``from x import _name``, ``x._name`` or a private module ``pkg._mod`` from outside that
package is reaching into another package's internals, which is what ``__all__`` and a
public API are for.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "src", *sorted((ROOT / "connectors").glob("*/src"))]


@dataclass(frozen=True)
class Use:
    """One import (or attribute use) of ``target`` by ``module``."""

    module: str
    target: str
    name: str | None  # the imported or accessed name, when there is one
    line: int
    in_function: bool
    type_checking: bool


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for base in SOURCES:
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts and "_templates" not in parts:
                found[".".join(parts)] = path
    return found


MODULES = _modules()
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def _package(module: str) -> str:
    return module if module in PACKAGES else module.rpartition(".")[0]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package(module).split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _uses(module: str, tree: ast.Module) -> Iterator[Use]:
    aliases: dict[str, str] = {}  # a local name bound to one of our modules

    def walk(node: ast.AST, in_function: bool, type_checking: bool) -> Iterator[Use]:
        for child in ast.iter_child_nodes(node):
            function = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for item in child.body:
                    yield from walk_one(item, function, True)
                for item in child.orelse:
                    yield from walk_one(item, function, type_checking)
                continue
            yield from walk_one(child, function, type_checking)

    def walk_one(child: ast.AST, in_function: bool, type_checking: bool) -> Iterator[Use]:
        line = getattr(child, "lineno", 0)
        if isinstance(child, ast.Import):
            for alias in child.names:
                if alias.name in MODULES:
                    aliases[alias.asname or alias.name] = alias.name
                    yield Use(module, alias.name, None, line, in_function, type_checking)
        elif isinstance(child, ast.ImportFrom):
            source = _resolve(module, child)
            for alias in child.names:
                sub = f"{source}.{alias.name}"
                if sub in MODULES:
                    aliases[alias.asname or alias.name] = sub
                    yield Use(module, sub, None, line, in_function, type_checking)
                elif source in MODULES:
                    yield Use(module, source, alias.name, line, in_function, type_checking)
        elif (
            isinstance(child, ast.Attribute)
            and isinstance(child.value, ast.Name)
            and child.value.id in aliases
        ):
            yield Use(module, aliases[child.value.id], child.attr, line, in_function, False)
        yield from walk(child, in_function, type_checking)

    yield from walk(tree, False, False)


def _all_uses() -> list[Use]:
    uses: list[Use] = []
    for module, path in MODULES.items():
        uses.extend(_uses(module, ast.parse(path.read_text(encoding="utf-8"), str(path))))
    return uses


USES = _all_uses()


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def _graph(*, with_functions: bool) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for use in USES:
        if use.type_checking or (use.in_function and not with_functions):
            continue
        if use.name is not None and use.target == use.module:
            continue
        if use.target != use.module:
            edges.setdefault(use.module, set()).add(use.target)
    return edges


def _private(part: str) -> bool:
    """One leading ``_``; not a dunder, nor a ``_sunder_`` protocol name (``_repr_html_``)."""
    return part.startswith("_") and not part.endswith("_")


def _inside(module: str, owner: str) -> bool:
    package = _package(module)
    return package == owner or package.startswith(owner + ".")


def _private_uses() -> list[str]:
    problems = []
    for use in USES:
        parts = use.target.split(".")
        for i, part in enumerate(parts):
            owner = ".".join(parts[:i])
            if _private(part) and not _inside(use.module, owner):
                problems.append(f"{use.module}:{use.line} uses the private module {use.target}")
                break
        else:
            if use.name and _private(use.name) and not _inside(use.module, _package(use.target)):
                problems.append(
                    f"{use.module}:{use.line} uses {use.target}.{use.name}, private to "
                    f"{_package(use.target)}"
                )
    return sorted(set(problems))


def _defined(tree: ast.Module) -> set[str]:
    """The private functions, methods and class attributes a module defines."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):  # self._x = ...
                    names.add(target.attr)
                elif isinstance(target, ast.Name):
                    names.add(target.id)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in {"self", "cls"}
        ):
            names.add(node.attr)  # set some other way, e.g. object.__setattr__
    return {name for name in names if _private(name)}


def _private_attributes() -> list[str]:
    """``obj._name`` where only another module defines ``_name``: its private method.

    Only modules of the same distribution count as owners (connectors never import
    each other; a third-party object's private attribute is a different matter).
    """
    trees = {m: ast.parse(p.read_text(encoding="utf-8"), str(p)) for m, p in MODULES.items()}
    defined = {module: _defined(tree) for module, tree in trees.items()}
    owners: dict[str, set[str]] = {}
    for module, names in defined.items():
        for name in names:
            owners.setdefault(name, set()).add(module)
    problems = []
    for module, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and _private(node.attr)):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}:
                continue
            top = module.partition(".")[0]
            others = {
                owner
                for owner in owners.get(node.attr, set()) - {module}
                if owner.partition(".")[0] == top
            }
            if others and node.attr not in defined[module]:
                where = ", ".join(sorted(others))
                problems.append(f"{module}:{node.lineno} uses .{node.attr}, private to {where}")
    return sorted(problems)


def test_the_walk_sees_the_core_and_every_connector() -> None:
    assert {"partnerkit.http", "partnerkit.store.warehouse", "partnerkit_meta._columns"} <= set(
        MODULES
    )
    assert len(USES) > 500


def test_no_import_circle_at_module_level() -> None:
    assert _circles(_graph(with_functions=False)) == []


def test_no_import_circle_counting_imports_inside_functions() -> None:
    assert _circles(_graph(with_functions=True)) == []


def test_no_module_uses_another_packages_private_names() -> None:
    assert _private_uses() == []


def test_no_module_calls_another_modules_private_methods() -> None:
    assert _private_attributes() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            {"a": "import b\n", "b": "from a import x\n"},
            [["a", "b"]],
        ),
        (
            {"a": "def f():\n    import b\n", "b": "import a\n"},
            [],  # only at function level: the module-level graph has no circle
        ),
        (
            {
                "a": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\n",
                "b": "import a\n",
            },
            [],
        ),
    ],
)
def test_the_circle_finder_on_small_graphs(
    monkeypatch: pytest.MonkeyPatch, source: dict[str, str], expected: list[list[str]]
) -> None:
    fake = {name: Path(f"{name}.py") for name in source}
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "MODULES", fake)
    uses = [u for name, text in source.items() for u in _uses(name, ast.parse(text))]
    monkeypatch.setattr(this, "USES", uses)

    assert _circles(_graph(with_functions=False)) == expected


def test_private_names_are_found_across_packages_only(monkeypatch: pytest.MonkeyPatch) -> None:
    source = {
        "p.a": "from p.b import _x\nfrom p import b\nb._y\n",  # same package: allowed
        "q.c": "from p.b import _x\nimport p._m\n",  # another package: two problems
        "p.b": "",
        "p._m": "",
    }
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "MODULES", {name: Path(f"{name}.py") for name in source})
    monkeypatch.setattr(this, "PACKAGES", set())
    uses = [u for name, text in source.items() for u in _uses(name, ast.parse(text))]
    monkeypatch.setattr(this, "USES", uses)

    assert _private_uses() == [
        "q.c:1 uses p.b._x, private to p",
        "q.c:2 uses the private module p._m",
    ]
