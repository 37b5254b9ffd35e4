"""The partner: who the business works with, the people on both sides, the escalation path."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from partnerkit.model._base import Duration, Identifier, Side, _Model, matching

__all__ = ["EscalationStep", "Partner", "PartnerKind", "Person", "PointPeople"]

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


_Email = Annotated[str, matching(_EMAIL_RE, "must be an email address such as noa@agency.example")]


class PartnerKind(StrEnum):
    """The kind of partner; they differ in cost structure, breadth and depth."""

    AGENCY = "agency"
    """A team with several specialists; scales, costs more, more management overhead."""
    FREELANCER = "freelancer"
    """One hands-on specialist; cheaper, narrower, limited capacity."""
    CONSULTANT = "consultant"
    """Strategy and guidance; the business or others execute."""


class Person(_Model):
    """Someone who takes part in the engagement, on either side.

    Attributes:
        id: How other entries refer to this person (``noa``).
        name: Full name.
        side: ``partner`` or ``in_house``.
        role: Job or role in the engagement, e.g. "Account manager", "Head of sales".
        email: Work email, if you want it in the file.
        phone: Phone number, if you want it in the file.
    """

    id: Identifier
    name: str = Field(min_length=1)
    side: Side
    role: str | None = None
    email: _Email | None = None
    phone: str | None = None


class PointPeople(_Model):
    """The point person on each side: the first one to talk to.

    Attributes:
        partner: Id of the partner-side point person (e.g. the account manager).
        in_house: Id of the business-side point person (e.g. the marketing manager).
    """

    partner: Identifier | None = None
    in_house: Identifier | None = None


class EscalationStep(_Model):
    """One step of the escalation path.

    Attributes:
        person: Id of the person to escalate to at this step.
        after: How long an issue stays unresolved before it reaches this step.
        note: When and how to use this step.
    """

    person: Identifier
    after: Duration | None = None
    note: str | None = None


class Partner(_Model):
    """The agency, freelancer or consultant the business works with.

    Attributes:
        id: How targets refer to the partner (``scope: {partner: <id>}``).
        name: The partner's name.
        kind: ``agency``, ``freelancer`` or ``consultant``.
        website: The partner's website.
        people: The people of the engagement on both sides, each with a ``side``.
        point_people: The point person on each side.
        escalation: The escalation path, first step first.
        notes: Free text.
    """

    id: Identifier
    name: str = Field(min_length=1)
    kind: PartnerKind
    website: str | None = None
    people: list[Person] = Field(default_factory=list)
    point_people: PointPeople = Field(default_factory=PointPeople)
    escalation: list[EscalationStep] = Field(default_factory=list)
    notes: str | None = None

    def person(self, person_id: str) -> Person | None:
        """Return the person with this id, or ``None``."""
        return next((p for p in self.people if p.id == person_id), None)

    def people_on(self, side: Side | str) -> list[Person]:
        """Return the people on one side, in file order."""
        return [p for p in self.people if p.side == Side(side)]
