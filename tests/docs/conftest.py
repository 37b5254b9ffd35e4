"""Every Python code block of the README, the docs and the connector READMEs runs as a test.

The pages are listed in ``pages.toml`` beside this module (globs from the repository
root); that file is also the collection anchor, so ``uv run pytest``
(``testpaths`` holds ``tests``) collects the pages although they live outside
``tests/``. Each page is a Sybil document: its ``python`` blocks run in order in one
namespace, in a fresh temporary working directory that holds a copy of the bundled
demo workspace (``partnerkit demo --init``: ``partnerkit.yaml``, ``data/`` and the
``cassettes/`` its platform connections replay), with the demo's fake,
non-secret credentials set and the demo's recorded API answers replayed while each
block runs — so ``load_workspace("partnerkit.yaml")`` and reading its connections work
offline, as a newcomer would write them.

The namespace starts with ``demo``, the bundled demo read once per session
(``partnerkit.demo.load_demo()``; see :func:`demo`).

A block that cannot run offline says so in the Markdown, with a reason, just before
it: ``<!-- skip: next "needs a real Meta account's credentials" -->``. A skip without
a reason is an error. ``<!-- clear-namespace -->`` starts a fresh namespace.

The session ends with a line saying how many blocks ran and how many are marked not
runnable (:func:`pytest_terminal_summary`).
"""

from __future__ import annotations

import os
import shutil
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sybil import Document, Region, Sybil
from sybil.integration.pytest import SybilFile, SybilItem
from sybil.parsers.markdown import ClearNamespaceParser, PythonCodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ANCHOR = HERE / "pages.toml"

#: How many times a block may be given each of the demo's recorded answers.
REPLAYS = 8


def pages() -> list[Path]:
    """Every page the docs tests read (the globs of ``pages.toml``), sorted, each once."""
    globs = tomllib.loads(ANCHOR.read_text(encoding="utf-8"))["pages"]
    return sorted({path for pattern in globs for path in ROOT.glob(pattern)})


class ReasonedSkipParser(SkipParser):
    """Sybil's Markdown ``skip`` directive, refusing a ``start`` or ``next`` with no reason.

    Sybil treats a reasonless ``skip: next`` as "run nothing and pass", which would
    count a block as run when it was not.
    """

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in super().__call__(document):
            action, reason = region.parsed
            if action in {"start", "next"} and not (reason or "").strip():
                line = document.text.count("\n", 0, region.start) + 1
                raise ValueError(
                    f"{document.path}, line {line}: `skip: {action}` needs a reason, "
                    f'e.g. <!-- skip: {action} "needs a real account\'s credentials" -->'
                )
            yield region


DOCS = Sybil(
    parsers=[PythonCodeBlockParser(), ReasonedSkipParser(), ClearNamespaceParser()],
    # _words_awaiting_the_catalogues: the root conftest's words of issue 22 until the
    # catalogues hold them (Sybil's items take no autouse fixture)
    fixtures=["docs_workdir", "demo_replay", "demo", "_words_awaiting_the_catalogues"],
    name="docs",
)


class DocsPages(pytest.File):
    """Collects one Sybil document per page of :func:`pages`."""

    def collect(self) -> Iterator[pytest.Collector]:
        for page in pages():
            name = page.relative_to(ROOT).as_posix()  # so -k matches a page by its folder too
            yield SybilFile.from_parent(self, path=page, name=name, sybils=[DOCS])


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect the pages when pytest reaches ``pages.toml``."""
    if file_path == ANCHOR:
        return DocsPages.from_parent(parent, path=file_path)
    return None


# ------------------------------------------------------------------ the namespace


@pytest.fixture(scope="module")
def docs_workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh working directory per page, holding a copy of the demo workspace.

    Also ``examples/workspace/`` as in a clone (model.md reads it).

    Sets the demo's fake credentials for as long as the page runs; restores the
    environment and the connectors registered in code (``register_connector``) after.
    """
    from partnerkit import registry
    from partnerkit.demo import init_demo
    from partnerkit.demo._read import FAKE_SECRETS

    workdir = tmp_path_factory.mktemp("docs")
    init_demo(workdir)  # partnerkit.yaml, data/ and the cassettes/ it replays
    # The example workspace, where a page says a clone's root holds it.
    shutil.copytree(ROOT / "examples" / "workspace", workdir / "examples" / "workspace")
    environ, registered = dict(os.environ), dict(registry._registered)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        for name, value in FAKE_SECRETS.items():
            patch.setenv(name, value)
        try:
            yield workdir
        finally:  # what the page's blocks set or registered goes with it
            os.environ.clear()
            os.environ.update(environ)
            registry._registered.clear()
            registry._registered.update(registered)


@pytest.fixture(scope="session")
def demo() -> Any:
    """The bundled demo, read once per session: ``partnerkit.demo.load_demo()``.

    In every page's namespace as ``demo`` (reading it takes seconds). A page that uses
    it says so where a reader sees it, e.g. ``ws, data = demo.workspace, demo.dataset``
    after ``demo = load_demo()`` in an earlier block of the page or a note in the prose.
    """
    from partnerkit.demo import load_demo

    return load_demo()


@pytest.fixture(scope="session")
def demo_interactions() -> list[Any]:
    """Every recorded API answer of the demo (all its connections' cassettes)."""
    from partnerkit.demo import DEMO_WORKSPACE
    from partnerkit.testing.cassette import Cassette

    interactions = []
    for path in sorted((DEMO_WORKSPACE.parent / "cassettes").glob("*.yaml")):
        interactions.extend(Cassette.load(path).interactions)
    return interactions


@pytest.fixture
def demo_replay(demo_interactions: list[Any]) -> Iterator[Any]:
    """Replay the demo's recorded API answers while a block runs.

    Each answer may be given up to :data:`REPLAYS` times: a sync opens a connector per
    stream, and each asks for its account again. The docs tests check what the code
    does with the answers; the connectors' own tests count the requests.
    """
    from partnerkit.testing.cassette import Cassette

    with Cassette(demo_interactions * REPLAYS, allow_unused=True).play() as cassette:
        yield cassette


# ------------------------------------------------------------------ the count

#: Node id of every collected code block → its outcome ("passed", "failed", "skipped")
#: and, for a skip, the reason the page gives.
_BLOCKS: dict[str, tuple[str, str]] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Note the code blocks among the collected items (not the skip directives)."""
    from sybil.evaluators.doctest import DocTestEvaluator
    from sybil.evaluators.python import PythonEvaluator

    for item in items:
        if isinstance(item, SybilItem) and isinstance(
            item.example.region.evaluator, PythonEvaluator | DocTestEvaluator
        ):
            _BLOCKS[item.nodeid] = ("not run", "")


class _BlockReports:
    """Counts each block once: by its call, or by its setup when that did not pass.

    Registered as a plugin of its own: the run-test hooks of an item go to the
    conftests of the item's path (the page's), never to this one.
    """

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid not in _BLOCKS:
            return
        if report.when == "call" or (report.when == "setup" and not report.passed):
            reason = ""
            if report.skipped and isinstance(report.longrepr, tuple):
                reason = str(report.longrepr[2]).removeprefix("Skipped: ")
            _BLOCKS[report.nodeid] = (report.outcome, reason)


def pytest_configure(config: pytest.Config) -> None:
    """Register the block counter."""
    if not config.pluginmanager.has_plugin("partnerkit-docs-blocks"):
        config.pluginmanager.register(_BlockReports(), "partnerkit-docs-blocks")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many docs code blocks ran and how many are marked not runnable."""
    outcomes = [outcome for outcome, _ in _BLOCKS.values() if outcome != "not run"]
    if not outcomes:
        return
    passed, failed = outcomes.count("passed"), outcomes.count("failed")
    skipped = [(node, why) for node, (outcome, why) in _BLOCKS.items() if outcome == "skipped"]
    terminalreporter.section("docs code blocks")
    terminalreporter.write_line(
        f"{passed + failed} docs code blocks ran ({passed} passed, {failed} failed); "
        f"{len(skipped)} marked not runnable"
    )
    for node, why in skipped:
        terminalreporter.write_line(f"  not runnable: {node} — {why}")


@pytest.fixture(scope="session")
def docs_pages() -> list[Path]:
    """The pages the docs tests read (for tests that check them otherwise)."""
    return pages()


@pytest.fixture(scope="session")
def docs_sybil() -> Sybil:
    """The Sybil that reads the pages (for tests of how it reads them)."""
    return DOCS
