"""The connector as the framework uses it: entry point, streams, RecordStream, files on disk."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import partnerkit_files
import pyarrow as pa
import pytest
from partnerkit_files import FilesConnector

from partnerkit.connector import Capability, Notice, ReadRequest
from partnerkit.errors import ConfigurationError
from partnerkit.records import MONEY_SCALE
from partnerkit.registry import available_connectors, get_connector

SIMPLE = {
    "stream": "performance",
    "columns": {"date": "day", "spend": "spend", "clicks": "clicks"},
    "constants": {"platform": "sheet", "account_id": "a1", "currency": "EUR"},
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


# ------------------------------------------------------------------ the framework


def test_public_names() -> None:
    assert partnerkit_files.__all__ == sorted(partnerkit_files.__all__)
    for name in partnerkit_files.__all__:
        assert getattr(partnerkit_files, name).__doc__


def test_loaded_through_the_real_entry_point() -> None:
    assert get_connector("files") is FilesConnector
    info = available_connectors()["files"]
    assert info.distribution == "partnerkit-files"
    assert info.target == "partnerkit_files:FilesConnector"


def test_streams() -> None:
    specs = {s.name: s for s in FilesConnector.streams}
    assert {name: s.kind.value for name, s in specs.items()} == {
        "performance": "performance",
        "leads": "lead",
        "deals": "deal",
        "campaigns": "campaign",
        "time_entries": "time_entry",
        "work_items": "work_item",
        "meeting_items": "meeting_item",
    }
    assert specs["performance"].cursor == "date"
    assert specs["time_entries"].cursor == "date"
    assert specs["campaigns"].cursor is None
    assert specs["work_items"].cursor is None
    assert all(s.default_lookback == dt.timedelta(0) for s in specs.values())
    assert Capability.MULTI_ACCOUNT in FilesConnector.capabilities


def test_record_stream_to_arrow_keeps_exact_money(
    linkedin: dict[str, Any], fixtures_dir: Path
) -> None:
    connector_class = get_connector("files")
    with connector_class({"base_dir": str(fixtures_dir), "files": [linkedin]}) as connector:
        stream = connector.stream(stream="performance", start="2026-10-01", end="2026-10-03")
        table = stream.to_arrow()

    assert table.num_rows == 6
    assert table.schema.field("spend").type == pa.decimal128(38, MONEY_SCALE)
    spend = table.column("spend").to_pylist()
    assert spend[0] == Decimal("1187.420000")
    assert sum(spend) == Decimal("1187.42") + Decimal("79.12") + Decimal("1364.05") + Decimal(
        "80.00"
    ) + Decimal("1402.88") + Decimal("76.45")
    assert table.column("date").type == pa.date32()
    assert table.column("impressions").to_pylist()[:2] == [14212, 21544]
    assert table.column("leads").to_pylist()[:2] == [6.0, None]
    assert table.column("extra.ctr_percent").to_pylist()[:2] == [0.69, 0.19]
    ids = table.column("record_id").to_pylist()
    assert len(set(ids)) == 6
    assert all(len(i) == 32 for i in ids)
    (summary,) = stream.notices
    assert summary.code == "file_summary"
    assert summary.details["rows_filtered"] == 2


def test_record_stream_of_leads_to_arrow(zapier: dict[str, Any], make_connector: Any) -> None:
    stream = make_connector(zapier).stream(stream="leads")
    table = stream.to_arrow()
    assert table.num_rows == 6
    assert table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert [n.code for n in stream.notices] == ["rejected_row", "rejected_row", "file_summary"]


def test_check(linkedin: dict[str, Any], make_connector: Any) -> None:
    result = make_connector(linkedin).check()
    assert result.ok, result.message
    assert result.accounts == ("508934021",)
    broken = make_connector({**linkedin, "path": "linkedin/nope.csv"}).check()
    assert not broken.ok
    assert isinstance(broken.error, ConfigurationError)
    assert "file not found" in broken.message


def test_unknown_stream_and_options(make_connector: Any, linkedin: dict[str, Any]) -> None:
    connector = make_connector(linkedin)
    with pytest.raises(ConfigurationError, match="has no stream 'ads'"):
        list(connector.read(ReadRequest(stream="ads")))
    with pytest.raises(ConfigurationError, match="takes no options"):
        list(connector.read(ReadRequest(stream="performance", options={"sheet": "x"})))


def test_a_stream_without_files(make_connector: Any, linkedin: dict[str, Any]) -> None:
    (notice,) = list(make_connector(linkedin).read(ReadRequest(stream="deals")))
    assert isinstance(notice, Notice)
    assert (notice.level, notice.code) == ("info", "no_files")


# ------------------------------------------------------------------------ files


def test_missing_file(make_connector: Any, tmp_path: Path) -> None:
    connector = make_connector({**SIMPLE, "path": "missing.csv"}, base_dir=tmp_path)
    with pytest.raises(
        ConfigurationError,
        match=r"file not found: '.*missing\.csv' \(stream 'performance', base_dir",
    ):
        list(connector.read(ReadRequest(stream="performance")))


def test_glob_matching_nothing(make_connector: Any, tmp_path: Path) -> None:
    connector = make_connector({**SIMPLE, "path": "exports/*.csv"}, base_dir=tmp_path)
    with pytest.raises(ConfigurationError, match=r"no file matches '.*exports/\*\.csv'"):
        list(connector.read(ReadRequest(stream="performance")))


def test_glob_reads_every_match_in_sorted_order(
    make_connector: Any, tmp_path: Path, linkedin: dict[str, Any], fixtures_dir: Path
) -> None:
    folder = tmp_path / "linkedin" / "2026"
    folder.mkdir(parents=True)
    original = fixtures_dir / "linkedin" / "campaign_performance_report.csv"
    for name in ("b_oct.csv", "a_oct.csv", "~$a_oct.csv", ".hidden.csv"):
        shutil.copy(original, folder / name)
    connector = make_connector({**linkedin, "path": "linkedin/**/*.csv"}, base_dir=tmp_path)

    items = list(connector.read(ReadRequest(stream="performance")))

    summaries = [i for i in items if isinstance(i, Notice)]
    assert [Path(n.details["file"]).name for n in summaries] == ["a_oct.csv", "b_oct.csv"]
    assert len(items) == 2 * 8 + 2


def test_csv_rows_that_do_not_fit_the_header(make_connector: Any, tmp_path: Path) -> None:
    write(
        tmp_path / "spend.csv",
        "day,spend,clicks\n"
        "2026-10-01,12.50,3\n"
        "2026-10-02,12,50,4\n"  # an unquoted decimal comma splits the cell
        "\n"
        "2026-10-03,7.25\n"  # a truncated row
        '2026-10-04,"1,000.00",9\n'
        "2026-10-05,,\n",
    )
    connector = make_connector({**SIMPLE, "path": "spend.csv"}, base_dir=tmp_path)
    items = list(connector.read(ReadRequest(stream="performance")))
    records = [i for i in items if isinstance(i, dict)]
    rejected = [i.details for i in items if isinstance(i, Notice) and i.code == "rejected_row"]

    assert [r["spend"] for r in records] == [Decimal("12.50"), Decimal("1000.00"), None]
    assert records[2]["clicks"] is None
    assert [(d["row"], d["column"], d["value"]) for d in rejected] == [
        (3, None, None),
        (5, None, None),
    ]
    assert "the row has 4 cells but the header has 3" in rejected[0]["reason"]
    assert "unquoted ','" in rejected[0]["reason"]
    assert rejected[1]["reason"] == "the row has 2 cells but the header has 3"
    assert items[-1].details["rows_read"] == 5  # the blank line 4 is not a row


def test_row_numbers_follow_the_lines_of_multiline_cells(
    make_connector: Any, tmp_path: Path
) -> None:
    write(
        tmp_path / "notes.csv",
        "Report: October\n"
        "day,spend,clicks,note\n"
        '2026-10-01,1.00,1,"first line\nsecond line"\n'
        "2026-10-02,oops,2,\n",
    )
    source = {**SIMPLE, "path": "notes.csv", "skip_rows": 1}
    items = list(make_connector(source, base_dir=tmp_path).read(ReadRequest(stream="performance")))
    (rejected,) = [i for i in items if isinstance(i, Notice) and i.code == "rejected_row"]
    assert rejected.details["row"] == 5  # the editor line: preamble, header, two-line row
    assert rejected.details["column"] == "spend"


def test_required_cell_empty(make_connector: Any, tmp_path: Path) -> None:
    write(tmp_path / "s.csv", "day,spend,clicks\n,1.00,1\n")
    items = list(
        make_connector({**SIMPLE, "path": "s.csv"}, base_dir=tmp_path).read(
            ReadRequest(stream="performance")
        )
    )
    notice = items[0]
    assert isinstance(notice, Notice)
    assert notice.details["reason"] == "the cell is empty but 'date' is required"


def test_tsv_and_naive_local_timestamps(make_connector: Any, tmp_path: Path, salt: str) -> None:
    write(
        tmp_path / "leads.tsv",
        "id\twhen\tmail\n"
        "L1\t24/10/2026 09:00\tA@example.com\n"
        "L2\t26/10/2026 09:00\tb@example.org\n",
    )
    source = {
        "path": "leads.tsv",
        "stream": "leads",
        "timezone": "Europe/Rome",
        "datetime_format": ["%d/%m/%Y %H:%M", "%d/%m/%Y"],
        "columns": {"lead_id": "id", "created_at": "when"},
        "constants": {"platform": "forms", "account_id": "site"},
        "email": "mail",
    }
    items = list(make_connector(source, base_dir=tmp_path).read(ReadRequest(stream="leads")))
    first, second = (i for i in items if isinstance(i, dict))
    rome = ZoneInfo("Europe/Rome")
    assert first["created_at"] == dt.datetime(2026, 10, 24, 9, 0, tzinfo=rome)
    assert first["created_at"].utcoffset() == dt.timedelta(hours=2)  # summer time
    assert second["created_at"].utcoffset() == dt.timedelta(hours=1)  # after 25 October


def test_reading_is_lazy_and_closes_files(make_connector: Any, tmp_path: Path) -> None:
    rows = "".join(f"2026-10-{1 + i % 28:02d},{i}.00,{i}\n" for i in range(5000))
    write(tmp_path / "big.csv", "day,spend,clicks\n" + rows)
    reader = make_connector({**SIMPLE, "path": "big.csv"}, base_dir=tmp_path).read(
        ReadRequest(stream="performance")
    )
    first = next(reader)
    assert isinstance(first, dict)
    assert first["spend"] == Decimal("0.00")
    reader.close()  # closing the generator closes the open file (no ResourceWarning)


def test_batches_stay_small(make_connector: Any, tmp_path: Path) -> None:
    rows = "".join(f"2026-10-{1 + i % 28:02d},{i}.00,{i}\n" for i in range(2500))
    write(tmp_path / "big.csv", "day,spend,clicks\n" + rows)
    stream = make_connector({**SIMPLE, "path": "big.csv"}, base_dir=tmp_path).stream(
        stream="performance"
    )
    sizes = [len(batch) for batch in stream.batches(1000)]
    assert sizes == [1000, 1000, 500]


def test_auto_extra_columns_keep_one_type(make_connector: Any, tmp_path: Path) -> None:
    write(
        tmp_path / "a.csv",
        "day,spend,clicks,frequency,zip,note\n"
        "2026-10-01,1.00,1,1,0042,call back\n"
        "2026-10-02,1.00,1,1.25,1234,5\n"
        "2026-10-03,1.00,1,n.d.,99,\n",
    )
    write(
        tmp_path / "b.csv",
        "day,spend,clicks,frequency,zip,note\n2026-10-04,1.00,1,2,7,7\n2026-10-05,1.00,1,high,8,\n",
    )
    source = {
        **SIMPLE,
        "path": "*.csv",
        "extra_columns": {"frequency": "frequency", "zip": "zip", "note": "note"},
    }
    items = list(make_connector(source, base_dir=tmp_path).read(ReadRequest(stream="performance")))
    records = [i for i in items if isinstance(i, dict)]
    rejected = [i for i in items if isinstance(i, Notice) and i.code == "rejected_row"]

    assert [r["extra"] for r in records] == [
        {"frequency": 1.0, "zip": "0042", "note": "call back"},
        {"frequency": 1.25, "zip": "1234", "note": "5"},
        {"frequency": 2.0, "zip": "7", "note": "7"},  # the types hold across the files
    ]
    assert [(Path(n.details["file"]).name, n.details["row"]) for n in rejected] == [
        ("a.csv", 4),
        ("b.csv", 3),
    ]
    assert rejected[0].details["column"] == "frequency"
    assert rejected[0].details["reason"] == (
        "'n.d.' is not a number (decimal separator '.', thousands separator ','); this extra "
        "column holds numbers (its first value decided): set its type to text to keep any value"
    )
