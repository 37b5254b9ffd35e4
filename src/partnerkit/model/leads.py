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

    def kpis(self) -> dict[str, KPI]:
        """The KPIs of the lead agreement, by id, for targets to name.

        * ``sales_ready_leads``: leads (inquiries, not deleted) that pass every
          ``sales_ready`` condition.
        * ``nurture_leads``: leads that pass every ``nurture`` condition and are not
          sales-ready — counted as the leads that pass ``nurture`` minus those that pass
          ``nurture`` and ``sales_ready`` both, so :meth:`classify`'s order holds.
        * ``joint_closed_deals``: the shared target of marketing and sales — deals
          closed-won (not deleted) by their close date that are tied to a lead
          (``contact_ids`` is not null), i.e. deals sales closed from a lead marketing
          delivered into the CRM. A target scoped to a source counts the deals whose
          first lead came from it (the engine's deal attribution).

        Each uses this definition's own conditions, not a copy.
        """
        not_deleted = Condition.model_validate("is_deleted != true")
        nurture = Measure(count=RecordKind.LEAD, where=[*self.nurture, not_deleted])
        both = [*self.nurture, *self.sales_ready, not_deleted]
        specs = (
            (
                "sales_ready_leads",
                "Sales-ready leads",
                "Leads (inquiries) that pass the workspace's lead definition.",
                Measure(count=RecordKind.LEAD, where=[*self.sales_ready, not_deleted]),
            ),
            (
                "nurture_leads",
                "Nurture leads",
                "Leads (inquiries) the lead definition sends to nurturing, not to sales.",
                nurture.model_copy(update={"minus": Measure(count=RecordKind.LEAD, where=both)}),
            ),
            (
                "joint_closed_deals",
                "Joint closed deals",
                "Deals closed-won that are tied to a lead: marketing's lead, sales' close.",
                Measure(
                    count=RecordKind.DEAL,
                    where=[
                        Condition.model_validate("is_closed_won == true"),
                        Condition.model_validate("contact_ids is not null"),
                        not_deleted,
                    ],
                ),
            ),
        )
        return {
            kpi_id: KPI(
                id=kpi_id,
                name=name,
                description=description,
                unit=KPIUnit.COUNT,
                direction=Direction.HIGHER,
                measure=measure,
            )
            for kpi_id, name, description, measure in specs
        }

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
