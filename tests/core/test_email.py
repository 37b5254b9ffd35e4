"""partnerkit.email.rollup: the one home of the email rates, worked by hand."""

from partnerkit.email import COUNTS, RATES, Rate, delivered, rollup


def test_rates_are_recomputed_from_summed_counts_not_averaged() -> None:
    rows = [
        # a big newsletter: 10,000 sent, 200 bounced (150 hard, 50 soft)
        {
            "sent": 10_000,
            "delivered": 9_800,
            "bounces": 200,
            "hard_bounces": 150,
            "soft_bounces": 50,
            "opens": 6_100,
            "unique_opens": 4_410,
            "clicks": 520,
            "unique_clicks": 392,
            "unsubscribes": 49,
            "spam_reports": 2,
            "open_rate": 0.45,  # a row's own rate is ignored
        },
        # a small follow-up: 200 sent, none bounced
        {
            "sent": 200,
            "delivered": 200,
            "bounces": 0,
            "unique_opens": 90,
            "unique_clicks": 48,
            "unsubscribes": 11,
            "spam_reports": 0,
        },
    ]
    totals = rollup(rows)
    assert totals.sends == 2
    counts = totals.counts
    assert (counts["sent"], counts["delivered"], counts["unique_clicks"]) == (10_200, 10_000, 440)
    # hard/soft bounces and opens only on the first row: summed over the rows that have them
    assert totals.counts["hard_bounces"] == 150
    assert totals.counts["opens"] == 6_100
    # delivery 10,000 / 10,200 = 0.980392...; bounce 200 / 10,200 = 0.019608
    assert totals.rates["delivery_rate"] == Rate(0.980392, 10_000, 10_200)
    assert totals.rates["bounce_rate"] == Rate(0.019608, 200, 10_200)
    # open (4,410 + 90) / 10,000 = 0.45; click (392 + 48) / 10,000 = 0.044,
    # not the mean of the sends' click rates (0.04 + 0.24) / 2 = 0.14
    assert totals.rates["open_rate"] == Rate(0.45, 4_500, 10_000)
    assert totals.rates["click_rate"] == Rate(0.044, 440, 10_000)
    # click-to-open 440 / 4,500 = 0.097778
    assert totals.rates["click_to_open_rate"] == Rate(0.097778, 440, 4_500)
    # unsubscribe (49 + 11) / 10,000 = 0.006; spam 2 / 10,000 = 0.0002
    assert totals.rates["unsubscribe_rate"] == Rate(0.006, 60, 10_000)
    assert totals.rates["spam_rate"] == Rate(0.0002, 2, 10_000)
    assert set(totals.rates) == set(RATES)


def test_a_rate_is_taken_over_the_sends_that_have_both_counts() -> None:
    rows = [
        {"sent": 1_000, "delivered": 900, "unique_clicks": 90},
        {"sent": 500, "delivered": None, "unique_clicks": 40},  # no delivered: left out
        {"sent": 300, "delivered": 300, "unique_clicks": None},  # no clicks: left out
    ]
    totals = rollup(rows)
    # click rate only over the first send: 90 / 900 = 0.1
    assert totals.rates["click_rate"] == Rate(0.1, 90, 900)
    # delivery rate over the first and third: (900 + 300) / (1,000 + 300) = 0.923077
    assert totals.rates["delivery_rate"] == Rate(0.923077, 1_200, 1_300)
    assert totals.counts["unique_clicks"] == 130
    assert totals.counts["sent"] == 1_800


def test_nothing_delivered_is_not_computable_never_zero_percent() -> None:
    empty = rollup([])
    assert empty.sends == 0
    assert all(value is None for value in empty.counts.values())
    assert set(empty.counts) == set(COUNTS)
    assert empty.rates["click_rate"] == Rate(None, None, None, "missing_values")
    bounced = rollup([{"sent": 5, "delivered": 0, "bounces": 5, "unique_clicks": 0}])
    assert bounced.rates["click_rate"] == Rate(None, 0, 0, "zero_denominator")
    assert bounced.rates["bounce_rate"] == Rate(1.0, 5, 5)
    assert bounced.rates["open_rate"].reason == "missing_values"  # no unique opens reported


def test_delivered_from_sent_and_bounces() -> None:
    assert delivered(1_000, 37) == 963
    assert delivered(10, 12) == 0  # never negative
    assert delivered(None, 3) is None
    assert delivered(10, None) is None
