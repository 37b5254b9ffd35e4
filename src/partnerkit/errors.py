"""The library's own errors, in one tree.

Every error partnerkit raises is a :class:`PartnerkitError`. Details travel as
attributes (never only inside the message), and :attr:`PartnerkitError.retriable`
tells a fault worth retrying from a fatal one. Vendor SDK exceptions are mapped to
these classes at one boundary per connector, so code that embeds partnerkit catches
one tree whatever the platform.

The tree::

    PartnerkitError
    ├── ConfigurationError          bad settings, options or workspace file
    │   ├── WorkspaceError          the workspace file, with every problem found
    │   ├── UnknownFieldError       a field / metric / property the API does not know
    │   ├── WarehouseError          a warehouse file that cannot be used (missing, closed)
    │   │   ├── WarehouseFileError  not a DuckDB file, damaged or truncated
    │   │   └── WarehouseBusyError  a sync holds the file longer than a reader waits
    │   └── BrowserNotFoundError    no Chromium to print a report as PDF
    ├── ConnectorError              discovering or loading connectors
    │   ├── ConnectorNotFoundError
    │   ├── ConnectorConflictError
    │   └── ConnectorLoadError
    ├── SourceError                 talking to a platform's API
    │   ├── AuthenticationError     401, expired or invalid token
    │   ├── PermissionDeniedError   403, missing scope or account access
    │   ├── NotFoundError           404, unknown account or object
    │   ├── InvalidRequestError     400, the request itself is wrong
    │   ├── QuotaExhaustedError     a hard quota (daily cap) that waiting will not fix soon
    │   ├── RateLimitError          429 and vendor throttling (retriable)
    │   ├── TransientError          5xx, timeouts, resets, truncated bodies (retriable)
    │   └── ResponseShapeError      a 2xx body that is not the documented shape (``null``, ``{}``)
    ├── DataError                   a record or a row that does not fit its schema
    ├── NotComputableError          a result the data cannot give (nothing synced, no rows)
    ├── BrowserError                the browser ran but did not print the report's PDF
    └── StreamConsumedError         a one-shot RecordStream read twice
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self, TypeVar, overload

__all__ = [
    "AuthenticationError",
    "BrowserError",
    "BrowserNotFoundError",
    "ConfigurationError",
    "ConnectorConflictError",
    "ConnectorError",
    "ConnectorLoadError",
    "ConnectorLoadWarning",
    "ConnectorNotFoundError",
    "CurrencyError",
    "DataError",
    "InvalidRequestError",
    "MissingSecretError",
    "NonAdditiveError",
    "NotComputableError",
    "NotFoundError",
    "PageShapeError",
    "PartnerkitError",
    "PartnerkitWarning",
    "PeriodError",
    "PermissionDeniedError",
    "QuotaExhaustedError",
    "RateLimitError",
    "ResponseShapeError",
    "SourceError",
    "StreamConsumedError",
    "TransientError",
    "UnknownFieldError",
    "UnknownLocaleError",
    "WarehouseBusyError",
    "WarehouseError",
    "WarehouseFileError",
    "WarehouseVersionError",
    "WorkspaceError",
    "WorkspaceProblem",
]


_E = TypeVar("_E", bound="SourceError")


class PartnerkitError(Exception):
    """Base class of every error partnerkit raises.

    Attributes:
        message: The human-readable explanation, including what to do about it.
        retriable: True when the same call may succeed if tried again later.
    """

    retriable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- config


class ConfigurationError(PartnerkitError):
    """Settings, options or a workspace file are wrong; fix the input and retry."""


def _show(value: Any) -> str:
    """Show a value as a user wrote it: ``2026-10-01`` and ``5.5``, not their reprs."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return repr(value)


@dataclass(frozen=True)
class WorkspaceProblem:
    """One problem found in a workspace file.

    Attributes:
        path: The key path inside the file, e.g. ``sources[2].matching.utm_source``.
        message: What is wrong and what is expected.
        line: The 1-based line in the file, when known.
        value: The offending value, when there is one.
    """

    path: str
    message: str
    line: int | None = None
    value: Any = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        shown = "" if self.value is None else f" (got {_show(self.value)})"
        return f"{where}{self.path or '<root>'}: {self.message}{shown}"


class WorkspaceError(ConfigurationError):
    """The workspace file has one or more problems; all of them are listed.

    Attributes:
        file: The file that was read, or None for a model built in code.
        problems: Every problem found, in file order.
    """

    def __init__(self, file: str | None, problems: Sequence[WorkspaceProblem]) -> None:
        self.file = file
        self.problems = list(problems)
        head = f"{file}: " if file else ""
        count = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{head}{count} {noun} in the workspace file:\n{lines}")


class MissingSecretError(ConfigurationError):
    """A connection's secret is not in the environment.

    Attributes:
        connection: The connection's name.
        setting: The settings field the secret is for.
        variable: The environment variable that should hold it.
    """

    def __init__(self, connection: str, setting: str, variable: str) -> None:
        self.connection = connection
        self.setting = setting
        self.variable = variable
        super().__init__(
            f"Connection {connection!r} needs the environment variable {variable} (for its "
            f"setting {setting!r}), and it is not set or empty. Set it, e.g. "
            f"`export {variable}=...`, or in the secret store of your scheduler or CI."
        )


class CurrencyError(ConfigurationError):
    """Money in a currency other than the workspace's, with no exchange rate for it.

    Attributes:
        currencies: The currencies found without a rate.
        column: The money column, e.g. ``performance.spend``.
        workspace_currency: The currency results are expressed in.
    """

    def __init__(self, column: str, currencies: Sequence[str], workspace_currency: str) -> None:
        self.column = column
        self.currencies = sorted(currencies)
        self.workspace_currency = workspace_currency
        listed = ", ".join(self.currencies)
        example = ", ".join(f'"{c}": ...' for c in self.currencies)
        super().__init__(
            f"{column} holds amounts in {listed}, and results are in the workspace currency "
            f"{workspace_currency}; amounts in different currencies are never added without "
            f"exchange rates. Pass rates={{{example}}} ({workspace_currency} for one unit of "
            f"each currency)."
        )


class NonAdditiveError(ConfigurationError):
    """A KPI would sum a metric that is not additive (distinct counts, ratios).

    Attributes:
        column: The column, e.g. ``performance.extra.unique_viewers``.
    """

    def __init__(self, column: str, description: str | None = None) -> None:
        self.column = column
        what = f" ({description.rstrip('.')})" if description else ""
        super().__init__(
            f"cannot sum {column}: it is not additive{what}. A sum over days or slices counts "
            f"the same people more than once; re-query the source at the grain you need "
            f"(e.g. the whole month in one request) instead of adding rows."
        )


class UnknownLocaleError(ConfigurationError):
    """A report was asked for in a locale that has no message catalogue.

    Attributes:
        locale: The locale asked for, as given.
        available: The locales the report can be written in.
    """

    def __init__(self, locale: str, available: Sequence[str]) -> None:
        self.locale = locale
        self.available = tuple(available)
        super().__init__(
            f"the report has no catalogue for the locale {locale!r}; the available "
            f"locales are {', '.join(self.available)}"
        )


class PeriodError(ConfigurationError):
    """A period (a quarter) written in a form that is not one.

    Attributes:
        value: The text as given.
        kind: What it should have been: ``quarter``.
        problem: What is wrong, as a code: ``format`` (not ``YYYYQn``) or
            ``quarter_number`` (a number outside 1 to 4).
        example: A correct way to write it (``2026Q4``).
    """

    def __init__(self, value: str, *, kind: str, problem: str, example: str) -> None:
        self.value = value
        self.kind = kind
        self.problem = problem
        self.example = example
        if problem == "quarter_number":
            year = example[:4]
            quarters = ", ".join(f"{year}Q{n}" for n in range(1, 5))
            said = (
                f"not a {kind}: {value!r}; a year has quarters 1 to 4, so write one of {quarters}"
            )
        else:
            said = (
                f"not a {kind}: {value!r}; write the year and the quarter's number, "
                f"e.g. {example} (2026-Q4 works too)"
            )
        super().__init__(said)


class UnknownFieldError(ConfigurationError):
    """A field, metric, dimension or property the API or schema does not know.

    Attributes:
        field: The name that was asked for.
        where: What was searched (an API, a property, a record kind).
        suggestions: The closest valid names, best first.
    """

    def __init__(self, field: str, where: str, suggestions: Sequence[str] = ()) -> None:
        self.field = field
        self.where = where
        self.suggestions = list(suggestions)
        hint = (
            f" Did you mean {', '.join(repr(s) for s in self.suggestions)}?" if suggestions else ""
        )
        super().__init__(f"Unknown field {field!r} for {where}.{hint}")


class WarehouseError(ConfigurationError):
    """A warehouse file cannot be read: missing, damaged, not a DuckDB file, or closed.

    Attributes:
        path: The warehouse file.
    """

    def __init__(self, message: str, *, path: str) -> None:
        self.path = path
        super().__init__(message)


class WarehouseFileError(WarehouseError):
    """A warehouse file partnerkit cannot use: not a DuckDB file, damaged or truncated.

    Attributes:
        path: The file.
        reason: What is wrong with it, e.g. "is not a DuckDB database file".
    """

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.reason = reason
        super().__init__(
            f"The warehouse {path} {reason}, so partnerkit cannot use it. Move the file "
            f"aside (or restore it from a backup) and run `partnerkit sync` to build a new "
            f"warehouse there, or point the command at another file with --warehouse.",
            path=str(path),
        )


class WarehouseVersionError(WarehouseError):
    """A warehouse file at a layout version this partnerkit cannot use as it is.

    Newer than this partnerkit knows (upgrade partnerkit; the file is left as it is), or,
    for a reader that cannot migrate, older than it reads (open it once for writing).

    Attributes:
        path: The warehouse file.
        version: The file's layout version.
        oldest: The oldest layout version the opener accepts.
        newest: The newest layout version this partnerkit knows.
    """

    def __init__(self, message: str, *, path: str, version: int, oldest: int, newest: int):
        self.version = version
        self.oldest = oldest
        self.newest = newest
        super().__init__(message, path=path)


class WarehouseBusyError(WarehouseError):
    """Another process (a sync) holds the warehouse for writing longer than a reader waits.

    Attributes:
        path: The warehouse file.
        waited: Seconds the reader waited for the lock.
        holder_pid: The process holding the file, when known.
        holder_command: What that process is doing (e.g. ``partnerkit sync``), when known.
        holder_started_at: When it took the file (UTC), when known.
    """

    retriable = True

    def __init__(
        self,
        message: str,
        *,
        path: str,
        waited: float,
        holder_pid: int | None = None,
        holder_command: str | None = None,
        holder_started_at: dt.datetime | None = None,
    ) -> None:
        self.waited = waited
        self.holder_pid = holder_pid
        self.holder_command = holder_command
        self.holder_started_at = holder_started_at
        super().__init__(message, path=path)


class BrowserNotFoundError(ConfigurationError):
    """No Chromium (or Chrome) to print a report as PDF: install one, or say where it is.

    Attributes:
        tried: The commands looked for on ``PATH``, in order.
    """

    def __init__(self, tried: Sequence[str]) -> None:
        self.tried = tuple(tried)
        super().__init__(
            f"partnerkit prints the report as PDF with headless Chromium and found no browser "
            f"(looked for {', '.join(self.tried)} on PATH). Install Chromium (Debian and "
            f"Ubuntu: `sudo apt-get install chromium`; macOS: `brew install --cask chromium`), "
            f"or set PARTNERKIT_BROWSER to the path of Chromium or Chrome. The HTML report "
            f"was written; print it from any browser meanwhile."
        )


class BrowserError(PartnerkitError):
    """The browser ran but did not print the PDF: it failed, crashed or timed out.

    Attributes:
        browser: The browser's executable.
        returncode: Its exit status (``None`` when it was stopped at the time limit).
        output: The end of what it wrote to its error output.
    """

    def __init__(
        self, browser: str, reason: str, *, returncode: int | None = None, output: str = ""
    ) -> None:
        self.browser = browser
        self.returncode = returncode
        self.output = output
        tail = f" Its last words: {output.strip()[-500:]}" if output.strip() else ""
        super().__init__(f"{browser} did not print the PDF: it {reason}.{tail}")


# ------------------------------------------------------------------------ connectors


class ConnectorError(PartnerkitError):
    """Discovering, loading or instantiating a connector failed."""


class ConnectorNotFoundError(ConnectorError):
    """No installed connector has the asked name.

    Attributes:
        name: The name that was asked for.
        installed: The names of the connectors that are installed.
        provider: The distribution known to provide ``name``, if any.
    """

    def __init__(self, name: str, installed: Sequence[str], provider: str | None = None) -> None:
        self.name = name
        self.installed = sorted(installed)
        self.provider = provider
        have = ", ".join(self.installed) or "none"
        hint = (
            f" It is provided by the package {provider!r}: install it with "
            f"`uv add {provider}` or `pip install {provider}`."
            if provider
            else " Check the spelling, or install the package that provides it."
        )
        super().__init__(f"No connector named {name!r} is installed (installed: {have}).{hint}")


class ConnectorConflictError(ConnectorError):
    """Two installed distributions claim the same connector name.

    Attributes:
        name: The contested connector name.
        distributions: The distributions (name and version) that claim it.
    """

    def __init__(self, name: str, distributions: Sequence[str]) -> None:
        self.name = name
        self.distributions = list(distributions)
        super().__init__(
            f"Connector name {name!r} is claimed by more than one installed package: "
            f"{', '.join(self.distributions)}. Uninstall one of them, or disable one with "
            f"PARTNERKIT_DISABLE_CONNECTORS."
        )


class ConnectorLoadError(ConnectorError):
    """A connector's entry point could not be imported or is not a Connector.

    Attributes:
        name: The connector name.
        target: The entry point's target, ``module:attribute``.
        cause: The underlying exception, if any.
    """

    def __init__(self, name: str, target: str, reason: str, cause: BaseException | None = None):
        self.name = name
        self.target = target
        self.cause = cause
        super().__init__(f"Connector {name!r} ({target}) could not be loaded: {reason}")


# ---------------------------------------------------------------------------- source


class SourceError(PartnerkitError):
    """A platform's API answered with an error, or could not be reached.

    Attributes:
        api: The API, e.g. ``"meta"``, ``"google_ads"``, ``"ga4"``, ``"hubspot"``.
        account: The account, property or portal the request was for, if known.
        request: A short description of the request (method and URL without secrets).
        status: The HTTP status, if there was a response.
        vendor_code: The API's own error code, if it gave one.
        vendor_message: The API's own error message, kept verbatim.
        details: Anything else the API said that helps (usage headers, request ids).
    """

    def __init__(
        self,
        message: str,
        *,
        api: str,
        account: str | None = None,
        request: str | None = None,
        status: int | None = None,
        vendor_code: str | int | None = None,
        vendor_message: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self.api = api
        self.account = account
        self.request = request
        self.status = status
        self.vendor_code = vendor_code
        self.vendor_message = vendor_message
        self.details = dict(details or {})
        self._said = message
        super().__init__(self._text())

    def _text(self) -> str:
        """The message: what happened, its context, the API's words and the request."""
        parts = [self._said]
        context = ", ".join(
            f"{k}={v}"
            for k, v in (
                ("api", self.api),
                ("account", self.account),
                ("stream", self.details.get("stream")),
                ("window", self.details.get("window")),
                ("status", self.status),
                ("code", self.vendor_code),
            )
            if v is not None
        )
        if context:
            parts.append(f"[{context}]")
        if self.vendor_message and self.vendor_message not in self._said:
            parts.append(f"The API said: {self.vendor_message}")
        if self.request:
            parts.append(f"Request: {self.request}")
        return " ".join(parts)

    @overload
    def with_context(
        self, message: str | None = None, *, as_type: None = None, **context: Any
    ) -> Self: ...

    @overload
    def with_context(
        self, message: str | None = None, *, as_type: type[_E], **context: Any
    ) -> _E: ...

    def with_context(
        self,
        message: str | None = None,
        *,
        as_type: type[SourceError] | None = None,
        **context: Any,
    ) -> SourceError:
        """A copy of this error with added context; the error itself is left as it was.

        The one way to re-wrap a source error: the copy keeps the type (and so
        :attr:`retriable`), the API's code and message, every attribute (a
        ``RateLimitError``'s ``retry_after`` too) and the details, and adds to them::

            raise error.with_context(stream="ad_insights", window="2026-10-01..10-31")

        Args:
            message: A new explanation (the API's words and the context are added to
                it as to any); ``None`` keeps the current one.
            as_type: Re-classify: the copy is of this :class:`SourceError` subclass
                (e.g. a ``RateLimitError`` that turned out to be a spent hourly quota
                becomes a ``QuotaExhaustedError``); attributes only it has start at
                their defaults unless given in ``context``.
            **context: ``account``, ``request``, ``status``, ``vendor_code`` and
                ``vendor_message`` and attributes of the resulting class (e.g.
                ``retry_after``) replace theirs; anything else (``stream``,
                ``window``, ``attempts``...) is added to :attr:`details`.

        Returns:
            The new error (not raised).
        """
        target = as_type or type(self)
        derived = target.__new__(target)
        derived.__dict__.update(self.__dict__)
        own = _own_attributes(target)
        for name in _own_attributes(type(self)).keys() - own.keys():
            del derived.__dict__[name]  # re-classified: the old class's own attributes go
        for name, default in own.items():
            if name not in derived.__dict__:
                setattr(derived, name, default)
        details = dict(self.details)
        for key, value in context.items():
            if key in own or key in _SOURCE_FIELDS:
                setattr(derived, key, value)
            else:
                details[key] = value
        derived.details = details
        if message is not None:
            derived._said = message
        PartnerkitError.__init__(derived, derived._text())
        return derived


_SOURCE_FIELDS = frozenset({"account", "request", "status", "vendor_code", "vendor_message"})


def _own_attributes(cls: type[SourceError]) -> dict[str, Any]:
    """The keyword-only arguments a subclass adds to SourceError's, with their defaults."""
    own: dict[str, Any] = {}
    for klass in cls.__mro__:
        if klass is SourceError or not issubclass(klass, SourceError):
            continue
        if "__init__" in vars(klass):
            for param in inspect.signature(klass.__init__).parameters.values():
                if param.kind is inspect.Parameter.KEYWORD_ONLY and param.name not in own:
                    default = None if param.default is inspect.Parameter.empty else param.default
                    own[param.name] = default
    return own


class AuthenticationError(SourceError):
    """The credentials are missing, invalid or expired (HTTP 401, Meta code 190)."""


class PermissionDeniedError(SourceError):
    """The credentials are valid but lack a scope or access to the account (HTTP 403)."""


class NotFoundError(SourceError):
    """The account, property or object does not exist or is not visible (HTTP 404)."""


class InvalidRequestError(SourceError):
    """The API rejected the request as malformed (HTTP 400); retrying will not help."""


class QuotaExhaustedError(SourceError):
    """A hard quota is used up (e.g. a daily cap); waiting seconds will not fix it.

    Attributes:
        resets_at: When the quota resets, if the API said.
    """

    def __init__(self, message: str, *, resets_at: str | None = None, **kwargs: Any) -> None:
        self.resets_at = resets_at
        super().__init__(message, **kwargs)


class RateLimitError(SourceError):
    """The API throttled the request (HTTP 429 or a vendor throttle code).

    Attributes:
        retry_after: Seconds the API asked to wait, if it said.
    """

    retriable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class TransientError(SourceError):
    """A fault that may pass: 5xx, timeouts, connection resets, truncated bodies."""

    retriable = True


class ResponseShapeError(SourceError):
    """A successful answer whose body is not the shape the API documents.

    JSON ``null``, a number, ``{}``, a list where an object belongs, an answer without
    the key the API always sends (Meta's ``data``, GA4's ``kind`` and headers), rows
    that are not a list or a row that is not an object. Nothing of such a page is
    used, and a sync fails the stream without moving its state. Not retriable: a
    well-formed request answered this way points at a proxy, an API change or a bug.

    Attributes:
        where: The place in the body, e.g. ``"data"``, ``"data[3]"``, ``""`` for the
            whole body.
        expected: What the documented shape has there, e.g. ``"a list of rows"``.
        found: What the body had instead, e.g. ``"a JSON null"``.
    """

    def __init__(
        self, api_name: str, *, where: str, expected: str, found: str, **kwargs: Any
    ) -> None:
        self.where = where
        self.expected = expected
        self.found = found
        place = f" at {where}" if where else ""
        super().__init__(
            f"{api_name} answered with a body that is not the documented shape: expected "
            f"{expected}{place}, found {found}. Nothing of this page was used; this is not "
            "retried (report it with the request below if it persists).",
            **kwargs,
        )

    @classmethod
    def of(cls, api_name: str, mismatch: PageShapeError, **kwargs: Any) -> Self:
        """The error for what a page parser found, with the read's context added.

        Args:
            api_name: The API and call, as the message names them (``"GA4 runReport"``).
            mismatch: What the parser raised: where, what was expected, what was found.
            **kwargs: The :class:`SourceError` context (``api``, ``account``,
                ``request``, ``status``...).

        Returns:
            The error.
        """
        return cls(
            api_name,
            where=mismatch.where,
            expected=mismatch.expected,
            found=mismatch.found,
            **kwargs,
        )

    @staticmethod
    def top_level(body: bytes, opener: bytes = b"{") -> str | None:
        """What a body is when it is JSON but does not open with ``opener``, else ``None``.

        The check every connector makes before any parser sees a page: a body that
        starts (after JSON whitespace) with ``{`` (or ``[`` for an API that answers
        with an array) returns ``None`` at once, without parsing it. Anything else is
        parsed and described (``"a JSON null"``); a body that is not JSON at all
        returns ``None`` too, for the connector's own parser to report.

        Args:
            body: The raw answer.
            opener: ``b"{"`` for an object, ``b"["`` for an array.
        """
        import json
        import re

        start = re.compile(rb"[ \t\r\n]*").match(body)
        if start is not None and body[start.end() : start.end() + 1] == opener:
            return None
        try:
            value = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        return ResponseShapeError.describe(value)

    @staticmethod
    def without(value: Any) -> str:
        """``found`` for an object that lacks a key: its own keys (at most ten) or its kind."""
        if isinstance(value, dict) and value:
            keys = ", ".join(repr(str(k)[:40]) for k in list(value)[:10])
            more = f" and {len(value) - 10} more" if len(value) > 10 else ""
            return f"an object with only the keys {keys}{more}"
        return ResponseShapeError.describe(value)

    @staticmethod
    def describe(value: Any) -> str:
        """What a parsed JSON value is, for ``found``: ``a JSON null``, ``a JSON number (123)``.

        Numbers and booleans are shown; strings, objects and lists only by their
        size, so a message never repeats a page (or a secret an answer echoes).
        """
        if value is None:
            return "a JSON null"
        if isinstance(value, bool):
            return f"a JSON boolean ({'true' if value else 'false'})"
        if isinstance(value, int | float):
            return f"a JSON number ({str(value)[:40]})"
        if isinstance(value, str | list | dict):
            kind, unit = {str: ("string", "character"), list: ("array", "item")}.get(
                type(value), ("object", "key")
            )
            n = len(value)
            return (
                f"a JSON {kind} of {n} {unit}{'' if n == 1 else 's'}"
                if n
                else f"an empty JSON {kind}"
            )
        return type(value).__name__


class PageShapeError(ValueError):
    """A JSON body that is not the documented shape, as a connector's page parser finds it.

    A parser that sees only the body (not the API, the account or the request) raises
    it; the connector catches it where it knows the read and raises
    :meth:`ResponseShapeError.of` from it. It never leaves a connector, which is why
    it is a ``ValueError`` and not a :class:`PartnerkitError`.

    Attributes:
        where: The place in the body (``""`` for the whole body, ``rows[3]``...).
        expected: What the documented answer has there.
        found: What the body had (:meth:`ResponseShapeError.describe`).
    """

    def __init__(self, where: str, expected: str, found: str) -> None:
        super().__init__(f"{where or 'the body'}: expected {expected}, found {found}")
        self.where = where
        self.expected = expected
        self.found = found


# ---------------------------------------------------------------------------- data


class DataError(PartnerkitError):
    """A record or an input row does not fit its schema.

    Attributes:
        source: Where the data came from (a file, a stream name).
        row: The 1-based row or record number, when known.
        column: The column or field, when known.
        value: The offending value, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        self.source = source
        self.row = row
        self.column = column
        self.value = value
        where = ", ".join(
            f"{k} {v}" for k, v in (("in", source), ("row", row), ("column", column)) if v
        )
        super().__init__(f"{message} ({where})" if where else message)


class NotComputableError(PartnerkitError):
    """A result cannot be computed from the data there is: nothing would be made up.

    Raised where a whole result (a month's report) would otherwise be built from
    nothing: a warehouse that was never synced, a month with no records, a month
    that has not started.

    Attributes:
        code: Why, as a code: ``not_synced``, ``no_rows_for_month``,
            ``month_not_started``.
        params: The values the reason names (``month``, ``as_of``, ...).
    """

    def __init__(self, message: str, *, code: str, params: dict[str, str] | None = None) -> None:
        self.code = code
        self.params = dict(params or {})
        super().__init__(message)


class StreamConsumedError(PartnerkitError):
    """A RecordStream was read a second time; streams are one-shot like generators."""


# ------------------------------------------------------------------------- warnings


class PartnerkitWarning(UserWarning):
    """Base class of the warnings partnerkit emits."""


class ConnectorLoadWarning(PartnerkitWarning):
    """An installed connector failed to load and was skipped."""
