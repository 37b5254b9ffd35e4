"""The adapter's connection pools: the ``requests`` pool keywords reach urllib3 (#19)."""

from __future__ import annotations

import pytest

from partnerkit.http import PartnerkitAdapter, session


def test_pool_keywords_reach_the_urllib3_pool_manager() -> None:
    adapter = PartnerkitAdapter("meta", pool_connections=3, pool_maxsize=32, pool_block=True)
    # requests keeps them to rebuild the manager after pickling; urllib3 uses them.
    assert adapter.poolmanager is not None
    assert adapter.poolmanager.pools._maxsize == 3  # hosts kept
    assert adapter.poolmanager.connection_pool_kw["maxsize"] == 32  # connections per host
    assert adapter.poolmanager.connection_pool_kw["block"] is True


def test_without_pool_keywords_the_requests_defaults_stay() -> None:
    adapter = PartnerkitAdapter("meta")
    assert adapter.poolmanager.pools._maxsize == 10
    assert adapter.poolmanager.connection_pool_kw["maxsize"] == 10
    assert adapter.poolmanager.connection_pool_kw["block"] is False


def test_session_passes_the_pool_keywords_to_its_adapter() -> None:
    with session("ga4", pool_maxsize=16) as http:
        adapter = http.get_adapter("https://example.invalid/")
        assert isinstance(adapter, PartnerkitAdapter)
        assert adapter.poolmanager.connection_pool_kw["maxsize"] == 16


def test_max_retries_is_refused_because_the_seam_retries_itself() -> None:
    with pytest.raises(TypeError, match="max_retries"):
        PartnerkitAdapter("meta", max_retries=3)  # type: ignore[call-arg]
