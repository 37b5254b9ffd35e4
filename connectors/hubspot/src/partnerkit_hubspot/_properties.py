"""User-requested extra properties: validated against the portal's definitions and typed.

A property a user asks for must exist in the portal (``/crm/v3/properties/{object}``);
an unknown name fails the read with :class:`~partnerkit.errors.UnknownFieldError`
naming the closest real ones. Values are typed from the definition:

======================  ==================================================
HubSpot type            value in ``extra``
======================  ==================================================
``number`` (money)      :class:`~decimal.Decimal` (``showCurrencySymbol``)
``number``              ``float``
``datetime``            ISO 8601 text in UTC (``2026-10-05T09:30:00+00:00``)
``date``                ISO date text (``2026-10-05``)
``bool``                ``bool``
``enumeration``         the option's internal value, as text (``a;b`` when multiple)
anything else           text
======================  ==================================================

Properties that hold an email or a phone number are refused: partnerkit keeps those
only as salted hashes (``email_hash``, ``phone_hash``).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence

from partnerkit.connector import Notice
from partnerkit.errors import ConfigurationError, UnknownFieldError
from partnerkit.records import Additivity, ExtraValue
from partnerkit_hubspot._pages import parse_bool, parse_decimal, parse_timestamp, text
from partnerkit_hubspot._reference import PropertyDef

__all__ = ["PERSONAL_PROPERTIES", "ExtraProperties"]

#: HubSpot's default properties that hold an email or a phone number.
PERSONAL_PROPERTIES = frozenset(
    {
        "email",
        "work_email",
        "hs_additional_emails",
        "phone",
        "mobilephone",
        "fax",
        "hs_whatsapp_phone_number",
        "hs_calculated_phone_number",
        "hs_calculated_mobile_number",
        "hs_searchable_calculated_phone_number",
        "hs_searchable_calculated_mobile_number",
    }
)

Converter = Callable[[str | None], ExtraValue]


def _money(value: str | None) -> ExtraValue:
    return parse_decimal(value)


def _number(value: str | None) -> ExtraValue:
    number = parse_decimal(value)
    return None if number is None else float(number)


def _datetime(value: str | None) -> ExtraValue:
    moment = parse_timestamp(value)
    return None if moment is None else moment.isoformat()


def _date(value: str | None) -> ExtraValue:
    value = text(value)
    if value is None:
        return None
    if value.isdigit():  # a legacy epoch-milliseconds midnight
        moment = parse_timestamp(value)
        return None if moment is None else moment.date().isoformat()
    return dt.date.fromisoformat(value[:10]).isoformat()


def _bool(value: str | None) -> ExtraValue:
    return parse_bool(value)


def _converter(definition: PropertyDef) -> Converter:
    if definition.type == "number":
        return _money if definition.show_currency_symbol else _number
    return {"datetime": _datetime, "date": _date, "bool": _bool}.get(definition.type, text)


def _is_personal(definition: PropertyDef) -> bool:
    return definition.name in PERSONAL_PROPERTIES or definition.field_type == "phonenumber"


class ExtraProperties:
    """The extra properties of one object type, validated and ready to type values.

    Args:
        requested: The property names the user asked for, in order.
        definitions: The portal's property definitions of the object type.
        object_type: ``contacts`` or ``deals``, for messages.
        setting: The setting the names came from, for messages.

    Raises:
        UnknownFieldError: A name the portal does not define; the closest are suggested.
        ConfigurationError: A property that holds an email or a phone number.
    """

    def __init__(
        self,
        requested: Sequence[str],
        definitions: Iterable[PropertyDef],
        *,
        object_type: str,
        setting: str,
    ) -> None:
        by_name = {d.name: d for d in definitions}
        self.definitions: list[PropertyDef] = []
        for name in requested:
            definition = by_name.get(name)
            if definition is None:
                close = difflib.get_close_matches(name, list(by_name), n=3, cutoff=0.6)
                raise UnknownFieldError(
                    name, f"HubSpot {object_type} properties ({setting})", suggestions=close
                )
            if _is_personal(definition):
                raise ConfigurationError(
                    f"{setting}: {name!r} holds an email or a phone number, which partnerkit "
                    "never copies into records; leads carry them only as salted hashes "
                    "(email_hash from 'email', phone_hash from 'phone' or 'mobilephone')."
                )
            self.definitions.append(definition)
        self._converters = [(d.name, _converter(d)) for d in self.definitions]

    @property
    def names(self) -> list[str]:
        """The validated property names, to request from HubSpot."""
        return [d.name for d in self.definitions]

    def notices(self) -> list[Notice]:
        """Document the numeric extras (unit and additivity) for the Arrow metadata.

        Money (``showCurrencySymbol``) is additive; other numbers (scores, counts
        HubSpot computes per record) are marked non-additive, which is the safe side.
        """
        out = []
        for d in self.definitions:
            if d.type != "number":
                continue
            money = d.show_currency_symbol
            described = f"{d.label} (HubSpot property {d.name})"
            if d.description:
                described += f": {d.description}"
            out.append(
                Notice.describe_extra(
                    d.name,
                    described,
                    additivity=Additivity.ADDITIVE if money else Additivity.NON_ADDITIVE,
                    unit="money" if money else "count",
                )
            )
        return out

    def convert(
        self, properties: Mapping[str, str | None], problems: list[tuple[str, str]]
    ) -> dict[str, ExtraValue]:
        """Type one object's extra values; unreadable ones become ``None``.

        Args:
            properties: The object's ``properties``.
            problems: Receives ``(property, reason)`` for each unreadable value.

        Returns:
            The ``extra`` mapping (every requested name present).
        """
        extra: dict[str, ExtraValue] = {}
        for name, convert in self._converters:
            try:
                extra[name] = convert(properties.get(name))
            except ValueError as exc:
                extra[name] = None
                problems.append((name, str(exc) or "unreadable value"))
        return extra
