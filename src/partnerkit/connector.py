"""The connector plugin API: the base class, the read request and stream specs.

A connector is a class with one main method, :meth:`Connector.read`, that turns one
:class:`ReadRequest` into unified records (see :mod:`partnerkit.records`). The
framework does the rest: validating pages of records, filling ``record_id``,
incremental state and lookback, conversion to Arrow / pandas / polars.

A minimal connector::

    class MyConnector(Connector[MySettings]):
        name = "mine"
        settings_class = MySettings
        streams = (StreamSpec(name="daily", kind=RecordKind.PERFORMANCE),)

        def read(self, request: ReadRequest) -> Iterator[Record | Notice]:
            for row in fetch(request.start, request.end):
                yield {"date": ..., "platform": "mine", "account_id": ..., "clicks": ...}

Connectors are found through the entry-point group ``partnerkit.connectors``
(see :mod:`partnerkit.registry`).
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from partnerkit._closing import Closing
from partnerkit._notice import COLUMN_METADATA, Notice
from partnerkit.errors import ConfigurationError, PartnerkitError, SourceError
from partnerkit.records import Record, RecordKind, key_columns

if TYPE_CHECKING:
    import requests

    from partnerkit.http import RetryPolicy
    from partnerkit.stream import RecordStream

__all__ = [
    "COLUMN_METADATA",
    "NAME_PATTERN",
    "TODAY_EXCLUDED",
    "Capability",
    "CheckResult",
    "Connector",
    "ConnectorSettings",
    "HttpConnectorSettings",
    "HttpSettings",
    "Notice",
    "ReadRequest",
    "ReadWindow",
    "SessionConnector",
    "StreamSpec",
    "check_name",
    "first_contact_points",
    "one_or_many",
]

TODAY_EXCLUDED = "today_excluded"
"""The code of the :class:`Notice` a connector yields when a read's window lost days.

The request asked for an ``end`` on or after the account's current (incomplete) day,
without ``include_today``, or after it, with it; :meth:`ReadWindow.notice` builds it.
"""

_DAY = dt.timedelta(days=1)
_R = TypeVar("_R")
_T = TypeVar("_T")


class Capability(StrEnum):
    """Optional behaviours a connector declares; the contract suite skips what is absent."""

    INCREMENTAL = "incremental"
    """Reads a date range and honours a lookback window."""
    CHECK = "check"
    """``check()`` reaches the API to validate credentials."""
    MULTI_ACCOUNT = "multi_account"
    """One read may cover several accounts."""
    HTTP = "http"
    """Talks HTTP through partnerkit's seam (so faults can be injected)."""


class ConnectorSettings(BaseSettings):
    """Base class of a connector's settings.

    Subclasses set ``model_config = SettingsConfigDict(env_prefix="PARTNERKIT_<NAME>_")``
    so every field can come from the environment. Secrets are
    :class:`pydantic.SecretStr`: they never show in a repr, a log or an error.
    """

    model_config = SettingsConfigDict(extra="forbid", frozen=True, env_nested_delimiter="__")

    def required_secret(self, field: str, what: str) -> str:
        """The secret setting ``field``, stripped, or the error that says how to set it.

        Args:
            field: The setting's name (a :class:`pydantic.SecretStr` field, maybe unset).
            what: What the secret is, for the message, e.g. ``"Mailchimp API key"``.

        Returns:
            The secret's text without surrounding blanks.

        Raises:
            ConfigurationError: It is unset or blank; the message names the setting and
                its environment variable.
        """
        value = getattr(self, field)
        text = value.get_secret_value().strip() if value is not None else ""
        if not text:
            prefix = self.model_config.get("env_prefix", "")
            raise ConfigurationError(
                f"no {what}: set {field} (environment variable {prefix}{field.upper()})"
            )
        return text


NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
"""A name in settings and streams: a lower-case letter, then lower-case letters, digits, ``_``.

Stream names follow it, and so do the names a user gives in a connector's settings
(custom reports, custom queries, extra columns): :func:`check_name` checks one.
"""


def check_name(value: str, what: str) -> str:
    """Return ``value`` when it follows :data:`NAME_PATTERN`, for a settings validator.

    Args:
        value: The name a user gave.
        what: What the name names, for the message, e.g. ``"custom query name"``.

    Raises:
        ValueError: It does not (pydantic reports it as a validation error of the field).
    """
    if not re.fullmatch(NAME_PATTERN, value):
        raise ValueError(
            f"{what} {value!r} must be lower case letters, digits and '_', starting with a letter"
        )
    return value


def one_or_many(value: Any) -> Any:
    """A single string or number as a one-item list of its text; anything else unchanged.

    For a ``mode="before"`` validator of a list field that users often give one value of
    (``accounts: 123456789`` in YAML, ``PARTNERKIT_<NAME>_ACCOUNTS=123456789``). Booleans
    are not numbers here: they stay as they are, for the field's own error.
    """
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [str(value)]
    return value


def first_contact_points(
    answers: Iterable[tuple[str | None, str | None]],
    email_fields: Container[str],
    phone_fields: Container[str],
) -> tuple[str | None, str | None]:
    """The first e-mail and the first phone among a lead form's ``(field, answer)`` pairs.

    A lead form may ask twice (``email`` and ``work_email``): the first answered field
    of each kind wins, in the form's order. Unanswered fields (``None``) and fields of
    neither kind are passed over.

    >>> first_contact_points(
    ...     [("email", None), ("work_email", "a@example.com"), ("phone", "+1 555 0100")],
    ...     {"email", "work_email"},
    ...     {"phone"},
    ... )
    ('a@example.com', '+1 555 0100')

    Args:
        answers: ``(field, answer)`` in the form's order; either may be ``None``.
        email_fields: The vendor's field names of an e-mail address.
        phone_fields: The vendor's field names of a phone number.

    Returns:
        ``(email, phone)``; ``None`` where no field of that kind was answered.
    """
    email = phone = None
    for field, answer in answers:
        if field is None or answer is None:
            continue
        if field in email_fields and email is None:
            email = answer
        elif field in phone_fields and phone is None:
            phone = answer
    return email, phone


class HttpSettings(BaseModel):
    """How a connector talks HTTP: timeouts, retries, backoff and pace (docs/http.md).

    Every connector that talks HTTP accepts these under its ``http`` setting (in a
    workspace file ``settings: {http: {timeout_seconds: 30}}``, in the environment
    ``PARTNERKIT_<NAME>_HTTP__TIMEOUT_SECONDS=30``) and hands them to the seam
    (:func:`partnerkit.http.mount` / :func:`partnerkit.http.session`). A connector may
    change the defaults (:attr:`HttpConnectorSettings.http_defaults`); keys not given
    keep the connector's default.

    Attributes:
        timeout_seconds: Read timeout of one HTTP request (and the connect timeout,
            unless ``connect_timeout_seconds`` is set).
        connect_timeout_seconds: Connect timeout, when it differs.
        max_attempts: Attempts per request, the first one included.
        base_delay_seconds: Backoff before the first retry (doubling per retry).
        max_delay_seconds: Cap of one backoff (a server's ``Retry-After`` is not capped).
        max_wait_seconds: The retry budget: the longest total wait of one request
            between attempts; a longer ``Retry-After`` ends the request at once.
        requests_per_second: Client-side pace per account; ``None`` for none.
        burst: Requests allowed back to back before the pace applies.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_seconds: float = Field(default=60.0, gt=0)
    connect_timeout_seconds: float | None = Field(default=None, gt=0)
    max_attempts: int = Field(default=5, ge=1)
    base_delay_seconds: float = Field(default=1.0, ge=0)
    max_delay_seconds: float = Field(default=60.0, ge=0)
    max_wait_seconds: float = Field(default=300.0, ge=0)
    requests_per_second: float | None = Field(default=None, gt=0)
    burst: int = Field(default=1, ge=1)

    @property
    def timeout(self) -> float | tuple[float, float]:
        """The timeout as ``requests`` takes it: seconds, or ``(connect, read)``."""
        if self.connect_timeout_seconds is None:
            return self.timeout_seconds
        return (self.connect_timeout_seconds, self.timeout_seconds)

    def retry_policy(self) -> RetryPolicy:
        """The seam's :class:`~partnerkit.http.RetryPolicy` for these settings."""
        from partnerkit.http import RetryPolicy

        return RetryPolicy(
            max_attempts=self.max_attempts,
            base_delay=self.base_delay_seconds,
            max_delay=self.max_delay_seconds,
            max_total_wait=self.max_wait_seconds,
        )


class HttpConnectorSettings(ConnectorSettings):
    """Base class of the settings of a connector that talks HTTP: adds ``http``.

    Attributes:
        http: Timeouts, retries, backoff and pace (:class:`HttpSettings`).
        http_defaults: Class attribute: the connector's own defaults of
            :class:`HttpSettings` keys (e.g. a longer timeout for a slow API); what a
            user gives in ``http`` wins key by key.
    """

    http_defaults: ClassVar[Mapping[str, Any]] = {}

    http: HttpSettings = Field(default_factory=HttpSettings)

    @model_validator(mode="before")
    @classmethod
    def _http_defaults(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and cls.http_defaults:
            given = data.get("http")
            if given is None or isinstance(given, Mapping):
                return {**data, "http": {**cls.http_defaults, **(given or {})}}
        return data


class StreamSpec(BaseModel):
    """A stream a connector offers.

    Attributes:
        name: Unique name within the connector, e.g. ``"ad_insights"``.
        kind: The record kind it yields.
        description: One line for ``partnerkit connectors``.
        cursor: The column incremental reads advance on (``None`` for full reads).
        default_lookback: How far back each incremental read re-reads, because the
            platform restates recent data.
    """

    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=NAME_PATTERN)
    kind: RecordKind
    description: str = ""
    cursor: str | None = "date"
    default_lookback: dt.timedelta = dt.timedelta(0)

    @classmethod
    def dated(
        cls,
        name: str,
        kind: RecordKind,
        description: str,
        *,
        lookback_days: int,
        cursor: str = "date",
    ) -> StreamSpec:
        """A stream read by date range, each incremental read going back ``lookback_days``.

        ``StreamSpec.dated("daily", RecordKind.PERFORMANCE, "spend by day", lookback_days=7)``
        is the spec with ``cursor="date"`` and a 7-day ``default_lookback``.
        """
        lookback = dt.timedelta(days=lookback_days)
        return cls(
            name=name, kind=kind, description=description, cursor=cursor, default_lookback=lookback
        )

    @classmethod
    def listing(
        cls, name: str, description: str, *, kind: RecordKind = RecordKind.CAMPAIGN
    ) -> StreamSpec:
        """A stream of objects (campaigns, ad sets...) read whole every time: no cursor."""
        return cls(name=name, kind=kind, description=description, cursor=None)

    @property
    def primary_key(self) -> tuple[str, ...]:
        """The columns that identify a record (hashed into ``record_id``)."""
        return key_columns(self.kind)

    def incremental_request(
        self,
        cursor: dt.date | None,
        *,
        end: dt.date | None = None,
        first_start: dt.date | None = None,
        lookback: dt.timedelta | None = None,
        accounts: tuple[str, ...] = (),
        options: Mapping[str, Any] | None = None,
        as_of: dt.datetime | None = None,
    ) -> ReadRequest:
        """Plan the next incremental read of this stream.

        The framework, not each connector, keeps the lookback: the next read starts
        ``lookback`` before the day after the cursor, so restated days are read
        again and merge by ``record_id``.

        Args:
            cursor: The last day fully read, or ``None`` for a first sync.
            end: The last day to read (``None``: up to yesterday).
            first_start: Where a first sync starts (``None``: the connector's earliest).
            lookback: Overrides :attr:`default_lookback`.
            accounts: Accounts to read.
            options: Connector options.
            as_of: The moment of the read (:attr:`ReadRequest.as_of`; ``None``: now).

        Returns:
            The request: ``start = cursor + 1 day - lookback`` (never after ``end``).
        """
        back = self.default_lookback if lookback is None else lookback
        if back < dt.timedelta(0):
            raise ConfigurationError(f"lookback must not be negative, got {back}")
        if cursor is None:
            start = first_start
        else:
            start = cursor + dt.timedelta(days=1) - back
            if end is not None and start > end:
                start = end
        return ReadRequest(
            stream=self.name,
            start=start,
            end=end,
            accounts=accounts,
            options=dict(options or {}),
            as_of=as_of,
        )


class ReadRequest(BaseModel):
    """What to read: one stream, a date range, some accounts, and options.

    Dates are inclusive calendar days in each account's time zone. A connector
    leaves out the current, incomplete day unless ``include_today`` is set.

    Attributes:
        stream: The stream name.
        start: First day to read (inclusive); ``None`` means the connector's earliest.
        end: Last day to read (inclusive); ``None`` means the latest the source has:
            yesterday for a platform API (today too with ``include_today``), the
            last row for a file.
        accounts: Account ids to read; empty means every account the settings name.
        include_today: Read the current, still-changing day too.
        as_of: The moment the read counts as happening (timezone-aware): it decides
            which day is "today" in each account's time zone and how far back an API
            lets the connector read. ``None`` means the wall clock. Set it to replay
            recorded answers or to re-run a past read exactly.
        options: Connector-specific options (documented by each connector).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    stream: str
    start: dt.date | None = None
    end: dt.date | None = None
    accounts: tuple[str, ...] = ()
    include_today: bool = False
    as_of: dt.datetime | None = None
    options: Mapping[str, Any] = Field(default_factory=dict)

    @field_validator("accounts", mode="before")
    @classmethod
    def _accounts_tuple(cls, value: Any) -> Any:
        if isinstance(value, str):
            return (value,)
        return value

    @field_validator("as_of")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError(
                f"as_of {value.isoformat()} has no time zone; give one, e.g. "
                "datetime(2026, 10, 31, 12, tzinfo=timezone.utc)"
            )
        return value

    @model_validator(mode="after")
    def _range_in_order(self) -> Self:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    def now(self, clock: Callable[[], dt.datetime] | None = None) -> dt.datetime:
        """The moment of the read: :attr:`as_of`, else ``clock()``, else the wall clock.

        Args:
            clock: A connector's own clock (a test's fixed time), used when the request
                names no moment; ``None`` means the wall clock in UTC.
        """
        if self.as_of is not None:
            return self.as_of
        return clock() if clock is not None else dt.datetime.now(dt.UTC)

    def window(
        self,
        tz: str | dt.tzinfo | Callable[[], str | dt.tzinfo],
        *,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> ReadWindow:
        """The days to read for one account: the request's range clipped to its today.

        The account's "today" is the date in its time zone at :meth:`now`. The last day
        read is yesterday there (today too with :attr:`include_today`); an ``end`` of
        ``None`` means that day, and a later ``end`` is clipped to it
        (:attr:`ReadWindow.excluded_days` counts what was cut; :meth:`ReadWindow.notice` says so
        with the one code :data:`TODAY_EXCLUDED`). ``start`` stays the request's
        (``None`` too): the connector fills its own default with :meth:`ReadWindow.with_start`.

        Args:
            tz: The account's time zone: an IANA name, a ``tzinfo``, or a function
                returning either, called only when needed (an ``end`` two days before
                today in UTC is complete in every zone, so then no lookup is made and
                :attr:`ReadWindow.today` is ``None``).
            clock: The connector's own clock, used when the request has no ``as_of``.

        Raises:
            ConfigurationError: ``tz`` names a zone this Python does not know.
        """
        now = self.now(clock)
        long_ago = now.astimezone(dt.UTC).date() - 2 * _DAY  # complete in every zone
        if self.end is not None and self.end <= long_ago and callable(tz):
            return ReadWindow(self.start, self.end)  # so a lazy zone is not looked up
        zone = tz() if callable(tz) else tz
        if isinstance(zone, str):
            try:
                zone = ZoneInfo(zone)
            except (ValueError, LookupError):
                raise ConfigurationError(
                    f"time zone {zone!r} is unknown here; install or update tzdata"
                ) from None
        today = now.astimezone(zone).date()
        last = today if self.include_today else today - _DAY
        end = last if self.end is None else min(self.end, last)
        return ReadWindow(
            self.start,
            end,
            today=today,
            zone=str(zone),
            asked_end=self.end,
            include_today=self.include_today,
        )

    def by_chunk(
        self,
        tz: str | dt.tzinfo | Callable[[], str | dt.tzinfo],
        *,
        account: str,
        days: int,
        read: Callable[[dt.date, dt.date], Iterable[_R]],
        clock: Callable[[], dt.datetime] | None = None,
    ) -> Iterator[_R | Notice]:
        """The read of a dated stream, chunk by chunk: what every such connector repeats.

        The :meth:`window` clipped to the account's yesterday (its
        :data:`TODAY_EXCLUDED` notice first, when days were cut), starting on the last
        day when the request has no ``start``; then ``read(since, until)`` for each of
        its :meth:`ReadWindow.chunks`, a :class:`~partnerkit.errors.SourceError` raised
        there given the request's stream and the chunk as context. Nothing is read when
        the window is empty. The connector keeps only the API's calls and parsing::

            yield from request.by_chunk(tz, account=account, days=7, read=self._days)

        Args:
            tz: The account's time zone, as :meth:`window` takes it.
            account: The account (named in the notice).
            days: Days a chunk covers at most (the connector's ``chunk_days``).
            read: Yields the records of one inclusive range of days.
            clock: The connector's own clock, as :meth:`window` takes it.

        Raises:
            SourceError: ``read``'s, with ``stream`` and ``window`` added.
        """
        window = self.window(tz, clock=clock)
        excluded = window.notice(account)
        if excluded is not None:
            yield excluded
        window = window.with_start(window.start or window.end)  # no start: the last day
        if window.empty:
            return
        for since, until in window.chunks(days):
            try:
                yield from read(since, until)
            except SourceError as exc:
                raise exc.with_context(stream=self.stream, window=f"{since}..{until}") from None

    def days(self) -> Iterator[dt.date]:
        """Iterate the days of the range (both ends must be set)."""
        if self.start is None or self.end is None:
            raise ConfigurationError("days() needs a request with both start and end")
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)


@dataclass(frozen=True)
class ReadWindow:
    """An inclusive range of days to read, as :meth:`ReadRequest.window` clips it.

    It also splits itself: :meth:`chunks` for requests of a bounded length,
    :meth:`halves` for adaptive splitting of a request the API refused as too big.

    Attributes:
        start: First day (``None``: the connector's earliest, until it fills it in).
        end: Last day.
        today: The account's current day at the read's moment (``None`` when the
            range ended long enough ago that a lazy zone was not looked up).
        zone: The account's time zone, as named by the connector.
        asked_end: The ``end`` the request asked for.
        include_today: Whether the request reads the current day.
    """

    start: dt.date | None
    end: dt.date
    today: dt.date | None = None
    zone: str = ""
    asked_end: dt.date | None = None
    include_today: bool = False

    @property
    def excluded_days(self) -> int:
        """How many asked-for days the clip left out (0 when none)."""
        if self.asked_end is None or self.asked_end <= self.end:
            return 0
        return (self.asked_end - self.end).days

    @property
    def empty(self) -> bool:
        """True when the start is after the end: nothing to read."""
        return self.start is not None and self.start > self.end

    def with_start(self, start: dt.date) -> ReadWindow:
        """The same window starting on ``start`` (a connector's default or limit)."""
        return replace(self, start=start)

    def notice(self, account: str) -> Notice | None:
        """The :data:`TODAY_EXCLUDED` notice when days were cut, else ``None``.

        Args:
            account: The account the window belongs to (in the message and details).
        """
        if not self.excluded_days:
            return None
        hint = "" if self.include_today else " (set include_today to read today)"
        return Notice(
            "info",
            TODAY_EXCLUDED,
            f"{account} is in {self.zone}, where it is {self.today}: the read ends on "
            f"{self.end} instead of {self.asked_end}{hint}.",
            {
                "account": account,
                "time_zone": self.zone,
                "today": str(self.today),
                "asked_end": str(self.asked_end),
                "end": self.end.isoformat(),
                "excluded_days": self.excluded_days,
            },
        )

    def _bounds(self) -> tuple[dt.date, dt.date]:
        if self.start is None:
            raise ConfigurationError("the window has no start; set one with with_start()")
        return self.start, self.end

    def chunks(self, days: int) -> Iterator[tuple[dt.date, dt.date]]:
        """Consecutive inclusive ranges of at most ``days`` days covering the window once.

        ``2026-10-01..10-05`` in chunks of 2: ``10-01..02``, ``10-03..04``, ``10-05..05``.

        Raises:
            ValueError: ``days`` is below 1.
        """
        if days < 1:
            raise ValueError(f"a chunk needs at least one day, got {days}")
        first, end = self._bounds()
        while first <= end:
            last = min(end, first + (days - 1) * _DAY)
            yield first, last
            first = last + _DAY

    def halves(self) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
        """Split a window of two days or more into two that share no day.

        The first half gets the extra day of an odd range: ``2026-09-01..09-05`` splits
        into ``09-01..09-03`` and ``09-04..09-05``.

        Raises:
            ValueError: A one-day (or empty) window cannot be split.
        """
        first, end = self._bounds()
        days = (end - first).days + 1
        if days < 2:
            raise ValueError("a one-day range cannot be split")
        middle = first + (days - 1) // 2 * _DAY
        return (first, middle), (middle + _DAY, end)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of :meth:`Connector.check`.

    Attributes:
        ok: True when credentials work and every configured account is reachable.
        message: A one-line summary.
        accounts: The accounts that were reachable.
        error: The library error that made the check fail, if any.
    """

    ok: bool
    message: str
    accounts: tuple[str, ...] = ()
    error: Exception | None = None

    @classmethod
    def failed(cls, error: PartnerkitError, accounts: tuple[str, ...] = ()) -> CheckResult:
        """The failed check that ``error`` ended: its message, the error itself.

        Args:
            error: The library's error the check caught.
            accounts: The accounts reached before it.

        Returns:
            ``ok=False``, the error's text as the message.

        >>> result = CheckResult.failed(ConfigurationError("no token"), ("a1",))
        >>> (result.ok, result.message, result.accounts)
        (False, 'no token', ('a1',))
        """
        return cls(ok=False, message=str(error), accounts=accounts, error=error)

    @classmethod
    def each(
        cls,
        targets: Iterable[_T],
        describe: Callable[[_T], tuple[str, str]],
        summary: Callable[[list[str]], str],
    ) -> CheckResult:
        """Reach each target in turn; the first library error ends the check.

        For a connector that checks several accounts: ``describe`` reads one and gives
        ``(account, description)``; the check passes with ``summary(descriptions)`` when
        every one was reached, and fails with the first error otherwise, naming the
        accounts reached before it.

        Args:
            targets: What to reach, in order (account ids, or ``(kind, id)`` pairs).
            describe: Reads one target: its account id and a description of it.
            summary: The passed check's message, from the descriptions in order.

        Returns:
            The check's outcome.

        >>> CheckResult.each(["a1", "a2"], lambda a: (a, a.upper()), "; ".join)
        CheckResult(ok=True, message='A1; A2', accounts=('a1', 'a2'), error=None)
        """
        reached: list[str] = []
        described: list[str] = []
        for target in targets:
            try:
                account, description = describe(target)
            except PartnerkitError as exc:
                return cls.failed(exc, tuple(reached))
            reached.append(account)
            described.append(description)
        return cls(ok=True, message=summary(described), accounts=tuple(reached))


SettingsT = TypeVar("SettingsT", bound=ConnectorSettings)


class Connector(Closing, ABC, Generic[SettingsT]):
    """Base class of every connector.

    Subclasses set the class attributes and implement :meth:`read`; they may
    override :meth:`check` and :meth:`close`. Use a connector as a context manager
    so its sessions are closed.

    Attributes:
        name: The connector's name, equal to its entry-point name.
        settings_class: The pydantic-settings class of its settings.
        streams: The streams it offers.
        capabilities: Optional behaviours it supports.
        settings: The settings instance this connector was built with.
    """

    name: ClassVar[str]
    settings_class: ClassVar[type[ConnectorSettings]]
    streams: ClassVar[tuple[StreamSpec, ...]]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()

    def __init__(self, settings: SettingsT | Mapping[str, Any] | None = None) -> None:
        """Build the connector.

        Args:
            settings: A settings instance, a mapping of settings (merged over the
                environment), or ``None`` to read everything from the environment.

        Raises:
            ConfigurationError: The settings are invalid; the message names each field.
        """
        self.settings: SettingsT = self.load_settings(settings)
        self._closed = False

    @classmethod
    def load_settings(cls, settings: SettingsT | Mapping[str, Any] | None = None) -> SettingsT:
        """Validate settings from an instance, a mapping and/or the environment.

        Raises:
            ConfigurationError: Naming every invalid or missing field.
        """
        if isinstance(settings, cls.settings_class):
            return settings
        try:
            return cls.settings_class(**dict(settings or {}))  # type: ignore[return-value]
        except ValidationError as exc:
            prefix = cls.settings_class.model_config.get("env_prefix", "")
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigurationError(
                f"Invalid settings for connector {cls.name!r}: {problems}. Settings can also "
                f"come from environment variables prefixed {prefix!r}."
            ) from None

    # ------------------------------------------------------------------ streams

    @classmethod
    def stream_spec(cls, name: str) -> StreamSpec:
        """Return the spec of a stream by name.

        Raises:
            ConfigurationError: No such stream; the message lists the offered ones.
        """
        for spec in cls.streams:
            if spec.name == name:
                return spec
        offered = ", ".join(s.name for s in cls.streams)
        raise ConfigurationError(
            f"Connector {cls.name!r} has no stream {name!r}; it offers: {offered}."
        )

    @abstractmethod
    def read(self, request: ReadRequest) -> Iterable[Record | Notice]:
        """Read one stream for a date range and yield unified records.

        Yield plain dicts shaped like the stream's record kind; the framework
        validates them a page at a time and fills ``record_id``. A big, regular page
        may instead be yielded as one ``pyarrow.Table`` with record columns (and
        ``extra.<name>`` columns), checked column by column with the same rules
        (see docs/connectors.md). Yield a
        :class:`Notice` for anything the user must know (a rejected row, sampled
        data) instead of dropping it silently.

        Args:
            request: The stream, date range, accounts and options.

        Raises:
            SourceError: (or a subclass) when the API fails; vendor errors are mapped.
        """

    def stream(self, request: ReadRequest | None = None, /, **fields: Any) -> RecordStream:
        """Read lazily into a :class:`~partnerkit.stream.RecordStream`.

        Args:
            request: A ready request, or ``None`` to build one from ``fields``.
            **fields: The request's fields (``stream=``, ``start=``, ``end=``,
                ``accounts=``, ``options=``) when no request is given.

        Returns:
            A one-shot stream of validated records.
        """
        from partnerkit.stream import RecordStream

        if request is None:
            try:
                request = ReadRequest(**fields)
            except ValidationError as exc:
                raise ConfigurationError(f"Invalid read request: {exc}") from None
        spec = self.stream_spec(request.stream)
        return RecordStream.from_connector(self, spec, request)

    def lookback(self, stream: str) -> dt.timedelta:
        """The lookback window of a stream, as these settings configure it.

        Connectors follow one convention: an optional ``lookback_days`` setting
        overrides every stream's :attr:`StreamSpec.default_lookback`.

        Args:
            stream: The stream name.
        """
        days = getattr(self.settings, "lookback_days", None)
        if days is not None:
            return dt.timedelta(days=int(days))
        return self.stream_spec(stream).default_lookback

    def enabled_streams(self) -> tuple[StreamSpec, ...]:
        """The streams these settings make readable (all of them, unless overridden).

        A connector whose settings choose what to read (the files connector reads
        only the streams it has files for) overrides this, so that ``partnerkit pull``
        and syncs read only what is configured.
        """
        return self.streams

    def check(self) -> CheckResult:
        """Validate credentials and access without reading data.

        The default only validates settings (already done in ``__init__``);
        connectors that talk to an API override it and set :attr:`Capability.CHECK`.
        """
        return CheckResult(ok=True, message="settings are valid")

    # ---------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Release sessions and files. Safe to call more than once."""
        self._closed = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} settings={self.settings!r}>"


class SessionConnector(Connector[SettingsT]):
    """A connector that holds one HTTP session: opened on first use, closed with it.

    Subclasses build the session in :meth:`_open_session` (usually with
    :func:`partnerkit.http.session`: the vendor's rate limiter, authentication headers)
    and reach it through :meth:`_http`; :meth:`close` closes it. A connector holding
    more (a token session, clients per account) closes that in its own ``close`` and
    then calls ``super().close()``.
    """

    def __init__(self, settings: SettingsT | Mapping[str, Any] | None = None) -> None:
        """Build the connector; the session waits for the first request.

        Args:
            settings: As for :class:`Connector`.
        """
        super().__init__(settings)
        self._session: requests.Session | None = None

    @abstractmethod
    def _open_session(self) -> requests.Session:
        """Build the connector's session (called once, on first use)."""

    def _http(self) -> requests.Session:
        """The connector's session, opened by :meth:`_open_session` the first time."""
        if self._session is None:
            self._session = self._open_session()
        return self._session

    def close(self) -> None:
        """Close the HTTP session, if one was opened."""
        if self._session is not None:
            self._session.close()
        super().close()
