"""The direct read of a month (no warehouse) selects CRM records by their own dates (16.6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from partnerkit.analysis.direct import month_request
from partnerkit.connector import StreamSpec
from partnerkit.records import RecordKind

SEP_1 = dt.date(2026, 9, 1)
OCT_31 = dt.date(2026, 10, 31)


class _CreatedDates:
    """A connector that can select by creation date (as HubSpot does)."""

    read_options = frozenset({"dates"})


class _NoOptions:
    """A connector without read options (as the files connector)."""


def _spec(kind: RecordKind, cursor: str | None) -> StreamSpec:
    return StreamSpec(name=kind.value, kind=kind, cursor=cursor)


@pytest.mark.parametrize(
    ("connector", "kind", "cursor", "expected"),
    [
        # performance by its day, whatever the connector
        (_CreatedDates(), RecordKind.PERFORMANCE, "date", (SEP_1, OCT_31, {}, False)),
        # a modification cursor, and a connector that can select by creation instead
        (
            _CreatedDates(),
            RecordKind.LEAD,
            "updated_at",
            (SEP_1, OCT_31, {"dates": "created"}, False),
        ),
        (
            _CreatedDates(),
            RecordKind.DEAL,
            "updated_at",
            (SEP_1, OCT_31, {"dates": "created"}, False),
        ),
        # leads whose range is already their creation day
        (_NoOptions(), RecordKind.LEAD, "created_at", (SEP_1, OCT_31, {}, False)),
        # deals are dated by close date, the range would be their creation: read whole
        (_NoOptions(), RecordKind.DEAL, "created_at", (None, None, {}, True)),
        # leads by modification with no other choice: read whole
        (_NoOptions(), RecordKind.LEAD, "updated_at", (None, None, {}, True)),
    ],
)
def test_crm_streams_are_never_selected_by_modification(
    connector: Any, kind: RecordKind, cursor: str, expected: tuple[Any, ...]
) -> None:
    request = month_request(connector, _spec(kind, cursor), SEP_1, OCT_31, ("acc",))
    got = (request.start, request.end, dict(request.options), request.include_today)
    assert got == expected
    assert request.accounts == ("acc",)
