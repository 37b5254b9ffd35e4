"""A small public surface, and an import that stays cheap."""

from __future__ import annotations

import subprocess
import sys

import partnerkit_ga4

from partnerkit import get_connector


def test_public_names() -> None:
    assert partnerkit_ga4.__all__ == ["CustomReport", "Ga4Connector", "Ga4Settings"]
    for name in partnerkit_ga4.__all__:
        assert getattr(partnerkit_ga4, name).__doc__


def test_the_entry_point_names_the_connector() -> None:
    assert get_connector("ga4") is partnerkit_ga4.Ga4Connector


def test_importing_the_package_does_not_import_the_sdk() -> None:
    code = (
        "import sys, partnerkit_ga4; "
        "print(any(m.startswith(('google.analytics', 'grpc')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
