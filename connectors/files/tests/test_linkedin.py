"""A LinkedIn Campaign Manager "Campaign Performance Report" export, read as exported.

The fixture keeps the export's shape: UTF-16 with a byte-order mark, tab-separated
despite the .csv name, four preamble lines and a blank line before the header, US
dates (M/D/YYYY), amounts over 1,000 quoted with a thousands comma, percentages
with a % sign, and empty cells where a metric does not apply (leads of a campaign
without a lead form). The expected values below are worked out by hand from it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from partnerkit.errors import ConfigurationError, UnknownFieldError

OCT = dt.date(2026, 10, 1)


def test_every_row_is_read_with_exact_values(
    read: Any, linkedin: dict[str, Any], fixtures_dir: Path
) -> None:
    records, notices = read(linkedin)

    assert len(records) == 8
    assert sum(r["spend"] for r in records) == Decimal("5266.83")
    assert all(type(r["spend"]) is Decimal for r in records)
    assert sum(r["impressions"] for r in records) == 143654
    assert sum(r["clicks"] for r in records) == 570
    assert sum(r["conversion_value"] for r in records) == Decimal("1000.00")
    assert [r["date"] for r in records[::2]] == [OCT + dt.timedelta(days=d) for d in range(4)]

    first = records[0]
    assert first == {
        "date": OCT,
        "platform": "linkedin",
        "account_id": "508934021",  # a YAML number in constants becomes the id text
        "level": "campaign",
        "channel": "paid_social",
        "timezone": "UTC",
        "account_name": "Northwind Analytics",
        "currency": "USD",
        "campaign_id": "231456789",
        "campaign_name": "Q4 - CFO Guide - Lead Gen Form",
        "spend": Decimal("1187.42"),  # written "1,187.42" (quoted) in the export
        "impressions": 14212,
        "clicks": 98,
        "link_clicks": 82,
        "conversions": 0.0,
        "conversion_value": Decimal("0.00"),
        "leads": 6.0,
        "reach": 11803,
        "extra": {
            "campaign_group": "Q4 Demand Gen",
            "engagements": 144,
            "ctr_percent": 0.69,
            "objective": "Lead Generation",
        },
    }
    by_campaign: dict[str, Decimal] = {}
    for r in records:
        by_campaign[r["campaign_id"]] = by_campaign.get(r["campaign_id"], Decimal(0)) + r["spend"]
    assert by_campaign == {"231456789": Decimal("4952.96"), "231456790": Decimal("313.87")}

    summaries = [n for n in notices if n.code == "file_summary"]
    assert [n.level for n in notices] == ["info"]
    assert summaries[0].details == {
        "file": str(fixtures_dir / "linkedin" / "campaign_performance_report.csv"),
        "rows_read": 8,
        "rows_kept": 8,
        "rows_rejected": 0,
        "rows_filtered": 0,
    }


def test_empty_cells_are_null_never_zero(read: Any, linkedin: dict[str, Any]) -> None:
    records, _ = read(linkedin)
    retargeting = [r for r in records if r["campaign_id"] == "231456790"]

    # The website-visits campaign has no lead form: LinkedIn leaves Leads empty.
    assert [r["leads"] for r in retargeting] == [None, None, None, None]
    # A real zero stays zero.
    assert retargeting[1]["conversions"] == 0.0
    assert sum(r["leads"] for r in records if r["leads"] is not None) == 28.0


def test_date_range_keeps_the_days_asked_and_counts_the_rest(
    read: Any, linkedin: dict[str, Any]
) -> None:
    records, notices = read(linkedin, start=dt.date(2026, 10, 2), end=dt.date(2026, 10, 3))

    assert sorted({r["date"] for r in records}) == [dt.date(2026, 10, 2), dt.date(2026, 10, 3)]
    assert sum(r["spend"] for r in records) == Decimal("2923.38")
    (summary,) = notices
    assert summary.details["rows_read"] == 8
    assert summary.details["rows_kept"] == 4
    assert summary.details["rows_filtered"] == 4
    assert summary.level == "info"


def test_open_ended_range(read: Any, linkedin: dict[str, Any]) -> None:
    records, _ = read(linkedin, start=dt.date(2026, 10, 4))
    assert sum(r["spend"] for r in records) == Decimal("998.61") + Decimal("78.30")


def test_account_filter_on_a_constant_account(read: Any, linkedin: dict[str, Any]) -> None:
    assert len(read(linkedin, accounts=("508934021",))[0]) == 8
    records, notices = read(linkedin, accounts=("999",))
    assert records == []
    assert notices[0].details["rows_filtered"] == 8


def test_explicit_utf16_encoding_reads_the_same(read: Any, linkedin: dict[str, Any]) -> None:
    assert read(linkedin)[0] == read({**linkedin, "encoding": "utf-16"})[0]


def test_skip_rows_on_the_blank_line_says_so(read: Any, linkedin: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match=r"empty line at line 5.*skip_rows"):
        read({**linkedin, "skip_rows": 4})


def test_no_skip_rows_points_at_the_preamble(read: Any, linkedin: dict[str, Any]) -> None:
    with pytest.raises(UnknownFieldError) as info:
        read({**linkedin, "skip_rows": 0})
    message = str(info.value)
    assert "'Campaign Performance Report (in UTC)'" in message  # the header it found
    assert "check skip_rows (the header was read from line 1) and the delimiter" in message


def test_missing_header_names_file_header_and_closest_match(
    read: Any, linkedin: dict[str, Any]
) -> None:
    linkedin["columns"]["spend"] = "Total Spend"

    with pytest.raises(UnknownFieldError) as info:
        read(linkedin)

    error = info.value
    assert isinstance(error, ConfigurationError)
    assert error.field == "Total Spend"
    assert error.suggestions == ["Total Spent"]
    message = str(error)
    assert "campaign_performance_report.csv" in message
    assert "mapped to 'spend'" in message
    assert "'Impressions'" in message
    assert "'Clicks to LinkedIn Page'" in message
    assert "Did you mean 'Total Spent'?" in message


def test_headers_match_ignoring_case_and_spacing(read: Any, linkedin: dict[str, Any]) -> None:
    linkedin["columns"]["spend"] = "total  spent"
    records, _ = read(linkedin)
    assert sum(r["spend"] for r in records) == Decimal("5266.83")
