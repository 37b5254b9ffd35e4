"""LinkedIn's answers, parsed: a body is the documented shape or a :class:`PageShapeError`.

The parsers see only the body; the connector adds the API, the account and the request
(:meth:`~partnerkit.errors.ResponseShapeError.of`). Every LinkedIn answer read here is a
JSON object; a list answer keeps its entities in ``elements`` (sent even when empty).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from partnerkit.errors import PageShapeError, ResponseShapeError
from partnerkit.pages import count, json_object, objects, text

__all__ = ["AnalyticsRow", "analytics_row", "count", "elements", "json_object", "text"]

describe = ResponseShapeError.describe

AnalyticsRow = dict[str, Any]


def elements(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``elements`` of a list answer, each an object (LinkedIn sends it even when empty).

    Raises:
        PageShapeError: ``elements`` is missing, not a list, or holds a non-object.
    """
    return objects(page, "elements", "an element object", note="which LinkedIn always sends")


def number(value: Any, where: str) -> float | None:
    """A number that may be fractional (conversions) or ``None`` when left out."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PageShapeError(where, "a number", describe(value))
    return float(value)


def money(value: Any, where: str) -> Decimal | None:
    """An amount as LinkedIn sends it (a decimal string) as an exact :class:`Decimal`."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PageShapeError(where, "a decimal amount", describe(value))
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PageShapeError(where, "a decimal amount", describe(value)) from None
    if not amount.is_finite():
        raise PageShapeError(where, "a decimal amount", describe(value))
    return amount


def urn_id(value: Any) -> str | None:
    """``urn:li:sponsoredCampaign:1111`` → ``"1111"``."""
    shown = text(value)
    return shown.rsplit(":", 1)[-1] if shown else None


def day(value: Any, where: str) -> dt.date:
    """A Rest.li date ``{"year", "month", "day"}``."""
    if not isinstance(value, dict):
        raise PageShapeError(where, "a date object {year, month, day}", describe(value))
    year, month, date = value.get("year"), value.get("month"), value.get("day")
    if not (
        isinstance(year, int)
        and isinstance(month, int)
        and isinstance(date, int)
        and not any(isinstance(p, bool) for p in (year, month, date))
    ):
        raise PageShapeError(where, "a date object {year, month, day}", describe(value))
    try:
        return dt.date(year, month, date)
    except (ValueError, OverflowError):
        raise PageShapeError(where, "a calendar date", describe(value)) from None


def epoch_ms(value: Any, where: str) -> dt.datetime | None:
    """Epoch milliseconds (LinkedIn's time stamps) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise PageShapeError(where, "epoch milliseconds", describe(value))
    try:
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise PageShapeError(where, "epoch milliseconds", describe(value)) from None


def analytics_row(element: Mapping[str, Any], index: int) -> AnalyticsRow:
    """One ad analytics element: its day, campaign and metrics.

    Raises:
        PageShapeError: A field is not its documented type.
    """
    at = f"elements[{index}]"
    date_range = element.get("dateRange")
    start = date_range.get("start") if isinstance(date_range, dict) else date_range
    pivots = element.get("pivotValues")
    if not isinstance(pivots, list) or not pivots or not isinstance(pivots[0], str):
        raise PageShapeError(f"{at}.pivotValues", "a list of campaign URNs", describe(pivots))
    return {
        "date": day(start, f"{at}.dateRange.start"),
        "campaign_id": urn_id(pivots[0]),
        "impressions": count(element.get("impressions"), f"{at}.impressions"),
        "clicks": count(element.get("clicks"), f"{at}.clicks"),
        "link_clicks": count(element.get("landingPageClicks"), f"{at}.landingPageClicks"),
        "spend": money(element.get("costInLocalCurrency"), f"{at}.costInLocalCurrency"),
        "conversions": number(
            element.get("externalWebsiteConversions"), f"{at}.externalWebsiteConversions"
        ),
        "leads": number(element.get("oneClickLeads"), f"{at}.oneClickLeads"),
    }
