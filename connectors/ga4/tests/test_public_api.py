"""A small public surface, and an import that stays cheap."""

from __future__ import annotations

import partnerkit_ga4

from partnerkit import get_connector


def test_public_names() -> None:
    assert partnerkit_ga4.__all__ == ["CustomReport", "Ga4Connector", "Ga4Settings"]
    for name in partnerkit_ga4.__all__:
        assert getattr(partnerkit_ga4, name).__doc__


def test_the_entry_point_names_the_connector() -> None:
    assert get_connector("ga4") is partnerkit_ga4.Ga4Connector
