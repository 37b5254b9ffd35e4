"""How a lead gets its source: one rule, one Unicode comparison, everywhere.

The regression behind this file: a trade-show rule ``İstanbul*`` matched
``İSTANBUL EXPO`` in the KPIs (Python's ``str.lower``) and not in the source-map
audit or dedup (DuckDB's ``lower``), so the same lead had a source in one section of
the report and was "unmapped" in another.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from _row_builders import at, dataset, lead, source, workspace

from partnerkit.analysis import (
    Attribution,
    attribute,
    attribute_leads,
    attribution_of,
    audit_source_map,
    compute_kpi,
    dedup_leads,
)
from partnerkit.analysis.attribution import SourceRules
from partnerkit.errors import ConfigurationError
from partnerkit.model import fold_text, text_matches

EXPO = workspace(
    sources=[
        source(
            "expo",
            channel="offline",
            wiring="import",
            owner="in_house",
            matching={"original_source_drill_1": "İstanbul*"},
        ),
        source(
            "strasse",
            channel="offline",
            wiring="import",
            owner="in_house",
            matching={"utm_source": "Straße"},
        ),
        source(
            "hebrew",
            channel="referral",
            wiring="form",
            owner="in_house",
            matching={"utm_source": "שלום*"},
        ),
    ]
)
OCT = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


def _expo_leads() -> list[dict[str, Any]]:
    return [
        lead(
            "2026-10-05 10:00",
            lead_id="A",
            original_source="OFFLINE",
            original_source_drill_1="İSTANBUL EXPO",
        ),
        lead(
            "2026-10-05 11:00",
            lead_id="B",
            original_source="OFFLINE",
            original_source_drill_1="ISTANBUL EXPO",
        ),
        lead(
            "2026-10-05 12:00",
            lead_id="C",
            original_source="OFFLINE",
            original_source_drill_1="istanbul expo",
        ),
        # The dotless ı is its own letter: not İstanbul.
        lead(
            "2026-10-05 13:00",
            lead_id="D",
            original_source="OFFLINE",
            original_source_drill_1="ıstanbul expo",
        ),
        lead("2026-10-05 14:00", lead_id="E", utm_source="STRASSE"),
        lead("2026-10-05 15:00", lead_id="F", utm_source="שלום-טבע"),
    ]


EXPECTED = {"A": "expo", "B": "expo", "C": "expo", "D": None, "E": "strasse", "F": "hebrew"}


def test_istanbul_rule_matches_the_same_leads_in_every_analysis() -> None:
    data = dataset(_expo_leads())
    # The attribution itself, both views of it.
    by_record = {r["record_id"]: r["source_id"] for r in attribute(EXPO, data, "lead").to_pylist()}
    leads = attribute_leads(EXPO, data).to_pylist()
    assert {r["lead_id"]: r["source_id"] for r in leads} == EXPECTED
    assert {r["record_id"]: r["source_id"] for r in leads} == by_record
    # Dedup (every lead a different person) keeps each lead's source.
    dedup = dedup_leads(EXPO, data, start=OCT[0], end=OCT[1])
    assert {r["lead_id"]: r["source_id"] for r in dedup.leads.to_pylist()} == EXPECTED
    # The audit lists only the dotless lead as unmapped.
    audit = audit_source_map(EXPO, data, start=OCT[0], end=OCT[1], as_of=at("2026-11-02 09:00"))
    assert [r["original_source_drill_1"] for r in audit.unmapped.to_pylist()] == ["ıstanbul expo"]
    # The KPIs count three expo leads.
    leads_kpi = compute_kpi(EXPO, data, "leads", "2026-10", scope={"source": "expo"}, as_of=OCT[1])
    assert leads_kpi.value == 3


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("İstanbul*", "İSTANBUL EXPO", True),
        ("İstanbul*", "ISTANBUL EXPO", True),
        ("istanbul*", "İSTANBUL EXPO", True),
        ("İstanbul*", "ıstanbul expo", False),  # dotless ı is not i
        ("ılık", "ILIK", False),  # I folds to i, not ı
        ("ılık", "ılık", True),
        ("Straße", "STRASSE", True),  # ß folds to ss
        ("STRAẞE", "strasse", True),
        ("[ß]", "ß", False),  # a set is one character; ß is two (ss)
        ("שלום*", "שלום-טבע", True),  # no case in Hebrew: as written
        ("שלום", "שָׁלוֹם", False),  # vowel points are kept
        ("ע", "ﬠ", True),  # a presentation form is its letter (NFKC)
        ("กำ*", "กํา ads", True),  # Thai sara am and its NFKC parts
        ("google", "ＧＯＯＧＬＥ", True),  # full-width letters (NFKC)
        ("cafe", "café", False),  # accents are kept
        ("a*", None, False),  # a missing value never matches
    ],
)
def test_the_unicode_rule(pattern: str, value: str | None, matches: bool) -> None:
    assert text_matches(value, [pattern]) is matches


def test_fold_text_examples() -> None:
    assert fold_text("İSTANBUL") == "istanbul"
    assert fold_text("ı") == "ı"
    assert fold_text("Straße") == "strasse"
    assert fold_text("ﬁle") == "file"


@given(st.text(max_size=12))
def test_fold_text_is_idempotent(text: str) -> None:
    assert fold_text(fold_text(text)) == fold_text(text)


_ALPHABET = st.sampled_from(["İ", "I", "i", "ı", "ß", "s", "S", "ש", "ָ", "ก", "ำ", "-", "x"])
_VALUE = st.none() | st.text(_ALPHABET, max_size=4)


# A fresh dataset's first query costs ~0.1 s: fewer, larger examples keep this fast.
@settings(max_examples=25)
@given(st.lists(st.tuples(_VALUE, _VALUE), min_size=1, max_size=24))
def test_the_sql_join_gives_the_python_rule(values: list[tuple[str | None, str | None]]) -> None:
    ws = workspace(
        sources=[
            source("a", matching={"original_source_drill_1": ["İ*", "*ß"]}),
            source("b", matching={"utm_source": ["*ı*", "s?"], "utm_medium": "*"}),
            source("c", matching={"original_source_drill_1": "ש*", "utm_source": "*ก*"}),
        ],
        campaigns=[
            {
                "id": "camp",
                "name": "Camp",
                "source": "c",
                "objective": "leads",
                "start": "2026-01-01",
                "utm_campaign": "İß",
            }
        ],
    )
    records = [
        lead(
            "2026-10-05 10:00",
            lead_id=f"L{i}",
            original_source_drill_1=drill,
            utm_source=utm,
            utm_medium="cpc" if i % 2 else None,
            utm_campaign=drill,
        )
        for i, (drill, utm) in enumerate(values)
    ]
    got = {r["lead_id"]: r for r in attribute_leads(ws, dataset(records)).to_pylist()}
    rules = SourceRules(ws)
    for record in records:
        owner = rules.lead(record)
        row = got[record["lead_id"]]
        assert row["source_id"] == owner.source
        assert row["campaign_id"] == owner.campaign
        assert tuple(row["matched_sources"]) == owner.matched


def test_attribution_is_computed_once_per_dataset(monkeypatch: pytest.MonkeyPatch) -> None:
    data = dataset(_expo_leads())
    calls: list[str] = []
    real = Attribution._combo_table

    def counting(self: Attribution, kind: Any, con: Any) -> Any:
        calls.append(kind.value)
        return real(self, kind, con)

    monkeypatch.setattr(Attribution, "_combo_table", counting)
    assert attribution_of(EXPO, data) is attribution_of(EXPO, data)
    attribute_leads(EXPO, data)
    dedup_leads(EXPO, data, start=OCT[0], end=OCT[1])
    audit_source_map(EXPO, data, start=OCT[0], end=OCT[1], as_of=at("2026-11-02 09:00"))
    compute_kpi(EXPO, data, "leads", "2026-10", scope={"source": "expo"}, as_of=OCT[1])
    assert calls.count("lead") == 1
    # Another mode, or another source map, is another attribution.
    assert attribution_of(EXPO, data, attribution="latest") is not attribution_of(EXPO, data)
    other = workspace(sources=[source("expo", matching={"utm_source": "x"})])
    assert attribution_of(other, data) is not attribution_of(EXPO, data)


def test_enumerated_arguments_list_the_allowed_values() -> None:
    data = dataset(_expo_leads())
    with pytest.raises(ConfigurationError, match="'original', 'latest'"):
        attribute_leads(EXPO, data, attribution="first")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="'performance', 'lead', 'deal', 'campaign'"):
        attribute(EXPO, data, "leads")


def test_a_report_attributes_each_kind_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerkit.demo import load_demo
    from partnerkit.report import build_report

    calls: list[tuple[str, str]] = []
    real = Attribution._combo_table

    def counting(self: Attribution, kind: Any, con: Any) -> Any:
        calls.append((kind.value, self.mode))
        return real(self, kind, con)

    monkeypatch.setattr(Attribution, "_combo_table", counting)
    demo = load_demo()
    build_report(
        demo.workspace,
        demo.dataset,
        dt.date(2026, 10, 1),
        evidence=demo.evidence,
        survey=demo.survey,
        as_of=dt.date(2026, 11, 15),
    )
    # Nine analyses (KPIs, targets, funnel, revenue, budget, audit, dedup, ...) share one
    # attribution of the dataset: each kind's combinations are decided once.
    assert sorted(calls) == [
        ("campaign", "original"),
        ("lead", "original"),
        ("performance", "original"),
    ]


def test_the_audit_takes_a_date_or_an_aware_datetime_as_of() -> None:
    data = dataset(_expo_leads())
    by_day = audit_source_map(EXPO, data, start=OCT[0], end=OCT[1], as_of=dt.date(2026, 11, 2))
    assert by_day.as_of == dt.datetime(
        2026, 11, 2, 23, 59, 59, 999999, tzinfo=at("2026-11-02 00:00").tzinfo
    )
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        audit_source_map(EXPO, data, as_of=dt.datetime(2026, 11, 2, 9))


def test_threads_share_one_attribution() -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = dataset(_expo_leads())
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _: attribution_of(EXPO, data), range(32)))
    assert len({id(a) for a in found}) == 1
