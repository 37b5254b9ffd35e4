"""Time-tracking exports (Toggl Track, Harvest, Clockify) and work logs (the partner's own
CSV, Asana, Jira) read into ``time_entry`` and ``work_item`` records (issue 22).

The fixtures follow each tool's CSV export headers; the people are made up ("Analyst A").
The mappings are the ones ``docs/analysis/hours.md`` and ``docs/analysis/work-log.md``
document.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from partnerkit.errors import DataError

OCTOBER = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 31)}

TOGGL: dict[str, Any] = {
    "path": "timetracking/toggl_detailed_*.csv",
    "stream": "time_entries",
    "columns": {
        "date": "Start date",
        "entry_id": "Start time",
        "person": "User",
        "client": "Client",
        "project": "Project",
        "task": "Task",
        "task_type": "Tags",
        "billable": "Billable",
        "hours": "Duration",
    },
    "constants": {"platform": "toggl", "account_id": "blue-orbit"},
}
HARVEST: dict[str, Any] = {
    "path": "timetracking/harvest_detailed_time_*.csv",
    "stream": "time_entries",
    "columns": {
        "date": "Date",
        "entry_id": "Notes",
        "person": "Roles",
        "client": "Client",
        "project": "Project",
        "task": "Task",
        "task_type": "Task",
        "billable": "Billable?",
        "hours": "Hours",
    },
    "constants": {"platform": "harvest", "account_id": "blue-orbit"},
}
CLOCKIFY: dict[str, Any] = {
    "path": "timetracking/clockify_time_report_detailed_*.csv",
    "stream": "time_entries",
    "date_format": "%m/%d/%Y",
    "columns": {
        "date": "Start Date",
        "entry_id": "Start Time",
        "person": "Group",
        "client": "Client",
        "project": "Project",
        "task": "Task",
        "task_type": "Tags",
        "billable": "Billable",
        "hours": "Duration (h)",
    },
    "constants": {"platform": "clockify", "account_id": "blue-orbit"},
}
WORK_LOG: dict[str, Any] = {
    "path": "worklog/work_log.csv",
    "stream": "work_items",
    "columns": {
        "item_id": "id",
        "title": "title",
        "item_type": "type",
        "owner": "owner",
        "status": "status",
        "created_date": "created",
        "due_date": "due",
        "done_date": "done",
        "in_scope": "in_scope",
        "deliverable_id": "deliverable",
    },
    "constants": {"platform": "files", "account_id": "work-log", "source": "log"},
}
ASANA: dict[str, Any] = {
    "path": "worklog/asana_export.csv",
    "stream": "work_items",
    "columns": {
        "item_id": "Task ID",
        "title": "Name",
        "item_type": "Tags",
        "status": "Section/Column",
        "created_date": "Created At",
        "due_date": "Due Date",
        "done_date": "Completed At",
    },
    "constants": {"platform": "asana", "account_id": "negev-solar", "source": "asana"},
}
JIRA: dict[str, Any] = {
    "path": "worklog/jira_export.csv",
    "stream": "work_items",
    "date_format": "%d/%b/%y %I:%M %p",  # 09/Oct/26 4:40 PM: the day, the time ignored
    "columns": {
        "item_id": "Issue key",
        "title": "Summary",
        "item_type": "Issue Type",
        "status": "Status",
        "created_date": "Created",
        "due_date": "Due Date",
        "done_date": "Resolved",
    },
    "constants": {"platform": "jira", "account_id": "NS", "source": "jira"},
}


def _hours(records: list[dict[str, Any]]) -> list[tuple[str, str, Decimal]]:
    return [(r["date"].isoformat(), r["task_type"], r["hours"]) for r in records]


def test_toggl_durations_are_exact_hours(read: Any) -> None:
    records, _ = read(TOGGL, **OCTOBER)
    # 02:30:00 = 2.5 h, 03:45:00 = 3.75 h, 01:20:00 = 80/60 h, 00:45:00 = 0.75 h
    assert _hours(records) == [
        ("2026-10-01", "campaign_management", Decimal("2.5")),
        ("2026-10-04", "reporting", Decimal("3.75")),
        ("2026-10-05", "strategy", Decimal("1.333333")),
        ("2026-10-06", "campaign_management", Decimal("0.75")),
    ]
    assert [r["person"] for r in records] == ["Analyst A", "Analyst A", "Strategist B", "Analyst A"]
    assert [r["billable"] for r in records] == [True, True, True, False]


def test_harvest_decimal_hours_and_roles(read: Any) -> None:
    records, _ = read(HARVEST, **OCTOBER)
    assert _hours(records) == [
        ("2026-10-01", "Campaign management", Decimal("2.5")),
        ("2026-10-02", "Content", Decimal("4.25")),
        ("2026-10-02", "Meetings", Decimal("1")),
    ]
    assert [r["person"] for r in records] == ["analyst", "writer", "analyst"]


def test_clockify_reads_the_exact_duration_not_the_rounded_decimal(read: Any) -> None:
    records, _ = read(CLOCKIFY, **OCTOBER)
    # Duration (h) 00:40:00 is 0.666667 h; the export's Duration (decimal) says 0.67
    assert _hours(records) == [
        ("2026-10-07", "optimisation", Decimal("1.5")),
        ("2026-10-08", "strategy", Decimal("0.666667")),
    ]


def test_time_entries_are_filtered_by_their_day(read: Any) -> None:
    records, _ = read(TOGGL, start=dt.date(2026, 10, 4), end=dt.date(2026, 10, 5))
    assert [r["date"] for r in records] == [dt.date(2026, 10, 4), dt.date(2026, 10, 5)]


def test_work_log_asana_and_jira(read: Any) -> None:
    own, _ = read(WORK_LOG, **OCTOBER)
    assert [(r["item_id"], r["done_date"], r["in_scope"]) for r in own] == [
        ("W-1", dt.date(2026, 10, 6), True),
        ("W-2", dt.date(2026, 10, 14), True),
        ("W-3", None, True),
        ("W-4", dt.date(2026, 10, 22), False),
    ]
    asana, _ = read(ASANA, **OCTOBER)
    assert [(r["item_id"], r["done_date"], r["due_date"]) for r in asana] == [
        ("1208800000000001", dt.date(2026, 10, 5), dt.date(2026, 10, 8)),
        ("1208800000000002", None, dt.date(2026, 10, 30)),
    ]
    jira, _ = read(JIRA, **OCTOBER)
    assert [(r["item_id"], r["item_type"], r["done_date"], r["due_date"]) for r in jira] == [
        ("NS-14", "Change Request", dt.date(2026, 10, 9), dt.date(2026, 10, 10)),
        ("NS-15", "Task", None, dt.date(2026, 10, 31)),
    ]
    # work items are not filtered by date: an item logged in August may still be open
    again, _ = read(WORK_LOG, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
    assert len(again) == 4


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-1.5", "is negative"),
        ("1:75:00", "neither a number of hours nor a duration"),
        ("two", "not a number"),
    ],
)
def test_a_malformed_hours_cell_fails_the_read_with_file_line_and_column(
    tmp_path: Any, make_connector: Any, text: str, reason: str
) -> None:
    folder = tmp_path / "timetracking"
    folder.mkdir()
    (folder / "toggl_detailed_bad.csv").write_text(
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
        "End date,End time,Duration,Tags,Amount ()\n"
        "Analyst A,a@example.com,C,P,T,D,Yes,2026-10-01,09:00:00,2026-10-01,10:00:00,"
        "01:00:00,reporting,\n"
        f"Analyst A,a@example.com,C,P,T,D,Yes,2026-10-02,09:00:00,2026-10-02,10:00:00,"
        f"{text},reporting,\n",
        encoding="utf-8",
    )
    connector = make_connector(
        {**TOGGL, "path": "timetracking/toggl_detailed_bad.csv"},
        base_dir=tmp_path,
        max_rejected_rows=0,
    )
    with pytest.raises(DataError) as caught:
        connector.stream(stream="time_entries").to_arrow()
    err = caught.value
    assert str(err.source).endswith("toggl_detailed_bad.csv")
    assert (err.row, err.column) == (3, "Duration")
    assert reason in str(err)
