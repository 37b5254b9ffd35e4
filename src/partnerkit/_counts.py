"""One home for summing counts that may be missing, row by row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def add_counts(sums: dict[str, int | None], row: Mapping[str, Any]) -> None:
    """Add a row's counts to the running sums, in place.

    A missing (``None``) count is left out of its sum, not counted as ``0``: a sum
    stays ``None`` until some row has a value for it.

    Args:
        sums: The running sums, one key per count (``dict.fromkeys(names)`` to start).
        row: One record (or any mapping with some of the counts).
    """
    for name, total in sums.items():
        value = row.get(name)
        if value is not None:
            sums[name] = (total or 0) + int(value)
