"""The KPI catalogue: each KPI a formula over the unified record columns.

A KPI is either one :class:`Measure` (``leads``: count the lead records) or a ratio of
two (``cpl``: the sum of ``performance.spend`` over the count of lead records), times
an optional ``scale`` (100 for a percentage, 1000 for CPM). A measure aggregates one
record kind: ``sum`` of an additive metric column, ``count`` of records, or ``mean`` of
a per-row average weighted the one way it may be (``mean: search_performance.position``:
weighted by impressions, see :mod:`partnerkit.search`), after optional ``where``
conditions; ``minus`` subtracts another measure (ROI's revenue minus cost).

The built-in KPIs are in :data:`BUILTIN_KPIS`; a workspace adds its own under
``kpis:``. Summing a column that is not additive (``users``, ``reach``) is refused
when the KPI is defined, not when it is computed.

:meth:`KPI.evaluate` computes a KPI over lists of record dicts; the caller picks the
records of the period and scope first (:attr:`Measure.date_column` says which column
puts a record in a period).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, Literal, Protocol, Self

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

from partnerkit.errors import ConfigurationError
from partnerkit.model._base import Identifier, _Model, did_you_mean, matching
from partnerkit.model._yaml import parse_scalar
from partnerkit.records import Additivity, ColumnInfo, RecordKind, Role, columns
from partnerkit.search import WEIGHTED_BY, weighted_mean, weighted_sums

__all__ = [
    "BUILTIN_KPIS",
    "DEFAULT_DATE_COLUMN",
    "KPI",
    "TOTAL_COST_KPIS",
    "Condition",
    "Direction",
    "KPIUnit",
    "LeadCount",
    "Measure",
    "Operator",
    "RecordsByKind",
    "check_condition",
    "contains_any",
    "lower_text",
]

RecordsByKind = Mapping[str, Sequence[Mapping[str, Any]]]
"""Record dicts by record kind (``"performance"``, ``"lead"``, ...), as KPIs take them."""

LeadCount = Literal["inquiries", "people"]
"""What a KPI counts when it counts leads.

``inquiries``: lead records — every form, call or import the CRM holds is one (a person
who asks twice, or arrives through two sources, is two inquiries). ``people``: the
distinct people behind those records (two records are one person when they share an
email hash or phone hash, or the CRM merged them; see
:func:`partnerkit.analysis.dedup_leads`).
"""

Operator = Literal[
    "eq",
    "ne",
    "in",
    "not_in",
    "is_null",
    "is_not_null",
    "gt",
    "ge",
    "lt",
    "le",
    "contains",
    "not_contains",
]
"""The operators of a :class:`Condition`."""

_SYMBOLS: dict[str, str] = {
    "eq": "==",
    "ne": "!=",
    "in": "in",
    "not_in": "not in",
    "is_null": "is null",
    "is_not_null": "is not null",
    "gt": ">",
    "ge": ">=",
    "lt": "<",
    "le": "<=",
    "contains": "contains",
    "not_contains": "not contains",
}
#: The per-row averages a ``mean`` measure may take, by record kind: each column with the
#: additive column it is weighted by (the one home of each rule; search position's is
#: :data:`partnerkit.search.WEIGHTED_BY`).
_MEAN_WEIGHTS: Mapping[RecordKind, Mapping[str, str]] = MappingProxyType(
    {RecordKind.SEARCH_PERFORMANCE: WEIGHTED_BY}
)
#: Operators that test text for any of a list of words (case-insensitive).
_WORD_OPS = ("contains", "not_contains")
_FROM_TEXT: dict[str, str] = {v: k for k, v in _SYMBOLS.items()} | {"=": "eq"}
#: A keyword group named after ``contains`` / ``not contains``: ``group solar panels``.
_GROUP_RE = re.compile(r"^group\s+(?P<name>\S.*)$")
_CONDITION_RE = re.compile(
    r"^\s*(?P<column>[A-Za-z_][A-Za-z0-9_.]*)\s*"
    r"(?P<op>is\s+not\s+null|is\s+null|not\s+contains\b|contains\b|not\s+in\b|in\b"
    r"|==|!=|>=|<=|=|>|<)\s*(?P<value>.*?)\s*$"
)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_NUMBER_TYPES = (int, float, Decimal)

#: The column that puts a record of each kind in a period, unless a measure says ``at``.
DEFAULT_DATE_COLUMN: Mapping[RecordKind, str] = MappingProxyType(
    {
        RecordKind.PERFORMANCE: "date",
        RecordKind.LEAD: "created_at",
        RecordKind.DEAL: "close_date",
        RecordKind.CAMPAIGN: "start_date",
        RecordKind.SEARCH_PERFORMANCE: "date",
        RecordKind.EMAIL_CAMPAIGN: "date",
        RecordKind.ACTIVITY: "occurred_at",
        RecordKind.FORM_SUBMISSION: "submitted_at",
        RecordKind.COMPANY: "created_at",
        RecordKind.SOCIAL_DAILY: "date",
        RecordKind.TIME_ENTRY: "date",
        RecordKind.WORK_ITEM: "done_date",
        RecordKind.MEETING_ITEM: "meeting_date",
    }
)


class KPIUnit(StrEnum):
    """What a KPI's value is."""

    MONEY = "money"
    """An amount in the workspace currency (CPL, CPA, revenue)."""
    PERCENT = "percent"
    """A percentage, 0–100 (CTR, conversion rate)."""
    COUNT = "count"
    """A number of things (leads, sessions)."""
    RATIO = "ratio"
    """A plain ratio (ROAS 5 means 5:1)."""
    POSITION = "position"
    """A place in the search results, 1 being the top (average position)."""


class Direction(StrEnum):
    """Which way is better for a KPI."""

    HIGHER = "higher"
    """Higher is better (leads, ROAS)."""
    LOWER = "lower"
    """Lower is better (CPL, CPC)."""


_COLUMN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$|^extra\.[A-Za-z0-9_\-]+$")


#: The two characters whose lower case :meth:`str.lower` gives otherwise than DuckDB's
#: ``lower()``: ``İ`` (Python: ``i`` and a combining dot; DuckDB: ``i``) and ``Σ`` (Python:
#: ``ς`` at the end of a word; DuckDB: always ``σ``). Mapped first, every other code point
#: lowers alike (checked over all of Unicode in tests/model/test_keyword_group_conditions.py).
_AS_DUCKDB_LOWERS = {0x130: "i", 0x3A3: "σ"}


def lower_text(text: str) -> str:
    """``text`` in lower case exactly as DuckDB's ``lower()`` gives it.

    The case rule of ``contains``: a condition tested in Python, the SQL the KPI engine
    compiles from it (``contains(lower(column), <word lowered here>)``) and the report's
    keyword groups lower text the same way, so they read the same queries.
    """
    return text.translate(_AS_DUCKDB_LOWERS).lower()


def contains_any(text: str | None, words: Iterable[Any]) -> bool:
    """Whether ``text`` holds one of ``words``, ignoring case: the one rule of ``contains``.

    Case is ignored by :func:`lower_text` (as DuckDB's ``lower()``, which the KPI
    engine's SQL uses): a condition, its SQL and the report's keyword groups
    (:func:`partnerkit.analysis.seo.in_group`) agree on every query. No text contains
    anything.
    """
    if not isinstance(text, str):
        return False
    lowered = lower_text(text)
    return any(lower_text(str(word)) in lowered for word in words)


def _render(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    return str(value)


class Condition(_Model):
    """A simple filter on one column of a record.

    Written as text (``"became_mql_at is not null"``, ``"is_closed_won == true"``,
    ``"channel in [paid_search, paid_social]"``) or as
    ``{column: ..., op: ..., value: ...}``. Operators: ``==``, ``!=``, ``in``,
    ``not in``, ``is null``, ``is not null``, ``>``, ``>=``, ``<``, ``<=``, and
    ``contains`` / ``not contains`` (text holding any of a list of words,
    case-insensitively: ``"query not contains [acme, acme inc]"``). A missing (null)
    value never equals, is never in a list, never compares and contains nothing; it is
    always ``!=``, ``not in`` and ``not contains``. Columns of ``extra`` are written
    ``extra.<name>``.

    ``contains`` / ``not contains`` may name one of the workspace's ``keyword_groups``
    instead of listing words: ``"query contains group solar panels"`` or
    ``{column: query, op: contains, group: solar panels}``. The workspace puts the
    group's words in ``value`` when it is validated, so the group is written once; the
    condition keeps the group's name (``str()`` shows it). A condition that names a group
    outside a workspace has no words: testing it raises
    :class:`~partnerkit.errors.ConfigurationError`.

    Attributes:
        column: The record column.
        op: The operator.
        value: The value compared with (a list for ``in`` / ``not in``; none for the
            null tests; for a keyword group, its words once a workspace resolved it).
        group: The keyword group named instead of words, if any.
    """

    model_config = ConfigDict(frozen=True)

    column: Annotated[
        str, matching(_COLUMN_RE, "must be a record column (e.g. became_mql_at) or extra.<name>")
    ]
    op: Operator
    value: Any = None
    group: str | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        match = _CONDITION_RE.match(data)
        if match is None:
            raise ValueError(
                "is not a condition; write e.g. 'became_mql_at is not null', "
                "'is_closed_won == true' or 'channel in [paid_search, paid_social]'"
            )
        op = _FROM_TEXT[re.sub(r"\s+", " ", match["op"])]
        text = match["value"]
        if op in ("is_null", "is_not_null"):
            if text:
                raise ValueError(f"nothing may follow '{_SYMBOLS[op]}' (got {text!r})")
            return {"column": match["column"], "op": op}
        if not text:
            raise ValueError(f"a value must follow '{_SYMBOLS[op]}'")
        if op in _WORD_OPS and (group := _GROUP_RE.match(text)):
            return {"column": match["column"], "op": op, "group": group["name"].strip()}
        return {"column": match["column"], "op": op, "value": parse_scalar(text)}

    @model_validator(mode="after")
    def _value_fits_op(self) -> Self:
        if self.group is not None:
            if self.op not in _WORD_OPS:
                raise ValueError(
                    f"only 'contains' and 'not contains' take a keyword group, "
                    f"not '{_SYMBOLS[self.op]}'"
                )
            if self.value is not None:
                raise ValueError(
                    f"give the words or the keyword group, not both: the workspace's "
                    f"keyword_groups gives group {self.group!r} its words"
                )
            return self
        if self.op in ("is_null", "is_not_null"):
            if self.value is not None:
                raise ValueError(f"'{_SYMBOLS[self.op]}' takes no value")
        elif self.op in ("in", "not_in", *_WORD_OPS):
            if not isinstance(self.value, list | tuple) or not self.value:
                raise ValueError(f"'{_SYMBOLS[self.op]}' needs a non-empty list, e.g. [a, b]")
            object.__setattr__(self, "value", tuple(self.value))
        elif self.value is None:
            raise ValueError(
                f"'{_SYMBOLS[self.op]}' needs a value; test for missing values with 'is null'"
            )
        elif isinstance(self.value, list | tuple | dict):
            raise ValueError(f"'{_SYMBOLS[self.op]}' compares with one value, not a list")
        return self

    @field_serializer("value")
    def _words_come_from_the_group(self, value: Any) -> Any:
        # A group's words are the workspace's, put in when it is validated: dumped, the
        # condition names the group only, so it reads back resolved from the workspace.
        return None if self.group is not None else value

    @property
    def words(self) -> tuple[Any, ...]:
        """The words ``contains`` / ``not contains`` looks for: listed, or the group's.

        Raises:
            ConfigurationError: The condition names a keyword group no workspace has
                resolved (one validated on its own, outside a workspace).
        """
        if self.value is None:
            raise ConfigurationError(
                f"The condition '{self}' names keyword group {self.group!r}, whose words "
                f"only a workspace knows: write it in a workspace KPI (the group under "
                f"keyword_groups), or list the words, e.g. "
                f"'{self.column} {_SYMBOLS[self.op]} [word, other word]'."
            )
        return tuple(self.value)

    def resolved(self, words: Sequence[str]) -> Condition:
        """The condition with its keyword group's words (the workspace calls this).

        Args:
            words: The words of :attr:`group` in the workspace's ``keyword_groups``.
        """
        return self.model_copy(update={"value": tuple(words)})

    def test(self, record: Mapping[str, Any]) -> bool:
        """Tell whether a record passes the condition.

        Raises:
            ConfigurationError: The condition names a keyword group no workspace has
                resolved (see :attr:`words`).
        """
        value = _get(record, self.column)
        if self.op == "is_null":
            return value is None
        if self.op == "is_not_null":
            return value is not None
        if self.op == "eq":
            return value is not None and value == self.value
        if self.op == "ne":
            return value is None or value != self.value
        if self.op == "in":
            return value is not None and value in self.value
        if self.op == "not_in":
            return value is None or value not in self.value
        if self.op in _WORD_OPS:
            found = contains_any(value, self.words)
            return found if self.op == "contains" else not found
        if value is None:
            return False
        try:
            return _COMPARE[self.op](value, self.value)
        except TypeError:
            return False

    def __str__(self) -> str:
        if self.op in ("is_null", "is_not_null"):
            return f"{self.column} {_SYMBOLS[self.op]}"
        if self.group is not None:
            return f"{self.column} {_SYMBOLS[self.op]} group {self.group}"
        return f"{self.column} {_SYMBOLS[self.op]} {_render(self.value)}"


def _get(record: Mapping[str, Any], column: str) -> Any:
    if column.startswith("extra."):
        return (record.get("extra") or {}).get(column[len("extra.") :])
    return record.get(column)


def _column(kind: RecordKind, name: str) -> ColumnInfo | None:
    return next((c for c in columns(kind) if c.name == name), None)


def _unknown_column(kind: RecordKind, name: str) -> str:
    names = [c.name for c in columns(kind) if c.name not in ("extra", "record_id")]
    hint = did_you_mean(name, names)
    if not hint:
        hint = f" Columns: {', '.join(names)}; columns beyond those are written extra.<name>."
    return f"{kind.value} records have no column {name!r}.{hint}"


def check_condition(condition: Condition, kind: RecordKind | str) -> str | None:
    """Check a condition against the columns of a record kind.

    Args:
        condition: The condition.
        kind: The record kind it filters.

    Returns:
        What is wrong, or ``None`` when the condition fits.
    """
    kind = RecordKind(kind)
    if condition.column.startswith("extra."):
        return None
    info = _column(kind, condition.column)
    if info is None or condition.column in ("extra", "record_id"):
        return _unknown_column(kind, condition.column)
    if condition.op in ("is_null", "is_not_null"):
        return None
    values = condition.value if condition.op in ("in", "not_in") else (condition.value,)
    if info.python_type is bool and not all(isinstance(v, bool) for v in values):
        return f"{condition.column!r} is a flag: compare it with true or false"
    if info.python_type in _NUMBER_TYPES and not all(
        isinstance(v, _NUMBER_TYPES) and not isinstance(v, bool) for v in values
    ):
        return f"{condition.column!r} is a number: compare it with a number"
    return None


def _people(leads: Sequence[Mapping[str, Any]]) -> int:
    """Distinct people among lead records: a shared email or phone hash, or a CRM merge."""
    parent = list(range(len(leads)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, Any], int] = {}
    for i, lead in enumerate(leads):
        keys = [("email", lead.get("email_hash")), ("phone", lead.get("phone_hash"))]
        keys.append(("id", lead.get("lead_id")))
        keys += [("id", merged) for merged in lead.get("merged_ids") or ()]
        for key in keys:
            if key[1] is None:
                continue
            if key in seen:
                parent[find(i)] = find(seen[key])
            else:
                seen[key] = i
    return len({find(i) for i in range(len(leads))})


def to_decimal(value: Any) -> Decimal:
    """A figure as an exact :class:`~decimal.Decimal`, the number type of every KPI value.

    A float becomes the decimal of its shortest text (``0.1`` → ``Decimal("0.1")``, not
    the binary fraction); an int, a string or a Decimal converts exactly.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


class Aggregate(Protocol):
    """What the formula text of one aggregate is made of (a :class:`Measure`, an engine leaf)."""

    @property
    def kind(self) -> RecordKind: ...
    @property
    def aggregate(self) -> Literal["sum", "count", "mean"]: ...
    @property
    def column(self) -> str | None: ...
    @property
    def where(self) -> Sequence[Condition]: ...
    @property
    def distinct(self) -> Literal["person"] | None: ...
    @property
    def weight(self) -> str | None: ...


def aggregate_text(of: Aggregate) -> str:
    """The formula text of one aggregate, as reports and errors show it.

    ``sum(performance.spend where platform == "meta")``, ``count(lead)``,
    ``mean(search_performance.position weighted by impressions)``,
    ``count(distinct person of lead)``. The one home of this wording: a
    :class:`Measure` prints it, and the KPI engine compares aggregates by it.
    """
    if of.distinct == "person":
        text = "count(distinct person of lead"
    elif of.aggregate == "mean":
        text = f"mean({of.kind.value}.{of.column} weighted by {of.weight}"
    elif of.aggregate == "sum":
        text = f"sum({of.kind.value}.{of.column}"
    else:
        text = f"count({of.kind.value}"
    if of.where:
        text += " where " + " and ".join(str(c) for c in of.where)
    return text + ")"


class Measure(_Model):
    """One aggregate over one record kind: a sum, a count, or a weighted mean.

    Give exactly one of ``sum`` (``"<kind>.<column>"``, e.g. ``performance.spend``),
    ``count`` (a record kind, e.g. ``lead``) or ``mean`` (a per-row average with a
    weighting rule of its own; today ``search_performance.position``). A count of leads counts
    inquiries (lead records); with ``distinct: person`` it counts the people behind them.
    A mean is weighted by the column its rule names (position by impressions:
    ``Σ position × impressions / Σ impressions`` over the rows that have both); with no
    weight at all it is not computable (``None``), never 0.

    Attributes:
        sum: The additive column to sum, written ``kind.column``.
        count: The record kind to count.
        mean: The per-row average to average, written ``kind.column``.
        distinct: ``person`` to count distinct people instead of lead records (only
            with ``count: lead``).
        where: Conditions a record must pass to be included (all of them).
        at: The date or timestamp column that puts a record in a period; the kind's
            default when left out (see :attr:`date_column`).
        minus: A measure subtracted from this one (for ROI: revenue minus cost).
    """

    model_config = ConfigDict(frozen=True)

    sum: str | None = None
    count: RecordKind | None = None
    mean: str | None = None
    distinct: Literal["person"] | None = None
    where: Annotated[
        list[Condition], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)
    ] = Field(default_factory=list)
    at: str | None = None
    minus: Measure | None = None

    @field_validator("sum")
    @classmethod
    def _summable(cls, value: str | None) -> str | None:
        if value is None:
            return None
        kind_text, _, name = value.partition(".")
        kinds = [k.value for k in RecordKind]
        if kind_text not in kinds or not name:
            raise ValueError(
                f"is written <kind>.<column>, e.g. performance.spend; kinds: {', '.join(kinds)}"
            )
        kind = RecordKind(kind_text)
        if name.startswith("extra.") and len(name) > len("extra."):
            return value
        info = _column(kind, name)
        metrics = [
            c.name
            for c in columns(kind)
            if c.column.role is Role.METRIC and c.column.additivity is Additivity.ADDITIVE
        ]
        if info is None:
            raise ValueError(_unknown_column(kind, name))
        if info.column.role is not Role.METRIC:
            raise ValueError(
                f"cannot sum {name!r}: it is not a metric. Additive metrics of {kind.value} "
                f"records: {', '.join(metrics)}"
            )
        if info.column.additivity is not Additivity.ADDITIVE:
            raise ValueError(
                f"cannot sum {name!r}: it is not additive ({info.column.description.rstrip('.')}"
                f"); a sum over days or slices counts the same people more than once. "
                f"Additive metrics of {kind.value} records: {', '.join(metrics)}"
            )
        return value

    @field_validator("mean")
    @classmethod
    def _weighted(cls, value: str | None) -> str | None:
        if value is None:
            return None
        allowed = [f"{k.value}.{c}" for k, rules in _MEAN_WEIGHTS.items() for c in rules]
        if value not in allowed:
            raise ValueError(
                f"cannot average {value!r}: a mean is weighted the one way its rule says, and "
                f"only {', '.join(allowed)} has one; a rate such as CTR is a ratio of sums "
                f"(numerator and denominator)"
            )
        return value

    @property
    def kind(self) -> RecordKind:
        """The record kind the measure aggregates."""
        if self.count is not None:
            return self.count
        text = self.sum if self.sum is not None else self.mean
        assert text is not None
        return RecordKind(text.partition(".")[0])

    @property
    def column(self) -> str | None:
        """The summed or averaged column (``None`` for a count)."""
        text = self.sum if self.sum is not None else self.mean
        return None if text is None else text.partition(".")[2]

    @property
    def weight(self) -> str | None:
        """The column a mean is weighted by (``impressions``); ``None`` for a sum or count."""
        if self.mean is None:
            return None
        assert self.column is not None
        return _MEAN_WEIGHTS[self.kind][self.column]

    @property
    def aggregate(self) -> Literal["sum", "count", "mean"]:
        """``"sum"``, ``"count"`` or ``"mean"``."""
        if self.mean is not None:
            return "mean"
        return "count" if self.count is not None else "sum"

    @property
    def lead_count(self) -> LeadCount | None:
        """``people`` or ``inquiries`` when the measure counts leads, else ``None``."""
        if self.count is not RecordKind.LEAD:
            return None
        return "people" if self.distinct == "person" else "inquiries"

    @property
    def date_column(self) -> str:
        """The column that puts a record in a period: ``at`` or the kind's default."""
        return self.at or DEFAULT_DATE_COLUMN[self.kind]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if [self.sum, self.count, self.mean].count(None) != 2:
            raise ValueError(
                "give exactly one of 'sum' (e.g. sum: performance.spend), 'count' "
                "(e.g. count: lead) or 'mean' (e.g. mean: search_performance.position)"
            )
        if self.distinct is not None and self.count is not RecordKind.LEAD:
            raise ValueError(
                "'distinct: person' counts the people behind leads: use it with count: lead"
            )
        if self.mean is not None and self.minus is not None:
            raise ValueError("a mean subtracts nothing: give 'minus' with a sum or a count")
        if self.minus is not None and self.minus.mean is not None:
            raise ValueError("'minus' takes a sum or a count, not a mean")
        if self.count is RecordKind.PERFORMANCE:
            raise ValueError(
                "counting performance records counts rows (days × objects), not things; "
                "sum a metric instead, e.g. sum: performance.leads"
            )
        problems = [
            f"where[{i}]: {problem}"
            for i, cond in enumerate(self.where)
            if (problem := check_condition(cond, self.kind))
        ]
        if self.at is not None:
            info = _column(self.kind, self.at)
            if info is None:
                problems.append(f"at: {_unknown_column(self.kind, self.at)}")
            elif info.column.unit not in ("date", "timestamp"):
                problems.append(f"at: {self.at!r} is not a date or timestamp column")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def evaluate(self, records: RecordsByKind) -> Decimal | None:
        """Compute the measure over record dicts.

        Args:
            records: Record dicts by kind, already cut to the period and scope.

        Returns:
            The value; ``None`` when there are no records of the kind at all (no data is
            not zero), or when every included record lacks the summed column. A count
            or sum over records none of which pass ``where`` is ``0``; a mean over
            records without weight (no impressions) is ``None``.
        """
        rows = records.get(self.kind.value)
        if rows is None:
            return None
        kept = [r for r in rows if all(c.test(r) for c in self.where)]
        if self.distinct == "person":
            value: Decimal | None = Decimal(_people(kept))
        elif self.count is not None:
            value = Decimal(len(kept))
        elif self.mean is not None:
            assert self.column is not None
            mean = weighted_mean(*weighted_sums(kept, self.column))
            value = None if mean is None else to_decimal(mean)
        else:
            assert self.column is not None
            present = [v for r in kept if (v := _get(r, self.column)) is not None]
            value = (
                sum((to_decimal(v) for v in present), Decimal(0)) if present or not kept else None
            )
        if self.minus is None or value is None:
            return value
        other = self.minus.evaluate(records)
        return None if other is None else value - other

    def __str__(self) -> str:
        text = aggregate_text(self)
        if self.minus is not None:
            text = f"({text} − {self.minus})"
        return text


class KPI(_Model):
    """A key performance indicator: a formula over record columns, a unit and a direction.

    Give ``measure`` for a single aggregate, or ``numerator`` and ``denominator`` for
    a ratio. The value is multiplied by ``scale`` (100 for a percentage).

    Attributes:
        id: How targets refer to it (``cpl``).
        name: Its display name.
        description: What it tells.
        unit: ``money``, ``percent``, ``count`` or ``ratio``.
        direction: ``higher`` or ``lower`` is better.
        measure: The single aggregate.
        numerator: The ratio's numerator.
        denominator: The ratio's denominator.
        scale: Multiplier of the value (100 for percent, 1000 for CPM).
        replaces_builtin: Must be true for a workspace KPI that reuses a built-in id.
    """

    model_config = ConfigDict(frozen=True)

    id: Identifier
    name: str = Field(min_length=1)
    description: str | None = None
    unit: KPIUnit
    direction: Direction
    measure: Measure | None = None
    numerator: Measure | None = None
    denominator: Measure | None = None
    scale: Annotated[Decimal, Field(gt=0, allow_inf_nan=False)] = Decimal(1)
    replaces_builtin: bool = False

    @model_validator(mode="after")
    def _formula(self) -> Self:
        ratio = self.numerator is not None or self.denominator is not None
        if self.measure is not None and ratio:
            raise ValueError("give either 'measure' or 'numerator' and 'denominator', not both")
        if self.measure is None and not ratio:
            raise ValueError(
                "needs a formula: 'measure' (e.g. {count: lead}) or 'numerator' and 'denominator'"
            )
        if ratio and (self.numerator is None or self.denominator is None):
            raise ValueError("a ratio needs both 'numerator' and 'denominator'")
        if ratio and any(
            m is not None and m.mean is not None for m in (self.numerator, self.denominator)
        ):
            raise ValueError(
                "a mean is a KPI of its own: give it as 'measure' (e.g. measure: "
                "{mean: search_performance.position}), not in a ratio"
            )
        return self

    @property
    def is_ratio(self) -> bool:
        """True for a numerator / denominator KPI."""
        return self.measure is None

    @property
    def kinds(self) -> frozenset[RecordKind]:
        """The record kinds the formula reads."""
        out: set[RecordKind] = set()
        for m in (self.measure, self.numerator, self.denominator):
            while m is not None:
                out.add(m.kind)
                m = m.minus
        return frozenset(out)

    @property
    def formula(self) -> str:
        """The formula in words, e.g. ``sum(performance.spend) / sum(performance.clicks)``."""
        if self.measure is not None:
            text = str(self.measure)
        else:
            text = f"{self.numerator} / {self.denominator}"
        if self.scale != 1:
            text += f" × {self.scale.normalize():f}"
        return text

    @property
    def lead_count(self) -> LeadCount | None:
        """What the KPI counts of leads: ``people``, ``inquiries``, or ``None`` (no lead count).

        A KPI that counts people anywhere in its formula counts people.
        """
        found: set[str] = set()
        for m in (self.measure, self.numerator, self.denominator):
            while m is not None:
                if m.lead_count is not None:
                    found.add(m.lead_count)
                m = m.minus
        if "people" in found:
            return "people"
        return "inquiries" if found else None

    def is_better(self, a: Decimal, b: Decimal) -> bool:
        """True when value ``a`` is strictly better than ``b`` for this KPI."""
        return a > b if self.direction is Direction.HIGHER else a < b

    def evaluate(self, records: RecordsByKind) -> Decimal | None:
        """Compute the KPI over record dicts (see :meth:`Measure.evaluate`).

        Args:
            records: Record dicts by kind, already cut to the period and scope.

        Returns:
            The value, or ``None`` when a part has no data or the denominator is 0.
        """
        if self.measure is not None:
            value = self.measure.evaluate(records)
        else:
            assert self.numerator is not None
            assert self.denominator is not None
            top = self.numerator.evaluate(records)
            bottom = self.denominator.evaluate(records)
            if top is None or bottom is None or bottom == 0:
                return None
            value = top / bottom
        return None if value is None else value * self.scale


# -------------------------------------------------------------------- built-ins

_NOT_DELETED = "is_deleted != true"
_SPEND = {"sum": "performance.spend"}
_LEADS = {"count": "lead", "where": [_NOT_DELETED]}


def _stage(column: str, *more: str) -> dict[str, Any]:
    return {"count": "lead", "where": [f"{column} is not null", *more, _NOT_DELETED], "at": column}


_BUILTIN_SPECS: list[dict[str, Any]] = [
    {
        "id": "cpl",
        "name": "Cost per lead (CPL)",
        "description": "Media spend per lead (inquiry) created in the CRM.",
        "unit": "money",
        "direction": "lower",
        "numerator": _SPEND,
        "denominator": _LEADS,
    },
    {
        "id": "cpa",
        "name": "Cost per acquisition (CPA)",
        "description": "Media spend per conversion as the ad platforms count them.",
        "unit": "money",
        "direction": "lower",
        "numerator": _SPEND,
        "denominator": {"sum": "performance.conversions"},
    },
    {
        "id": "cpc",
        "name": "Cost per click (CPC)",
        "unit": "money",
        "direction": "lower",
        "numerator": _SPEND,
        "denominator": {"sum": "performance.clicks"},
    },
    {
        "id": "cpm",
        "name": "Cost per thousand impressions (CPM)",
        "unit": "money",
        "direction": "lower",
        "numerator": _SPEND,
        "denominator": {"sum": "performance.impressions"},
        "scale": 1000,
    },
    {
        "id": "ctr",
        "name": "Click-through rate (CTR)",
        "unit": "percent",
        "direction": "higher",
        "numerator": {"sum": "performance.clicks"},
        "denominator": {"sum": "performance.impressions"},
        "scale": 100,
    },
    {
        "id": "conversion_rate",
        "name": "Conversion rate",
        "description": "Platform conversions per click.",
        "unit": "percent",
        "direction": "higher",
        "numerator": {"sum": "performance.conversions"},
        "denominator": {"sum": "performance.clicks"},
        "scale": 100,
    },
    {
        "id": "roas",
        "name": "Return on ad spend (ROAS)",
        "description": "Conversion value the platforms report per unit of spend (5 = 5:1).",
        "unit": "ratio",
        "direction": "higher",
        "numerator": {"sum": "performance.conversion_value"},
        "denominator": _SPEND,
    },
    {
        "id": "roi",
        "name": "Return on investment (ROI)",
        "description": "Closed-won revenue in the CRM minus media spend, per unit of spend.",
        "unit": "percent",
        "direction": "higher",
        "numerator": {
            "sum": "deal.amount",
            "where": ["is_closed_won == true", _NOT_DELETED],
            "minus": _SPEND,
        },
        "denominator": _SPEND,
        "scale": 100,
    },
    {
        "id": "cac",
        "name": "Customer acquisition cost (CAC)",
        "description": "Media spend per new customer.",
        "unit": "money",
        "direction": "lower",
        "numerator": _SPEND,
        "denominator": _stage("became_customer_at"),
    },
    {
        "id": "leads",
        "name": "Leads",
        "description": (
            "Inquiries: lead records created in the CRM. A person who asks twice, or "
            "arrives through two sources, is two inquiries (see people)."
        ),
        "unit": "count",
        "direction": "higher",
        "measure": _LEADS,
    },
    {
        "id": "people",
        "name": "People",
        "description": (
            "Distinct people behind the leads created in the CRM: records that share an "
            "email or phone hash, or that the CRM merged, are one person."
        ),
        "unit": "count",
        "direction": "higher",
        "measure": {"count": "lead", "distinct": "person", "where": [_NOT_DELETED]},
    },
    {
        "id": "mqls",
        "name": "Marketing-qualified leads (MQLs)",
        "description": "Leads that became MQLs.",
        "unit": "count",
        "direction": "higher",
        "measure": _stage("became_mql_at"),
    },
    {
        "id": "sqls",
        "name": "Sales-qualified leads (SQLs)",
        "description": "Leads that became SQLs.",
        "unit": "count",
        "direction": "higher",
        "measure": _stage("became_sql_at"),
    },
    {
        "id": "customers",
        "name": "New customers",
        "description": "Leads that became customers.",
        "unit": "count",
        "direction": "higher",
        "measure": _stage("became_customer_at"),
    },
    {
        "id": "mql_to_sql_rate",
        "name": "MQL → SQL rate",
        "description": "Share of the period's MQLs that became SQLs.",
        "unit": "percent",
        "direction": "higher",
        "numerator": _stage("became_mql_at", "became_sql_at is not null"),
        "denominator": _stage("became_mql_at"),
        "scale": 100,
    },
    {
        "id": "lead_to_customer_rate",
        "name": "Lead → customer rate",
        "description": "Share of the period's leads that became customers.",
        "unit": "percent",
        "direction": "higher",
        "numerator": {"count": "lead", "where": ["became_customer_at is not null", _NOT_DELETED]},
        "denominator": _LEADS,
        "scale": 100,
    },
    {
        "id": "sessions",
        "name": "Sessions",
        "description": "Website sessions (analytics).",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "performance.sessions"},
    },
    {
        "id": "revenue",
        "name": "Revenue",
        "description": "Amount of the deals closed-won in the CRM.",
        "unit": "money",
        "direction": "higher",
        "measure": {"sum": "deal.amount", "where": ["is_closed_won == true", _NOT_DELETED]},
    },
    {
        "id": "clicks",
        "name": "Clicks",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "performance.clicks"},
    },
    {
        "id": "impressions",
        "name": "Impressions",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "performance.impressions"},
    },
    {
        "id": "conversions",
        "name": "Conversions",
        "description": "Conversions as the ad platforms count them.",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "performance.conversions"},
    },
    {
        "id": "organic_clicks",
        "name": "Organic clicks",
        "description": "Clicks from Google's organic results to the property (Search Console), "
        "anonymised queries included.",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "search_performance.clicks", "where": ["level == property"]},
    },
    {
        "id": "organic_impressions",
        "name": "Organic impressions",
        "description": "Times the property was shown in Google's organic results.",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "search_performance.impressions", "where": ["level == property"]},
    },
    {
        "id": "average_position",
        "name": "Average position",
        "description": "The property's average position in Google's organic results (1 is "
        "the top), each day weighted by its impressions; lower is better.",
        "unit": "position",
        "direction": "lower",
        "measure": {"mean": "search_performance.position", "where": ["level == property"]},
    },
    {
        "id": "email_sends",
        "name": "Emails sent",
        "description": "Emails sent by the month's campaigns (every email platform).",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "email_campaign.sent"},
    },
    {
        "id": "email_clicks",
        "name": "Email clicks",
        "description": "Recipients who clicked a link in the month's campaigns (unique clicks).",
        "unit": "count",
        "direction": "higher",
        "measure": {"sum": "email_campaign.unique_clicks"},
    },
]

#: The built-in KPIs by id. A workspace KPI with one of these ids needs ``replaces_builtin``.
BUILTIN_KPIS: Mapping[str, KPI] = MappingProxyType(
    {spec["id"]: KPI.model_validate(spec) for spec in _BUILTIN_SPECS}
)


def _on_total_cost(base: str, name: str, description: str) -> KPI:
    spec = next(s for s in _BUILTIN_SPECS if s["id"] == base)
    return KPI.model_validate(
        {**spec, "id": f"{base}_total_cost", "name": name, "description": description}
    )


#: The KPIs on the partnership's total cost (media spend plus the partner's fees), by id.
#:
#: Each has the formula of its media-only KPI (``cpl``, ``cac``, ``roi``): the
#: :mod:`partnerkit.analysis.cost` module computes it through the same KPI machinery with
#: the media-spend measure (``sum(performance.spend)``) valued at the month's total cost.
#: They are not in :data:`BUILTIN_KPIS`: the fees are not records, so only the cost
#: analysis can value them.
TOTAL_COST_KPIS: Mapping[str, KPI] = MappingProxyType(
    {
        k.id: k
        for k in (
            _on_total_cost(
                "cpl",
                "Cost per lead on total cost",
                "Media spend plus the partner's fees, per lead (inquiry) created in the CRM.",
            ),
            _on_total_cost(
                "cac",
                "Customer acquisition cost on total cost",
                "Media spend plus the partner's fees, per new customer.",
            ),
            _on_total_cost(
                "roi",
                "Return on investment on total cost",
                "Closed-won revenue minus media spend and fees, per unit of media spend and fees.",
            ),
        )
    }
)
