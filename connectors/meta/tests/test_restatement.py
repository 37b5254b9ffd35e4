"""A day restated inside the lookback is read again and replaces the old row.

restatement/first.yaml reads 2026-10-01..03; on 10-02 campaign 101 had 3 leads.
Meta then attributed two late leads to 10-02 (inside the 7-day click window), so
restatement/second.yaml, the next incremental read, says 5 for the same day.
"""

from __future__ import annotations

import datetime as dt

from partnerkit_meta import MetaConnector

from partnerkit.testing import use_cassette

OCT_1, OCT_3, OCT_5 = dt.date(2026, 10, 1), dt.date(2026, 10, 3), dt.date(2026, 10, 5)


def test_the_lookback_is_28_days_unless_configured(meta) -> None:
    assert MetaConnector.stream_spec("ad_insights").default_lookback == dt.timedelta(days=28)
    assert meta().lookback("ad_insights") == dt.timedelta(days=28)
    assert meta(lookback_days=3).lookback("ad_insights") == dt.timedelta(days=3)


def test_a_restated_day_keeps_its_id_and_takes_the_new_values(meta, cassettes) -> None:
    store: dict[str, dict] = {}
    spec = MetaConnector.stream_spec("ad_insights")

    with (
        use_cassette(cassettes / "restatement/first.yaml"),
        meta(lookback_days=3, page_size=500) as c,
    ):
        first = c.stream(stream="ad_insights", start=OCT_1, end=OCT_3).to_dicts()
    store.update({r["record_id"]: dict(r) for r in first})

    with meta(lookback_days=3, page_size=500) as c:
        # the framework plans the next read: cursor 10-03, lookback 3 days -> from 10-01
        planned = spec.incremental_request(OCT_3, end=OCT_5, lookback=c.lookback("ad_insights"))
        assert (planned.start, planned.end) == (OCT_1, OCT_5)
        with use_cassette(cassettes / "restatement/second.yaml"):
            second = c.stream(planned).to_dicts()
    store.update({r["record_id"]: dict(r) for r in second})

    def oct_2(records):
        (row,) = [r for r in records if r["date"] == dt.date(2026, 10, 2)]
        return row

    assert oct_2(first)["record_id"] == oct_2(second)["record_id"]
    assert (oct_2(first)["leads"], oct_2(second)["leads"]) == (3.0, 5.0)
    # merged by record_id: five days, one row each; 10-02 has the restated 5 leads and
    # 10-03 the restated 6 (it had 2); 10-01 is unchanged (7); 10-04 and 10-05 are new
    assert len(store) == 5
    merged = {str(r["date"]): r["leads"] for r in store.values()}
    assert merged == {
        "2026-10-01": 7.0,
        "2026-10-02": 5.0,
        "2026-10-03": 6.0,
        "2026-10-04": 4.0,
        "2026-10-05": 3.0,
    }
