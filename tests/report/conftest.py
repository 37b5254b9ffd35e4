from __future__ import annotations

from typing import Any

import pytest

from partnerkit.report import MonthlyReport, build_report


@pytest.fixture(scope="session")
def demo() -> Any:
    from partnerkit.demo import load_demo

    return load_demo()


@pytest.fixture(scope="session")
def demo_report_en(demo: Any) -> MonthlyReport:
    return build_report(
        demo.workspace,
        demo.dataset,
        "2026-10",
        evidence=demo.evidence,
        survey=demo.survey,
        locale="en-US",
    )


@pytest.fixture(scope="session")
def demo_report_he(demo: Any) -> MonthlyReport:
    return build_report(
        demo.workspace, demo.dataset, "2026-10", evidence=demo.evidence, survey=demo.survey
    )
