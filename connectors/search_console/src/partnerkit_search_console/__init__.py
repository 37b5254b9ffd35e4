"""partnerkit connector for Google Search Console: organic search performance.

Two streams of :class:`~partnerkit.records.SearchPerformanceRecord`:
``search_performance`` (by day, query, page, country and device, with a notice per day
saying how much the anonymised queries hide) and ``search_totals`` (the property's
days). Roll them up with :func:`partnerkit.search.rollup`. See
``docs/connectors/search-console.md``.
"""

from partnerkit_search_console._connector import (
    HIDDEN_VOLUME,
    MAX_ROW_LIMIT,
    QUERY_DIMENSIONS,
    SearchConsoleConnector,
    SearchConsoleSettings,
)

__all__ = [
    "HIDDEN_VOLUME",
    "MAX_ROW_LIMIT",
    "QUERY_DIMENSIONS",
    "SearchConsoleConnector",
    "SearchConsoleSettings",
]
