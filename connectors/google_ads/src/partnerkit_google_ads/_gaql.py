"""GAQL queries, built from validated parts only.

Nothing a user typed is pasted into a built-in stream's query: field names are
this module's constants (checked against the API version by :mod:`._schema` before
sending), dates are :class:`datetime.date` objects, enum values must look like enum
names and belong to the field's enum, and numbers are ints. The one exception is
the ``custom`` stream, whose query is the user's own: its fields must look like GAQL
names and pass GoogleAdsFieldService (:mod:`._reports`), its conditions are sent as
written, in parentheses, after the read's date range. :class:`Query` renders one line,
deterministically, so a recorded request matches byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from partnerkit_google_ads._settings import ENUM_NAME, Level

__all__ = [
    "CAMPAIGN_FIELDS",
    "CUSTOMER_CLIENT_FIELDS",
    "CUSTOMER_FIELDS",
    "LEVEL_KEYS",
    "LEVEL_RESOURCE",
    "METRICS",
    "Condition",
    "Query",
    "campaigns_query",
    "customer_clients_query",
    "customer_query",
    "leads_query",
    "performance_query",
]

_RESOURCE_NAME = re.compile(r"^[a-z][A-Za-z]*/\d+(/[a-z][A-Za-z]*/\d+)*$")
#: A GAQL field name: ``resource.field`` words of lower-case letters, digits and _.
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

#: The resource each performance level reads FROM.
LEVEL_RESOURCE: dict[Level, str] = {
    "account": "customer",
    "campaign": "campaign",
    "ad_group": "ad_group",
    "ad": "ad_group_ad",
}

CUSTOMER_FIELDS = (
    "customer.id",
    "customer.descriptive_name",
    "customer.currency_code",
    "customer.time_zone",
)
_CAMPAIGN = (
    "campaign.id",
    "campaign.name",
    "campaign.status",
    "campaign.advertising_channel_type",
)
_AD_GROUP = ("ad_group.id", "ad_group.name", "ad_group.status")
_AD = ("ad_group_ad.ad.id", "ad_group_ad.ad.name", "ad_group_ad.status")
_ATTRIBUTES: dict[Level, tuple[str, ...]] = {
    "account": (),
    "campaign": _CAMPAIGN,
    "ad_group": _CAMPAIGN + _AD_GROUP,
    "ad": _CAMPAIGN + _AD_GROUP + _AD,
}
#: The fields that identify a row at each level (lead rows are merged on them).
LEVEL_KEYS: dict[Level, tuple[str, ...]] = {
    "account": ("customer.id",),
    "campaign": ("campaign.id",),
    "ad_group": ("ad_group.id",),
    "ad": ("ad_group.id", "ad_group_ad.ad.id"),
}
METRICS = (
    "metrics.impressions",
    "metrics.clicks",
    "metrics.cost_micros",
    "metrics.conversions",
    "metrics.conversions_value",
    "metrics.all_conversions",
)
CAMPAIGN_FIELDS = (
    *CUSTOMER_FIELDS,
    *_CAMPAIGN,
    "campaign.start_date_time",
    "campaign.end_date_time",
    "campaign.final_url_suffix",
    "campaign.tracking_url_template",
    "campaign.url_custom_parameters",
    "campaign_budget.amount_micros",
    "campaign_budget.total_amount_micros",
    "campaign_budget.period",
)
CUSTOMER_CLIENT_FIELDS = (
    "customer_client.id",
    "customer_client.descriptive_name",
    "customer_client.currency_code",
    "customer_client.time_zone",
    "customer_client.level",
    "customer_client.manager",
    "customer_client.status",
)


@dataclass(frozen=True)
class Condition:
    """One ``WHERE`` condition, rendered from typed values."""

    text: str

    @classmethod
    def date_between(cls, start: dt.date, end: dt.date) -> Condition:
        """``segments.date BETWEEN 'start' AND 'end'`` (both inclusive)."""
        return cls(f"segments.date BETWEEN '{start.isoformat()}' AND '{end.isoformat()}'")

    @classmethod
    def enum_in(cls, field: str, values: Sequence[str]) -> Condition:
        """``field IN ('A', 'B')`` for enum names (sorted, so the query is stable)."""
        listed = _listed(field, sorted(values), ENUM_NAME, "an enum value name")
        return cls(f"{field} IN ({listed})")

    @classmethod
    def resource_in(cls, field: str, names: Sequence[str]) -> Condition:
        """``field IN ('customers/1/conversionActions/2', ...)`` for resource names.

        Each name is ``collection/id`` pairs of lower-camel words and digits only, so
        nothing needs quoting.
        """
        listed = _listed(field, names, _RESOURCE_NAME, "a resource name")
        return cls(f"{field} IN ({listed})")

    @classmethod
    def enum_equals(cls, field: str, value: str) -> Condition:
        """``field = 'VALUE'`` for an enum name."""
        _check_field(field)
        if not ENUM_NAME.match(value):
            raise ValueError(f"{value!r} is not an enum value name")
        return cls(f"{field} = '{value}'")

    @classmethod
    def int_at_most(cls, field: str, value: int) -> Condition:
        """``field <= value`` for an int."""
        _check_field(field)
        return cls(f"{field} <= {int(value)}")

    @classmethod
    def is_false(cls, field: str) -> Condition:
        """``field = FALSE``."""
        _check_field(field)
        return cls(f"{field} = FALSE")


def _check_field(name: str) -> None:
    if not FIELD_NAME.match(name):
        raise ValueError(f"{name!r} is not a GAQL field name")


def _listed(field: str, values: Sequence[str], pattern: re.Pattern[str], what: str) -> str:
    """The literals of ``field IN (...)``, quoted; each must match ``pattern`` (no quoting)."""
    _check_field(field)
    if not values:
        raise ValueError(f"{field} IN () needs at least one value")
    for value in values:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
    return ", ".join(f"'{v}'" for v in values)


@dataclass(frozen=True)
class Query:
    """A GAQL query: ``SELECT fields FROM resource [WHERE a AND b]``.

    Attributes:
        resource: The resource of the ``FROM`` clause.
        fields: The selected fields, in order.
        where: Conditions joined with ``AND``.
    """

    resource: str
    fields: tuple[str, ...]
    where: tuple[Condition, ...] = ()

    def __post_init__(self) -> None:
        if not re.match(r"^[a-z][a-z_]*$", self.resource):
            raise ValueError(f"{self.resource!r} is not a GAQL resource name")
        for name in self.fields:
            _check_field(name)

    def __str__(self) -> str:
        text = f"SELECT {', '.join(self.fields)} FROM {self.resource}"
        if self.where:
            text += " WHERE " + " AND ".join(c.text for c in self.where)
        return text


def customer_query() -> Query:
    """The customer's own name, currency, time zone and manager flag."""
    return Query("customer", (*CUSTOMER_FIELDS, "customer.manager"))


def customer_clients_query(depth: int) -> Query:
    """Enabled, non-manager client accounts under a manager, down to ``depth`` levels."""
    return Query(
        "customer_client",
        CUSTOMER_CLIENT_FIELDS,
        (
            Condition.int_at_most("customer_client.level", depth),
            Condition.is_false("customer_client.manager"),
            Condition.enum_equals("customer_client.status", "ENABLED"),
        ),
    )


def performance_query(level: Level, start: dt.date, end: dt.date) -> Query:
    """Daily metrics at a level, with the customer's and the objects' attributes."""
    fields = (*CUSTOMER_FIELDS, *_ATTRIBUTES[level], "segments.date", *METRICS)
    return Query(LEVEL_RESOURCE[level], fields, (Condition.date_between(start, end),))


def leads_query(level: Level, start: dt.date, end: dt.date, categories: Sequence[str]) -> Query:
    """Conversions of lead-category actions, by day, object and category."""
    fields = (
        *LEVEL_KEYS[level],
        "segments.date",
        "segments.conversion_action_category",
        "metrics.conversions",
    )
    where = (
        Condition.date_between(start, end),
        Condition.enum_in("segments.conversion_action_category", categories),
    )
    return Query(LEVEL_RESOURCE[level], fields, where)


def campaigns_query() -> Query:
    """Every campaign's settings, budget and URL options (removed ones too)."""
    return Query("campaign", CAMPAIGN_FIELDS)
