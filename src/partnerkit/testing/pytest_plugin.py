"""partnerkit's pytest plugin (registered through the ``pytest11`` entry point).

It adds:

- the ``--record`` option (or ``PARTNERKIT_RECORD=1``): the selected tests record
  their cassettes against the real APIs instead of replaying them;
- the ``cassette`` fixture: replays ``<test dir>/cassettes/<module>/<test>.yaml``
  (override the path with the ``cassette_path`` fixture, or the name with
  ``@pytest.mark.cassette("name", allow_unused=..., ignore_query=[...],
  ignore_body_keys=[...], secrets=[...])``), or records it in record mode. Secrets are
  scrubbed by name and by value: those in the environment, those the marker's
  ``secrets`` lists or the test registers (``cassette.secret(value)``), and every
  credential the cassette sees travel;
- the ``fake_clock`` fixture: a fresh :class:`~partnerkit.testing.clock.FakeClock`;
- the ``fake_time`` fixture: that clock, installed as the HTTP seam's clock for the
  test (``partnerkit.http.use_clock``), so retries and rate limiters never really
  sleep; a connector's conftest makes it autouse to run every test on it
  (``_on_fake_time = every_test_on_fake_time()``);
- the ``cassettes`` fixture: the ``cassettes`` folder beside the test module, for tests
  that name their cassettes themselves (``use_cassette(cassettes / "x.yaml")``);
- the network guard: every test runs with :func:`~partnerkit.testing.guard.block_network`
  when the ini option ``partnerkit_block_network = true`` is set or the test is marked
  ``@pytest.mark.block_network``; ``@pytest.mark.allow_network`` opts a test out, and
  recording turns it off. It is off by default, so installing partnerkit changes
  nothing in an unrelated test suite.

Importing it is cheap: ``responses`` and the cassette code load when a fixture runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from partnerkit.testing import guard as _guard
from partnerkit.testing.guard import NetworkGuard, block_network, record_requested

if TYPE_CHECKING:
    from partnerkit.testing.cassette import Cassette
    from partnerkit.testing.clock import FakeClock

__all__ = ["cassette", "cassette_path", "cassettes", "fake_clock", "fake_time"]

_GUARD = pytest.StashKey[NetworkGuard]()
_GUARD_CONTEXT = pytest.StashKey[AbstractContextManager[NetworkGuard]]()
_PASSED = pytest.StashKey[bool]()
_FAILURE = pytest.StashKey[BaseException]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--record`` and the ini options."""
    group = parser.getgroup("partnerkit", "partnerkit cassettes and network guard")
    group.addoption(
        "--record",
        action="store_true",
        dest="partnerkit_record",
        help="Record the cassettes of the selected tests against the real APIs "
        "(credentials from the environment) and write them scrubbed; also "
        "PARTNERKIT_RECORD=1. Turns the network guard off.",
    )
    parser.addini(
        "partnerkit_block_network",
        type="bool",
        default=False,
        help="Block real network connections in every test (loopback allowed).",
    )
    parser.addini(
        "partnerkit_allow_hosts",
        type="linelist",
        default=[],
        help="Hosts (or host:port) the network guard lets through besides loopback.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers; make ``--record`` what ``record_requested()`` answers."""
    _guard.push_record_flag(bool(config.getoption("partnerkit_record", False)))
    for line in (
        "cassette(name=None, *, allow_unused=False, ignore_query=(), ignore_body_keys=(), "
        "secrets=()): the cassette the `cassette` fixture replays, how it matches, and "
        "secret values to scrub wherever they appear",
        "block_network(allow=()): block real network connections in this test",
        "allow_network: let this test reach the network (no network guard)",
    ):
        config.addinivalue_line("markers", line)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Forget this session's ``--record``."""
    _guard.pop_record_flag()


def _recording(config: pytest.Config) -> bool:
    return bool(config.getoption("partnerkit_record", False)) or record_requested()


# --------------------------------------------------------------------- the guard


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """Start the network guard for tests that want it."""
    marker = item.get_closest_marker("block_network")
    wanted = marker is not None or bool(item.config.getini("partnerkit_block_network"))
    if wanted and not item.get_closest_marker("allow_network") and not _recording(item.config):
        allow = [*item.config.getini("partnerkit_allow_hosts")]
        if marker is not None:
            allow += list(marker.kwargs.get("allow", marker.args[0] if marker.args else ()))
        context = block_network(allow)
        item.stash[_GUARD] = context.__enter__()
        item.stash[_GUARD_CONTEXT] = context
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Fail a test that swallowed a blocked connection."""
    guard = item.stash.get(_GUARD, None)
    seen = len(guard.blocked) if guard else 0
    result = yield
    if guard is not None and len(guard.blocked) > seen:
        raise guard.blocked[seen]
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """Stop the network guard after the test's fixtures are torn down."""
    try:
        return (yield)
    finally:
        context = item.stash.get(_GUARD_CONTEXT, None)
        if context is not None:
            del item.stash[_GUARD_CONTEXT], item.stash[_GUARD]
            context.__exit__(None, None, None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember how the test call ended, for the ``cassette`` fixture's teardown."""
    report = yield
    if report.when == "call":
        item.stash[_PASSED] = report.passed
        if call.excinfo is not None:
            item.stash[_FAILURE] = call.excinfo.value
    return report


# ---------------------------------------------------------------------- fixtures


def _test_name(request: pytest.FixtureRequest) -> str:
    name = request.node.name
    if request.cls is not None:
        name = f"{request.cls.__name__}.{name}"
    return re.sub(r"[^\w.\[\]-]+", "_", name)


@pytest.fixture
def cassette_path(request: pytest.FixtureRequest) -> Path:
    """The file the ``cassette`` fixture uses; override this fixture to move it.

    Defaults to ``<test dir>/cassettes/<test module>/<test name>.yaml`` (a method's
    name is ``<Class>.<test>``); ``@pytest.mark.cassette("name")`` replaces the name.
    """
    marker = request.node.get_closest_marker("cassette")
    name = (marker.args[0] if marker and marker.args else None) or _test_name(request)
    if not name.endswith((".yaml", ".yml")):
        name += ".yaml"
    test_file = Path(request.node.path)
    return test_file.parent / "cassettes" / test_file.stem / name


@pytest.fixture
def cassette(request: pytest.FixtureRequest, cassette_path: Path) -> Iterator[Cassette]:
    """Replay the test's cassette (or record it with ``--record``).

    The cassette is playing when the test starts: make requests, call
    ``cassette.inject(index, *faults)``, register a secret the requests carry with
    ``cassette.secret(value)`` (before them), read ``cassette.requests``. After a passing
    test, an unmatched request remembered or an interaction never requested fails
    it; in record mode the scrubbed cassette is written.
    """
    from partnerkit.testing.cassette import Cassette

    marker = request.node.get_closest_marker("cassette")
    options = dict(marker.kwargs) if marker else {}
    record = _recording(request.config)
    if record:
        tape = Cassette(path=cassette_path, **options)
    elif not cassette_path.exists():
        pytest.fail(
            f"No cassette at {cassette_path}. Record it against the real API, with "
            "credentials in the environment:\n"
            f"    uv run pytest '{request.node.nodeid}' --record",
            pytrace=False,
        )
    else:
        tape = Cassette.load(cassette_path, **options)
    tape.start(record=record)
    yield tape
    node = request.node
    if node.stash.get(_PASSED, False):
        tape.stop()
    else:
        tape.stop(node.stash.get(_FAILURE, None) or _NotRunError())


class _NotRunError(Exception):
    """Stands for the outcome of a test whose call never ran."""


@pytest.fixture
def cassettes(request: pytest.FixtureRequest) -> Path:
    """The ``cassettes`` folder beside the test module (override it in a conftest)."""
    return Path(request.node.path).parent / "cassettes"


@pytest.fixture
def fake_clock() -> FakeClock:
    """A fresh fake clock: time moves only when something sleeps on it."""
    from partnerkit.testing.clock import FakeClock

    return FakeClock()


@pytest.fixture
def fake_time(fake_clock: FakeClock) -> Iterator[FakeClock]:
    """The fake clock, installed as the HTTP seam's clock: nothing really sleeps.

    Retries, backoff and rate limiters wait on it (and it records the waits). Every
    test of a connector wants it; its conftest says so once, with
    :func:`every_test_on_fake_time`.
    """
    from partnerkit.http import use_clock

    with use_clock(fake_clock):
        yield fake_clock


def every_test_on_fake_time() -> Callable[[FakeClock], None]:
    """An autouse fixture for a conftest: every test below it runs on :func:`fake_time`.

    Bind it to a name in the conftest (pytest finds fixtures by the module's names)::

        from partnerkit.testing.pytest_plugin import every_test_on_fake_time

        _on_fake_time = every_test_on_fake_time()

    Not autouse here: the plugin's own fixtures reach every test suite that installs
    partnerkit, and an unrelated suite's clock is none of partnerkit's business.
    """

    @pytest.fixture(autouse=True)
    def _on_fake_time(fake_time: FakeClock) -> None:
        """Retries and rate limiters wait on a fake clock (``fake_time``): nothing sleeps."""

    return _on_fake_time
