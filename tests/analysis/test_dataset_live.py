"""A dataset of an open warehouse reads what is committed when each query runs.

The regression: ``Warehouse.dataset()`` fixed the list of record tables when it was
opened, so a kind a sync wrote for the first time afterwards (``lead``, say) stayed an
empty table for that dataset: a notebook that opened ``wh.dataset()``, ran a sync,
then asked for leads got 0. The attribution kept per dataset kept the same stale
answer (no leads, so no lead sources), and rows with a source combination first seen
after it was computed went unattributed.

Every test writes through both paths a sync takes: a first read written into a table
of its own, renamed into place at its commit (``direct``), and a read staged and
merged (``staged``).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import lead, perf, source, workspace

from partnerkit.analysis import Dataset, attribute, attribute_leads, compute_kpi
from partnerkit.records import RecordKind
from partnerkit.store import Scope, Warehouse
from partnerkit.store import warehouse as warehouse_module
from partnerkit.store.read import LOCK_WAIT_ENV
from partnerkit.stream import RecordStream

LEAD = RecordKind.LEAD
PERF = RecordKind.PERFORMANCE
OCT = "2026-10"
AS_OF = dt.date(2026, 10, 31)

WS = workspace(
    sources=[
        source(
            "meta-ads",
            channel="paid_social",
            matching={"original_source": "PAID_SOCIAL", "account_ids": "act_1"},
        ),
        source(
            "referrals",
            channel="referral",
            wiring="form",
            owner="in_house",
            matching={"original_source": "REFERRALS"},
        ),
    ]
)


@pytest.fixture(params=[True, False], ids=["direct", "staged"])
def direct(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether a first read is written into a table of its own (else staged and merged)."""
    monkeypatch.setattr(warehouse_module, "_WRITE_DIRECT", request.param)
    return bool(request.param)


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Warehouse]:
    with Warehouse(tmp_path / "w.duckdb") as opened:
        yield opened


def write(wh: Warehouse, kind: RecordKind, rows: list[dict[str, Any]]) -> bool:
    """Commit rows as a sync does (a stage that knows its scope); whether it went direct."""
    scope = Scope("test", kind.value)
    with wh.stage(kind, scope=scope) as stage:
        for batch in RecordStream.from_records(kind, rows, name="test").iter_arrow(2):
            stage.append(batch)
        went_direct = bool(stage._direct)
        stage.commit(scope)
    return went_direct


def spend(day: str, amount: int, clicks: int) -> dict[str, Any]:
    return perf(day, campaign_id="c1", spend=amount, clicks=clicks)


def leads_of(data: Dataset) -> list[str]:
    return sorted(data.tables[LEAD].column("lead_id").to_pylist())


def kpi(data: Dataset, name: str, scope: Any = "all") -> Decimal | None:
    return compute_kpi(WS, data, name, OCT, scope=scope, as_of=AS_OF).value


def test_a_kind_written_after_the_dataset_opened_is_read(wh: Warehouse, direct: bool) -> None:
    write(wh, PERF, [spend("2026-10-01", 100, 10), spend("2026-10-02", 200, 20)])
    data = wh.dataset()
    # Before: no lead table, so no leads; every analysis below runs once on the empty
    # kind first, so whatever it keeps for the dataset is the empty answer.
    assert data.row_count(LEAD) == 0
    assert leads_of(data) == []
    assert kpi(data, "leads", {"source": "meta-ads"}) is None  # no lead records at all
    assert kpi(data, "cpl", {"source": "meta-ads"}) is None  # 300 / no leads
    assert attribute_leads(WS, data).num_rows == 0

    went = write(
        wh,
        LEAD,
        [
            lead("2026-10-05 10:00", lead_id="L1", original_source="PAID_SOCIAL"),
            lead("2026-10-05 11:00", lead_id="L2", original_source="PAID_SOCIAL"),
            lead("2026-10-06 12:00", lead_id="L3", original_source="ORGANIC_SEARCH"),
        ],
    )
    assert went is direct  # the path the parameter asks for was taken

    assert data.row_count(LEAD) == 3
    assert leads_of(data) == ["L1", "L2", "L3"]
    assert data.sql("SELECT count(*) AS n FROM lead")["n"].to_pylist() == [3]
    assert kpi(data, "leads") == 3
    # L1 and L2 are PAID_SOCIAL: meta-ads; L3 matches no source.
    assert kpi(data, "leads", {"source": "meta-ads"}) == 2
    # meta-ads spend (act_1): 100 + 200 = 300, over its 2 leads = 150.
    assert kpi(data, "cpl", {"source": "meta-ads"}) == 150
    sources = {r["lead_id"]: r["source_id"] for r in attribute_leads(WS, data).to_pylist()}
    assert sources == {"L1": "meta-ads", "L2": "meta-ads", "L3": None}
    # A dataset opened now reads the same.
    assert wh.dataset().row_count(LEAD) == 3


def test_a_kind_that_had_a_table_stays_read_as_it_grows(wh: Warehouse, direct: bool) -> None:
    write(wh, PERF, [spend("2026-10-01", 100, 10)])
    write(wh, LEAD, [lead("2026-10-05 10:00", lead_id="L1", original_source="PAID_SOCIAL")])
    data = wh.dataset()
    assert (data.row_count(PERF), data.row_count(LEAD)) == (1, 1)
    assert kpi(data, "clicks") == 10
    assert kpi(data, "leads", {"source": "referrals"}) == 0
    assert kpi(data, "cpl", {"source": "meta-ads"}) == 100  # 100 / 1 lead
    assert [r["source_id"] for r in attribute_leads(WS, data).to_pylist()] == ["meta-ads"]

    write(wh, PERF, [spend("2026-10-02", 350, 25)])  # merged into the table there
    # A lead whose source values no lead had before: a new combination to attribute.
    write(wh, LEAD, [lead("2026-10-07 09:00", lead_id="L2", original_source="REFERRALS")])

    assert (data.row_count(PERF), data.row_count(LEAD)) == (2, 2)
    assert kpi(data, "clicks") == 35  # 10 + 25
    assert kpi(data, "leads", {"source": "referrals"}) == 1  # L2
    assert kpi(data, "cpl", {"source": "meta-ads"}) == 450  # (100 + 350) / 1 lead (L1)
    sources = {r["lead_id"]: r["source_id"] for r in attribute_leads(WS, data).to_pylist()}
    assert sources == {"L1": "meta-ads", "L2": "referrals"}


def test_deals_get_their_source_once_their_first_contact_is_written(
    wh: Warehouse, direct: bool
) -> None:
    won = {
        "platform": "hubspot",
        "account_id": "portal",
        "deal_id": "D1",
        "amount": Decimal(5000),
        "currency": "ILS",
        "close_date": dt.datetime(2026, 10, 20, 10, tzinfo=dt.UTC),
        "is_closed_won": True,
        "contact_ids": ["L1"],
    }
    write(wh, RecordKind.DEAL, [won])
    data = wh.dataset()
    assert kpi(data, "revenue") == 5000
    # No leads yet: the deal's first contact is unknown, so it has no source.
    assert kpi(data, "revenue", {"source": "meta-ads"}) == 0  # a deal, not of meta-ads
    assert [r["source_id"] for r in attribute(WS, data, "deal").to_pylist()] == [None]

    write(wh, LEAD, [lead("2026-10-05 10:00", lead_id="L1", original_source="PAID_SOCIAL")])

    # L1 is PAID_SOCIAL: meta-ads, and so is the deal it is the first contact of.
    assert kpi(data, "revenue", {"source": "meta-ads"}) == 5000
    assert [r["source_id"] for r in attribute(WS, data, "deal").to_pylist()] == ["meta-ads"]


def test_every_threads_connection_learns_of_the_new_table(wh: Warehouse, direct: bool) -> None:
    data = wh.dataset()
    with ThreadPoolExecutor(2) as pool:
        # Both workers and this thread make their connection while no table exists.
        before = [pool.submit(data.row_count, PERF) for _ in range(2)]
        assert [f.result() for f in before] == [0, 0]
        assert data.row_count(PERF) == 0
        write(wh, PERF, [spend(f"2026-10-{d:02d}", d, d) for d in range(1, 6)])
        # 1 + 2 + 3 + 4 + 5 = 15 clicks, on each thread's own connection
        query = "SELECT count(*) AS n, sum(clicks) AS c FROM performance"
        after = [pool.submit(data.sql, query) for _ in range(4)]
        assert {tuple(f.result().to_pylist()[0].values()) for f in after} == {(5, 15)}
    assert data.sql(query).to_pylist() == [{"n": 5, "c": 15}]
    assert data.row_count(LEAD) == 0  # still no lead table: still the empty view


def test_the_record_tables_are_read_again_on_each_access(wh: Warehouse, direct: bool) -> None:
    data = wh.dataset()
    assert data.tables[PERF].num_rows == 0
    write(wh, PERF, [spend("2026-10-01", 100, 10), spend("2026-10-02", 200, 20)])
    # The tables read before do not stand in for the counts and schema after.
    assert data.row_count(PERF) == 2
    assert data.tables[PERF].num_rows == 2
    assert sorted(data.tables[PERF].column("clicks").to_pylist()) == [10, 20]
    assert "spend" in data.schema(PERF).names
    assert not data.frozen


def test_a_file_dataset_is_the_file_as_opened_no_writer_can_change_it(tmp_path: Path) -> None:
    """A dataset over a file (``from_duckdb``) holds it read-only: it cannot change."""
    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        write(wh, PERF, [spend("2026-10-01", 100, 10)])
    with Dataset.from_duckdb(path) as data:
        assert data.frozen
        assert (data.row_count(PERF), data.row_count(LEAD)) == (1, 0)
        # A sync in another process cannot open the file to write leads.
        script = (
            "import sys\n"
            "from partnerkit.errors import ConfigurationError\n"
            "from partnerkit.store import Warehouse\n"
            "try:\n"
            "    Warehouse(sys.argv[1]).close()\n"
            "except ConfigurationError as exc:\n"
            "    print('refused:', exc)\n"
            "else:\n"
            "    print('opened')\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            env={**os.environ, LOCK_WAIT_ENV: "0"},
            timeout=120,
            check=True,
        )
        assert done.stdout.startswith("refused:"), done.stdout + done.stderr
        assert "in use by another process" in done.stdout
        assert (data.row_count(PERF), data.row_count(LEAD)) == (1, 0)
