"""The template passes the contract suite; a copy of it starts green."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from partnerkit_template import TemplateConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import ConnectorContract, use_cassette

CASSETTES = Path(__file__).parent / "cassettes" / "contract"
REQUEST = ReadRequest(stream="daily", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 3))


class TestTemplateContract(ConnectorContract):
    connector_class = TemplateConnector
    settings = {"account_id": "acc-42", "currency": "EUR"}
    secrets = {"api_token": "test-token-not-real"}
    requests = (REQUEST,)
    cassette_dir = CASSETTES
    check_entry_point = False  # set True once the copy is installed with its entry point
    lookback_cursor = dt.date(2026, 10, 7)  # 10-07 + 1 day - 7 days = 10-01, the first day


def test_values_from_the_cassette() -> None:
    # 12 + 0 clicks and 3.40 + 1.10 + 0.00 spend, read off daily.yaml by hand.
    with (
        use_cassette(CASSETTES / "daily.yaml"),
        TemplateConnector({"account_id": "acc-42", "api_token": "x"}) as conn,
    ):
        rows = conn.stream(REQUEST).to_dicts()
    assert [str(r["date"]) for r in rows] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert [r["clicks"] for r in rows] == [12, 0, None]
    assert sum(r["spend"] for r in rows) == Decimal("4.50")
