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
    │   └── WarehouseError          a warehouse file that cannot be read (damaged, closed)
    │       └── WarehouseBusyError  a sync holds the file longer than a reader waits
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
    │   └── TransientError          5xx, timeouts, resets, truncated bodies (retriable)
    ├── DataError                   a record or a row that does not fit its schema
    └── StreamConsumedError         a one-shot RecordStream read twice
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "AuthenticationError",
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
    "NotFoundError",
    "PartnerkitError",
    "PartnerkitWarning",
    "PermissionDeniedError",
    "QuotaExhaustedError",
    "RateLimitError",
    "SourceError",
    "StreamConsumedError",
    "TransientError",
    "UnknownFieldError",
    "WarehouseBusyError",
    "WarehouseError",
    "WorkspaceError",
    "WorkspaceProblem",
]


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
        parts = [message]
        context = ", ".join(
            f"{k}={v}"
            for k, v in (
                ("api", api),
                ("account", account),
                ("status", status),
                ("code", vendor_code),
            )
            if v is not None
        )
        if context:
            parts.append(f"[{context}]")
        if vendor_message and vendor_message not in message:
            parts.append(f"The API said: {vendor_message}")
        if request:
            parts.append(f"Request: {request}")
        super().__init__(" ".join(parts))


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


class StreamConsumedError(PartnerkitError):
    """A RecordStream was read a second time; streams are one-shot like generators."""


# ------------------------------------------------------------------------- warnings


class PartnerkitWarning(UserWarning):
    """Base class of the warnings partnerkit emits."""


class ConnectorLoadWarning(PartnerkitWarning):
    """An installed connector failed to load and was skipped."""
