"""The lead definition's classes as SQL: the one compilation of :meth:`LeadDefinition.classify`.

A lead is *sales-ready* when every ``sales_ready`` condition holds, else *nurture* when
every ``nurture`` condition holds (an empty list takes every other lead), else
*disqualified*. The conditions compile with :func:`conditions_sql`, which keeps the
model's semantics (a missing value never matches).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from partnerkit.analysis._engine import conditions_sql

if TYPE_CHECKING:
    import pyarrow as pa

    from partnerkit.model import LeadDefinition

__all__ = ["LeadClass", "lead_class_sql"]

LeadClass = Literal["sales_ready", "nurture"]


def lead_class_sql(
    definition: LeadDefinition, schema: pa.Schema, lead_class: LeadClass, alias: str = "v"
) -> str:
    """The SQL condition that a lead row (``alias``) is of a class of the definition.

    Args:
        definition: The workspace's lead definition.
        schema: The lead records' schema.
        lead_class: ``sales_ready`` or ``nurture`` (not sales-ready, passes ``nurture``).
        alias: The lead row's alias in the query.
    """
    ready = f"({conditions_sql(definition.sales_ready, schema, alias)})"
    if lead_class == "sales_ready":
        return ready
    nurture = conditions_sql(definition.nurture, schema, alias)
    return f"(NOT {ready} AND ({nurture}))"
