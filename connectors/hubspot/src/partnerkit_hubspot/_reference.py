"""Reference data the connector reads once per run: the portal, pipelines, owners, properties."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["HubSpotOwner", "HubSpotPipeline", "HubSpotPortal", "HubSpotStage", "PropertyDef"]


@dataclass(frozen=True)
class HubSpotPortal:
    """The HubSpot account (portal) a token reads, from ``/account-info/v3/details``.

    Attributes:
        portal_id: The portal's id (the Hub ID), as a string.
        time_zone: The portal's IANA time zone; read ranges and the daily limit use it.
        currency: The company currency: the currency of a deal without its own.
        account_type: ``STANDARD``, ``SANDBOX``, ``DEVELOPER_TEST`` or ``APP_DEVELOPER``.
    """

    portal_id: str
    time_zone: str
    currency: str | None
    account_type: str | None = None


@dataclass(frozen=True)
class HubSpotStage:
    """A deal stage, with HubSpot's closed / won / lost semantics from its metadata.

    Attributes:
        id: The stage id (``closedwon``, or a number for custom stages).
        label: The stage's label.
        display_order: Its position in the pipeline.
        is_closed: ``metadata.isClosed``.
        probability: ``metadata.probability`` (0 to 1), when set.
        archived: Whether the stage is archived.
    """

    id: str
    label: str
    display_order: int
    is_closed: bool
    probability: Decimal | None
    archived: bool = False

    @property
    def is_won(self) -> bool:
        """A closed stage with probability 1: closed-won."""
        return self.is_closed and self.probability == 1

    @property
    def is_lost(self) -> bool:
        """A closed stage with probability 0: closed-lost."""
        return self.is_closed and self.probability == 0


@dataclass(frozen=True)
class HubSpotPipeline:
    """A deal pipeline and its stages.

    Attributes:
        id: The pipeline id (``default`` for the first one).
        label: Its label.
        display_order: Its position.
        stages: The stages in display order.
        archived: Whether the pipeline is archived.
    """

    id: str
    label: str
    display_order: int
    stages: tuple[HubSpotStage, ...]
    archived: bool = False

    def stage(self, stage_id: str) -> HubSpotStage | None:
        """The stage with this id, or ``None``."""
        return next((s for s in self.stages if s.id == stage_id), None)


@dataclass(frozen=True)
class HubSpotOwner:
    """A HubSpot owner (a user or a queue records are assigned to).

    Attributes:
        id: The owner id (``hubspot_owner_id`` on records).
        first_name: First name, when set.
        last_name: Last name, when set.
        email: The owner's (work) email.
        user_id: The HubSpot user id, when the owner is a user.
        type: ``PERSON`` or ``QUEUE``.
        teams: The names of the owner's teams.
        archived: True for an owner who was removed (records may still point to them).
    """

    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    user_id: int | None
    type: str | None
    teams: tuple[str, ...]
    archived: bool

    @property
    def name(self) -> str | None:
        """First and last name, as HubSpot shows them."""
        parts = [p for p in (self.first_name, self.last_name) if p]
        return " ".join(parts) or None


@dataclass(frozen=True)
class PropertyDef:
    """A property definition, from ``/crm/v3/properties/{object}``.

    Attributes:
        name: The internal name.
        label: The label shown in HubSpot.
        type: ``string``, ``number``, ``date``, ``datetime``, ``enumeration``, ``bool``
            (also ``phone_number`` and ``object_coordinates`` on some properties).
        field_type: How HubSpot shows it (``text``, ``select``, ``phonenumber``...).
        description: HubSpot's help text.
        show_currency_symbol: A number property holding money.
    """

    name: str
    label: str
    type: str
    field_type: str
    description: str = ""
    show_currency_symbol: bool = False
