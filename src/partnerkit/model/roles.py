"""Roles and responsibilities: a RACI chart per area, with the grey zones flagged."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BeforeValidator, Field, model_validator

from partnerkit.model._base import Identifier, _Model, listify

__all__ = ["Responsibility"]

_Refs = Annotated[list[Identifier], BeforeValidator(listify)]


class Responsibility(_Model):
    """Who does what in one area of the engagement (a RACI row).

    Each party is a side (``partner`` or ``in_house``) or the id of a person listed
    under ``partner.people``. An area where nobody is responsible or accountable must
    be flagged ``grey_zone: true``: that is the point of writing it down.

    Attributes:
        area: The area, e.g. "Google Ads account", "Landing pages", "Lead follow-up".
        responsible: Who does the work.
        accountable: Who approves it and answers for it (one party).
        consulted: Who gives input before.
        informed: Who is told after.
        grey_zone: True when the split is unclear or disputed.
        notes: What is unclear, or how it was settled.
    """

    area: str = Field(min_length=1)
    responsible: _Refs = Field(default_factory=list)
    accountable: Identifier | None = None
    consulted: _Refs = Field(default_factory=list)
    informed: _Refs = Field(default_factory=list)
    grey_zone: bool = False
    notes: str | None = None

    @model_validator(mode="after")
    def _assigned_or_flagged(self) -> Self:
        if not self.grey_zone and (not self.responsible or self.accountable is None):
            missing = " and ".join(
                word
                for word, empty in (
                    ("responsible", not self.responsible),
                    ("accountable", self.accountable is None),
                )
                if empty
            )
            raise ValueError(
                f"nobody is {missing} for {self.area!r}: name who, or flag the area with "
                f"grey_zone: true"
            )
        return self

    @property
    def parties(self) -> list[str]:
        """Every party named in the row, in RACI order, without repeats."""
        names = [*self.responsible, *([self.accountable] if self.accountable else [])]
        names += [*self.consulted, *self.informed]
        return list(dict.fromkeys(names))
