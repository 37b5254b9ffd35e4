"""The email_campaigns stream: Mailchimp's reports as email_campaign records, by hand.

The contract cassette's three October campaigns (New York time):

===================  ====  ====  ====  ======  =======  ======  =======  =====  ====
campaign             sent  hard  soft  opens   u.opens  clicks  u.click  unsub  spam
===================  ====  ====  ====  ======  =======  ======  =======  =====  ====
October newsletter   5000    30    70    4100     2450     510      392     25     2
Webinar invitation   1200     8    12     700      472      61       47     36     0
Halloween offer       800     2     6     350      300      40       30      4     1
===================  ====  ====  ====  ======  =======  ======  =======  =====  ====

("u.click" is Mailchimp's ``unique_subscriber_clicks``: recipients who clicked.)
"""

import datetime as dt
from typing import Any

from partnerkit.email import Rate, rollup

#: The October newsletter's record, from the table above and the cassette's report.
OCTOBER = {
    "platform": "mailchimp",
    "account_id": "8d3a3db4d97663a9074efcc16",
    "name": "October newsletter",
    "subject": "What is new in October",
    "audience_id": "f00dcafe01",
    "audience_name": "Customers",
    "sent_at": dt.datetime(2026, 10, 6, 14, tzinfo=dt.UTC),
    "sent": 5000, "bounces": 100, "delivered": 4900,
    "hard_bounces": 30, "soft_bounces": 70,
    "opens": 4100, "unique_opens": 2450,
    "clicks": 510, "unique_clicks": 392,
    "unsubscribes": 25, "spam_reports": 2,
    "extra": {
        "syntax_errors": 0,
        "unique_link_clicks": 420,
        "proxy_excluded_opens": 2300,
        "proxy_excluded_unique_opens": 1200,
    },
}  # fmt: skip


def test_each_report_is_one_send_with_its_counts(read: Any) -> None:
    records, notices, _tape = read()
    assert notices == []
    by_id = {r["email_id"]: r for r in records}
    assert sorted(by_id) == ["a1b2c3d4e5", "b2c3d4e5f6", "c3d4e5f6a7"]
    october = by_id["a1b2c3d4e5"]
    # bounces 30 + 70 = 100; delivered 5,000 - 100 = 4,900
    assert {name: october[name] for name in OCTOBER} == OCTOBER
    assert not [name for name in october if name.endswith("_rate")]
    webinar = by_id["b2c3d4e5f6"]
    assert "proxy_excluded_opens" not in webinar["extra"]  # not reported: left out
    assert webinar["delivered"] == 1200 - 8 - 12


def test_a_send_is_put_on_its_day_in_the_accounts_time_zone(read: Any) -> None:
    records, _notices, _tape = read()
    halloween = next(r for r in records if r["email_id"] == "c3d4e5f6a7")
    # sent 2026-11-01 01:00 UTC = 2026-10-31 21:00 in New York (EDT, UTC-4)
    assert halloween["sent_at"] == dt.datetime(2026, 11, 1, 1, tzinfo=dt.UTC)
    assert halloween["date"] == dt.date(2026, 10, 31)
    assert halloween["timezone"] == "America/New_York"
    # the settings' zone wins over the account's: in UTC it is a November send
    in_utc, _notices, _tape = read(cassette="utc", timezone="UTC")
    assert "c3d4e5f6a7" not in {r["email_id"] for r in in_utc}


def test_the_month_rolls_up_through_partnerkit_email(read: Any) -> None:
    records, _notices, _tape = read()
    totals = rollup(records)
    # delivered 4,900 + 1,180 + 792 = 6,872; unique clicks 392 + 47 + 30 = 469
    counts = totals.counts
    assert (counts["sent"], counts["delivered"], counts["unique_clicks"]) == (7000, 6872, 469)
    assert totals.rates["click_rate"] == Rate(round(469 / 6872, 6), 469, 6872)  # 0.068248
    # unsubscribes 25 + 36 + 4 = 65 → 65 / 6,872 = 0.009459
    assert totals.rates["unsubscribe_rate"] == Rate(0.009459, 65, 6872)


def test_pages_follow_offset_until_total_items(read: Any) -> None:
    records, _notices, tape = read(cassette="paging", page_size=2)
    assert [r["email_id"] for r in records] == ["a1b2c3d4e5", "b2c3d4e5f6", "c3d4e5f6a7"]
    offsets = [r.query.get("offset") for r in tape.requests if r.url.endswith("/reports")]
    assert offsets == ["0", "2"]
