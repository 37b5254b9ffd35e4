"""Who is the same person (dedup's rule 1) on long chains and random data, by hand.

``people_of`` names each lead record's person by the record id of their earliest lead;
``people_table`` keeps the same matching in DuckDB for the ``people`` KPI. The matching
runs in passes over shared keys; the chains here need many passes, and the random
records are checked against a plain union-find written below.
"""

import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import dataset, lead, workspace

from partnerkit.analysis import Dataset
from partnerkit.analysis.dedup import dedup_leads, people_of, people_table
from partnerkit.analysis.kpis import compute_kpi
from partnerkit.store import Warehouse
from partnerkit.stream import RecordStream

WS = workspace()
START = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)


def persons(data: Dataset) -> dict[str, str]:
    """Lead id → the lead id of its person's earliest lead, from ``people_of``."""
    ids = {r["record_id"]: r["lead_id"] for r in data.sql("SELECT * FROM lead").to_pylist()}
    return {ids[r["record_id"]]: ids[r["person"]] for r in people_of(WS, data).to_pylist()}


def chain(name: str, length: int, earliest: int) -> list[dict[str, Any]]:
    """``length`` leads; each shares an email (even links) or a phone (odd links) with
    the next. Lead ``earliest`` is the first in time, the others later the farther
    along the chain they are from it."""
    rows = []
    for i in range(length):
        keys = {"email_hash": f"{name}-e{i // 2}", "phone_hash": f"{name}-p{(i + 1) // 2}"}
        when = START + dt.timedelta(hours=abs(i - earliest))
        rows.append(lead(when, lead_id=f"{name}{i}", **keys))
    return rows


def test_a_chain_of_forty_leads_is_one_person_named_by_its_earliest_lead() -> None:
    # A0–A1 share e0, A1–A2 p1, A2–A3 e1, … A38–A39 e19: one person, 39 links long;
    # A25 is the earliest. B: a chain of three (B0 earliest). C0: alone.
    rows = chain("A", 40, earliest=25) + chain("B", 3, earliest=0)
    rows.append(lead(START, lead_id="C0", email_hash="c", phone_hash="c"))
    got = persons(dataset(rows))
    assert got == {f"A{i}": "A25" for i in range(40)} | {"B0": "B0", "B1": "B0", "B2": "B0"} | {
        "C0": "C0"
    }
    # the people KPI counts the same three (every lead is in October 2026, UTC+3/+2)
    people = compute_kpi(WS, dataset(rows), "people", "2026-10", as_of=dt.date(2026, 11, 1))
    assert people.value == 3


def test_the_dedup_finds_the_same_chain() -> None:
    rows = chain("A", 40, earliest=39)  # A39 first; A0 39 hours later: one inquiry
    result = dedup_leads(WS, dataset(rows), start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    assert (result.lead_records, result.inquiries_count, result.people) == (40, 1, 1)
    assert set(result.leads.column("person").to_pylist()) == {"A39"}


def union_find(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Dedup's rule 1 the slow way: union every pair that shares a key or a merge."""
    live = [r for r in rows if not r.get("is_deleted")]
    parent = {r["lead_id"]: r["lead_id"] for r in live}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for a in live:
        for b in live:
            shared = any(a.get(k) is not None and a.get(k) == b.get(k) for k in KEYS)
            if shared or b["lead_id"] in a.get("merged_ids", []):
                union(a["lead_id"], b["lead_id"])
    first: dict[str, dict[str, Any]] = {}
    for r in sorted(live, key=lambda r: (r["created_at"], r["lead_id"])):
        first.setdefault(find(r["lead_id"]), r)
    return {r["lead_id"]: first[find(r["lead_id"])]["lead_id"] for r in live}


KEYS = ("email_hash", "phone_hash")


def random_leads(seed: int) -> list[dict[str, Any]]:
    """Leads with keys from small pools (so many are shared), a few merges and deletions."""
    r = random.Random(seed)
    n = r.randint(2, 60)
    emails, phones = r.randint(1, n), r.randint(1, n)
    rows = []
    for i in range(n):
        kw: dict[str, Any] = {}
        if r.random() < 0.5:
            kw["email_hash"] = f"e{r.randrange(emails)}"
        if r.random() < 0.3:
            kw["phone_hash"] = f"p{r.randrange(phones)}"
        if r.random() < 0.05:
            kw["is_deleted"] = True
        when = START + dt.timedelta(minutes=r.randrange(60 * 24 * 20))
        rows.append(lead(when, lead_id=f"L{i:03d}", **kw))
    # merges: each merged lead id in one survivor's list (HubSpot's merges)
    ids = [row["lead_id"] for row in rows]
    r.shuffle(ids)
    for survivor, merged in zip(ids[0:4:2], ids[1:4:2], strict=True):
        row = next(x for x in rows if x["lead_id"] == survivor)
        row["merged_ids"] = [merged, "L999"]  # L999: not in the data
    r.shuffle(rows)
    return rows


def test_random_leads_match_a_plain_union_find() -> None:
    for seed in range(40):
        rows = random_leads(seed)
        assert persons(dataset(rows)) == union_find(rows), seed


def test_a_dataset_whose_records_cannot_change_keeps_its_people_table() -> None:
    data = dataset(chain("A", 4, earliest=3))
    before = data.sql("SELECT database_name, table_name FROM duckdb_tables()").to_pylist()
    with people_table(WS, data) as first:
        pass
    with people_table(WS, data) as second:
        rows = data.sql(f"SELECT count(DISTINCT person) AS n FROM {second}").to_pylist()
    assert first == second
    assert rows == [{"n": 1}]
    # kept out of the dataset's own tables, in a catalog of its own
    after = data.sql("SELECT database_name, table_name FROM duckdb_tables()").to_pylist()
    assert [t for t in after if t not in before] == [
        {"database_name": first.split(".")[0], "table_name": first.split(".")[-1]}
    ]


def test_an_open_warehouse_gets_a_fresh_people_table_each_time(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.load(RecordStream.from_records("lead", chain("A", 4, earliest=0), name="lead"))
        data = wh.dataset()
        with people_table(WS, data) as name:
            assert data.sql(f"SELECT count(DISTINCT person) AS n FROM {name}").to_pylist() == [
                {"n": 1}
            ]
        left = data.sql(f"SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = '{name}'")
        assert left.to_pylist() == [{"n": 0}]
        # a sync adds a lead that joins nobody: two people now, not a stale one
        wh.load(RecordStream.from_records("lead", [lead(START, lead_id="Z")], name="lead"))
        assert persons(data) == {"A0": "A0", "A1": "A0", "A2": "A0", "A3": "A0", "Z": "Z"}
