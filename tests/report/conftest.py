from __future__ import annotations

from typing import Any

import pytest

from partnerkit.report import MonthlyReport, build_report


@pytest.fixture(scope="session")
def demo() -> Any:
    from partnerkit.demo import load_demo

    return load_demo()


def _demo_report(demo: Any, locale: str | None) -> MonthlyReport:
    """The demo's October report as of the demo's moment, in ``locale`` (the workspace's)."""
    return build_report(
        demo.workspace,
        demo.dataset,
        "2026-10",
        evidence=demo.evidence,
        survey=demo.survey,
        locale=locale,
        as_of=demo.as_of,
    )


@pytest.fixture(scope="session")
def demo_report_en(demo: Any) -> MonthlyReport:
    return _demo_report(demo, "en-US")


@pytest.fixture(scope="session")
def demo_report_he(demo: Any) -> MonthlyReport:
    return _demo_report(demo, None)  # the workspace's locale, he-IL


@pytest.fixture(scope="session")
def demo_report_th(demo: Any) -> MonthlyReport:
    return _demo_report(demo, "th-TH")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``run_demo`` as ``partnerkit demo`` runs it: its console text, its report files."""
    import io

    from rich.console import Console

    from partnerkit.demo import run_demo

    out = io.StringIO()
    console = Console(file=out, width=400, color_system=None, soft_wrap=True)
    folder = tmp_path_factory.mktemp("demo-report")
    result = run_demo(console, report_dir=folder)
    html = (folder / "report-2026-10.html").read_text(encoding="utf-8")
    return result, out.getvalue(), html
