"""Notices: what a read tells its user besides the records.

Kept apart from :mod:`partnerkit.connector` (which re-exports both names) so that
:mod:`partnerkit.stream` can use them without importing the connector module, which
itself builds streams: one direction of imports, no circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from partnerkit.records import Additivity, Role

__all__ = ["COLUMN_METADATA", "Notice"]

COLUMN_METADATA = "column_metadata"
"""The code of a :class:`Notice` that documents an ``extra`` column."""


@dataclass(frozen=True)
class Notice:
    """Something the user should know about a read, yielded among the records.

    A connector yields notices (rejected rows, thresholded data, sampling) in its
    record iterator; :class:`~partnerkit.stream.RecordStream` keeps them apart in
    ``stream.notices`` and logs them. Nothing is dropped without one.

    Attributes:
        level: ``"info"``, ``"warning"`` or ``"error"``.
        code: A stable machine-readable code, e.g. ``"rejected_row"``.
        message: What happened and what to do about it.
        details: Structured detail (file, row, column, value, ...).
    """

    level: Literal["info", "warning", "error"]
    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"[{self.level}] {self.code}: {self.message}"

    @classmethod
    def describe_extra(
        cls,
        name: str,
        description: str,
        *,
        additivity: Additivity = Additivity.NOT_APPLICABLE,
        unit: str = "count",
        role: Role = Role.METRIC,
    ) -> Notice:
        """Document an ``extra`` metric, as :mod:`partnerkit.records` documents standard ones.

        Yield it before the records that carry ``extra[name]``; the stream writes it
        into the Arrow field metadata of ``extra.<name>``, so analysis refuses to sum a
        non-additive extra metric just as it refuses to sum ``users``.

        Args:
            name: The key in ``extra``.
            description: What the value means.
            additivity: Whether the metric may be summed (required for a metric).
            unit: The unit, e.g. ``"count"``, ``"money"`` or ``"text"``.
            role: ``Role.METRIC`` (default) or ``Role.ATTRIBUTE`` for a descriptive
                extra such as a dimension's value.

        Raises:
            ValueError: A metric without its additivity, or an attribute with one.
        """
        if (role is Role.METRIC) == (additivity is Additivity.NOT_APPLICABLE):
            raise ValueError(
                f"extra.{name}: a metric needs its additivity (additive or non_additive); "
                f"an attribute has none"
            )
        return cls(
            "info",
            COLUMN_METADATA,
            f"extra.{name}: {description} ({role.value}, {additivity.value})",
            {
                "column": f"extra.{name}",
                "description": description,
                "role": role.value,
                "unit": unit,
                "additivity": additivity.value,
            },
        )
