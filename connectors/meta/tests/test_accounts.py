"""Several ad accounts in one read, each in its own currency and time zone; an empty one.

accounts/two_accounts.yaml:

* act_1029384756, "Shemesh Solar – IL", ILS, Asia/Jerusalem: campaign 101 on 10-01
  (412.37, 7 leads), 10-02 (398.05, 5) and 10-03 (405.60, 6);
* act_2048576001, "Shemesh Solar – US", USD, America/Los_Angeles: campaign 201 on
  10-01 (1204.55, 11 leads) and 10-02 (1187.10, 9).

The reads happen as of 2026-10-04 03:00 UTC (``ReadRequest.as_of``): it is then 06:00
on 10-04 in Jerusalem but 20:00 on 10-03 in Los Angeles, so "up to yesterday" ends on
10-03 for one account and on 10-02 for the other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

OCT_1, OCT_3 = dt.date(2026, 10, 1), dt.date(2026, 10, 3)
IL, US, JP = "act_1029384756", "act_2048576001", "act_3072000111"
TWO = {"accounts": [IL, US], "page_size": 500}
#: The moment of the two-account reads (see the module docstring).
AT = dt.datetime(2026, 10, 4, 3, 0, tzinfo=dt.UTC)


def _ranges(tape) -> dict[str, str]:
    return {
        r.url.split("/")[-2]: r.query["time_range"]
        for r in tape.requests
        if r.url.endswith("/insights")
    }


def test_each_account_reads_up_to_its_own_yesterday(read) -> None:
    records, notices, tape = read("accounts/two_accounts.yaml", start=OCT_1, as_of=AT, **TWO)

    assert _ranges(tape) == {
        IL: '{"since":"2026-10-01","until":"2026-10-03"}',
        US: '{"since":"2026-10-01","until":"2026-10-02"}',
    }
    by_account = {
        a: [(str(r["date"]), r["spend"], r["leads"]) for r in records if r["account_id"] == a]
        for a in (IL, US)
    }
    assert by_account == {
        IL: [
            ("2026-10-01", Decimal("412.37"), 7.0),
            ("2026-10-02", Decimal("398.05"), 5.0),
            ("2026-10-03", Decimal("405.60"), 6.0),
        ],
        US: [
            ("2026-10-01", Decimal("1204.55"), 11.0),
            ("2026-10-02", Decimal("1187.10"), 9.0),
        ],
    }
    assert {(r["account_id"], r["currency"], r["timezone"]) for r in records} == {
        (IL, "ILS", "Asia/Jerusalem"),
        (US, "USD", "America/Los_Angeles"),
    }
    assert {r["account_name"] for r in records} == {"Shemesh Solar – IL", "Shemesh Solar – US"}
    # money is never mixed: 412.37 + 398.05 + 405.60 ILS, 1204.55 + 1187.10 USD
    totals: dict[str, Decimal] = {}
    for r in records:
        totals[r["currency"]] = totals.get(r["currency"], Decimal(0)) + r["spend"]
    assert totals == {"ILS": Decimal("1216.02"), "USD": Decimal("2391.65")}
    assert not [n for n in notices if n.code == "today_excluded"]


def test_an_end_in_the_future_is_cut_to_each_accounts_yesterday(read) -> None:
    records, notices, _tape = read(
        "accounts/two_accounts.yaml", start=OCT_1, end=dt.date(2026, 10, 4), as_of=AT, **TWO
    )

    assert len(records) == 5  # the same requests as above
    excluded = {n.details["account"]: n for n in notices if n.code == "today_excluded"}
    assert {a: n.details["end"] for a, n in excluded.items()} == {
        IL: "2026-10-03",
        US: "2026-10-02",
    }
    assert "where it is 2026-10-03" in excluded[US].message
    assert "include_today" in excluded[US].message


def test_include_today_reads_the_current_day_of_the_account(read) -> None:
    # 2026-10-02 20:00 UTC is 13:00 on 10-02 in Los Angeles: with include_today the
    # US account reads 10-01..10-02 (without it, only 10-01).
    records, _, tape = read(
        "accounts/two_accounts.yaml",
        start=OCT_1,
        only=(US,),
        include_today=True,
        as_of=dt.datetime(2026, 10, 2, 20, 0, tzinfo=dt.UTC),
        allow_unused=True,
        **TWO,
    )

    assert _ranges(tape) == {US: '{"since":"2026-10-01","until":"2026-10-02"}'}
    assert [str(r["date"]) for r in records] == ["2026-10-01", "2026-10-02"]


def test_an_account_without_delivery_reads_nothing_and_says_so(read) -> None:
    # accounts/empty_account.yaml: act_3072000111 (JPY, Asia/Tokyo) answers {"data": []}
    records, notices, tape = read(
        "accounts/empty_account.yaml", start=OCT_1, end=OCT_3, accounts=[JP], page_size=500
    )

    assert records == []
    (empty,) = [n for n in notices if n.code == "no_data"]
    assert empty.details == {"account": JP, "start": OCT_1, "end": OCT_3, "level": "campaign"}
    assert not [n for n in notices if n.code == "unmapped_action_types"]
    assert len(tape.requests) == 2


def test_a_start_before_metas_history_is_moved_and_reported(meta, as_of) -> None:
    from partnerkit_meta._objects import AccountInfo

    from partnerkit.connector import ReadRequest

    info = AccountInfo(IL, "Shemesh Solar – IL", "ILS", "Asia/Jerusalem", 1)
    with meta() as connector:
        start, end, notices = connector._range(
            ReadRequest(stream="ad_insights", start=dt.date(2020, 1, 1), as_of=as_of), info
        )
    # now is 2026-10-15 12:00 in Jerusalem: 37 months back is 2023-09-15, plus a day
    assert (start, end) == (dt.date(2023, 9, 16), dt.date(2026, 10, 14))
    assert [n.code for n in notices] == ["history_limit"]


def test_check_names_each_account_with_its_currency_and_zone(meta, cassettes) -> None:
    from partnerkit.testing import use_cassette

    with use_cassette(cassettes / "contract/check.yaml"), meta() as connector:
        result = connector.check()

    assert result.ok
    assert result.accounts == (IL,)
    assert "act_1029384756 (Shemesh Solar – IL, ILS, Asia/Jerusalem)" in result.message
    assert "Graph API v26.0" in result.message


def test_an_account_that_is_not_active_is_read_and_reported(meta, cassettes, as_of) -> None:
    from partnerkit.testing import Fault, use_cassette

    disabled = {
        "account_id": "1029384756",
        "name": "Shemesh Solar – IL",
        "currency": "ILS",
        "timezone_name": "Asia/Jerusalem",
        "account_status": 2,
        "id": IL,
    }
    answer = Fault(200, {"Content-Type": "application/json; charset=UTF-8"}, _json(disabled))
    with (
        use_cassette(cassettes / "contract/ad_insights.yaml", allow_unused=True) as tape,
        meta() as connector,
    ):
        tape.inject(0, answer)  # the account GET answers with account_status 2 (DISABLED)
        stream = connector.stream(
            stream="ad_insights", start=OCT_1, end=dt.date(2026, 10, 2), as_of=as_of
        )
        records = stream.to_dicts()

    assert len(records) == 4
    (notice,) = [n for n in stream.notices if n.code == "account_status"]
    assert "is DISABLED" in notice.message


def _json(value) -> str:
    import json

    return json.dumps(value)
