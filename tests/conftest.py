"""Shared by every test: the report words still waiting for the catalogues."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests._pending_words import NEW_WORDS


@pytest.fixture(scope="session", autouse=True)
def _pending_words() -> Iterator[None]:
    """Lend the English catalogue the words it lacks yet (see ``tests/_pending_words.py``)."""
    from partnerkit.report.i18n import translations

    with pytest.MonkeyPatch.context() as patch:
        catalog = translations("en")._catalog
        for key, text in NEW_WORDS.items():
            if key not in catalog:
                patch.setitem(catalog, key, text)
        yield
