"""Hostile page bodies for property tests: any JSON value, and recorded pages with one change.

A connector's page parser must turn every body into records or into the library's own
error (:class:`~partnerkit.errors.ResponseShapeError`, :class:`~partnerkit.errors.DataError`),
never a crash. These `hypothesis <https://hypothesis.readthedocs.io>`_ strategies feed
it what an API, a proxy or a bug can send::

    from hypothesis import given
    from partnerkit.testing import hostile

    RECORDED = hostile.recorded_bodies(CASSETTES, lambda url, body: url.endswith("/insights"))


    @given(hostile.json_values())
    def test_any_json_value(value): ...


    @given(hostile.mutated(RECORDED))
    def test_a_mutated_recorded_page(page): ...

hypothesis is a test dependency, not one of partnerkit's: this module imports without
it, and the strategies raise an :class:`ImportError` with the install command when it
is missing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["json_values", "mutated", "recorded_bodies"]

_HINT = "partnerkit.testing.hostile needs hypothesis: pip install hypothesis"


def _strategies() -> Any:
    try:
        from hypothesis import strategies
    except ImportError as exc:  # pragma: no cover - hypothesis is in the dev group
        raise ImportError(_HINT) from exc
    return strategies


@functools.cache
def json_values() -> SearchStrategy[Any]:
    """Any JSON value: null, booleans, big integers, floats, short strings, nested.

    Nesting is bounded (at most 12 leaves, lists and objects of at most 4 items), so
    an example stays small and a property test fast.

    Returns:
        The strategy (the same object on every call).
    """
    st = _strategies()
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(10**20), 10**20)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=12)
    )
    return st.recursive(  # type: ignore[no-any-return]
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
        ),
        max_leaves=12,
    )


def mutated(pages: Sequence[Any], *, max_depth: int = 8) -> SearchStrategy[Any]:
    """One of ``pages`` with one place changed: a value replaced or a key left out.

    The walk picks a path of up to ``max_depth`` steps into the page (mostly landing in
    a row, a field or a nested value), then replaces what it reaches with
    :func:`json_values` or, inside an object, deletes the key. A path of no steps
    replaces the whole body. ``pages`` are never modified (each draw works on a copy).

    Args:
        pages: Parsed page bodies, e.g. from :func:`recorded_bodies`; not empty.
        max_depth: The longest path walked into a page.

    Returns:
        The strategy.

    Raises:
        ValueError: ``pages`` is empty.
    """
    if not pages:
        raise ValueError("mutated() needs at least one page to mutate")
    st = _strategies()
    frozen = [json.dumps(page) for page in pages]
    values = json_values()

    @st.composite  # type: ignore[untyped-decorator]
    def one_change(draw: Callable[[SearchStrategy[Any]], Any]) -> Any:
        page = json.loads(draw(st.sampled_from(frozen)))
        node: Any = page
        path: list[tuple[Any, Any]] = []
        depth = draw(st.integers(0, max_depth))
        while isinstance(node, dict | list) and node and len(path) < depth:
            keys = sorted(node) if isinstance(node, dict) else range(len(node))
            key = draw(st.sampled_from(keys))
            path.append((node, key))
            node = node[key]
        if not path:
            return draw(values)
        parent, key = path[-1]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[key]  # a key left out
        else:
            parent[key] = draw(values)
        return page

    return one_change()  # type: ignore[no-any-return]


def recorded_bodies(directory: Path, keep: Callable[[str, Any], bool]) -> list[Any]:
    """The parsed JSON response bodies of every cassette under ``directory`` that ``keep`` wants.

    Args:
        directory: Searched recursively for ``*.yaml`` cassettes, in sorted order.
        keep: Called with each interaction's request URL and parsed response body.

    Returns:
        The kept bodies, in cassette and interaction order.
    """
    from partnerkit.testing.cassette import Cassette

    bodies = []
    for path in sorted(directory.rglob("*.yaml")):
        for interaction in Cassette.load(path).interactions:
            body = interaction.response.body
            if keep(interaction.request.url, body):
                bodies.append(body)
    return bodies
