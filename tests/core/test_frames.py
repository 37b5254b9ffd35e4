"""One money type in pandas: every pandas view gives money as ``Float64``.

The rows below are worked by hand. spend 10.10, 20.20, 0.30 and a missing amount;
clicks 3, 4, 0, 5; conversion value 20.20, 5.05, 0, 1; campaigns a, b, a, b.
"""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.analysis import Dataset
from partnerkit.frames import format_money, money_places, to_pandas
from partnerkit.stream import RecordStream

ROWS = [
    ("a", "10.10", 3, "20.20"),
    ("b", "20.20", 4, "5.05"),
    ("a", "0.30", 0, "0"),
    ("b", None, 5, "1"),
]


def records() -> list[dict[str, object]]:
    return [
        {
            "date": dt.date(2026, 10, 1 + i),
            "platform": "meta",
            "account_id": "act_1",
            "campaign_id": campaign,
            "currency": "ILS",
            "clicks": clicks,
            "spend": None if spend is None else Decimal(spend),
            "conversion_value": Decimal(value),
        }
        for i, (campaign, spend, clicks, value) in enumerate(ROWS)
    ]


def stream_frame() -> pd.DataFrame:
    return RecordStream.from_records("performance", records(), name="t").to_pandas()


def dataset_frame() -> pd.DataFrame:
    data = Dataset.from_records({"performance": records()})
    return to_pandas(
        data.sql(
            "SELECT campaign_id, spend, clicks, conversion_value FROM performance ORDER BY date"
        )
    )


FRAMES = pytest.mark.parametrize("frame", [stream_frame, dataset_frame], ids=["stream", "dataset"])


@FRAMES
def test_money_is_nullable_float64(frame) -> None:
    df = frame()
    assert df["spend"].dtype == pd.Float64Dtype()
    assert df["conversion_value"].dtype == pd.Float64Dtype()
    assert df["clicks"].dtype == pd.Int64Dtype()
    assert df["spend"].isna().tolist() == [False, False, False, True]  # <NA>, never 0


@FRAMES
def test_spend_divided_by_clicks(frame) -> None:
    """The issue's case: on Arrow decimals this raised ArrowInvalid."""
    df = frame()
    cpc = df["spend"] / df["clicks"]
    assert cpc[0] == pytest.approx(3.3666666666666667, rel=1e-15)  # 10.10 / 3
    assert cpc[1] == 5.05  # 20.20 / 4
    assert cpc[2] == float("inf")  # 0.30 / 0: pandas' rule for a zero divisor
    assert cpc.isna().tolist() == [False, False, False, True]  # missing / 5
    guarded = df["spend"] / df["clicks"].where(df["clicks"] > 0)
    assert guarded.isna().tolist() == [False, False, True, True]  # the documented guard


@FRAMES
def test_money_divided_by_money(frame) -> None:
    df = frame()
    roas = df["conversion_value"] / df["spend"]
    assert roas[0] == 2.0  # 20.20 / 10.10
    assert roas[1] == 0.25  # 5.05 / 20.20
    assert roas[2] == 0.0  # 0 / 0.30
    assert pd.isna(roas[3])


@FRAMES
def test_sum_mean_and_comparison(frame) -> None:
    df = frame()
    total = df["spend"].sum()  # 10.10 + 20.20 + 0.30, the missing one skipped
    assert round(total, 2) == 30.6
    assert abs(total - 30.6) < 1e-12
    assert df["spend"].mean() == pytest.approx(10.2, rel=1e-15)  # 30.60 / 3
    assert (df["spend"] > 10).tolist() == [True, True, False, pd.NA]
    assert (df["spend"] == 20.2).tolist() == [False, True, False, pd.NA]
    assert (df["conversion_value"] > df["spend"]).tolist() == [True, False, False, pd.NA]


@FRAMES
def test_groupby_sum_then_divide(frame) -> None:
    df = frame()
    by = df.groupby("campaign_id")[["spend", "clicks", "conversion_value"]].sum()
    assert by["spend"].round(2).tolist() == [10.40, 20.20]  # a: 10.10 + 0.30; b: 20.20
    assert by["clicks"].tolist() == [3, 9]
    cpc = by["spend"] / by["clicks"]
    assert cpc.tolist() == pytest.approx([10.4 / 3, 20.2 / 9], rel=1e-15)
    assert (by["conversion_value"] / by["spend"]).tolist() == pytest.approx(
        [20.2 / 10.4, 6.05 / 20.2], rel=1e-15
    )
    assert df.groupby("campaign_id")["spend"].mean().tolist() == pytest.approx([5.2, 20.2])


def test_the_exact_amounts_stay_in_arrow_and_polars() -> None:
    table = RecordStream.from_records("performance", records(), name="t").to_arrow()
    assert table.schema.field("spend").type == pa.decimal128(38, 6)
    assert sum(v for v in table.column("spend").to_pylist() if v is not None) == Decimal("30.6")
    frame = RecordStream.from_records("performance", records(), name="t").to_polars()
    assert frame["spend"].sum() == Decimal("30.60")


def test_each_amount_becomes_the_nearest_double() -> None:
    """Arrow's own decimal cast gives 0.0041789999999999996 for 0.004179 (one unit off)."""
    amounts = ["0.004179", "58.772277", "4198878367.200394", "3979.315673", "-0.000001"]
    table = pa.table({"spend": pa.array([Decimal(a) for a in amounts], pa.decimal128(38, 6))})
    assert to_pandas(table)["spend"].tolist() == [float(a) for a in amounts]


def test_an_extra_money_column_is_float64_too() -> None:
    rows = [{**records()[0], "extra": {"fee": Decimal("1.50")}}]
    df = RecordStream.from_records("performance", rows, name="t").to_pandas()
    assert df["extra.fee"].dtype == pd.Float64Dtype()
    assert df["extra.fee"].tolist() == [1.5]


def test_to_pandas_of_an_empty_table_keeps_the_dtypes() -> None:
    df = RecordStream.from_records("performance", [], name="t").to_pandas()
    assert len(df) == 0
    assert df["spend"].dtype == pd.Float64Dtype()


@pytest.mark.parametrize(
    ("currency", "places"), [("ILS", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("ils", 2), (None, 2)]
)
def test_money_places_follow_babel(currency, places) -> None:
    assert money_places(currency) == places


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("100.000000"), "ILS", "100.00"),
        (Decimal("100.000000"), "JPY", "100"),
        (Decimal("1234.5"), "ILS", "1,234.50"),
        (Decimal("2.675"), "ILS", "2.68"),  # half to even: 7 is odd, so up
        (Decimal("2.665"), "ILS", "2.66"),  # half to even: 6 stays
        (Decimal("1.23450"), "KWD", "1.234"),
        (Decimal("-0.004"), "ILS", "0.00"),  # never "-0.00"
        (Decimal("1499.5"), "JPY", "1,500"),
        (Decimal("99999999999999999999999999999999.999999"), "USD", f"{10**32:,}.00"),
    ],
)
def test_format_money(value, currency, shown) -> None:
    assert format_money(value, currency) == shown


def test_large_negative_missing_and_sliced_amounts_are_the_nearest_double() -> None:
    """Unscaled integers past 2**53 take the text route; a slice starts mid-buffer."""
    amounts = [
        "99999999999.123457",  # unscaled 9.9e16 > 2**53
        "-9007199254.740993",  # unscaled -(2**53 + 1)
        "9007199254.740992",  # unscaled 2**53: still the fast route
        None,
        "-0.004179",
        "99999999999999999999999999999999.999999",
    ]
    array = pa.array([None if a is None else Decimal(a) for a in amounts], pa.decimal128(38, 6))
    table = pa.table({"spend": array})
    want = [None if a is None else float(Decimal(a)) for a in amounts]
    got = to_pandas(table)["spend"].astype(object).where(lambda s: s.notna(), None).tolist()
    assert got == want
    sliced = to_pandas(table.slice(1, 4))["spend"]
    assert sliced.isna().tolist() == [False, False, True, False]
    assert sliced.dropna().tolist() == [want[1], want[2], want[4]]


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(min_value=-(2**54), max_value=2**54),  # around the fast route's edge
            st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
        ),
        max_size=30,
    )
)
def test_every_amount_is_the_nearest_double(unscaled) -> None:
    amounts = [None if u is None else Decimal(f"{u}e-6") for u in unscaled]
    table = pa.table({"spend": pa.array(amounts, pa.decimal128(38, 6))})
    got = to_pandas(table)["spend"]
    assert got.isna().tolist() == [a is None for a in amounts]
    assert [float(v) for v in got.dropna()] == [float(a) for a in amounts if a is not None]
