"""The source map (where leads come from, and how each source is wired) and campaigns."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from fnmatch import translate
from functools import lru_cache
from typing import Annotated, Any, Self

from pydantic import AnyUrl, BeforeValidator, Field, model_validator

from partnerkit.model._base import (
    Channel,
    CurrencyCode,
    Identifier,
    Money,
    Side,
    _Model,
    listify,
)

__all__ = [
    "Budget",
    "Campaign",
    "CampaignObjective",
    "Link",
    "Source",
    "SourceMatching",
    "SourceStatus",
    "Wiring",
    "fold_text",
    "text_matches",
]


class Wiring(StrEnum):
    """How a source's leads get into the CRM."""

    NATIVE = "native"
    """A native integration (e.g. HubSpot's Meta lead ads sync)."""
    ZAPIER = "zapier"
    """Zapier, Make or a similar automation."""
    API = "api"
    """An API integration (often the agency's own)."""
    FORM = "form"
    """A website form that writes to the CRM."""
    IMPORT = "import"
    """A file import (CSV, spreadsheet)."""
    MANUAL = "manual"
    """Typed in by hand (phone calls, walk-ins)."""
    OTHER = "other"
    """Anything else; say how in ``notes``."""


class SourceStatus(StrEnum):
    """Whether a source is live."""

    ACTIVE = "active"
    PAUSED = "paused"
    RETIRED = "retired"


class CampaignObjective(StrEnum):
    """What a campaign is optimised for."""

    AWARENESS = "awareness"
    TRAFFIC = "traffic"
    ENGAGEMENT = "engagement"
    LEADS = "leads"
    SALES = "sales"
    APP_INSTALLS = "app_installs"
    RETENTION = "retention"
    OTHER = "other"


_Patterns = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(listify)]


@lru_cache(maxsize=65536)
def fold_text(text: str) -> str:
    """The form two texts are compared in: NFKC, case-folded, NFKC again, ``İ`` as ``I``.

    The one Unicode rule of the source map (every ``matching`` pattern and the value it
    is held against, and a campaign's ``utm_campaign``), applied the same way to both
    sides. Step by step:

    1. NFKC: compatibility forms become their plain letters (full-width ``ＧＯＯＧＬＥ``
       is ``GOOGLE``, the ligature ``ﬁ`` is ``fi``, Hebrew presentation forms such as
       ``ﬠ`` are ``ע``, Thai ``ำ`` is ``ํ`` + ``า``).
    2. Unicode full case folding (:meth:`str.casefold`, locale-independent): ``A`` is
       ``a``, ``ß`` and ``ẞ`` are ``ss``, ``İ`` is ``i`` + combining dot above.
    3. NFKC again, then ``i`` + combining dot above becomes ``i``: the Turkish capital
       dotted ``İ`` matches ``I`` and ``i`` (``İstanbul*`` matches ``İSTANBUL EXPO``,
       ``ISTANBUL EXPO`` and ``istanbul expo``). The Turkish dotless ``ı`` stays its
       own letter: it matches only ``ı`` (``I`` folds to ``i``, as in every non-Turkish
       locale).

    Scripts without case (Hebrew, Thai) are compared as written after NFKC: Hebrew
    vowel points (niqqud) and Thai tone marks are kept, so ``שָׁלוֹם`` does not match
    ``שלום``. Accents are kept: ``é`` does not match ``e``.

    Examples:
        >>> fold_text("İSTANBUL EXPO") == fold_text("istanbul expo") == "istanbul expo"
        True
        >>> fold_text("Straße") == fold_text("STRASSE")
        True
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.replace("i\u0307", "i")


@lru_cache(maxsize=4096)
def _matcher(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for the folded patterns (each as :func:`fnmatch.translate` reads it)."""
    return re.compile("|".join(f"(?:{translate(fold_text(p))})" for p in patterns))


def text_matches(value: Any, patterns: list[str] | tuple[str, ...]) -> bool:
    """Whether a value matches any of the glob patterns, under :func:`fold_text`.

    ``*`` is any text (newlines too), ``?`` one character, ``[abc]`` / ``[a-z]`` /
    ``[!abc]`` one character of (or not of) a set — of the *folded* texts: the
    pattern and the value are folded first, so ``[ß]`` is ``[ss]`` (one ``s``) and
    never matches the two letters ``ß`` folds to. A missing value (``None``) never
    matches; any other value is compared as its text.
    """
    if value is None:
        return False
    return _matcher(tuple(patterns)).match(fold_text(str(value))) is not None


class SourceMatching(_Model):
    """Rules that tie CRM leads and ad-platform rows to a source.

    Every value is a glob pattern (``*`` any text, ``?`` one character, ``[abc]`` one
    of), compared without regard to case under one Unicode rule (:func:`fold_text`:
    ``İstanbul*`` matches ``ISTANBUL EXPO``, ``Straße`` matches ``STRASSE``); a single
    value may be written without a list.
    The rules form three groups, and a record belongs to the source when **any
    group** that has rules matches; within a group **every field** that has rules
    must match one of its patterns:

    * CRM: ``original_source``, ``original_source_drill_1``, ``original_source_drill_2``
      against the lead's HubSpot original source and its drill-downs.
    * UTM: ``utm_source``, ``utm_medium``, ``utm_campaign`` against the lead's
      first-touch UTM tags, or a performance row's ``source`` / ``medium`` / ``utm_campaign``.
    * Ads: ``account_ids``, ``campaign_ids`` against a performance row's
      ``account_id`` / ``campaign_id``.

    Attributes:
        original_source: HubSpot original source values, e.g. ``PAID_SOCIAL``.
        original_source_drill_1: First drill-down values, e.g. ``Facebook``.
        original_source_drill_2: Second drill-down values, e.g. a campaign name.
        utm_source: ``utm_source`` patterns, e.g. ``google``.
        utm_medium: ``utm_medium`` patterns, e.g. ``cpc``.
        utm_campaign: ``utm_campaign`` patterns, e.g. ``brand-*``.
        account_ids: Ad account ids.
        campaign_ids: Ad campaign ids.
    """

    original_source: _Patterns = Field(default_factory=list)
    original_source_drill_1: _Patterns = Field(default_factory=list)
    original_source_drill_2: _Patterns = Field(default_factory=list)
    utm_source: _Patterns = Field(default_factory=list)
    utm_medium: _Patterns = Field(default_factory=list)
    utm_campaign: _Patterns = Field(default_factory=list)
    account_ids: _Patterns = Field(default_factory=list)
    campaign_ids: _Patterns = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when no rule is set: nothing can be attributed to the source."""
        return not any(getattr(self, name) for name in type(self).model_fields)

    @staticmethod
    def _group(record: Mapping[str, Any], rules: list[tuple[list[str], str]]) -> bool | None:
        active = [(patterns, column) for patterns, column in rules if patterns]
        if not active:
            return None
        return all(text_matches(record.get(column), patterns) for patterns, column in active)

    def _utm(self, record: Mapping[str, Any], source: str, medium: str) -> bool:
        """The UTM group of rules against a record whose source and medium are so named."""
        rules = [(self.utm_source, source), (self.utm_medium, medium)]
        return bool(self._group(record, [*rules, (self.utm_campaign, "utm_campaign")]))

    def matches_lead(self, record: Mapping[str, Any]) -> bool:
        """Tell whether a lead record (see :class:`~partnerkit.records.LeadRecord`) belongs here.

        Args:
            record: The lead record.

        Returns:
            True when the CRM or the UTM group of rules matches.
        """
        crm = self._group(
            record,
            [
                (self.original_source, "original_source"),
                (self.original_source_drill_1, "original_source_drill_1"),
                (self.original_source_drill_2, "original_source_drill_2"),
            ],
        )
        return bool(crm) or self._utm(record, "utm_source", "utm_medium")

    def matches_performance(self, record: Mapping[str, Any]) -> bool:
        """Tell whether a performance record belongs here.

        Args:
            record: The performance record (see :class:`~partnerkit.records.PerformanceRecord`).

        Returns:
            True when the ads or the UTM group of rules matches.
        """
        ads = self._group(
            record, [(self.account_ids, "account_id"), (self.campaign_ids, "campaign_id")]
        )
        return bool(ads) or self._utm(record, "source", "medium")


class Budget(_Model):
    """A budget: per month, in total, or both.

    Attributes:
        monthly: Amount per month.
        total: Amount for the whole life of the source or campaign.
        currency: Currency of the amounts; the workspace currency when left out.
    """

    monthly: Money | None = None
    total: Money | None = None
    currency: CurrencyCode | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_a_bare_number(cls, data: Any) -> Any:
        if isinstance(data, int | float | Decimal) and not isinstance(data, bool):
            raise ValueError(
                f"is a mapping: write {{monthly: {data}}} for a monthly budget or "
                f"{{total: {data}}} for a total budget"
            )
        return data

    @model_validator(mode="after")
    def _some_amount(self) -> Self:
        if self.monthly is None and self.total is None:
            raise ValueError("give 'monthly', 'total' or both")
        return self


class Link(_Model):
    """A link about a source: its dashboard, its form, its Zap, a shared sheet.

    Written as ``{title: Zap, url: https://...}`` or just the URL.

    Attributes:
        url: The address.
        title: What it is.
    """

    url: AnyUrl
    title: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_url(cls, data: Any) -> Any:
        return {"url": data} if isinstance(data, str) else data


class Source(_Model):
    """A source-map entry: one place leads come from and how it reaches the CRM.

    Attributes:
        id: How campaigns, targets and tests refer to it.
        name: The name everyone uses ("Google Ads – brand search").
        channel: The channel.
        platform: Where it runs, e.g. ``google_ads``, ``meta``, ``website``, ``zapier``.
        connection: The connection (under ``connections:``) that reads its data.
        account: The account of that connection it runs in.
        wiring: How its leads get into the CRM.
        owner: The side that owns it (runs and answers for it).
        matching: Rules that tie CRM leads and ad rows to it.
        monthly_lead_target: Leads a month it should bring.
        budget: Its budget.
        status: ``active``, ``paused`` or ``retired``.
        start: When it started.
        end: When it ended or will end.
        links: Links to its dashboard, form, automation.
        notes: Free text.
    """

    id: Identifier
    name: str = Field(min_length=1)
    channel: Channel
    platform: str | None = None
    connection: Identifier | None = None
    account: str | None = None
    wiring: Wiring
    owner: Side
    matching: SourceMatching = Field(default_factory=SourceMatching)
    monthly_lead_target: Annotated[int, Field(ge=0)] | None = None
    budget: Budget | None = None
    status: SourceStatus = SourceStatus.ACTIVE
    start: dt.date | None = None
    end: dt.date | None = None
    links: list[Link] = Field(default_factory=list)
    notes: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"the source ends ({self.end}) before it starts ({self.start})")
        if self.account is not None and self.connection is None:
            raise ValueError(
                "'account' needs 'connection': the connection the account is read with"
            )
        return self

    def is_live(self, day: dt.date) -> bool:
        """True when the source is active and ``day`` is within its dates."""
        return (
            self.status is SourceStatus.ACTIVE
            and (self.start is None or self.start <= day)
            and (self.end is None or day <= self.end)
        )


class Campaign(_Model):
    """A campaign run for a source.

    Attributes:
        id: How targets and tests refer to it.
        name: Its name.
        source: Id of the source it belongs to.
        objective: What it is optimised for.
        start: First day.
        end: Last day, if planned.
        budget: Its budget.
        utm_campaign: The ``utm_campaign`` value its links carry.
        platform_campaign_ids: The campaign's ids on the ad platform.
        notes: Free text.
    """

    id: Identifier
    name: str = Field(min_length=1)
    source: Identifier
    objective: CampaignObjective
    start: dt.date
    end: dt.date | None = None
    budget: Budget | None = None
    utm_campaign: str | None = None
    platform_campaign_ids: Annotated[list[str], BeforeValidator(listify)] = Field(
        default_factory=list
    )
    notes: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"the campaign ends ({self.end}) before it starts ({self.start})")
        return self
