"""The evidence log: the requests, replies, deliveries, approvals and meetings the user keeps.

Some SLA terms cannot be measured from platform data: how fast the partner answers a
message, how long a draft takes, whether the monthly report came on time, whether the
weekly call happened. The business keeps a small log of those events — a spreadsheet
saved as CSV, or a YAML file — and :func:`read_evidence` reads it into an
:class:`EvidenceLog` that :func:`~partnerkit.analysis.sla.sla_compliance` measures.

One row per event; the columns (case-insensitive, any order):

==============  ========  ===================================================================
column          required  meaning
==============  ========  ===================================================================
``at``          yes       When it happened: ``2026-10-04T10:15+03:00``; without an offset
                          the log's time zone applies (the workspace's); a bare date is
                          00:00 that day.
``event``       yes       ``request``, ``reply``, ``delivered``, ``approved`` or
                          ``meeting`` (``response``, ``delivery``, ``deliverable`` and
                          ``approval`` are read as their synonyms).
``thread``      see note  What ties a request to its reply, a brief to its delivery, a
                          delivery to its approval: an email subject, a ticket number.
``sla``         no        The SLA term the event counts for; when empty, it counts for
                          every term of the fitting kind.
``deliverable`` no        The contract deliverable a delivery (or a brief) is for.
``period``      no        Which occurrence of a recurring deliverable a delivery is for,
                          named by its due period (``2026-10`` for the report due on the
                          5th business day of October); needed only for late deliveries.
``by``          no        Who: ``partner``, ``in_house`` or a person's id from the
                          workspace.
``note``        no        Free text.
``link``        no        Where the evidence is (a mail permalink, a file).
==============  ========  ===================================================================

A ``request``, ``reply`` or ``approved`` event needs a ``thread``; a ``delivered``
event needs a ``thread`` or a ``deliverable``. Columns other than these are an
error (free text goes in ``note``), so a typo in a header never drops evidence.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from partnerkit.analysis._data import Result
from partnerkit.analysis._files import csv_rows, yaml_rows
from partnerkit.errors import ConfigurationError, DataError
from partnerkit.model import did_you_mean

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["EvidenceEvent", "EvidenceKind", "EvidenceLog", "read_evidence"]


class EvidenceKind(StrEnum):
    """What an evidence event records."""

    REQUEST = "request"
    """A message, a question or a brief that starts a clock."""
    REPLY = "reply"
    """An answer to a request."""
    DELIVERED = "delivered"
    """A deliverable handed over: a draft, a report, a campaign."""
    APPROVED = "approved"
    """A deliverable approved by the other side."""
    MEETING = "meeting"
    """A meeting that took place."""


_SYNONYMS = {
    "response": EvidenceKind.REPLY,
    "answer": EvidenceKind.REPLY,
    "delivery": EvidenceKind.DELIVERED,
    "deliverable": EvidenceKind.DELIVERED,
    "approval": EvidenceKind.APPROVED,
    "call": EvidenceKind.MEETING,
}
_COLUMNS = ("at", "event", "thread", "sla", "deliverable", "period", "by", "note", "link")


def _parse_at(value: Any, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "is not a date and time; write e.g. 2026-10-04T10:15+03:00, "
                "2026-10-04 10:15 or 2026-10-04"
            ) from None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tzinfo=zone)
    raise ValueError("is not a date and time")


class EvidenceEvent(BaseModel):
    """One row of the evidence log (see the module documentation for the columns).

    Attributes:
        at: When it happened (timezone-aware).
        event: What happened.
        thread: What ties the events of one exchange together.
        sla: The SLA term it counts for (every term of its kind when empty).
        deliverable: The contract deliverable it is about.
        period: The due period of the deliverable occurrence it is for.
        by: ``partner``, ``in_house`` or a person's id.
        note: Free text.
        link: Where the evidence is.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    at: dt.datetime
    event: EvidenceKind
    thread: str | None = None
    sla: str | None = None
    deliverable: str | None = None
    period: str | None = None
    by: str | None = None
    note: str | None = None
    link: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("at", mode="before")
    @classmethod
    def _at(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            raise ValueError("is required: when the event happened")
        context = info.context if isinstance(info.context, dict) else {}
        return _parse_at(value, context.get("zone") or zoneinfo.ZoneInfo("UTC"))

    @field_validator("event", mode="before")
    @classmethod
    def _event(cls, value: Any) -> Any:
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _SYNONYMS:
                return _SYNONYMS[word]
            if word not in {k.value for k in EvidenceKind}:
                kinds = [k.value for k in EvidenceKind]
                raise ValueError(
                    f"is not an event kind.{did_you_mean(word, kinds)} Kinds: {', '.join(kinds)}"
                )
            return word
        return value

    def problem(self) -> str | None:
        """What keeps this event from being measured, or ``None``."""
        threaded = (EvidenceKind.REQUEST, EvidenceKind.REPLY, EvidenceKind.APPROVED)
        if self.event in threaded and self.thread is None:
            return f"a {self.event.value} event needs a thread (what ties it to the others)"
        if self.event is EvidenceKind.DELIVERED and self.thread is None and not self.deliverable:
            return "a delivered event needs a thread or a deliverable"
        return None


@dataclass(frozen=True)
class EvidenceLog(Result):
    """The evidence log as one Arrow table, in time order.

    Attributes:
        events: Columns ``row`` (the row in the file: for a CSV the header is row 1),
            ``at`` (UTC timestamp), ``event``, ``thread``, ``sla``, ``deliverable``,
            ``period``, ``by``, ``note``, ``link``.
        source: Where the log was read from.
    """

    events: pa.Table
    source: str | None = None
    title: str = "Evidence log"

    @classmethod
    def from_events(
        cls,
        rows: Iterable[Mapping[str, Any] | EvidenceEvent],
        *,
        timezone: str = "UTC",
        source: str | None = None,
        first_row: int = 1,
    ) -> EvidenceLog:
        """Validate event mappings (or :class:`EvidenceEvent` objects) into a log.

        Args:
            rows: The events, as the columns above.
            timezone: The time zone of timestamps written without an offset.
            source: Where they come from (shown in errors).
            first_row: The row number of the first event (for error messages).

        Raises:
            DataError: A row does not fit the schema; ``row`` and ``column`` say where.
        """
        import pyarrow as pa

        zone = zoneinfo.ZoneInfo(timezone)
        raw = [r.model_dump() if isinstance(r, EvidenceEvent) else _lower_keys(r) for r in rows]
        for i, row in enumerate(raw):
            unknown = sorted(set(row) - set(_COLUMNS))
            if unknown:
                hint = did_you_mean(unknown[0], _COLUMNS)
                raise DataError(
                    f"unknown evidence column {unknown[0]!r}.{hint} The columns are "
                    f"{', '.join(_COLUMNS)}; free text goes in 'note'",
                    source=source,
                    row=first_row + i,
                    column=unknown[0],
                )
        try:
            events = _ADAPTER.validate_python(raw, context={"zone": zone})
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = err["loc"]
            index = int(loc[0]) if loc and isinstance(loc[0], int) else 0
            column = str(loc[1]) if len(loc) > 1 else None
            raise DataError(
                f"evidence row does not fit: {column or 'row'} {err['msg']}",
                source=source,
                row=first_row + index,
                column=column,
                value=raw[index].get(column) if column else None,
            ) from None
        for i, event in enumerate(events):
            problem = event.problem()
            if problem:
                raise DataError(problem, source=source, row=first_row + i, column="thread")
        order = sorted(range(len(events)), key=lambda i: (events[i].at, i))
        columns: dict[str, pa.Array[Any]] = {
            "row": pa.array([first_row + i for i in order], pa.int64()),
            "at": pa.array(
                [events[i].at.astimezone(dt.UTC) for i in order], pa.timestamp("us", tz="UTC")
            ),
        }
        for name in _COLUMNS[1:]:
            values = [getattr(events[i], name) for i in order]
            columns[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
        return cls(pa.table(columns), source)

    def __len__(self) -> int:
        return int(self.events.num_rows)

    def to_arrow(self) -> pa.Table:
        """The events, one row each."""
        return self.events


def _lower_keys(row: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k).strip().lower(): v for k, v in row.items()}


def _adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(list[EvidenceEvent])


_ADAPTER = _adapter()


def read_evidence(
    path: str | Path,
    *,
    timezone: str = "UTC",
    columns: Mapping[str, str] | None = None,
) -> EvidenceLog:
    """Read an evidence log from a CSV, TSV or YAML file.

    A YAML file holds a list of events, or a mapping with the list under ``events``.

    Args:
        path: The file.
        timezone: The time zone of timestamps written without an offset (pass the
            workspace's, e.g. ``ws.timezone``).
        columns: Evidence column → the file's header, for a sheet whose headers are
            its own (``{"at": "Sent", "event": "Type", "thread": "Subject"}``); the
            other headers must be evidence columns already.

    Returns:
        The log, in time order.

    Raises:
        ConfigurationError: The file does not exist, its format is unknown, or
            ``columns`` names something that is not an evidence column.
        DataError: A row does not fit the schema (the row and column are named).
    """
    file = Path(path)
    if not file.is_file():
        raise ConfigurationError(f"no evidence log at {file}")
    rename = _renaming(columns or {})
    suffix = file.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        rows = [_rename(r, rename) for r in csv_rows(file)]
        return EvidenceLog.from_events(rows, timezone=timezone, source=str(file), first_row=2)
    if suffix in (".yaml", ".yml"):
        data = yaml_rows(file, key="events", holds="an evidence YAML file holds a list of events")
        rows = [_rename(r, rename) for r in data]
        return EvidenceLog.from_events(rows, timezone=timezone, source=str(file))
    raise ConfigurationError(
        f"cannot read an evidence log from {file.name!r}: use a .csv, .tsv or .yaml file"
    )


def _renaming(columns: Mapping[str, str]) -> dict[str, str]:
    """File header (lower-cased) → evidence column."""
    for name in columns:
        if name not in _COLUMNS:
            raise ConfigurationError(
                f"columns maps {name!r}, which is not an evidence column."
                f"{did_you_mean(name, _COLUMNS)} The columns are {', '.join(_COLUMNS)}"
            )
    return {header.strip().lower(): name for name, header in columns.items()}


def _rename(row: Mapping[str, Any], rename: Mapping[str, str]) -> dict[str, Any]:
    return {rename.get(str(k).strip().lower(), k): v for k, v in row.items()}
