"""One rule each: people vs inquiries, the KPI catalogue, the calling convention.

Worked by hand from the records below (workspace time zone Asia/Jerusalem):

* meta leads A (email e1), C (phone p1), E; google leads B (email e1), D (phone p1).
* A and B share an email: one person. C and D share a phone: one person. E alone.
* All five are created in October: 5 inquiries, 3 people. By source: meta has
  3 inquiries from 3 people (A, C, E), google 2 inquiries from 2 people (B, D).
* F (a fourth email, meta) is created on 2 November: November's lead only.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import dataset, lead, source, workspace

from partnerkit.analysis import compute_kpi, compute_kpis, evaluate_targets
from partnerkit.errors import ConfigurationError, WorkspaceError

WS = workspace(
    sources=[
        source("meta", matching={"utm_source": "facebook"}),
        source("google", channel="paid_search", matching={"utm_source": "google"}),
    ],
    targets=[
        {"id": "people-oct", "kpi": "people", "value": 4, "period": "2026-10"},
        {"id": "leads-oct", "kpi": "leads", "value": 4, "period": "2026-10"},
    ],
)
LEADS = [
    lead("2026-10-01 09:00", lead_id="A", utm_source="facebook", email_hash="e1"),
    lead("2026-10-03 09:00", lead_id="B", utm_source="google", email_hash="e1"),
    lead("2026-10-05 09:00", lead_id="C", utm_source="facebook", phone_hash="p1"),
    lead("2026-10-25 09:00", lead_id="D", utm_source="google", phone_hash="p1"),
    lead("2026-10-31 23:30", lead_id="E", utm_source="facebook"),  # 21:30 UTC: October
    lead("2026-11-02 09:00", lead_id="F", utm_source="facebook", email_hash="e4"),
]
DATA = dataset(LEADS)
AS_OF = dt.date(2026, 11, 15)


def test_people_and_inquiries_are_both_kpis() -> None:
    table = compute_kpis(WS, DATA, "2026-10", kpis=["leads", "people"], as_of=AS_OF)
    assert table.get("leads").value == 5
    assert table.get("people").value == 3
    assert table.get("leads").counts == "inquiries"
    assert table.get("people").counts == "people"
    by_source = compute_kpis(
        WS, DATA, "2026-10", kpis=["leads", "people"], by="source", as_of=AS_OF
    )
    assert {(v.kpi, v.scope): v.value for v in by_source} == {
        ("leads", "source meta"): 3,
        ("people", "source meta"): 3,
        ("leads", "source google"): 2,
        ("people", "source google"): 2,
    }
    # November to the 15th: F. Its previous period is 1-15 October: A and B (one
    # person) and C, so 2 people.
    november = compute_kpi(WS, DATA, "people", "2026-11", as_of=AS_OF)
    assert november.value == 1
    assert november.previous == 2


def test_targets_say_which_leads_they_count() -> None:
    values = {v.target_id: v for v in evaluate_targets(WS, DATA, "2026-10", as_of=AS_OF)}
    assert values["people-oct"].counts == "people"
    assert values["people-oct"].value == 3
    assert values["leads-oct"].counts == "inquiries"
    assert values["leads-oct"].value == 5
    assert WS.kpi("people").lead_count == "people"
    assert WS.kpi("cpl").lead_count == "inquiries"


def test_the_catalogue_is_the_models() -> None:
    with pytest.raises(ConfigurationError, match=r"Did you mean 'people'.*people"):
        WS.kpi("peple")
    with pytest.raises(ConfigurationError, match=r"Its KPIs: .*cpl.*leads.*people"):
        compute_kpi(WS, DATA, "nope", "2026-10", as_of=AS_OF)
    # The lead definition's KPI is in the model's catalogue: a target may name it
    # (the model used to reject it as an unknown KPI).
    ws = workspace(
        lead_definition={"sales_ready": ["email_hash is not null"]},
        targets=[{"id": "ready", "kpi": "sales_ready_leads", "value": 2, "period": "2026-10"}],
    )
    assert ws.kpi("sales_ready_leads").formula == (
        "count(lead where email_hash is not null and is_deleted != true)"
    )
    assert compute_kpi(ws, DATA, "sales_ready_leads", "2026-10", as_of=AS_OF).value == 2
    with pytest.raises(WorkspaceError, match="sales_ready_leads"):
        workspace(
            targets=[{"id": "r", "kpi": "sales_ready_leads", "value": 1, "period": "2026-10"}]
        )


def test_enumerated_arguments_list_their_values() -> None:
    with pytest.raises(
        ConfigurationError, match="by must be one of 'source', 'channel', 'campaign'"
    ):
        compute_kpis(WS, DATA, "2026-10", by="sources", as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="'original', 'latest', not 'first'"):
        compute_kpis(WS, DATA, "2026-10", attribution="first", as_of=AS_OF)  # type: ignore[arg-type]


def test_as_of_is_a_date_or_an_aware_datetime_with_one_meaning() -> None:
    jerusalem = ZoneInfo("Asia/Jerusalem")
    by_day = compute_kpi(WS, DATA, "leads", "2026-10", as_of=dt.date(2026, 10, 4))
    # Any instant on 4 October in the workspace's zone means that day ...
    late = dt.datetime(2026, 10, 4, 23, 59, tzinfo=jerusalem)
    assert compute_kpi(WS, DATA, "leads", "2026-10", as_of=late).value == by_day.value == 2
    # ... and 22:30 UTC on 4 October is already 5 October there (C counts).
    utc = dt.datetime(2026, 10, 4, 22, 30, tzinfo=dt.UTC)
    assert compute_kpi(WS, DATA, "leads", "2026-10", as_of=utc).value == 3
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        compute_kpi(WS, DATA, "leads", "2026-10", as_of=dt.datetime(2026, 10, 4, 12))


# ------------------------------------------------- cross-check against plain DuckDB SQL

# Each text a record may carry, and the source a reader works out by hand from the rules
# below (İstanbul* and Straße compare under the Unicode rule; ı is not i).
_VALUES: list[tuple[str | None, str | None]] = [
    ("İSTANBUL EXPO", "istanbul"),
    ("ISTANBUL fair", "istanbul"),
    ("istanbul", "istanbul"),
    ("ıstanbul", None),
    ("STRASSE", "strasse"),
    ("straße", "strasse"),
    ("Google", "google"),
    ("googles", None),
    ("שלום", None),
    (None, None),
]
_CROSS = workspace(
    sources=[
        source("istanbul", channel="offline", matching={"utm_source": "İstanbul*"}),
        source("strasse", channel="offline", matching={"utm_source": "Straße"}),
        source("google", channel="paid_search", matching={"utm_source": "google"}),
    ]
)


@settings(max_examples=8)  # each example builds a dataset and runs the KPIs twice
@given(
    leads=st.lists(
        st.tuples(
            st.integers(0, len(_VALUES) - 1),
            st.none() | st.integers(0, 5),  # the person's email: few, so people repeat
            st.integers(1, 31),
        ),
        min_size=1,
        max_size=30,
    ),
    spend=st.lists(
        st.tuples(st.integers(0, len(_VALUES) - 1), st.integers(1, 31), st.integers(0, 500)),
        min_size=1,
        max_size=10,
    ),
)
def test_leads_people_and_cpl_by_source_equal_plain_sql(
    leads: list[tuple[int, int | None, int]], spend: list[tuple[int, int, int]]
) -> None:
    import duckdb
    import pyarrow as pa
    from _row_builders import perf

    lead_rows = [
        lead(
            f"2026-10-{day:02d} 12:00",
            lead_id=f"L{i}",
            utm_source=_VALUES[v][0],
            email_hash=None if email is None else f"e{email}",
        )
        for i, (v, email, day) in enumerate(leads)
    ]
    perf_rows = [
        perf(f"2026-10-{day:02d}", campaign_id=f"c{i}", source=_VALUES[v][0], spend=amount)
        for i, (v, day, amount) in enumerate(spend)
    ]
    data = dataset(lead_rows, perf_rows)
    got = compute_kpis(
        _CROSS, data, "2026-10", kpis=["leads", "people", "cpl"], by="source", as_of=AS_OF
    )
    total = compute_kpis(_CROSS, data, "2026-10", kpis=["leads", "people"], as_of=AS_OF)

    # The same questions in plain DuckDB SQL, with the hand-made value → source table.
    con = duckdb.connect()
    con.register(
        "l",
        pa.Table.from_pylist(
            [{"v": r["utm_source"], "id": r["lead_id"], "e": r["email_hash"]} for r in lead_rows]
        ),
    )
    con.register(
        "p", pa.Table.from_pylist([{"v": r["source"], "s": r["spend"]} for r in perf_rows])
    )
    con.register("m", pa.Table.from_pylist([{"v": v, "src": s} for v, s in _VALUES]))
    # every source of the map has a row, with 0 when nothing came from it
    expected: dict[tuple[str, str | None], Any] = {
        (kpi, s.id): 0 for s in _CROSS.sources for kpi in ("leads", "people")
    }
    for src, n, people in con.execute(
        "SELECT m.src, count(*), count(DISTINCT coalesce(l.e, l.id)) "
        "FROM l JOIN m ON m.v IS NOT DISTINCT FROM l.v GROUP BY m.src"
    ).fetchall():
        expected["leads", src] = n
        expected["people", src] = people
    spent = dict(
        con.execute(
            "SELECT m.src, sum(p.s) FROM p JOIN m ON m.v IS NOT DISTINCT FROM p.v GROUP BY m.src"
        ).fetchall()
    )
    for src in spent:  # a group with spend has a lead row too (0 when it has none)
        expected.setdefault(("leads", src), 0)
        expected.setdefault(("people", src), 0)
    for src in {s for _, s in expected}:
        n = expected["leads", src]
        if n:  # no lead: CPL is not computable
            expected["cpl", src] = Decimal(spent.get(src) or 0) / n
    people_total = con.execute("SELECT count(DISTINCT coalesce(e, id)) FROM l").fetchone()

    def scope(src: str | None) -> str:
        return f"source {src if src is not None else '(unattributed)'}"

    values = {(v.kpi, v.scope): v.value for v in got if v.value is not None}
    assert values == {(kpi, scope(src)): value for (kpi, src), value in expected.items()}
    assert total.get("leads").value == len(lead_rows)
    assert people_total is not None
    assert total.get("people").value == people_total[0]


def test_people_follow_every_scope_as_leads_do() -> None:
    # No two leads of the shared example share an email or phone: in every scope the
    # people are the leads, so the scope rules of the two counts must agree.
    import _engagement_feb2028

    ws, data = _engagement_feb2028.workspace(), _engagement_feb2028.dataset()
    scopes: list[Any] = [
        "all",
        {"partner": "brightline"},
        {"channel": "paid_search"},
        *({"source": s.id} for s in ws.sources),
    ]
    for scope in scopes:
        for period in ("2028-01", "2028-02", "2028-03"):
            leads = compute_kpi(ws, data, "leads", period, scope=scope, as_of=dt.date(2028, 3, 31))
            people = compute_kpi(
                ws, data, "people", period, scope=scope, as_of=dt.date(2028, 3, 31)
            )
            assert people.value == leads.value, (scope, period)
            assert people.previous == leads.previous, (scope, period)
