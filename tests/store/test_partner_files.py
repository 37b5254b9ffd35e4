"""Time-tracking, work-log and meeting files through a sync: a malformed file is said to
be wrong with its file, line and column, and nothing of it is written (issue 22, item 4).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from partnerkit.errors import DataError
from partnerkit.model import load_workspace
from partnerkit.records import RecordKind
from partnerkit.store import Warehouse, sync

WORKSPACE = """\
version: 1
name: Partner files
currency: ILS
timezone: Asia/Jerusalem
connections:
  - name: partner
    connector: files
    settings:
      base_dir: data
      files:
        - path: time.csv
          stream: time_entries
          columns: {date: Date, entry_id: Notes, person: Roles, task_type: Task, hours: Hours,
                    billable: Billable?}
          constants: {platform: harvest, account_id: agency}
        - path: work_log.csv
          stream: work_items
          columns: {item_id: id, title: title, item_type: type, done_date: done,
                    in_scope: in_scope}
          constants: {platform: files, account_id: log}
        - path: meetings.csv
          stream: meeting_items
          columns: {meeting_id: meeting, meeting_date: date, item_id: item, item_type: type,
                    due_date: due, done: done}
          constants: {platform: files, account_id: meetings}
"""
GOOD = {
    "time.csv": "Date,Notes,Roles,Task,Hours,Billable?\n"
    "2026-10-01,Bids,analyst,Campaign management,2.5,Yes\n"
    "2026-10-02,Report,account_manager,Reporting,1:45,Yes\n",
    "work_log.csv": "id,title,type,done,in_scope\n"
    "W-1,September report,deliverable,2026-10-06,yes\n"
    "W-2,Expo landing page,change_request,,no\n",
    "meetings.csv": "meeting,date,item,type,due,done\n"
    "M-1,2026-10-05,A-1,action,2026-10-07,yes\n"
    "M-1,2026-10-05,A-2,action,2026-10-16,no\n",
}
#: One malformed row per file: its line, the column, what is wrong.
BAD = {
    "time.csv": (
        "2026-10-03,More,analyst,Content,-2,Yes\n",
        "time_entries",
        RecordKind.TIME_ENTRY,
        "Hours",
        "negative",
    ),
    "work_log.csv": (
        "W-3,Blog post,content,2026-13-01,yes\n",
        "work_items",
        RecordKind.WORK_ITEM,
        "done",
        "not an ISO date",
    ),
    "meetings.csv": (
        "M-2,2026-10-12,A-3,action,2026-10-20,maybe\n",
        "meeting_items",
        RecordKind.MEETING_ITEM,
        "done",
        "maybe",
    ),
}
AS_OF = dt.date(2026, 11, 1)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "partnerkit.yaml").write_text(WORKSPACE, encoding="utf-8")
    (tmp_path / "data").mkdir()
    for name, text in GOOD.items():
        (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    return tmp_path


def _counts(wh: Warehouse) -> dict[RecordKind, int]:
    with wh.dataset() as data:
        return {k: data.row_count(k) for k in BAD_KINDS}


BAD_KINDS = (RecordKind.TIME_ENTRY, RecordKind.WORK_ITEM, RecordKind.MEETING_ITEM)


def test_good_files_sync_into_the_warehouse(folder: Path) -> None:
    ws = load_workspace(folder / "partnerkit.yaml")
    with Warehouse(folder / "warehouse.duckdb") as wh:
        result = sync(ws, wh, as_of=AS_OF)
        assert all(r.ok for r in result.results)
        assert _counts(wh) == dict.fromkeys(BAD_KINDS, 2)
        with wh.dataset() as data:
            hours = data.sql("SELECT sum(hours) AS h FROM time_entry")["h"][0].as_py()
        assert hours == Decimal("4.25")  # 2.5 + 1:45


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_malformed_file_names_file_line_and_column_and_writes_nothing(
    folder: Path, name: str
) -> None:
    ws = load_workspace(folder / "partnerkit.yaml")
    line, stream, _kind, column, reason = BAD[name]
    with Warehouse(folder / "warehouse.duckdb") as wh:
        sync(ws, wh, as_of=AS_OF)
        before = _counts(wh)
        path = folder / "data" / name
        # a new good row and a malformed one: neither may reach the warehouse
        good_again = GOOD[name].splitlines()[1].replace("-1,", "-9,", 1)
        path.write_text(GOOD[name] + good_again + "\n" + line, encoding="utf-8")
        result = sync(ws, wh, as_of=AS_OF, full_refresh=True)
        failed = [r for r in result.results if not r.ok]
        assert [r.unit.stream for r in failed] == [stream]
        error = failed[0].error
        assert isinstance(error, DataError)
        assert str(error.source).endswith(f"data/{name}")
        assert (error.row, error.column) == (5, column)  # header, two rows, one more, it
        assert reason in str(error)
        assert _counts(wh) == before
