"""The written lead definition: which leads are sales-ready and which go to nurturing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from partnerkit.model._base import _Model
from partnerkit.model.kpis import KPI, Condition, Direction, KPIUnit, Measure, check_condition
from partnerkit.records import RecordKind

__all__ = ["LeadDefinition"]

_Conditions = Annotated[
    list[Condition], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)
]


class LeadDefinition(_Model):
    """What marketing and sales agreed a good lead is, as conditions on lead records.

    A lead is *sales-ready* when it passes every ``sales_ready`` condition; otherwise
    it goes to *nurture* when it passes every ``nurture`` condition (an empty list
    takes every other lead); otherwise it is *disqualified*. Custom CRM properties are
    written ``extra.<name>``.

    Attributes:
        description: The agreement in words.
        sales_ready: Conditions a sales-ready lead passes (all of them).
        nurture: Conditions a lead to nurture passes (all of them).
    """

    description: str | None = None
    sales_ready: _Conditions = Field(min_length=1)
    nurture: _Conditions = Field(default_factory=list)

    @model_validator(mode="after")
    def _lead_columns(self) -> Self:
        problems = [
            f"{group}[{i}]: {problem}"
            for group in ("sales_ready", "nurture")
            for i, cond in enumerate(getattr(self, group))
            if (problem := check_condition(cond, RecordKind.LEAD))
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def kpi(self) -> KPI:
        """The ``sales_ready_leads`` KPI of this definition.

        It counts leads (inquiries, not deleted) that pass every ``sales_ready``
        condition — this definition's own conditions, not a copy.
        """
        return KPI(
            id="sales_ready_leads",
            name="Sales-ready leads",
            description="Leads (inquiries) that pass the workspace's lead definition.",
            unit=KPIUnit.COUNT,
            direction=Direction.HIGHER,
            measure=Measure(
                count=RecordKind.LEAD,
                where=[*self.sales_ready, Condition.model_validate("is_deleted != true")],
            ),
        )

    def classify(
        self, lead: Mapping[str, Any]
    ) -> Literal["sales_ready", "nurture", "disqualified"]:
        """Classify one lead record.

        Args:
            lead: The lead record dict.

        Returns:
            ``"sales_ready"``, ``"nurture"`` or ``"disqualified"``.
        """
        if all(c.test(lead) for c in self.sales_ready):
            return "sales_ready"
        if all(c.test(lead) for c in self.nurture):
            return "nurture"
        return "disqualified"
