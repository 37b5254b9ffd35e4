"""partnerkit.analysis.email.email_month: the month's email figures, worked by hand.

=====  =========  ==========  =====  =========  =======  ========  =====  =====  ====
send   platform   date        sent   delivered  bounces  u.opens   u.clk  unsub  spam
=====  =========  ==========  =====  =========  =======  ========  =====  =====  ====
A      mailchimp  2026-10-06  5000   4900       100      2450      392    25     2
B      hubspot    2026-10-21  500    490        10       250       45     20     0
C      mailchimp  2026-09-28  1900   1870       30       800       90     9      0
D      mailchimp  2026-11-02  800    792        8        300       30     4      1
=====  =========  ==========  =====  =========  =======  ========  =====  =====  ====
"""

import datetime as dt
from typing import Any

import pytest

from partnerkit.analysis import Dataset
from partnerkit.analysis.email import LEADING, EmailChange, email_month
from partnerkit.email import Rate
from partnerkit.stream import RecordStream


def send(
    email_id: str, platform: str, day: dt.date, counts: tuple[int, ...], name: str = "x"
) -> dict[str, Any]:
    sent, delivered, bounces, opens, clicks, unsub, spam = counts
    return {
        "date": day,
        "platform": platform,
        "account_id": "acct",
        "email_id": email_id,
        "name": name,
        "subject": f"subject {email_id}",
        "sent": sent,
        "delivered": delivered,
        "bounces": bounces,
        "unique_opens": opens,
        "unique_clicks": clicks,
        "unsubscribes": unsub,
        "spam_reports": spam,
    }


SENDS = [
    send("A", "mailchimp", dt.date(2026, 10, 6), (5000, 4900, 100, 2450, 392, 25, 2), "News"),
    send("B", "hubspot", dt.date(2026, 10, 21), (500, 490, 10, 250, 45, 20, 0), "Webinar"),
    send("C", "mailchimp", dt.date(2026, 9, 28), (1900, 1870, 30, 800, 90, 9, 0)),
    send("D", "mailchimp", dt.date(2026, 11, 2), (800, 792, 8, 300, 30, 4, 1)),
]


@pytest.fixture(scope="module")
def data() -> Any:
    dataset = Dataset.from_streams([RecordStream.from_records("email_campaign", SENDS, name="e")])
    yield dataset
    dataset.close()


def test_the_months_sends_and_totals(data: Any) -> None:
    october = email_month(data, "2026-10")
    assert october.month == "2026-10"
    assert october.reason is None
    assert [(s.email_id, s.platform, s.name) for s in october.sends] == [
        ("A", "mailchimp", "News"),
        ("B", "hubspot", "Webinar"),
    ]
    # the webinar's own unsubscribe rate: 20 / 490 = 0.040816
    webinar = october.sends[1].totals
    assert webinar.rates["unsubscribe_rate"] == Rate(0.040816, 20, 490)
    counts = october.total.counts
    # sent 5,000 + 500; delivered 4,900 + 490; unique clicks 392 + 45
    assert (counts["sent"], counts["delivered"], counts["unique_clicks"]) == (5500, 5390, 437)
    # click rate 437 / 5,390 = 0.081076, from the summed counts
    assert october.total.rates["click_rate"] == Rate(0.081076, 437, 5390)
    assert october.previous.counts["sent"] == 1900  # September: C only


def test_month_over_month(data: Any) -> None:
    october = email_month(data, dt.date(2026, 10, 15))
    assert [c.code for c in october.changes] == list(LEADING)
    # sent 5,500 against 1,900: 5,500 / 1,900 - 1 = 1.894737
    assert october.change("sent") == EmailChange("sent", 5500, 1900, 1.894737)
    # click rate 0.081076 against 90 / 1,870 = 0.048128: 0.032948 more (3.3 points)
    assert october.change("click_rate") == EmailChange("click_rate", 0.081076, 0.048128, 0.032948)
    # unsubscribe rate 45 / 5,390 = 0.008349 against 9 / 1,870 = 0.004813
    assert october.change("unsubscribe_rate") == EmailChange(
        "unsubscribe_rate", 0.008349, 0.004813, 0.003536
    )
    # unsubscribes 45 against 9: five times as many, change 4.0
    assert october.change("unsubscribes") == EmailChange("unsubscribes", 45, 9, 4.0)
    # open rate (2,450 + 250) / 5,390 = 0.500928 against 800 / 1,870 = 0.427807
    assert october.change("open_rate").change == pytest.approx(0.073121)


def test_not_computable_is_said_never_zero(data: Any) -> None:
    december = email_month(data, "2026-12")
    assert december.reason == "no_rows_for_month"
    assert december.sends == ()
    # November had D: 30 / 792 = 0.037879, December nothing to divide
    assert december.change("click_rate") == EmailChange(
        "click_rate", None, 0.037879, None, "missing_values"
    )
    # hubspot alone: October has B, September nothing
    hubspot = email_month(data, "2026-10", platforms=["hubspot"])
    assert [s.email_id for s in hubspot.sends] == ["B"]
    assert hubspot.change("sent") == EmailChange("sent", 500, None, None, "no_previous")
    # spam reports are not in LEADING; the spam rate went from 0 / 1,870 to 2 / 5,390
    assert email_month(data, "2026-10").change("spam_rate") == EmailChange(
        "spam_rate", 0.000371, 0.0, 0.000371
    )


def test_the_table_view_holds_codes_and_values(data: Any) -> None:
    table = email_month(data, "2026-10").to_arrow()
    assert table.num_rows == 2 * len(LEADING) + len(LEADING)
    totals = [r for r in table.to_pylist() if r["email_id"] is None]
    sent = next(r for r in totals if r["code"] == "sent")
    assert (sent["value"], sent["previous"]) == (5500.0, 1900.0)
