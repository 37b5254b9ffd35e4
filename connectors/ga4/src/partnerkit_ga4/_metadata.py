"""A property's dimensions and metrics (``GET .../metadata``): validation and additivity."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from partnerkit.errors import UnknownFieldError
from partnerkit.records import Additivity

__all__ = [
    "DimensionInfo",
    "MetricInfo",
    "PropertyMetadata",
    "additivity",
    "metric_unit",
]

# GA4 metric types (the Data API's MetricType enum): the JSON names and, because the
# SDK asks for ``$alt=json;enum-encoding=int``, the numbers the REST API answers with.
METRIC_TYPES: dict[int, str] = {
    0: "METRIC_TYPE_UNSPECIFIED",
    1: "TYPE_INTEGER",
    2: "TYPE_FLOAT",
    4: "TYPE_SECONDS",
    5: "TYPE_MILLISECONDS",
    6: "TYPE_MINUTES",
    7: "TYPE_HOURS",
    8: "TYPE_STANDARD",
    9: "TYPE_CURRENCY",
    10: "TYPE_FEET",
    11: "TYPE_MILES",
    12: "TYPE_METERS",
    13: "TYPE_KILOMETERS",
}
BLOCKED_REASONS: dict[int, str] = {1: "NO_REVENUE_METRICS", 2: "NO_COST_METRICS"}

_UNITS = {
    "TYPE_INTEGER": "count",
    "TYPE_FLOAT": "number",
    "TYPE_STANDARD": "number",
    "TYPE_CURRENCY": "money",
    "TYPE_SECONDS": "seconds",
    "TYPE_MILLISECONDS": "milliseconds",
    "TYPE_MINUTES": "minutes",
    "TYPE_HOURS": "hours",
    "TYPE_FEET": "feet",
    "TYPE_MILES": "miles",
    "TYPE_METERS": "meters",
    "TYPE_KILOMETERS": "kilometers",
}

# Distinct counts of people, ratios, rates, averages and per-something metrics: summing
# them across days or slices gives a wrong number.
_NON_ADDITIVE = re.compile(
    r"(?:Users(?:$|[A-Z])|^users|Purchasers(?:$|[A-Z])|^purchasers|Rate(?:$|[A-Z])|^rate|"
    r"Per[A-Z]|^average|Average|returnOnAdSpend|Percentage)"
)
# Key events (formerly conversions) are counts even where GA4 types them TYPE_FLOAT.
_KEY_EVENTS = re.compile(r"^(?:keyEvents|conversions)(?::.+)?$")
_ADDITIVE_FLOATS = frozenset({"eventValue"})
# GA4 renamed conversions to key events in 2024; reports written before (or properties
# still on the old names) use the other name. Old → new; prefixes cover per-event metrics.
_RENAMED = {
    "conversions": "keyEvents",
    "sessionConversionRate": "sessionKeyEventRate",
    "userConversionRate": "userKeyEventRate",
    "advertiserAdCostPerConversion": "advertiserAdCostPerKeyEvent",
}
_RENAMED_BACK = {new: old for old, new in _RENAMED.items()}


def _renamed(name: str) -> list[str]:
    """The other names of a metric across the conversions → key events rename."""
    head, colon, event = name.partition(":")
    out = [n for n in (_RENAMED.get(head), _RENAMED_BACK.get(head)) if n]
    return [f"{n}{colon}{event}" for n in out]


def type_name(value: int | str | None) -> str:
    """A metric type as its enum name, from a name or the number REST sends."""
    if isinstance(value, int):
        return METRIC_TYPES.get(value, "METRIC_TYPE_UNSPECIFIED")
    return value or "METRIC_TYPE_UNSPECIFIED"


@dataclass(frozen=True)
class _Named:
    """What GA4's metadata says of every metric and dimension.

    Attributes:
        api_name: The name used in requests, e.g. ``"sessions"``, ``"sessionSource"``.
        ui_name: The name in GA4's interface.
        description: GA4's description.
    """

    api_name: str
    ui_name: str = ""
    description: str = ""


@dataclass(frozen=True)
class MetricInfo(_Named):
    """One metric of the property: its names and description, and what follows.

    Attributes:
        type: The metric type, e.g. ``"TYPE_INTEGER"``, ``"TYPE_CURRENCY"``.
        expression: The formula of a derived metric, if any.
        custom: True for the property's custom metrics and key events.
        blocked_reasons: Why the credentials only get zeros for it (e.g.
            ``NO_REVENUE_METRICS``); empty when readable.
        deprecated_api_names: Older names still accepted.
    """

    type: str = "METRIC_TYPE_UNSPECIFIED"
    expression: str = ""
    custom: bool = False
    blocked_reasons: tuple[str, ...] = ()
    deprecated_api_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class DimensionInfo(_Named):
    """One dimension of the property: its names and description, and what follows.

    Attributes:
        custom: True for the property's custom dimensions.
        deprecated_api_names: Older names still accepted.
    """

    custom: bool = False
    deprecated_api_names: tuple[str, ...] = ()


def additivity(metric: MetricInfo) -> Additivity:
    """Whether a GA4 metric may be summed across days and slices.

    Non-additive: distinct counts of people (any ``...Users``, purchasers), ratios,
    rates, averages and per-something metrics (by name), derived metrics that divide,
    and ``TYPE_FLOAT`` metrics (GA4's type for ratios) other than key events and event
    value. When unsure, non-additive: partnerkit then refuses to sum and says to
    re-query, which is safe; summing a distinct count is not.
    """
    name = metric.api_name
    if _KEY_EVENTS.match(name):
        return Additivity.ADDITIVE
    if _NON_ADDITIVE.search(name.split(":", 1)[0]) or "/" in metric.expression:
        return Additivity.NON_ADDITIVE
    if metric.type == "TYPE_FLOAT" and name not in _ADDITIVE_FLOATS:
        return Additivity.NON_ADDITIVE
    return Additivity.ADDITIVE


def metric_unit(metric: MetricInfo) -> str:
    """The unit of a metric's values: ``count``, ``money``, ``seconds``, ``number`` ..."""
    return _UNITS.get(metric.type, "number")


@dataclass
class PropertyMetadata:
    """The dimensions and metrics a property offers, with lookups by current or old name.

    Attributes:
        property_id: The property.
        dimensions: By API name.
        metrics: By API name.
    """

    property_id: str
    dimensions: dict[str, DimensionInfo] = field(default_factory=dict)
    metrics: dict[str, MetricInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._old_dimensions = {
            old: d.api_name for d in self.dimensions.values() for old in d.deprecated_api_names
        }
        self._old_metrics = {
            old: m.api_name for m in self.metrics.values() for old in m.deprecated_api_names
        }

    @classmethod
    def build(
        cls,
        property_id: str,
        dimensions: Iterable[DimensionInfo],
        metrics: Iterable[MetricInfo],
    ) -> PropertyMetadata:
        """Build from lists of dimensions and metrics."""
        return cls(
            property_id,
            {d.api_name: d for d in dimensions},
            {m.api_name: m for m in metrics},
        )

    @property
    def where(self) -> str:
        """How errors name this metadata."""
        return f"GA4 property {self.property_id}"

    def metric(self, name: str) -> tuple[MetricInfo, str | None]:
        """Look up a metric by its name, a deprecated one, or its other name.

        The other name is the one across the 2024 rename of conversions to key events:
        ``conversions:purchase`` finds ``keyEvents:purchase``, and the reverse on a
        property still on the old names.

        Returns:
            The metric and, when ``name`` is an old or other name, that name.

        Raises:
            UnknownFieldError: No such metric; the closest valid names are suggested
                (a dimension of that name is pointed out).
        """
        if name in self.metrics:
            return self.metrics[name], None
        if name in self._old_metrics:
            return self.metrics[self._old_metrics[name]], name
        for other in _renamed(name):
            if other in self.metrics:
                return self.metrics[other], name
        if name in self.dimensions or name in self._old_dimensions:
            raise UnknownFieldError(
                name, f"{self.where} metrics ({name!r} is a dimension, not a metric)"
            )
        raise UnknownFieldError(name, f"{self.where} metrics", self.suggest(name, self.metrics))

    def dimension(self, name: str) -> tuple[DimensionInfo, str | None]:
        """Look up a dimension by its name or a deprecated one (see :meth:`metric`)."""
        if name in self.dimensions:
            return self.dimensions[name], None
        if name in self._old_dimensions:
            return self.dimensions[self._old_dimensions[name]], name
        if name in self.metrics or name in self._old_metrics:
            raise UnknownFieldError(
                name, f"{self.where} dimensions ({name!r} is a metric, not a dimension)"
            )
        raise UnknownFieldError(
            name, f"{self.where} dimensions", self.suggest(name, self.dimensions)
        )

    def has_metric(self, name: str) -> bool:
        """True if ``name`` is a metric of the property (current or deprecated name)."""
        return name in self.metrics or name in self._old_metrics

    def key_event_metric(self) -> str | None:
        """``"keyEvents"``, or ``"conversions"`` on a property still on the old name."""
        for name in ("keyEvents", "conversions"):
            if name in self.metrics:
                return name
        return None

    def key_events(self) -> list[str]:
        """The property's key event names (from its ``keyEvents:<event>`` metrics)."""
        prefix = f"{self.key_event_metric() or 'keyEvents'}:"
        return sorted(n[len(prefix) :] for n in self.metrics if n.startswith(prefix))

    @staticmethod
    def suggest(name: str, options: Mapping[str, object], n: int = 3) -> list[str]:
        """The closest valid names to ``name`` (case-insensitive difflib match).

        Close matches first (similarity 0.6 and up); when there are none, the nearest
        looser ones (0.35 and up), so a typo and a wrong guess both get a hint.
        """
        by_lower: dict[str, str] = {}
        for option in options:
            by_lower.setdefault(option.lower(), option)
        keys, wanted = list(by_lower), name.lower()
        found = difflib.get_close_matches(wanted, keys, n=n, cutoff=0.6)
        found = found or difflib.get_close_matches(wanted, keys, n=n, cutoff=0.35)
        return [by_lower[f] for f in found]
