"""The columnar page path of ad_insights: the same records as the row path, faster.

Every insights page of the cassettes and a set of generated pages with awkward rows
are mapped both ways; the Arrow table (``PageMapper.table``) must give exactly the
table of the row path's records (``RowMapper.records``) once both went through a
``RecordStream``: same columns, types, values and ``record_id``. Pages the columnar
path cannot map exactly must take the row path, which gives today's records or
today's ``DataError``.

The hand-worked values of ``test_hand_worked_values`` (account "Shemesh Solar – IL",
campaign level, default mapping: leads = ``lead``; conversions and value = the first
of ``omni_purchase``, ``purchase``; ``extra.landing_page_views`` = ``landing_page_view``):

====  ===========================  ======  =======================  ========
row   actions                      leads   conversions (value)      landing
====  ===========================  ======  =======================  ========
1     lead 7, landing 81, click    7.0     -                        81.0
2     (no actions key)             -       -                        -
3     [] (an empty list)           -       -                        -
4     purchase 2 (value 99.90)     -       2.0 (99.90)              -
5     omni 3, purchase 2           -       3.0 (omni value 150.00)  -
6     lead without "value"         0.0     -                        -
====  ===========================  ======  =======================  ========
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from partnerkit_meta import MetaSettings
from partnerkit_meta._client import validate_page
from partnerkit_meta._columns import NotColumnarError, PageMapper
from partnerkit_meta._insights import PAGE, RowMapper
from partnerkit_meta._objects import AccountInfo

import partnerkit.demo
from partnerkit.errors import DataError
from partnerkit.records import record_id
from partnerkit.stream import RecordStream
from partnerkit.testing import Cassette, use_cassette
from partnerkit.testing.faults import Fault

CASSETTES = Path(__file__).parent / "cassettes"
DEMO_CASSETTES = Path(partnerkit.demo.__file__).parent / "cassettes"
ACCOUNT = AccountInfo(
    id="act_1029384756", name="Shemesh Solar – IL", currency="ILS", timezone="Asia/Jerusalem"
)
WHERE = "meta act_1029384756 GET /act_1029384756/insights"
OCT_1, OCT_2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)


def settings(**values: Any) -> MetaSettings:
    return MetaSettings(access_token="x", accounts=["act_1029384756"], **values)


def body(rows: list[dict[str, Any]], paging: dict[str, Any] | None = None) -> bytes:
    page: dict[str, Any] = {"data": rows}
    if paging is not None:
        page["paging"] = paging
    return json.dumps(page, separators=(",", ":"), ensure_ascii=False).encode()


def row(day: str = "2026-10-01", **fields: Any) -> dict[str, Any]:
    """An insights row as Meta sends it (campaign level), with ``fields`` over it."""
    base = {
        "account_id": "1029384756",
        "account_name": "Shemesh Solar – IL",
        "campaign_id": "120210000000000101",
        "campaign_name": "IL | Leads | Rooftop solar",
        "date_start": day,
        "date_stop": day,
        "impressions": "5321",
        "reach": "4102",
        "clicks": "148",
        "inline_link_clicks": "97",
        "spend": "412.37",
        "attribution_setting": "7d_click_1d_view",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


def acts(**values: str) -> list[dict[str, str]]:
    """An ``actions`` array: ``acts(lead="7")``; dots in types are written ``__``."""
    return [{"action_type": t.replace("__", "."), "value": v} for t, v in values.items()]


def stream_table(records: Any) -> pa.Table:
    items = [records] if isinstance(records, pa.Table) else list(records)
    return RecordStream.from_records("performance", items).to_arrow()


def row_path(page: bytes, config: MetaSettings, level: str) -> tuple[list[Any], RowMapper]:
    mapper = RowMapper(config, level, ACCOUNT)  # type: ignore[arg-type]
    return mapper.records(PAGE.validate_json(page)["data"]), mapper


def assert_same(page: bytes, config: MetaSettings, level: str = "campaign") -> pa.Table:
    """The columnar table equals the row path's, through a RecordStream; returns it."""
    columnar = PageMapper(config, level, ACCOUNT)  # type: ignore[arg-type]
    table, paging = columnar.table(page)
    records, rows = row_path(page, config, level)
    got, want = stream_table(table), stream_table(records)
    assert got.schema == want.schema
    assert got.schema.names == want.schema.names
    assert got.equals(want), (got.to_pylist(), want.to_pylist())
    assert columnar.count == rows.count == len(records)
    assert columnar.unmapped == rows.unmapped
    assert paging == (PAGE.validate_json(page).get("paging") or {})
    return got


def assert_falls_back(page: bytes, config: MetaSettings, level: str = "campaign") -> list[Any]:
    """The page takes the row path and gives exactly its records; returns them."""
    mapper = PageMapper(config, level, ACCOUNT)  # type: ignore[arg-type]
    with pytest.raises(NotColumnarError):
        mapper.table(page)
    mapped = mapper.page(page, WHERE)
    assert mapper.fallbacks == 1
    records, rows = row_path(page, config, level)
    assert mapped["records"] == records
    assert mapper.unmapped == rows.unmapped
    return records


# ------------------------------------------------------------------ cassettes


def _insights_pages() -> list[Any]:
    """Every insights page of the connector's cassettes and of the demo's recordings."""
    cases = []
    tapes = [*sorted(CASSETTES.rglob("*.yaml")), DEMO_CASSETTES / "meta.yaml"]
    for path in tapes:
        tape = Cassette.load(path)
        for i, interaction in enumerate(tape.interactions):
            request, response = interaction.request, interaction.response
            if request.method != "GET" or not request.url.endswith("/insights"):
                continue
            if response.status != 200:
                continue
            where = path.relative_to(CASSETTES) if path.is_relative_to(CASSETTES) else "demo"
            name = f"{where}#{i}"
            cases.append(pytest.param(request.query, response.content(), id=name))
    return cases


INSIGHTS_PAGES = _insights_pages()


def test_the_cassettes_hold_insights_pages() -> None:
    assert len(INSIGHTS_PAGES) >= 20
    assert sum(p.id.startswith("demo#") for p in INSIGHTS_PAGES) >= 5


@pytest.mark.parametrize(("query", "content"), INSIGHTS_PAGES)
def test_every_cassette_page_maps_columnar_to_the_row_path_records(query, content) -> None:
    def listed(name: str) -> Any:
        value = query.get(name)
        return json.loads(value) if value else None

    config = settings(
        attribution_windows=listed("action_attribution_windows"),
        breakdowns=listed("breakdowns") or (),
        action_breakdowns=listed("action_breakdowns") or ("action_type",),
        action_report_time=query.get("action_report_time", "mixed"),
    )
    level = query.get("level", "campaign")  # report-run pages: the run's level (campaign)

    if len(config.action_breakdowns) > 1:  # one type a row per device: the row path adds
        assert_falls_back(content, config, level)
    else:
        assert_same(content, config, level)


def test_the_contract_cassette_is_read_without_the_row_path(meta, monkeypatch) -> None:
    calls: list[int] = []
    records = RowMapper.records
    monkeypatch.setattr(
        RowMapper, "records", lambda self, rows: calls.append(len(rows)) or records(self, rows)
    )
    with use_cassette(CASSETTES / "contract/ad_insights.yaml"), meta() as connector:
        stream = connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2)
        table = stream.to_arrow()

    assert calls == []  # both pages went columnar
    assert table.num_rows == 4
    assert table.column("spend").to_pylist() == [
        Decimal("412.37"),
        Decimal("188.90"),
        Decimal("398.05"),
        Decimal("95.40"),
    ]
    first = table.slice(0, 1).to_pylist()[0]
    key = {k: v for k, v in first.items() if not k.startswith("extra.")}
    assert first["record_id"] == record_id("performance", key)
    assert [n.code for n in stream.notices].count("unmapped_action_types") == 1


# -------------------------------------------------------------- hand-worked values


def test_hand_worked_values() -> None:
    page = body(
        [
            row(actions=acts(lead="7", landing_page_view="81", link_click="97")),
            row(campaign_id="102", account_name=""),
            row(campaign_id="103", actions=[], attribution_setting=""),
            row(
                campaign_id="104",
                actions=acts(purchase="2"),
                action_values=acts(purchase="99.90"),
                attribution_setting=...,
            ),
            row(
                campaign_id="105",
                actions=acts(omni_purchase="3", purchase="2"),
                action_values=acts(omni_purchase="150.00", purchase="100.00"),
                account_name=...,
            ),
            row(campaign_id="106", actions=[{"action_type": "lead"}], impressions=...),
        ],
        {"cursors": {"before": "MAZDZD", "after": "NQZDZD"}},
    )
    mapper = PageMapper(settings(), "campaign", ACCOUNT)
    table, paging = mapper.table(page)

    assert paging == {"cursors": {"before": "MAZDZD", "after": "NQZDZD"}}
    assert table.column("leads").to_pylist() == [7.0, None, None, None, None, 0.0]
    assert table.column("conversions").to_pylist() == [None, None, None, 2.0, 3.0, None]
    assert table.column("conversion_value").to_pylist() == [
        None,
        None,
        None,
        Decimal("99.90"),
        Decimal("150.00"),
        None,
    ]
    assert table.column("extra.landing_page_views").to_pylist() == [81.0] + [None] * 5
    # "" and a missing account_name are the account's name; "" / no setting is "unified"
    assert set(table.column("account_name").to_pylist()) == {"Shemesh Solar – IL"}
    assert table.column("attribution").to_pylist() == [
        "7d_click_1d_view",
        "7d_click_1d_view",
        "unified",
        "unified",
        "7d_click_1d_view",
        "7d_click_1d_view",
    ]
    assert table.column("impressions").to_pylist() == [5321] * 5 + [None]
    assert table.column("date").to_pylist() == [OCT_1] * 6
    assert set(table.column("level").to_pylist()) == {"campaign"}
    assert set(table.column("channel").to_pylist()) == {"paid_social"}
    assert set(table.column("currency").to_pylist()) == {"ILS"}
    assert table.column("ad_group_id").null_count == 6
    assert mapper.unmapped == {"link_click"}
    assert mapper.count == 6
    assert table.schema.field("spend").type == pa.decimal128(38, 6)
    assert table.schema.field("leads").type == pa.float64()
    assert "record_id" not in table.column_names  # the stream computes it
    assert_same(page, settings())


def test_a_sum_adds_in_the_rules_order_bit_for_bit() -> None:
    # (0.1 + 0.2) + 0.3 == 0.6000000000000001, while 0.1 + (0.2 + 0.3) == 0.6
    custom = [f"offsite_conversion.custom.{i}" for i in (1, 2, 3)]
    config = settings(
        actions={"leads": None, "conversions": {"action_types": custom, "combine": "sum"}}
    )
    entries = [
        {"action_type": t, "value": v} for t, v in zip(custom, ("0.1", "0.2", "0.3"), strict=True)
    ]
    page = body(
        [
            row(actions=list(reversed(entries))),  # the row's order does not matter
            row(campaign_id="2", actions=entries[1:]),  # 0.2 + 0.3
            row(campaign_id="3", actions=entries[:1]),
            row(campaign_id="4", actions=acts(link_click="5")),
        ]
    )
    table = assert_same(page, config)

    assert table.column("conversions").to_pylist() == [0.6000000000000001, 0.5, 0.1, None]
    assert table.column("leads").null_count == 4  # the rule is switched off


def test_fixed_windows_add_each_windows_value() -> None:
    config = settings(
        attribution_windows=["7d_click", "1d_view"],
        actions={"conversion_value": {"action_types": ["omni_purchase"], "combine": "sum"}},
    )
    page = body(
        [
            row(
                actions=[
                    {"action_type": "lead", "value": "9", "7d_click": "5", "1d_view": "2"},
                    {"action_type": "omni_purchase", "value": "9", "7d_click": "2"},
                ],
                action_values=[
                    {"action_type": "omni_purchase", "7d_click": "5980.00", "1d_view": "2990.50"}
                ],
            ),
            row(campaign_id="2", actions=[{"action_type": "lead", "value": "4"}]),
        ]
    )
    table = assert_same(page, config)

    assert table.column("leads").to_pylist() == [7.0, 0.0]  # 5 + 2; no window keys: 0
    assert table.column("conversions").to_pylist() == [2.0, None]  # 2 + (no 1d_view) 0
    assert table.column("conversion_value").to_pylist() == [Decimal("8970.50"), None]
    assert set(table.column("attribution").to_pylist()) == {"7d_click_1d_view"}


# --------------------------------------------------------- awkward generated pages

AWKWARD_ROWS = [
    row(actions=acts(lead="7", landing_page_view="81", page_engagement="165")),
    row(campaign_id="2"),  # no actions at all
    row(campaign_id="3", actions=[]),
    row(campaign_id="4", actions=acts(video_view="40", link_click="n/a")),  # unmapped only
    row(campaign_id="5", action_values=acts(omni_purchase="5980.00")),  # values only
    row(campaign_id="6", campaign_name=..., account_name=..., attribution_setting=...),
    row(campaign_id="7", account_name="", attribution_setting=""),
    row(campaign_id="8", actions=[{"value": "3"}, {"action_type": "lead"}]),
    row(campaign_id="9", impressions=..., reach=..., spend=..., inline_link_clicks=...),
    row(campaign_id=..., actions=acts(purchase="1", omni_purchase="2")),
    row(campaign_id="11", actions=acts(lead="0"), spend="0", clicks="0", impressions="-0"),
    row("2026-10-02", campaign_id="12", unknown={"nested": [1, 2, {"x": True}]}, n=7),
    row(campaign_id="13", actions=acts(offsite_conversion__fb_pixel_lead="4", lead="seven")[:1]),
    row(campaign_id="14", campaign_name='Ünïcode – "quoted" \\ name\nwith a newline'),
]

SETTINGS_CASES = {
    "default": {},
    "sums and extras": {
        "actions": {
            "leads": {
                "action_types": [
                    "offsite_conversion.fb_pixel_lead",
                    "onsite_conversion.lead_grouped",
                ],
                "combine": "sum",
            },
            "conversions": ["purchase"],
            "conversion_value": {"action_types": ["omni_purchase"], "combine": "sum"},
            "extra": {
                "videos": ["video_view"],
                "engaged": {"action_types": ["page_engagement", "video_view"], "combine": "sum"},
                "never": ["onsite_conversion.messaging_first_reply"],
            },
        }
    },
    "rules off": {"actions": {"leads": None, "conversions": None, "conversion_value": None}},
    "fixed windows": {"attribution_windows": ["28d_click"]},
}


@pytest.mark.parametrize("case", list(SETTINGS_CASES))
def test_awkward_rows_give_the_row_path_records(case) -> None:
    config = settings(**SETTINGS_CASES[case])
    paging = {"cursors": {"after": "MTMZD"}, "next": "https://graph.facebook.com/next"}

    assert_same(body(AWKWARD_ROWS, paging), config)
    assert_same(body(AWKWARD_ROWS[:1]), config)
    assert_same(body([]), config)


def test_account_and_ad_level_rows() -> None:
    account_rows = [
        {k: v for k, v in row(actions=acts(lead="3")).items() if not k.startswith("campaign")},
        {"date_start": "2026-10-02", "date_stop": "2026-10-02", "spend": "1.5"},
    ]
    table = assert_same(body(account_rows), settings(), "account")
    assert table.column("level").to_pylist() == ["account", "account"]
    assert table.column("campaign_id").null_count == 2
    assert table.column("account_name").to_pylist() == ["Shemesh Solar – IL"] * 2

    ad_row = row(adset_id="7", adset_name="Set", ad_id="9", ad_name="Ad", actions=acts(lead="1"))
    table = assert_same(body([ad_row, row(ad_id="10")]), settings(), "ad")
    assert table.column("level").to_pylist() == ["ad", "ad"]
    assert table.column("ad_group_id").to_pylist() == ["7", None]
    assert table.column("ad_id").to_pylist() == ["9", "10"]


def test_extra_fields_are_numbers_money_or_text() -> None:
    config = settings(
        extra_fields=["frequency", "quality_ranking", "social_spend", "cpc", "objective"]
    )
    rows = [
        row(frequency="1.297", quality_ranking="ABOVE_AVERAGE", social_spend="12.30"),
        row(campaign_id="2", frequency="2", quality_ranking="UNKNOWN", objective="LEADS"),
        row(campaign_id="3"),
    ]
    table = assert_same(body(rows), config)

    assert table.column("extra.frequency").to_pylist() == [1.297, 2.0, None]
    assert table.column("extra.quality_ranking").to_pylist() == ["ABOVE_AVERAGE", "UNKNOWN", None]
    assert table.column("extra.social_spend").to_pylist() == [Decimal("12.30"), None, None]
    assert table.column("extra.objective").to_pylist() == [None, "LEADS", None]
    # no row has cpc: a null column, as the row path's extras are
    assert table.schema.field("extra.cpc").type == pa.null()


def test_window_keys_nobody_asked_for_are_still_read_columnar() -> None:
    # entries with window keys under each ad set's attribution: the parse of the keys
    # mapping reads refuses them, the parse of every key the row path checks takes them
    stats = [{"action_type": "lead", "value": "4", "7d_click": "3", "1d_view": "1"}]
    rows = [row(actions=stats), row(campaign_id="2", actions=acts(lead="2"))]
    mapper = PageMapper(settings(), "campaign", ACCOUNT)

    table, _ = mapper.table(body(rows))

    assert table.column("leads").to_pylist() == [4.0, 2.0]
    assert_same(body(rows), settings())
    # a window key the row path refuses (a number): the row path, and its error
    stats[0]["7d_click"] = 3  # type: ignore[assignment]
    with pytest.raises(NotColumnarError):
        mapper.table(body(rows))
    with pytest.raises(DataError):
        mapper.page(body(rows), WHERE)


def test_ids_of_a_level_below_the_one_read_are_still_read_columnar() -> None:
    # a campaign-level read asks for no ad set or ad fields; a page that has them anyway
    # is parsed against every field the row path checks, and maps as it maps them
    rows = [row(adset_id="220", adset_name="Ad set 220"), row(campaign_id="2")]
    mapper = PageMapper(settings(), "campaign", ACCOUNT)

    table, _ = mapper.table(body(rows))

    assert table.column("ad_group_id").to_pylist() == ["220", None]
    assert table.column("ad_group_name").to_pylist() == ["Ad set 220", None]
    assert_same(body(rows), settings())
    # and one the row path refuses there (a number): the row path's error
    rows[0]["adset_id"] = 220
    with pytest.raises(DataError):
        mapper.page(body(rows), WHERE)


def test_negative_and_unicode_digit_counts_are_read_as_the_row_path_reads_them() -> None:
    # "-3": not ASCII decimal but plain digits, still columnar; "٣" (Arabic-Indic three):
    # not plain digits, the row path (which refuses it)
    assert_same(body([row(impressions="-3")]), settings())
    mapper = PageMapper(settings(), "campaign", ACCOUNT)
    with pytest.raises(NotColumnarError):
        mapper.table(body([row(impressions="\u0663")]))
    with pytest.raises(DataError):
        mapper.page(body([row(impressions="\u0663")]), WHERE)


def test_a_pretty_printed_page_is_read_columnar() -> None:
    rows = [row(actions=acts(lead="2")), row(campaign_id="2")]
    page = json.dumps({"data": rows, "paging": {"cursors": {"after": "x"}}}, indent=2).encode()

    assert b"\n" in page
    assert_same(page, settings())


def test_the_benchmark_pages_are_all_columnar() -> None:
    rows = []
    for i in range(300):
        kinds = ["link_click", "landing_page_view", "lead", "offsite_conversion.fb_pixel_lead"]
        kinds += ["page_engagement", "post_engagement", "video_view", "omni_purchase"][: i % 6]
        item = row(
            adset_id=f"22{i // 10}",
            ad_id=f"23{i}",
            ad_name=f"Ad {i} – rooftop solar",
            actions=[
                {"action_type": t, "value": str(1 + (i + k) % 90)} for k, t in enumerate(kinds)
            ],
        )
        if i % 3 == 0:
            item["action_values"] = acts(omni_purchase=f"{i}.00", purchase=f"{i}.00")
        rows.append(item)
    config = settings(level="ad", page_size=5000)
    mapper = PageMapper(config, "ad", ACCOUNT)

    mapped = mapper.page(body(rows).decode(), WHERE)

    assert isinstance(mapped["records"], pa.Table)
    assert mapper.fallbacks == 0
    assert_same(body(rows), config, "ad")


# ------------------------------------------------------------------ fallbacks


def test_pages_the_columnar_path_cannot_map_exactly_take_the_row_path() -> None:
    config = settings(extra_fields=["frequency"])
    lead_twice = [{"action_type": "lead", "value": "1"}, {"action_type": "lead", "value": "5"}]

    # pydantic reads "+5" as 5, Arrow does not: the row path
    assert assert_falls_back(body([row(impressions="+5")]), config)[0]["impressions"] == 5
    # seven decimals: the row path's Decimal, quantized later by the stream
    (spent,) = assert_falls_back(body([row(spend="412.3749999")]), config)
    assert spent["spend"] == Decimal("412.3749999")
    # a type listed twice: the row path keeps the last one
    assert assert_falls_back(body([row(actions=lead_twice)]), config)[0]["leads"] == 5.0
    # a JSON null, even in a field nobody reads
    assert_falls_back(body([row(unknown=None)]), config)
    # an extra field with a number and a word
    (first, second) = assert_falls_back(
        body([row(frequency="1.5"), row(campaign_id="2", frequency="n/a")]), config
    )
    assert (first["extra"]["frequency"], second["extra"]["frequency"]) == (1.5, "n/a")
    # a fallback type whose value is not a number, in a row that has the first type
    page = body([row(actions=acts(omni_purchase="2", purchase="x"))])
    assert assert_falls_back(page, config)[0]["conversions"] == 2.0
    # a JSON number where Meta sends a string (the row path's pydantic takes none of it)
    mapper = PageMapper(config, "campaign", ACCOUNT)
    with pytest.raises(NotColumnarError):
        mapper.table(body([row(frequency=1.5)]))


@pytest.mark.parametrize(
    ("rows", "column"),
    [
        ([row(impressions="0x10")], "data.0.impressions"),  # Arrow would read 16
        ([row(date_start=...)], "data.0.date_start"),
        ([row(date_stop="2026-13-01")], "data.0.date_stop"),
        ([row(), row(campaign_name=None)], "data.1.campaign_name"),
        ([row(actions=[{"action_type": "lead", "value": 7}])], "data.0.actions.0.value"),
    ],
)
def test_a_page_the_row_path_refuses_raises_its_data_error(rows, column) -> None:
    page = body(rows)
    mapper = PageMapper(settings(), "campaign", ACCOUNT)
    with pytest.raises(DataError) as expected:
        validate_page(PAGE, page, WHERE)

    with pytest.raises(DataError) as info:
        mapper.page(page, WHERE)

    assert mapper.fallbacks == 1
    assert info.value.column == expected.value.column == column
    assert str(info.value) == str(expected.value)


def _replace_first_page(meta, rows: list[dict[str, Any]]) -> Any:
    """Read contract/ad_insights.yaml with page 1 replaced by ``rows`` (page 2 as recorded)."""
    paging = {"cursors": {"after": "MQZDZD"}, "next": "https://graph.facebook.com/v26.0/next"}
    fault = Fault(200, {"Content-Type": "application/json; charset=UTF-8"}, body(rows, paging))
    with (
        use_cassette(CASSETTES / "contract/ad_insights.yaml", allow_unused=True) as tape,
        meta() as connector,
    ):
        tape.replace(1, fault)
        return connector.stream(stream="ad_insights", start=OCT_1, end=OCT_2).to_arrow()


def test_a_count_that_is_not_a_number_is_todays_data_error(meta, monkeypatch) -> None:
    taken = _spy(monkeypatch)
    with pytest.raises(DataError) as info:
        _replace_first_page(meta, [row(impressions="n/a")])

    assert taken == ["rows"]
    assert info.value.column == "data.0.impressions"
    assert info.value.value == "n/a"
    assert info.value.source == WHERE


def test_an_action_value_that_is_not_a_number_is_todays_data_error(meta, monkeypatch) -> None:
    taken = _spy(monkeypatch)
    with pytest.raises(DataError, match="action value that is not a number") as info:
        _replace_first_page(meta, [row(actions=acts(lead="seven"))])

    assert taken == ["rows"]
    assert info.value.column == "actions"
    assert info.value.source == "meta act_1029384756 2026-10-01 120210000000000101"


def test_a_fallback_page_and_columnar_pages_make_one_table(meta, monkeypatch) -> None:
    taken = _spy(monkeypatch)
    table = _replace_first_page(
        meta, [row(impressions="+5"), row(campaign_id="2", actions=acts(lead="3"))]
    )

    assert taken == ["rows", "columnar"]
    assert table.column("impressions").to_pylist()[:2] == [5, 5321]
    assert table.column("leads").to_pylist()[:2] == [None, 3.0]
    assert table.num_rows == 4  # two from the replaced page, two from page 2


def _spy(monkeypatch) -> list[str]:
    """Record which path each page took."""
    taken: list[str] = []
    table = PageMapper.table

    def spy(self: PageMapper, content: bytes) -> Any:
        try:
            result = table(self, content)
        except NotColumnarError:
            taken.append("rows")
            raise
        taken.append("columnar")
        return result

    monkeypatch.setattr(PageMapper, "table", spy)
    return taken
