"""The connector passes the contract suite, replaying the cassettes in cassettes/contract.

Record them against the real API (the token and the real account id from the
environment, see README.md) with ``uv run pytest tests --record``.
"""

import datetime as dt
from contextlib import AbstractContextManager
from decimal import Decimal
from pathlib import Path

from partnerkit_template import TemplateConnector

from partnerkit.connector import ReadRequest
from partnerkit.testing import Cassette, ConnectorContract, use_cassette

CASSETTES = Path(__file__).parent / "cassettes" / "contract"
REQUEST = ReadRequest(stream="daily", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 3))
SETTINGS = {"account_id": "acc-42", "api_token": "test-token-not-real", "currency": "EUR"}


class TestTemplateContract(ConnectorContract):
    connector_class = TemplateConnector
    settings = {"account_id": "acc-42", "currency": "EUR"}
    secrets = {"api_token": "test-token-not-real"}
    requests = (REQUEST,)
    cassette_dir = CASSETTES
    check_entry_point = True  # the installed package's entry point names the class
    lookback_cursor = dt.date(2026, 10, 7)  # 10-07 + 1 day - 7 days = 10-01, the first day


def replay(name: str) -> AbstractContextManager[Cassette]:
    """Replay a contract cassette, also under `--record` (the contract tests record them)."""
    return use_cassette(CASSETTES / name, record=False)


def test_values_from_the_cassette() -> None:
    # 12 + 0 clicks and 3.40 + 1.10 + 0.00 spend, read off daily.yaml by hand (after
    # recording, read your own cassette and put its values here).
    with replay("daily.yaml"), TemplateConnector(SETTINGS) as conn:
        rows = conn.stream(REQUEST).to_dicts()
    assert [str(r["date"]) for r in rows] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert [r["clicks"] for r in rows] == [12, 0, None]
    assert sum(r["spend"] for r in rows) == Decimal("4.50")
    assert {r["currency"] for r in rows} == {"EUR"}


def test_check_reads_the_account() -> None:
    # check.yaml answers the account's name, "Example account".
    with replay("check.yaml"), TemplateConnector(SETTINGS) as conn:
        result = conn.check()
    assert result.ok
    assert result.accounts == ("acc-42",)
    assert result.message == "The token reads account acc-42 (Example account)."
