"""The traffic stream: mapping, paging, date splits, time zones, data quality, renames.

Expected values are read off the cassettes by hand; each test says which rows it uses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from partnerkit.errors import UnknownFieldError
from partnerkit.records import Additivity
from partnerkit.stream import RecordStream

D = dt.date
OCT_1_3 = {"start": D(2026, 10, 1), "end": D(2026, 10, 3)}


def rows_of(records: list[dict[str, Any]], *columns: str) -> list[tuple[Any, ...]]:
    return [tuple(r.get(c) for c in columns) for r in records]


def codes(notices: list[Any]) -> list[str]:
    return [n.code for n in notices]


# ----------------------------------------------------------------- the mapping


def test_maps_every_column_of_the_traffic_report(read) -> None:
    # contract/traffic.yaml: 7 rows of 2026-10-01..03. Metric order in each row:
    # sessions, engagedSessions, totalUsers, newUsers, keyEvents, totalRevenue,
    # keyEvents:generate_lead, keyEvents:form_submit; leads = the last two summed.
    records, _, _ = read("contract/traffic.yaml", **OCT_1_3)
    got = rows_of(
        records,
        "date", "source", "medium", "utm_campaign", "channel",
        "sessions", "engaged_sessions", "users", "new_users", "key_events", "revenue", "leads",
    )  # fmt: skip
    assert got == [
        (D(2026, 10, 1), "(direct)", "(none)", "(direct)", "direct",
         120, 71, 98, 40, 4.0, Decimal("149.9"), 3.0),
        (D(2026, 10, 1), "google", "cpc", "autunno_brand", "paid_search",
         85, 60, 77, 51, 6.0, Decimal("0"), 5.0),
        (D(2026, 10, 1), "google", "organic", "(organic)", "organic_search",
         210, 150, 180, 95, 5.0, Decimal("89.5"), 3.0),
        (D(2026, 10, 1), "newsletter", "email", "ottobre_promo", "email",
         34, 30, 31, 4, 2.0, Decimal("0"), 2.0),
        (D(2026, 10, 2), "facebook.com", "referral", "(referral)", "organic_social",
         18, 9, 17, 12, 0.0, Decimal("0"), 0.0),
        (D(2026, 10, 2), "google", "cpc", "autunno_brand", "paid_search",
         92, 64, 83, 55, 7.0, Decimal("210.25"), 6.0),
        (D(2026, 10, 3), "google", "cpc", "autunno_brand", "paid_search",
         88, 61, 80, 50, 5.0, Decimal("0"), 5.0),
    ]  # fmt: skip
    first = records[0]
    assert (first["platform"], first["account_id"], first["level"]) == (
        "ga4",
        "123456789",
        "traffic",
    )
    # the response metadata says EUR and Europe/Rome
    assert {(r["currency"], r["timezone"]) for r in records} == {("EUR", "Europe/Rome")}
    # the per-event counts behind leads: generate_lead 1, form_submit 2 on the first row
    assert first["extra"] == {"leads:generate_lead": 1.0, "leads:form_submit": 2.0}


def test_sums_only_what_may_be_summed(read) -> None:
    records, notices, _ = read("contract/traffic.yaml", **OCT_1_3)
    table = RecordStream.from_records("performance", [*notices, *records]).to_arrow()
    # sessions 120+85+210+34+18+92+88; revenue 149.9+89.5+210.25; leads 3+5+3+2+0+6+5
    assert sum(table.column("sessions").to_pylist()) == 647
    assert sum(table.column("revenue").to_pylist()) == Decimal("449.650000")
    assert sum(table.column("leads").to_pylist()) == 24
    meta = {f.name: f.metadata for f in table.schema}
    assert meta["users"][b"additivity"] == b"non_additive"
    assert meta["new_users"][b"additivity"] == b"non_additive"
    assert meta["sessions"][b"additivity"] == b"additive"
    assert meta["extra.leads:generate_lead"][b"additivity"] == Additivity.ADDITIVE.value.encode()


def test_quota_left_is_reported(read) -> None:
    _, notices, _ = read("contract/traffic.yaml", **OCT_1_3)
    (quota,) = [n for n in notices if n.code == "ga4_quota"]
    # the page's propertyQuota: 12 tokens consumed; 199875 left today, 39975 this hour
    assert quota.details["consumed"] == 12
    assert quota.details["tokensPerDay"] == 199875
    assert quota.details["tokensPerHour"] == 39975


# ---------------------------------------------------------------- paging, dates


def test_pages_past_the_first_page(read) -> None:
    # traffic/paging.yaml: rowCount 7 in pages of 3 (offsets 0, 3, 6)
    records, _, tape = read(
        "traffic/paging.yaml", start=D(2026, 10, 1), end=D(2026, 10, 2), page_size=3
    )
    reports = [r.body for r in tape.requests if r.url.endswith(":runReport")]
    assert [b.get("offset") for b in reports] == [None, "3", "6"]  # proto3 JSON omits 0
    assert {b["limit"] for b in reports} == {"3"}
    assert rows_of(records, "date", "source", "sessions") == [
        (D(2026, 10, 1), "(direct)", 120),
        (D(2026, 10, 1), "bing", 14),
        (D(2026, 10, 1), "google", 85),
        (D(2026, 10, 1), "google", 210),
        (D(2026, 10, 2), "(direct)", 101),
        (D(2026, 10, 2), "google", 92),
        (D(2026, 10, 2), "linkedin.com", 11),
    ]


def test_splits_a_long_range_by_date_without_losing_or_repeating_a_day(read) -> None:
    # chunk_days=2 over 10-01..10-05: 10-01..02, 10-03..04, 10-05..05; two rows a day,
    # (direct) with 100, 110, 120, 130, 140 sessions and google/cpc with 40 .. 44
    records, _, tape = read(
        "traffic/date_split.yaml", start=D(2026, 10, 1), end=D(2026, 10, 5), chunk_days=2
    )
    ranges = [
        (b["dateRanges"][0]["startDate"], b["dateRanges"][0]["endDate"])
        for b in (r.body for r in tape.requests if r.url.endswith(":runReport"))
    ]
    assert ranges == [
        ("2026-10-01", "2026-10-02"),
        ("2026-10-03", "2026-10-04"),
        ("2026-10-05", "2026-10-05"),
    ]
    per_day: dict[dt.date, int] = {}
    for record in records:
        per_day[record["date"]] = per_day.get(record["date"], 0) + record["sessions"]
    assert per_day == {
        D(2026, 10, 1): 140,
        D(2026, 10, 2): 151,
        D(2026, 10, 3): 162,
        D(2026, 10, 4): 173,
        D(2026, 10, 5): 184,
    }
    assert len(records) == 10 == len({r["record_id"] for r in records})


def test_dates_follow_each_propertys_time_zone(read) -> None:
    # At 2026-10-15 05:00 UTC it is 10-14 22:00 in Los Angeles (yesterday: 10-13) and
    # 10-15 18:00 in Auckland (yesterday: 10-14); UTC's yesterday would be 10-14 for both.
    records, notices, tape = read(
        "traffic/timezones.yaml",
        start=D(2026, 10, 12),
        as_of=dt.datetime(2026, 10, 15, 5, 0, tzinfo=dt.UTC),
        accounts=["555000111", "555000222"],
    )
    ranges = [
        (r.url.rsplit("/", 1)[1], r.body["dateRanges"][0]["endDate"])
        for r in tape.requests
        if r.url.endswith(":runReport")
    ]
    # each property: a one-row probe for its time zone, then the report
    assert ranges == [
        ("555000111:runReport", "today"),
        ("555000111:runReport", "2026-10-13"),
        ("555000222:runReport", "today"),
        ("555000222:runReport", "2026-10-14"),
    ]
    assert rows_of(records, "account_id", "date", "timezone", "currency", "revenue") == [
        ("555000111", D(2026, 10, 12), "America/Los_Angeles", "USD", Decimal("120")),
        ("555000111", D(2026, 10, 13), "America/Los_Angeles", "USD", Decimal("0")),
        ("555000222", D(2026, 10, 12), "Pacific/Auckland", "NZD", Decimal("0")),
        ("555000222", D(2026, 10, 13), "Pacific/Auckland", "NZD", Decimal("0")),
        ("555000222", D(2026, 10, 14), "Pacific/Auckland", "NZD", Decimal("59")),
    ]
    assert "today_excluded" not in codes(notices)


def test_today_only_when_asked(read) -> None:
    # same moment: today in Auckland is 2026-10-15, so include_today ends there
    records, _, _ = read(
        "traffic/include_today.yaml",
        start=D(2026, 10, 14),
        include_today=True,
        as_of=dt.datetime(2026, 10, 15, 5, 0, tzinfo=dt.UTC),
        accounts=["555000222"],
    )
    assert [r["date"] for r in records] == [D(2026, 10, 14), D(2026, 10, 15)]


def test_an_end_after_yesterday_is_clipped_with_a_notice(read) -> None:
    # asked up to 10-20; Auckland's yesterday is 10-14 (the Auckland half of the cassette)
    records, notices, _ = read(
        "traffic/timezones.yaml",
        start=D(2026, 10, 12),
        end=D(2026, 10, 20),
        as_of=dt.datetime(2026, 10, 15, 5, 0, tzinfo=dt.UTC),
        accounts=["555000222"],
        allow_unused=True,
    )
    assert max(r["date"] for r in records) == D(2026, 10, 14)
    (clipped,) = [n for n in notices if n.code == "today_excluded"]
    assert clipped.details == {
        "account": "555000222",
        "time_zone": "Pacific/Auckland",
        "today": "2026-10-15",  # 18:00 in Auckland (UTC+13)
        "asked_end": "2026-10-20",
        "end": "2026-10-14",
        "excluded_days": 6,  # 10-15 .. 10-20
    }
    assert "Pacific/Auckland" in clipped.message


# ------------------------------------------------------------------ data quality


def test_thresholding_sampling_and_the_other_row_are_surfaced(read) -> None:
    # traffic/data_quality.yaml: subjectToThresholding, dataLossFromOtherRow, sampling
    # 4512003 of 11904211 events (37.9%), and one "(other)" row with 37 sessions
    records, notices, _ = read(
        "traffic/data_quality.yaml", start=D(2026, 10, 5), end=D(2026, 10, 6)
    )
    by_code = {n.code: n for n in notices}
    assert {"ga4_thresholded", "ga4_sampled", "ga4_other_row"} <= set(by_code)
    assert all(
        by_code[c].level == "warning" for c in ("ga4_thresholded", "ga4_sampled", "ga4_other_row")
    )
    assert "37.9%" in by_code["ga4_sampled"].message
    assert by_code["ga4_other_row"].details["other_rows"] == 1
    assert by_code["ga4_other_row"].details["other_sessions"] == 37
    assert by_code["ga4_other_row"].details["data_loss_from_other_row"] is True
    assert by_code["ga4_thresholded"].details["start"] == "2026-10-05"
    # nothing is dropped: the (other) row is a record, its channel "other"; TikTok's
    # Organic Video maps to video
    assert rows_of(records, "source", "channel", "sessions") == [
        ("(other)", "other", 37),
        ("google", "paid_search", 85),
        ("google", "paid_search", 90),
        ("tiktok.com", "video", 5),
    ]


def test_channel_map_overrides_the_defaults(read) -> None:
    records, _, _ = read(
        "traffic/data_quality.yaml",
        start=D(2026, 10, 5),
        end=D(2026, 10, 6),
        channel_map={"Organic Video": "organic_social"},
    )
    assert records[-1]["channel"] == "organic_social"


def test_a_slice_split_by_channel_group_becomes_one_record(read) -> None:
    # traffic/channel_split.yaml, pages of 2. Page 1 (rowCount 3): google/cpc/autunno_brand
    # as Display (12 sessions) and as Paid Search (80). Page 2 (rowCount 4): the Paid
    # Search row again (GA4 still processing), then newsletter/email (21).
    records, notices, _ = read(
        "traffic/channel_split.yaml", start=D(2026, 10, 7), end=D(2026, 10, 7), page_size=2
    )
    merged, email = records
    assert (merged["source"], merged["sessions"], merged["engaged_sessions"]) == ("google", 92, 61)
    assert (merged["key_events"], merged["revenue"], merged["leads"]) == (5.0, Decimal("35.5"), 3.0)
    assert (merged["users"], merged["new_users"]) == (None, None)  # distinct counts: not summed
    assert merged["channel"] == "paid_search"  # 80 sessions beat Display's 12
    assert merged["extra"] == {"leads:generate_lead": 2.0, "leads:form_submit": 1.0}
    assert (email["source"], email["sessions"], email["users"]) == ("newsletter", 21, 20)
    by_code = {n.code: n for n in notices}
    assert "Display + Paid Search" in by_code["ga4_channel_split"].message
    assert by_code["ga4_duplicate_row"].details["duplicates"] == 1
    assert by_code["ga4_row_count_changed"].details["row_counts"] == [3, 4]


# ------------------------------------------------------------- key events, leads


def test_a_property_on_the_old_conversions_name(read) -> None:
    # traffic/legacy_property.yaml: the metadata has conversions and
    # conversions:generate_lead (no keyEvents), and revenue blocked (NO_REVENUE_METRICS)
    records, notices, tape = read(
        "traffic/legacy_property.yaml",
        start=D(2026, 10, 1),
        end=D(2026, 10, 1),
        accounts=["444000333"],
        lead_events=["generate_lead"],
    )
    (report,) = [r.body for r in tape.requests if r.url.endswith(":runReport")]
    assert [m["name"] for m in report["metrics"]][4:] == [
        "conversions",
        "totalRevenue",
        "conversions:generate_lead",
    ]
    assert rows_of(records, "source", "medium", "key_events", "leads", "revenue", "currency") == [
        ("google", "cpc", 2.0, 1.0, None, "GBP"),
        ("google", "organic", 1.0, 1.0, None, "GBP"),
    ]
    assert {"ga4_conversions_metric", "ga4_blocked_metric"} <= set(codes(notices))


def test_a_configured_lead_event_that_is_not_a_key_event_stops_the_read(read) -> None:
    with pytest.raises(UnknownFieldError) as info:
        read("contract/traffic.yaml", **OCT_1_3, lead_events=["generate_leads"], allow_unused=True)
    assert info.value.field == "keyEvents:generate_leads"
    assert info.value.suggestions[0] == "keyEvents:generate_lead"
    assert "Admin > Events" in str(info.value)
