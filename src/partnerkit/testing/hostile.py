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

:class:`HostilePages` turns that into a contract-style base class: a connector's test
module declares its table of hostile bodies (each with the error it must raise, worked
out by hand from the API's documented shape), how to serve one in place of a page and
how to parse one, and inherits the checks every built-in connector runs.

hypothesis is a test dependency, not one of partnerkit's: this module imports without
it, and the strategies raise an :class:`ImportError` with the install command when it
is missing.
"""

from __future__ import annotations

import contextlib
import functools
import json
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from partnerkit.errors import DataError, ResponseShapeError

if TYPE_CHECKING:
    import pytest
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "HostilePages",
    "Shape",
    "bare_values",
    "json_values",
    "mutated",
    "object_values",
    "recorded_bodies",
    "run_alone",
    "suite",
]

Shape = tuple[str, str, str, str]
"""One row of a hostile table: ``(body, where, expected, found)``.

``body`` is served as the page; the :class:`~partnerkit.errors.ResponseShapeError` it
raises must name ``where`` in the page, what was ``expected`` there and what was
``found`` instead.
"""

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


def bare_values(expected: str) -> dict[str, Shape]:
    """The rows of a hostile table for a bare JSON scalar served as the whole page.

    Every JSON API's page is an object or an array, so ``null``, ``123``, ``true`` and
    ``"x"`` are each refused at the top (``where`` is ``""``) with the same words for
    what was found; only what the API's page ``expected`` differs.

    Args:
        expected: What the page should have been, e.g. ``"a JSON object"``.

    Returns:
        The rows, by name: ``null``, ``number``, ``true``, ``string``.
    """
    return {
        "null": ("null", "", expected, "a JSON null"),
        "number": ("123", "", expected, "a JSON number (123)"),
        "true": ("true", "", expected, "a JSON boolean (true)"),
        "string": ('"x"', "", expected, "a JSON string of 1 character"),
    }


def object_values(no_key: str) -> dict[str, Shape]:
    """The rows of a hostile table for a page that is a JSON object with a key it always has.

    :func:`bare_values` for ``"a JSON object"``, and the two empty containers: ``[]``
    (not an object) and ``{}`` (an object without the key), both refused at the top.
    The words for what was found are the core's; only the key the API always sends is
    the connector's.

    Args:
        no_key: What an empty object lacks, e.g. ``"an object with the key 'data',
            which Meta always sends"``.

    Returns:
        The rows, by name: those of :func:`bare_values`, ``list`` and ``empty object``.
    """
    return {
        **bare_values("a JSON object"),
        "list": ("[]", "", "a JSON object", "an empty JSON array"),
        "empty object": ("{}", "", no_key, "an empty JSON object"),
    }


def run_alone(script: str, directory: Path) -> str:
    """Run ``script`` in a child Python process and return what it printed.

    For a body that once crashed the interpreter (a segmentation fault in a C
    extension): in a child process a crash fails the test instead of ending the run.

    Args:
        script: The program's source.
        directory: Where to write it (a test's ``tmp_path``).

    Returns:
        The child's standard output, stripped.

    Raises:
        AssertionError: The child did not exit with 0 (its last standard error shown).
    """
    path = directory / "hostile_script.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


class HostilePages:
    """Contract-style checks of a connector's page parser against hostile bodies.

    Subclass it in a test module, say what to test, and pytest collects the inherited
    ``test_*`` methods::

        class TestHostilePages(hostile.HostilePages):
            shapes = {**hostile.bare_values("a JSON object"), "empty object": (...)}
            api, account, requests = "shop", "42", ("GET /42/orders",)
            secret = "test-token"
            recorded = hostile.recorded_bodies(CASSETTES, lambda url, body: ...)

            def read(self, request, body):  # serve body in place of a page, then read
                ...

            def parse(self, body):  # the page parser, then the core's record check
                ...

    The checks:

    * ``test_a_page_that_is_not_the_documented_shape_is_a_shape_error``: for each row
      of :attr:`shapes`, :meth:`read` raises a :class:`~partnerkit.errors.ResponseShapeError`
      that names where, what was expected and what was found, the API, the account and
      the request, is not retriable, says ``expected ...`` and never shows the secret;
    * ``test_any_json_value_parses_or_raises_the_librarys_error`` and
      ``test_a_mutated_recorded_page_parses_or_raises_the_librarys_error``: the parser,
      fed :func:`json_values` and :func:`mutated` pages of :attr:`recorded`, returns or
      raises ``ResponseShapeError`` or ``DataError``, never anything else.
    """

    #: The hostile table: name (the test id) to ``(body, where, expected, found)``.
    shapes: ClassVar[Mapping[str, Shape]] = {}
    #: The API and account every refusal names.
    api: ClassVar[str] = ""
    account: ClassVar[str] = ""
    #: The request a refusal names (one of these).
    requests: ClassVar[Sequence[str]] = ()
    #: A fake secret no refusal may show, if the connector has one.
    secret: ClassVar[str | None] = None
    #: The recorded pages (parsed JSON) the mutations start from.
    recorded: ClassVar[Sequence[Any]] = ()

    def read(self, request: pytest.FixtureRequest, body: str) -> object:
        """Serve ``body`` (HTTP 200) in place of a page and read through the connector.

        Args:
            request: The test's fixture request (``request.getfixturevalue(...)``).
            body: The page's text.
        """
        raise NotImplementedError

    def parse(self, body: bytes) -> object:
        """Parse one page and check its records as the connector does.

        Args:
            body: The page's bytes.
        """
        raise NotImplementedError

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """One test of the table check per row of :attr:`shapes`, named by its key."""
        if "hostile_shape" in metafunc.fixturenames:
            metafunc.parametrize("hostile_shape", list(self.shapes.values()), ids=list(self.shapes))

    def test_a_page_that_is_not_the_documented_shape_is_a_shape_error(
        self, request: pytest.FixtureRequest, hostile_shape: Shape
    ) -> None:
        """A body of the table is refused by name, never read as something else."""
        import pytest

        body, where, expected, found = hostile_shape
        with pytest.raises(ResponseShapeError) as info:
            self.read(request, body)
        error = info.value
        assert (error.where, error.expected, error.found) == (where, expected, found)
        assert (error.api, error.account) == (self.api, self.account)
        assert error.request in self.requests
        assert not error.retriable
        assert f"expected {expected}" in str(error)
        assert self.secret is None or self.secret not in str(error)

    def test_any_json_value_parses_or_raises_the_librarys_error(self) -> None:
        """Any JSON value as a page: records or the library's own error."""
        given = _given()

        def check(value: Any) -> None:
            self._parses_or_refuses(value)

        given(json_values())(check)()

    def test_a_mutated_recorded_page_parses_or_raises_the_librarys_error(self) -> None:
        """A recorded page with one place changed: records or the library's own error."""
        given = _given()

        def check(page: Any) -> None:
            self._parses_or_refuses(page)

        given(mutated(self.recorded))(check)()

    def _parses_or_refuses(self, value: Any) -> None:
        with contextlib.suppress(ResponseShapeError, DataError):
            self.parse(json.dumps(value).encode())


def suite(
    shapes: Mapping[str, Shape],
    api: str,
    account: str,
    requests: Sequence[str],
    read: Callable[[pytest.FixtureRequest, str], object],
    parse: Callable[[bytes], object],
    *,
    secret: str | None = None,
    recorded: Sequence[Any] = (),
) -> type[HostilePages]:
    """A :class:`HostilePages` subclass from its parts, for a module to bind to a ``Test*`` name.

    The same checks as subclassing, without a class body that says again, attribute by
    attribute, what every connector's says::

        TestHostilePages = hostile.suite(
            HOSTILE, "shop", "42", ("GET /42/orders",), serve, parse, secret="test-token"
        )

    ``serve(request, body)`` serves ``body`` in place of a page and reads through the
    connector; ``parse(body)`` is the page parser, then the core's record check.

    Args:
        shapes: The hostile table (:attr:`HostilePages.shapes`).
        api: The API every refusal names.
        account: The account every refusal names.
        requests: The requests a refusal may name.
        read: ``read(request, body)``: serve ``body`` in place of a page and read
            through the connector (:meth:`HostilePages.read`).
        parse: ``parse(body)``: the page parser, then the core's record check
            (:meth:`HostilePages.parse`).
        secret: A fake secret no refusal may show.
        recorded: Recorded pages (parsed JSON) the mutations start from.

    Returns:
        The test class; pytest collects it under the name the module gives it.
    """

    def read_method(self: HostilePages, request: pytest.FixtureRequest, body: str) -> object:
        return read(request, body)

    def parse_method(self: HostilePages, body: bytes) -> object:
        return parse(body)

    attributes = {
        "__doc__": f"Hostile pages of {api}: the table, any JSON value, mutated recorded pages.",
        "shapes": shapes,
        "api": api,
        "account": account,
        "requests": tuple(requests),
        "secret": secret,
        "recorded": recorded,
        "read": read_method,
        "parse": parse_method,
    }
    return type("TestHostilePages", (HostilePages,), attributes)


def _given() -> Any:
    _strategies()  # the install hint when hypothesis is missing
    from hypothesis import given

    return given
