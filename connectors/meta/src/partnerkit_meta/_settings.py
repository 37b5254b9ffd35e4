"""Settings of the Meta connector: credentials, accounts, level, actions and attribution."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Self, cast

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from partnerkit.connector import HttpConnectorSettings

__all__ = [
    "ACTION_BREAKDOWNS",
    "ATTRIBUTION_WINDOWS",
    "BASE_INSIGHTS_FIELDS",
    "BREAKDOWNS",
    "ID_FIELDS",
    "METRIC_FIELDS",
    "ActionMapping",
    "ActionRule",
    "Level",
    "MetaSettings",
    "account_id",
    "check_breakdowns",
    "parse_level",
    "sdk_api_version",
]

Level = Literal["account", "campaign", "adset", "ad"]

#: Attribution windows the connector accepts, as the Insights API names them.
ATTRIBUTION_WINDOWS: tuple[str, ...] = ("1d_click", "7d_click", "28d_click", "1d_view", "1d_ev")

#: The ``breakdowns`` the connector reads (each one splits a day's row; its values go
#: into the record's ``segment``). Hourly breakdowns are left out: the grain is a day.
BREAKDOWNS: tuple[str, ...] = (
    "age",
    "gender",
    "country",
    "region",
    "publisher_platform",
    "platform_position",
    "device_platform",
    "impression_device",
    "product_id",
)
#: Per insights level, its object's id and name fields.
ID_FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("account_id", "account_name"),
    "campaign": ("campaign_id", "campaign_name"),
    "adset": ("adset_id", "adset_name"),
    "ad": ("ad_id", "ad_name"),
}
#: The metrics every insights request asks for.
METRIC_FIELDS: tuple[str, ...] = (
    "impressions",
    "reach",
    "clicks",
    "inline_link_clicks",
    "spend",
    "actions",
    "action_values",
)
#: Insights fields read into standard columns (never allowed in ``extra_fields``).
BASE_INSIGHTS_FIELDS: frozenset[str] = frozenset(
    [
        *(name for names in ID_FIELDS.values() for name in names),
        "date_start",
        "date_stop",
        *METRIC_FIELDS,
        "attribution_setting",
        *BREAKDOWNS,
    ]
)

#: The ``action_breakdowns`` the connector accepts: they split the ``actions`` array
#: only (spend and impressions are not split), so the standard columns add the
#: entries of one action type back together.
ACTION_BREAKDOWNS: tuple[str, ...] = (
    "action_type",
    "action_target_id",
    "action_destination",
    "action_device",
    "action_carousel_card_id",
    "action_carousel_card_name",
    "action_video_sound",
    "action_video_type",
)
#: The placement sets: Meta serves each of them alone and with ``action_device``.
_PLACEMENT_SETS: tuple[tuple[str, ...], ...] = (
    ("impression_device",),
    ("publisher_platform",),
    ("publisher_platform", "impression_device"),
    ("publisher_platform", "platform_position"),
    ("publisher_platform", "platform_position", "impression_device"),
)
#: The breakdown sets Meta serves together (Marketing API, "Insights API Breakdowns",
#: "Combining Breakdowns"; every one of them joins with action_type,
#: action_target_id and action_destination).
_BREAKDOWN_SETS: frozenset[frozenset[str]] = frozenset(
    frozenset(names)
    for names in (
        (),
        ("age",),
        ("gender",),
        ("age", "gender"),
        ("country",),
        ("region",),
        ("device_platform",),
        ("product_id",),
        *_PLACEMENT_SETS,
    )
)
#: The breakdown sets ``action_device`` joins: none, or the placement ones.
_ACTION_DEVICE_SETS = frozenset(frozenset(names) for names in ((), *_PLACEMENT_SETS))
#: Action breakdowns Meta serves only without a delivery breakdown.
_ACTION_ALONE = frozenset(
    {
        "action_carousel_card_id",
        "action_carousel_card_name",
        "action_video_sound",
        "action_video_type",
    }
)


def _names(values: tuple[str, ...]) -> str:
    return " + ".join(values) if values else "none"


def check_breakdowns(breakdowns: tuple[str, ...], action_breakdowns: tuple[str, ...]) -> None:
    """Refuse a ``breakdowns`` / ``action_breakdowns`` pair Meta does not serve together.

    The rules are the "Combining Breakdowns" table of Meta's Insights API
    Breakdowns page: a breakdown set joins ``action_type``, ``action_target_id``
    and ``action_destination``; ``action_device`` joins only the placement sets;
    carousel-card and video action breakdowns join no breakdown.

    Args:
        breakdowns: The ``breakdowns`` setting, in its order.
        action_breakdowns: The ``action_breakdowns`` setting.

    Raises:
        ValueError: The pair is not one Meta serves; the message names the pair and
            the sets that are.
    """
    asked = frozenset(breakdowns)
    said = f"breakdowns [{_names(breakdowns)}] with action_breakdowns [{_names(action_breakdowns)}]"
    if asked not in _BREAKDOWN_SETS:
        served = "; ".join(
            sorted(" + ".join(n for n in BREAKDOWNS if n in s) for s in _BREAKDOWN_SETS if s)
        )
        raise ValueError(
            f'{said}: Meta does not serve {_names(breakdowns)} together ("Combining '
            f'Breakdowns" in its Insights API docs). It serves: {served}. Read another '
            "set with a second Meta connection"
        )
    if "action_device" in action_breakdowns and asked not in _ACTION_DEVICE_SETS:
        raise ValueError(
            f"{said}: Meta joins action_device only with no breakdown or with "
            "publisher_platform, platform_position and impression_device; drop "
            "action_device, or read it with a second Meta connection"
        )
    alone = sorted(_ACTION_ALONE.intersection(action_breakdowns))
    if alone and asked:
        raise ValueError(
            f"{said}: Meta serves {', '.join(alone)} only without breakdowns; read them "
            "with a second Meta connection whose breakdowns are empty"
        )


def _known(what: str, value: tuple[str, ...], known: tuple[str, ...]) -> tuple[str, ...]:
    """The names, trimmed and each once, in their order; an unknown one is refused.

    Raises:
        ValueError: A name not in ``known``, with the closest one when there is one.
    """
    names = tuple(dict.fromkeys(v.strip() for v in value))
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"{name!r} is not a {what} the connector reads{hint} (it reads {', '.join(known)})"
            )
    return names


_LEVEL_ALIASES = {"ad_set": "adset", "ad_group": "adset", "adgroup": "adset", "adsets": "adset"}
_ACCOUNT_RE = re.compile(r"^(?:act_)?(\d+)$")
_VERSION_RE = re.compile(r"^v\d+\.\d+$")
_SCALAR_TYPES = frozenset({"string", "int", "unsigned int", "float", "numeric string"})


def sdk_api_version() -> str:
    """The Graph API version the installed facebook-business SDK was generated for."""
    from partnerkit_meta._sdk import api_version

    return api_version()


def account_id(value: str) -> str:
    """Normalise an ad account id to Meta's ``act_<digits>`` form.

    Args:
        value: ``act_1029384756`` or ``1029384756`` (surrounding spaces are ignored).

    Returns:
        The id with its ``act_`` prefix.

    Raises:
        ValueError: The value is not an ad account id.
    """
    match = _ACCOUNT_RE.match(str(value).strip())
    if match is None:
        raise ValueError(
            f"{value!r} is not a Meta ad account id: use the number Ads Manager shows "
            "(e.g. act_1029384756 or 1029384756), not a business, page or pixel id"
        )
    return f"act_{match.group(1)}"


def parse_level(value: Any) -> Level:
    """Read an insights level: ``account``, ``campaign``, ``adset`` (or ``ad_set``), ``ad``.

    Raises:
        ValueError: Any other value.
    """
    text = _LEVEL_ALIASES.get(str(value).strip().lower(), str(value).strip().lower())
    if text not in ("account", "campaign", "adset", "ad"):
        raise ValueError(
            f"{value!r} is not an insights level; use account, campaign, adset (ad_set) or ad"
        )
    return cast(Level, text)


# ----------------------------------------------------------------------- actions


_PART_PREFIXES = (
    "offsite_conversion.fb_pixel_",
    "onsite_web_app_",
    "onsite_web_",
    "onsite_conversion.",
    "app_custom_event.fb_mobile_",
)


def _event_family(action_type: str) -> tuple[str, int] | None:
    """The conversion event an action type counts, and how much of it (2 > 1 > 0).

    Meta reports one event under several action types: ``omni_purchase`` (2) is the
    total of every channel and contains ``purchase`` (1), which contains channel
    parts such as ``offsite_conversion.fb_pixel_purchase`` (0); ``lead`` (1) is the
    sum of its parts ``offsite_conversion.fb_pixel_lead`` and
    ``onsite_conversion.lead_grouped`` (0). Custom conversions
    (``offsite_conversion.custom.<id>``) are events of their own.

    Returns:
        ``(event, rank)``, or ``None`` for a custom conversion.
    """
    if action_type.startswith("offsite_conversion.custom."):
        return None
    if action_type.startswith("omni_"):
        return action_type[len("omni_") :], 2
    for prefix in _PART_PREFIXES:
        if action_type.startswith(prefix):
            base = action_type[len(prefix) :]
            return ("lead" if base in ("lead_grouped", "leadgen_grouped") else base), 0
    return action_type, 1


class ActionRule(BaseModel):
    """How one metric is read from a row's ``actions`` (or ``action_values``) array.

    Written in YAML either as a list (``[lead]``: the first type present wins) or as
    a mapping (``{action_types: [...], combine: sum}``).

    Attributes:
        action_types: The Meta action types, in priority order.
        combine: ``first``: the value of the first type the row has, the others are a
            fallback and are never added; ``sum``: the sum of every listed type, for
            types that count different events (two custom conversions, or the parts
            ``offsite_conversion.fb_pixel_lead`` + ``onsite_conversion.lead_grouped``).
            A sum of a total and one of its parts (``lead`` +
            ``offsite_conversion.fb_pixel_lead``) is refused: it double counts.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    action_types: tuple[str, ...] = Field(min_length=1)
    combine: Literal["first", "sum"] = "first"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"action_types": (value,)}
        if isinstance(value, list | tuple):
            return {"action_types": tuple(value)}
        return value

    @field_validator("action_types")
    @classmethod
    def _clean(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(v.strip() for v in value))
        if any(not v for v in cleaned):
            raise ValueError("an action type must not be empty")
        return cleaned

    @model_validator(mode="after")
    def _no_double_count(self) -> Self:
        if self.combine != "sum":
            return self
        seen: dict[str, tuple[str, int]] = {}
        for action_type in self.action_types:
            family = _event_family(action_type)
            if family is None:
                continue
            event, rank = family
            other = seen.get(event)
            if other is not None and other[1] != rank:
                total, part = (
                    (other[0], action_type) if other[1] > rank else (action_type, other[0])
                )
                raise ValueError(
                    f"combine: sum would count {event!r} events twice: {total!r} already "
                    f"contains {part!r} (Meta's aggregate action types include their pixel "
                    "and on-Facebook parts). Keep one of them, or use combine: first"
                )
            seen.setdefault(event, (action_type, rank))
        return self


class ActionMapping(BaseModel):
    """Which action types become ``leads``, ``conversions``, ``conversion_value`` and extras.

    The defaults never double count: ``lead`` is Meta's own deduplicated total of
    website (pixel) and on-Facebook (instant form) leads, and ``omni_purchase`` the
    total of website, app, offline and on-Facebook purchases (``purchase`` is the
    fallback for rows without it). ``null`` switches a metric off.

    Attributes:
        leads: Rule for the ``leads`` column (from ``actions``).
        conversions: Rule for ``conversions`` (from ``actions``).
        conversion_value: Rule for ``conversion_value`` (from ``action_values``, money).
        extra: Extra counts from ``actions``, by name in the record's ``extra``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    leads: ActionRule | None = ActionRule(action_types=("lead",))
    conversions: ActionRule | None = ActionRule(action_types=("omni_purchase", "purchase"))
    conversion_value: ActionRule | None = ActionRule(action_types=("omni_purchase", "purchase"))
    extra: dict[str, ActionRule] = Field(
        default_factory=lambda: {
            "landing_page_views": ActionRule(action_types=("landing_page_view",))
        }
    )

    @field_validator("extra")
    @classmethod
    def _extra_names(cls, value: dict[str, ActionRule]) -> dict[str, ActionRule]:
        for name in value:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise ValueError(
                    f"extra name {name!r}: use lower-case letters, digits and '_' "
                    "(it becomes the column extra.<name>)"
                )
        return value

    def mapped_action_types(self) -> frozenset[str]:
        """Every action type some rule reads."""
        rules = [self.leads, self.conversions, self.conversion_value, *self.extra.values()]
        return frozenset(t for rule in rules if rule is not None for t in rule.action_types)


# ---------------------------------------------------------------------- settings


class MetaSettings(HttpConnectorSettings):
    """Settings of the Meta Ads connector.

    Every field can come from the environment, prefixed ``PARTNERKIT_META_``
    (``PARTNERKIT_META_ACCESS_TOKEN``, ``PARTNERKIT_META_ACCOUNTS='["act_1"]'``, nested
    settings as JSON).

    Attributes:
        access_token: A system-user access token with the ``ads_read`` permission.
        app_secret: The app's secret; when set every request carries an
            ``appsecret_proof`` (required when the app enforces "Require app secret").
        app_id: The app's id (informational; sent nowhere unless Meta needs it).
        accounts: The ad accounts to read (``act_<digits>`` or the bare digits).
        api_version: The Graph API version, e.g. ``v26.0``; defaults to the version the
            installed facebook-business SDK was generated for.
        level: The grain of ``ad_insights``: ``account``, ``campaign``, ``adset``
            (``ad_set`` also accepted) or ``ad``.
        actions: The action-type mapping into leads, conversions, value and extras.
        attribution_windows: ``None`` (default) reports conversions with each ad
            set's own attribution setting, as Ads Manager does; a list such as
            ``[7d_click, 1d_view]`` reports that fixed setting instead (at most one
            click window, one view window and ``1d_ev``).
        breakdowns: Splits each day's row by these (``age``, ``gender``, ``country``,
            ``region``, ``publisher_platform``, ``platform_position``,
            ``device_platform``, ``impression_device``, ``product_id``), only in the
            combinations Meta serves; each row's values go into ``segment``
            (``age=25-34|gender=female``, in this order). Reach by breakdown is
            distinct people: never summed.
        action_breakdowns: How Meta splits the ``actions`` array (``action_type``,
            always first and added when left out; ``action_device``,
            ``action_destination``...). Only actions are
            split, so the standard columns add the entries of one action type.
        action_report_time: Which day a conversion counts on: ``impression`` (the
            day of the ad view or click), ``conversion`` (the day of the
            conversion) or ``mixed`` (Meta's default: on-Meta actions on the
            impression day, off-Meta ones on the conversion day). Sent with every
            request and recorded in each row's ``extra.action_report_time``.
        extra_fields: More Insights fields (scalar ones, e.g. ``frequency``,
            ``quality_ranking``) copied into ``extra``.
        include_deleted: Also read deleted and archived campaigns, ad sets and ads
            (their past spend is real; Meta hides them unless asked).
        lookback_days: Overrides the 28-day lookback of ``ad_insights``.
        async_threshold_days: Ranges longer than this are read with asynchronous
            report runs; shorter ones synchronously with cursor paging.
        chunk_days: The longest date range of one asynchronous report run.
        async_poll_interval: First wait between two status polls, in seconds
            (doubles up to ``async_poll_max_interval``).
        async_poll_max_interval: Longest wait between two polls, in seconds.
        async_timeout: A report run not done after this many seconds is split.
        page_size: Rows asked per page (``limit``); halved when Meta asks for less.
        http: Timeouts, retries and pace (docs/http.md); Meta's defaults are a 300 s
            timeout (insights answers are slow) and a 600 s retry budget
            (``max_wait_seconds``). ``requests_per_second`` caps each ad account.
        throttle_min_wait: Seconds to wait on a throttle error when Meta does not say
            how long.
        usage_slowdown: Usage percentage → seconds to hold the next request, applied
            when any usage header reaches the percentage (the highest step wins).
    """

    model_config = SettingsConfigDict(env_prefix="PARTNERKIT_META_")
    http_defaults: ClassVar[Mapping[str, Any]] = {
        "timeout_seconds": 300.0,
        "max_wait_seconds": 600.0,
    }

    access_token: SecretStr
    app_secret: SecretStr | None = None
    app_id: str | None = None
    accounts: list[str] = Field(min_length=1)
    api_version: str = Field(default_factory=sdk_api_version)
    level: Level = "campaign"
    actions: ActionMapping = Field(default_factory=ActionMapping)
    attribution_windows: tuple[str, ...] | None = None
    breakdowns: tuple[str, ...] = ()
    action_breakdowns: tuple[str, ...] = ("action_type",)
    action_report_time: Literal["impression", "conversion", "mixed"] = "mixed"
    extra_fields: tuple[str, ...] = ()
    include_deleted: bool = True
    lookback_days: int | None = Field(default=None, ge=0)
    async_threshold_days: int = Field(default=14, ge=1)
    chunk_days: int = Field(default=31, ge=1)
    async_poll_interval: float = Field(default=2.0, gt=0)
    async_poll_max_interval: float = Field(default=30.0, gt=0)
    async_timeout: float = Field(default=1800.0, gt=0)
    page_size: int = Field(default=500, ge=1, le=5000)
    throttle_min_wait: float = Field(default=60.0, ge=0)
    usage_slowdown: dict[float, float] = Field(
        default_factory=lambda: {75.0: 5.0, 90.0: 30.0, 95.0: 60.0}
    )

    @field_validator("access_token")
    @classmethod
    def _token_present(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("the access token is empty")
        return value

    @field_validator("accounts", mode="before")
    @classmethod
    def _accounts_list(cls, value: Any) -> Any:
        if isinstance(value, str | int):
            return [str(value)]
        return value

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(account_id(v) for v in value))

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith("v"):
            value = f"v{value}"
        if not _VERSION_RE.match(value):
            raise ValueError(f"{value!r} is not a Graph API version such as 'v26.0'")
        return value

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> Any:
        return parse_level(value)

    @field_validator("attribution_windows")
    @classmethod
    def _windows(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        windows = tuple(dict.fromkeys(w.strip() for w in value))
        if not windows:
            raise ValueError("give at least one window, or leave it out for the ad set setting")
        for window in windows:
            if window not in ATTRIBUTION_WINDOWS:
                raise ValueError(
                    f"unknown attribution window {window!r}; use "
                    f"{', '.join(ATTRIBUTION_WINDOWS)} (Meta no longer returns 7d_view and "
                    "28d_view)"
                )
        clicks = [w for w in windows if w.endswith("_click")]
        if len(clicks) > 1:
            raise ValueError(
                f"{' and '.join(clicks)} overlap (a 1-day click conversion is also a 7-day "
                "one): choose one click window"
            )
        order = {"click": 0, "view": 1, "ev": 2}
        return tuple(sorted(windows, key=lambda w: order[w.split("_", 1)[1]]))

    @field_validator("breakdowns", "action_breakdowns", mode="before")
    @classmethod
    def _breakdown_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(v for v in value.split(","))
        return value

    @field_validator("breakdowns")
    @classmethod
    def _breakdowns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known("breakdown", value, BREAKDOWNS)

    @field_validator("action_breakdowns")
    @classmethod
    def _action_breakdowns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names = _known("action breakdown", value, ACTION_BREAKDOWNS)
        # the actions mapping (leads, conversions, value, extra) reads action types
        return ("action_type", *(n for n in names if n != "action_type"))

    @field_validator("extra_fields")
    @classmethod
    def _extra_fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from partnerkit_meta._sdk import insights_field_types

        known = insights_field_types()
        fields = tuple(dict.fromkeys(f.strip() for f in value))
        for name in fields:
            if name in BREAKDOWNS:
                raise ValueError(
                    f"extra_fields: {name!r} is a breakdown, not a field; list it under "
                    "breakdowns (its values go into segment)"
                )
            if name in BASE_INSIGHTS_FIELDS:
                raise ValueError(f"extra_fields: {name!r} is already read into a standard column")
            kind = known.get(name)
            if kind is None:
                close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"extra_fields: {name!r} is not an Ads Insights field{hint}")
            if kind not in _SCALAR_TYPES:
                raise ValueError(
                    f"extra_fields: {name!r} is a {kind}, not a single value; action types "
                    "from the actions array go under actions.extra instead"
                )
        return fields

    @field_validator("usage_slowdown")
    @classmethod
    def _slowdown(cls, value: dict[float, float]) -> dict[float, float]:
        for percent, seconds in value.items():
            if not 0 < percent <= 100 or seconds < 0:
                raise ValueError(
                    "usage_slowdown maps a usage percentage (0-100] to seconds (>= 0), "
                    f"got {percent}: {seconds}"
                )
        return dict(sorted(value.items()))

    @model_validator(mode="after")
    def _combination(self) -> Self:
        check_breakdowns(self.breakdowns, self.action_breakdowns)
        return self

    @model_validator(mode="after")
    def _async_intervals(self) -> Self:
        if self.async_poll_max_interval < self.async_poll_interval:
            raise ValueError("async_poll_max_interval must not be below async_poll_interval")
        return self

    @property
    def attribution(self) -> str | None:
        """The fixed attribution setting as Meta writes it (``7d_click_1d_view``), or None."""
        return "_".join(self.attribution_windows) if self.attribution_windows else None
