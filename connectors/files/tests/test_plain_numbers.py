"""The quick test of plain numbers with a point takes exactly the cells its pattern takes.

``_columns._plain_digits`` tells the money and float cells Arrow casts by itself: by
one RE2 pattern, or, when a column holds nothing but digits and points, by the
position of the point and the length (issue 20). Both must take the same cells.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st
from partnerkit_files._columns import _dotted, _plain_digits, _plain_pattern


@pytest.mark.parametrize(
    ("cell", "money", "float_"),
    [
        ("1", True, True),
        ("12.5", True, True),
        ("0.000001", True, True),
        ("1.1234567", False, True),  # money takes 6 decimals at most
        ("1" * 15 + ".5", True, True),
        ("1" * 16 + ".5", True, False),  # floats take 15 digits before the point
        ("1" * 32, True, False),
        ("1" * 33, False, False),
        ("", False, False),
        (".", False, False),
        (".5", False, False),
        ("5.", False, False),
        ("1..2", False, False),
        ("1.2.3", False, False),
    ],
)
def test_digits_and_points(cell: str, money: bool, float_: bool) -> None:
    # Beside "1": a column of digits and points only, taken by lengths when it can be.
    column = pa.array([cell, "1"], pa.string())

    assert _plain_digits(column, "money", ".").to_pylist() == [money, True]
    assert _plain_digits(column, "float", ".").to_pylist() == [float_, True]


def test_a_column_with_anything_else_is_left_to_the_pattern() -> None:
    for cells in (["1.5", "-1.5"], ["1.5", "1,5"], ["1.5", "1.2.3"], ["1.5", "x"]):
        assert _dotted(pa.array(cells, pa.string()), "money", ".") is None
    assert _dotted(pa.array(["1,5"], pa.string()), "money", ",") is not None
    assert _dotted(pa.array(["15"], pa.string()), "money", "٫") is None  # not ASCII


CELLS = st.lists(st.text(alphabet="0123456789.,", max_size=40), max_size=30)


@given(CELLS, st.sampled_from([".", ","]), st.sampled_from(["money", "float"]))
def test_the_same_cells_as_the_pattern(cells: list[str], point: str, kind: str) -> None:
    other = "," if point == "." else "."
    only_digits_and_points: Any = pa.array([c.replace(other, "") for c in cells], pa.string())
    column: Any = pa.array([*cells, None, "x", "1"], pa.string())
    for part in (column, column.slice(1), column.slice(0, len(cells)), only_digits_and_points):
        expected = pc.match_substring_regex(part, _plain_pattern(kind, point))

        assert _plain_digits(part, kind, point).to_pylist() == expected.to_pylist()
        digits = part.filter(pc.and_kleene(pc.is_valid(part), pc.not_equal(part, "x")))
        taken = _dotted(digits, kind, point)  # None only with a cell of two points
        if taken is not None:
            pattern = pc.match_substring_regex(digits, _plain_pattern(kind, point))
            assert taken.to_pylist() == pattern.to_pylist()
