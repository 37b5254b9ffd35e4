"""Performance records: a two-client manager account, fractional conversions, micros, leads.

Every expected value is read off the cassettes by hand:

contract/performance.yaml — manager 1234567890 with two enabled clients:

* 2345678901 "Trattoria Demo Srl", EUR, Europe/Rome. Campaign 20000000001 (SEARCH) on
  2026-10-01: 1204 impressions, 87 clicks, costMicros 48210000, conversions 2.5,
  conversionsValue 310.0, allConversions 3.75; lead rows SUBMIT_LEAD_FORM 1.5 +
  PHONE_CALL_LEAD 1.0. Campaign 20000000002 (PERFORMANCE_MAX) on 2026-10-01: 5320,
  41, 23990000, 1.0, 0.0, 1.0; lead row BOOK_APPOINTMENT 1.0. Campaign 20000000001 on
  2026-10-02: 998, 66, 39500000, 0.0, 0.0, 0.0; no lead row.
* 3456789012 "Demo Tokyo KK", JPY, Asia/Tokyo. Campaign 30000000001 (SEARCH) on
  2026-09-20: 3100, 140, 3506000000, 4.0, 52000.0, 4.0 and on 2026-10-03: 2870, 121,
  2999000000, 3.0, 36000.0, 3.0; the lead query answers no rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from partnerkit_google_ads import GoogleAdsConnector
from partnerkit_google_ads._parse import micros

from partnerkit.connector import Notice, ReadRequest
from partnerkit.testing import use_cassette

SEP19_OCT3 = ReadRequest(stream="performance", start=dt.date(2026, 9, 19), end=dt.date(2026, 10, 3))
Make = Callable[..., GoogleAdsConnector]


def read_mcc(cassettes: Path, make_connector: Make) -> tuple[list[dict[str, Any]], list[Notice]]:
    with (
        use_cassette(cassettes / "contract" / "performance.yaml") as tape,
        make_connector(login_customer_id="123-456-7890") as conn,
    ):
        stream = conn.stream(SEP19_OCT3)
        records = stream.to_dicts()
    # every request went to the API version the installed library targets, via the manager
    assert {r.headers["login-customer-id"] for r in tape.requests} == {"1234567890"}
    assert all("/v26/customers/" in r.url for r in tape.requests)
    return records, stream.notices  # type: ignore[return-value]


def test_manager_account_reads_both_clients(cassettes: Path, make_connector: Make) -> None:
    records, notices = read_mcc(cassettes, make_connector)
    # 3 rows of the EUR client, then 2 of the JPY client, in the API's order
    got = [(r["account_id"], str(r["date"]), r["campaign_id"]) for r in records]
    assert got == [
        ("2345678901", "2026-10-01", "20000000001"),
        ("2345678901", "2026-10-01", "20000000002"),
        ("2345678901", "2026-10-02", "20000000001"),
        ("3456789012", "2026-09-20", "30000000001"),
        ("3456789012", "2026-10-03", "30000000001"),
    ]
    assert {r["account_name"] for r in records} == {"Trattoria Demo Srl", "Demo Tokyo KK"}
    assert [n.code for n in notices] == ["manager_clients"]
    assert notices[0].details["clients"] == ["2345678901", "3456789012"]


def test_a_day_with_fractional_conversions(cassettes: Path, make_connector: Make) -> None:
    records, _ = read_mcc(cassettes, make_connector)
    brand = records[0]
    assert brand["impressions"] == 1204
    assert brand["clicks"] == 87
    assert brand["conversions"] == 2.5  # data-driven attribution splits conversions
    assert brand["all_conversions"] == 3.75
    assert brand["leads"] == 2.5  # 1.5 (SUBMIT_LEAD_FORM) + 1.0 (PHONE_CALL_LEAD)
    assert brand["conversion_value"] == Decimal("310")
    assert brand["level"] == "campaign"
    assert brand["channel"] == "paid_search"
    assert (brand["source"], brand["medium"]) == ("google", "cpc")
    assert brand["extra"] == {"campaign_status": "ENABLED", "advertising_channel_type": "SEARCH"}


def test_leads_merge_onto_rows_without_double_counting(
    cassettes: Path, make_connector: Make
) -> None:
    records, _ = read_mcc(cassettes, make_connector)
    # three lead rows (two categories on one campaign-day) become two values, no new rows
    assert len(records) == 5
    assert [r["leads"] for r in records] == [2.5, 1.0, 0.0, 0.0, 0.0]
    assert sum(r["leads"] for r in records) == 3.5  # = 1.5 + 1.0 + 1.0 lead conversions


@pytest.mark.parametrize(
    ("index", "currency", "spend"),
    [
        (0, "EUR", Decimal("48.21")),  # 48210000 micros
        (1, "EUR", Decimal("23.99")),  # 23990000 micros
        (2, "EUR", Decimal("39.50")),  # 39500000 micros
        (3, "JPY", Decimal("3506")),  # 3506000000 micros: yen have no minor unit
        (4, "JPY", Decimal("2999")),  # 2999000000 micros
    ],
)
def test_micros_become_exact_money_in_each_currency(
    cassettes: Path, make_connector: Make, index: int, currency: str, spend: Decimal
) -> None:
    records, _ = read_mcc(cassettes, make_connector)
    assert records[index]["currency"] == currency
    assert records[index]["spend"] == spend
    assert isinstance(records[index]["spend"], Decimal)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (48210000, "48.21"),  # EUR / USD: to the cent
        (3506000000, "3506"),  # JPY: whole yen
        (1061083620, "1061.08362"),  # sub-cent micros are kept, never rounded away
        (1, "0.000001"),
        (0, "0"),
        (None, None),
    ],
)
def test_micros_conversion(value: int | None, expected: str | None) -> None:
    result = micros(value)
    assert (None if result is None else result.normalize()) == (
        None if expected is None else Decimal(expected).normalize()
    )


def test_spend_sums_exactly_in_arrow(cassettes: Path, make_connector: Make) -> None:
    with (
        use_cassette(cassettes / "contract" / "performance.yaml"),
        make_connector(login_customer_id="1234567890") as conn,
    ):
        table = conn.stream(SEP19_OCT3).to_arrow()
    eur = [
        s
        for s, c in zip(
            table.column("spend").to_pylist(), table.column("currency").to_pylist(), strict=True
        )
        if c == "EUR"
    ]
    assert sum(eur) == Decimal("111.70")  # 48.21 + 23.99 + 39.50, no float drift
    assert str(table.schema.field("spend").type) == "decimal128(38, 6)"


def test_record_ids_are_stable_and_unique(cassettes: Path, make_connector: Make) -> None:
    first, _ = read_mcc(cassettes, make_connector)
    second, _ = read_mcc(cassettes, make_connector)
    assert [r["record_id"] for r in first] == [r["record_id"] for r in second]
    assert len({r["record_id"] for r in first}) == 5


def test_request_accounts_narrow_the_manager_clients(cassettes: Path, make_connector: Make) -> None:
    request = SEP19_OCT3.model_copy(update={"accounts": ("345-678-9012",)})
    with (
        use_cassette(cassettes / "contract" / "performance.yaml", allow_unused=True) as tape,
        make_connector(login_customer_id="1234567890") as conn,
    ):
        records = conn.stream(request).to_dicts()
    assert {r["account_id"] for r in records} == {"3456789012"}
    assert tape.unused() == [1, 2]  # the EUR client's lead and performance queries


def test_ad_level_merges_leads_per_ad_and_keeps_orphans(
    cassettes: Path, make_connector: Make
) -> None:
    # ad_level.yaml: ad group 60000000001, ads 70000000001 (lead rows 1.0 + 1.0) and
    # 70000000002 (none); a lead row for ad 70000000003 has no performance row.
    request = ReadRequest(
        stream="performance",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 1),
        options={"level": "ad"},
    )
    with (
        use_cassette(cassettes / "ad_level.yaml"),
        make_connector(accounts=["456-789-0123"]) as conn,
    ):
        stream = conn.stream(request)
        records = stream.to_dicts()
    got = [(r["ad_id"], r["leads"], r.get("impressions"), r.get("spend")) for r in records]
    assert got == [
        ("70000000001", 2.0, 500, Decimal("12")),
        ("70000000002", 0.0, 300, Decimal("8")),
        ("70000000003", 1.0, None, None),  # the orphan: kept, with only its leads
    ]
    assert records[0]["ad_name"] == "RSA brand 1"
    assert records[1]["ad_name"] is None  # the API sent no name for that ad
    assert records[0]["ad_group_name"] == "Brand | Exact"
    assert records[0]["extra"]["ad_status"] == "ENABLED"
    (orphan,) = [n for n in stream.notices if n.code == "leads_without_performance_row"]
    assert orphan.details["rows"] == [["2026-10-01", "60000000001", "70000000003"]]


def test_unknown_option_is_refused(make_connector: Make) -> None:
    from partnerkit.errors import ConfigurationError

    conn = make_connector(accounts=["4567890123"])
    request = ReadRequest(stream="performance", options={"levle": "ad"})
    with pytest.raises(ConfigurationError, match="levle"):
        list(conn.read(request))
