"""A KPI's condition names a keyword group: the workspace's words, written once.

October 2026 query rows (and one property row, which ``level == query`` leaves out):

==================  ===========  ========  ===============  ===========  ==========
query               impressions  position  position × impr  solar panel  acme
==================  ===========  ========  ===============  ===========  ==========
solar panel price   200          4.0       800              yes          no
Solar Panel Cost    100          10.0      1000             yes (case)   no
acme solar panel    100          2.0       200              yes          yes
battery storage     300          6.0       1800             no           no
Acme login          400          1.0       400              no           yes (case)
==================  ===========  ========  ===============  ===========  ==========

``query contains group solar panels`` (``["solar panel"]``): the first three,
(800 + 1000 + 200) / (200 + 100 + 100) = 2000 / 400 = 5.0.
``query not contains group brand`` (``["acme"]``): the first two and battery storage,
(800 + 1000 + 1800) / (200 + 100 + 300) = 3600 / 600 = 6.0.
"solar panels" edited to ``["solar panel price", "battery"]``: solar panel price and
battery storage, (800 + 1800) / (200 + 300) = 2600 / 500 = 5.2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from pydantic import ValidationError

from partnerkit.analysis import Dataset, compute_kpi
from partnerkit.analysis._engine import condition_sql
from partnerkit.errors import ConfigurationError, WorkspaceError
from partnerkit.model import KPI, Condition, Workspace, parse_workspace

SITE = "sc-domain:example.com"
GROUPS = {"solar panels": ["solar panel"], "brand": ["acme"]}
OCTOBER = dt.date(2026, 10, 31)


def row(query: str | None, impressions: int, position: float) -> dict[str, Any]:
    return {
        "date": dt.date(2026, 10, 5),
        "platform": "search_console",
        "account_id": SITE,
        "level": "property" if query is None else "query",
        "search_type": "web",
        "query": query,
        "clicks": 1,
        "impressions": impressions,
        "position": position,
    }


ROWS = [
    row("solar panel price", 200, 4.0),
    row("Solar Panel Cost", 100, 10.0),
    row("acme solar panel", 100, 2.0),
    row("battery storage", 300, 6.0),
    row("Acme login", 400, 1.0),
    row(None, 5000, 3.0),
]


def position_kpi(kpi_id: str, condition: Any) -> dict[str, Any]:
    return {
        "id": kpi_id,
        "name": f"Position of {kpi_id}",
        "unit": "position",
        "direction": "lower",
        "measure": {"mean": "search_performance.position", "where": ["level == query", condition]},
    }


def workspace(groups: dict[str, list[str]], *kpis: dict[str, Any]) -> Workspace:
    return Workspace.model_validate(
        {
            "name": "Solar × Agency",
            "currency": "ILS",
            "timezone": "Asia/Jerusalem",
            "keyword_groups": groups,
            "kpis": list(kpis),
        }
    )


@pytest.fixture(scope="module")
def data() -> Iterator[Dataset]:
    dataset = Dataset.from_records({"search_performance": ROWS})
    yield dataset
    dataset.close()


def both_ways(ws: Workspace, data: Dataset, kpi_id: str) -> tuple[Decimal | None, Decimal | None]:
    """The KPI computed by the engine's SQL and by the model's Condition.test."""
    found = compute_kpi(ws, data, kpi_id, "2026-10", as_of=OCTOBER)
    return found.value, ws.kpi(kpi_id).evaluate({"search_performance": ROWS})


def test_a_group_measures_what_its_words_listed_measure(data: Dataset) -> None:
    ws = workspace(
        GROUPS,
        position_kpi("by_group", "query contains group solar panels"),
        position_kpi("by_mapping", {"column": "query", "op": "contains", "group": "solar panels"}),
        position_kpi("by_words", "query contains [solar panel]"),
    )
    for kpi_id in ("by_group", "by_mapping", "by_words"):
        sql, model = both_ways(ws, data, kpi_id)
        assert sql == pytest.approx(Decimal("5.0"), abs=Decimal("1e-9"))  # 2000 / 400
        assert model == pytest.approx(Decimal("5.0"), abs=Decimal("1e-9"))


def test_not_contains_a_group(data: Dataset) -> None:
    ws = workspace(GROUPS, position_kpi("non_brand", "query not contains group brand"))
    sql, model = both_ways(ws, data, "non_brand")
    assert sql == pytest.approx(Decimal("6.0"), abs=Decimal("1e-9"))  # 3600 / 600
    assert model == pytest.approx(Decimal("6.0"), abs=Decimal("1e-9"))


def test_editing_the_group_changes_the_kpi(data: Dataset) -> None:
    kpi = position_kpi("solar", "query contains group solar panels")
    before = workspace(GROUPS, kpi)
    after = workspace({**GROUPS, "solar panels": ["solar panel price", "battery"]}, kpi)
    assert both_ways(before, data, "solar")[0] == pytest.approx(Decimal("5.0"), abs=Decimal("1e-9"))
    sql, model = both_ways(after, data, "solar")
    assert sql == pytest.approx(Decimal("5.2"), abs=Decimal("1e-9"))  # 2600 / 500
    assert model == pytest.approx(Decimal("5.2"), abs=Decimal("1e-9"))


def test_the_condition_shows_the_group_not_its_words(data: Dataset) -> None:
    ws = workspace(GROUPS, position_kpi("solar", "query not contains group solar panels"))
    (_, cond) = ws.kpi("solar").measure.where  # type: ignore[union-attr]
    assert (cond.group, cond.value) == ("solar panels", ("solar panel",))
    assert str(cond) == "query not contains group solar panels"
    formula = compute_kpi(ws, data, "solar", "2026-10", as_of=OCTOBER).formula
    assert "where level == query and query not contains group solar panels" in formula
    assert "[solar panel]" not in formula


def test_an_unknown_group_names_the_kpi_the_group_and_the_groups() -> None:
    with pytest.raises(WorkspaceError) as caught:
        workspace(GROUPS, position_kpi("solar", "query contains group solar panel"))
    (problem,) = caught.value.problems
    assert problem.path == "kpis[0].measure.where[1]"
    assert problem.message == (
        "KPI 'solar' names keyword group 'solar panel', which the workspace does not have. "
        "Did you mean 'solar panels'? Its keyword groups: solar panels, brand. Add it under "
        "keyword_groups with the words its queries contain, e.g. "
        "keyword_groups: {solar panel: [word, other word]}."
    )
    with pytest.raises(WorkspaceError, match=r"It has no keyword groups\. Add it under"):
        workspace({}, position_kpi("solar", "query contains group solar panels"))
    with pytest.raises(WorkspaceError, match="'brand', which has no words"):
        workspace({"brand": []}, position_kpi("non_brand", "query not contains group brand"))


def test_the_text_and_mapping_forms() -> None:
    text = Condition.model_validate("query contains group solar panels")
    mapping = Condition.model_validate(
        {"column": "query", "op": "contains", "group": "solar panels"}
    )
    assert text == mapping
    assert (text.op, text.group, text.value) == ("contains", "solar panels", None)
    # a list is always words, even a word that starts with "group"
    words = Condition.model_validate("query contains [group solar panels]")
    assert (words.group, words.value) == (None, ("group solar panels",))
    # only the word operators take a group: after '==' it is the text compared with
    assert Condition.model_validate("query == group x").value == "group x"
    with pytest.raises(ValidationError, match="only 'contains' and 'not contains'"):
        Condition.model_validate({"column": "query", "op": "eq", "group": "brand"})
    with pytest.raises(ValidationError, match="the words or the keyword group, not both"):
        Condition.model_validate(
            {"column": "query", "op": "contains", "group": "brand", "value": ["acme"]}
        )


def test_a_group_without_a_workspace_fails_when_used() -> None:
    # Decision: a condition (or a KPI of the built-in catalogue, built in code) may name a
    # group, but only a workspace gives it words; testing or compiling it says so.
    kpi = KPI.model_validate(position_kpi("solar", "query contains group solar panels"))
    cond = kpi.measure.where[1]  # type: ignore[union-attr]
    with pytest.raises(ConfigurationError, match="names keyword group 'solar panels'"):
        cond.test({"query": "solar panel price"})
    with pytest.raises(ConfigurationError, match="only a workspace knows"):
        kpi.evaluate({"search_performance": ROWS})
    schema = pa.schema([("query", pa.string())])
    with pytest.raises(ConfigurationError, match="keyword_groups"):
        condition_sql(cond, schema)


def test_a_workspace_round_trips_with_the_group_not_the_words() -> None:
    ws = workspace(GROUPS, position_kpi("solar", "query contains group solar panels"))
    dumped = ws.model_dump()
    assert dumped["kpis"][0]["measure"]["where"][1]["value"] is None
    again = Workspace.model_validate(dumped)
    assert again.kpi("solar").measure.where[1].value == ("solar panel",)  # type: ignore[union-attr]
    assert again.model_dump() == dumped


def test_a_workspace_file_points_at_the_condition_line() -> None:
    text = (
        "name: x\ncurrency: ILS\ntimezone: Asia/Jerusalem\n"
        "keyword_groups:\n  solar panels: [solar panel]\n"
        "kpis:\n  - id: solar\n    name: S\n    unit: position\n    direction: lower\n"
        "    measure:\n      mean: search_performance.position\n      where:\n"
        "        - level == query\n"
        "        - query contains group solar panel\n"  # line 15
    )
    with pytest.raises(WorkspaceError) as caught:
        parse_workspace(text)
    (problem,) = caught.value.problems
    assert (problem.line, problem.value) == (15, "solar panel")


#: Queries where Python's and DuckDB's lower case could part ways, and plain ones. By
#: hand, as DuckDB's ``lower()`` maps them: "STRASSE PREISE" lowers to "strasse preise",
#: which holds "strasse"; "straße preise" does not (no folding of ß to ss in either);
#: "İstanbul solar" lowers to "istanbul solar" (DuckDB: İ is i; Python's str.lower would
#: add a combining dot), so both Istanbul queries hold the word "İstanbul"; "ΟΔΟΣ" lowers
#: to "οδοσ" (DuckDB: Σ is always σ; Python's str.lower would end the word with ς), which
#: holds "οδοσ"; no text holds nothing.
TRICKY = ["straße preise", "STRASSE PREISE", "İstanbul solar", "istanbul SOLAR", "ΟΔΟΣ", None]
WORDS = ["strasse", "İstanbul", "οδοσ"]
EXPECTED = [False, True, True, True, True, False]


def test_a_group_reads_the_same_queries_in_a_kpi_its_sql_and_the_report() -> None:
    from partnerkit.analysis.seo import in_group

    condition = Condition.model_validate({"column": "query", "op": "contains", "value": WORDS})
    by_test = [condition.test({"query": q}) for q in TRICKY]
    by_report = [in_group(q, WORDS) if q is not None else False for q in TRICKY]
    table = pa.table({"query": pa.array(TRICKY, pa.string())})
    import duckdb

    with duckdb.connect() as con:
        con.register("v", table)
        sql = condition_sql(condition, table.schema, "v")
        by_sql = [r[0] for r in con.execute(f"SELECT coalesce({sql}, false) FROM v").fetchall()]
    assert by_test == EXPECTED
    assert by_report == EXPECTED
    assert by_sql == EXPECTED


def test_lower_text_is_duckdbs_lower_for_every_code_point() -> None:
    import duckdb

    from partnerkit.model.kpis import lower_text

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    with duckdb.connect() as con:
        con.register("t", pa.table({"c": pa.array(chars, pa.string())}))
        theirs = [r[0] for r in con.execute("SELECT lower(c) FROM t").fetchall()]
    differ = [hex(ord(c)) for c, t in zip(chars, theirs, strict=True) if lower_text(c) != t]
    assert differ == []
    # in context too: the final sigma rule of str.lower is not DuckDB's
    assert lower_text("ΟΔΟΣ ΟΔΟΣ") == "οδοσ οδοσ"
