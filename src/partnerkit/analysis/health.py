"""Partnership health: a monthly score made of parts, and the trial-period review.

:func:`partnership_health` scores each month from up to five parts, each a share
between 0 and 1:

======================  ==============================================================
part                    value for a month
======================  ==============================================================
``kpi``                 target outcomes: Σ points ÷ targets judged, with on track = 1,
                        at risk = ½, off track = 0 (the points are configurable)
``sla``                 SLA terms met ÷ SLA terms measured that month
``hygiene``             source-map checks passed ÷ checks (the audit's hygiene)
``survey``              Σ (rating − 1) ÷ (scale − 1) ÷ answers, over every answer of the
                        latest survey taken in the month or up to
                        ``survey_valid_months`` − 1 months before
``actions``             meeting action items judged in the month (due in it before the
                        as-of day, or overdue at it) that are not overdue ÷ those
                        judged (:mod:`partnerkit.analysis.meetings`); a month with no
                        action judged leaves the part out (``no_action_due``)
======================  ==============================================================

The score is ``100 × Σ weight × value ÷ Σ weight`` over the parts that have a value
that month: a missing part is left out and the others' weights grow in proportion
— the month says which part was missing and why. The weights are visible in every
result (:class:`HealthWeights`; default 40 / 30 / 15 / 15 / 10) and the score never
travels without its parts.

KPI attainment comes in as :class:`TargetOutcome` rows (target, period, status) —
whatever computed them; see ``docs/analysis/health.md`` for wiring the KPI analysis.

:func:`trial_review` summarises every target and SLA term over the contract's trial
period (contract start to ``trial_end``), with the audit, the health per month and the
verdict against the contract's trial criteria (the rule's home is
:mod:`partnerkit.analysis.trial`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.analysis._data import Dataset, Result
from partnerkit.analysis._files import csv_rows, yaml_rows
from partnerkit.analysis._tables import schema_of as _schema_of
from partnerkit.analysis._tables import sections as _sections
from partnerkit.analysis._tables import the_one as _the_one
from partnerkit.analysis.audit import SourceMapAudit, audit_source_map
from partnerkit.analysis.evidence import EvidenceLog
from partnerkit.analysis.meetings import MeetingLog
from partnerkit.analysis.sla import SLACompliance, sla_compliance
from partnerkit.analysis.trial import TrialVerdict, trial_verdict
from partnerkit.errors import ConfigurationError, DataError
from partnerkit.model import TargetStatus, Workspace, did_you_mean

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "SURVEY_QUESTIONS",
    "HealthMonth",
    "HealthPart",
    "HealthWeights",
    "PartnershipHealth",
    "Survey",
    "TargetOutcome",
    "TrialReview",
    "partnership_health",
    "read_survey",
    "trial_review",
]

#: The survey's questions (columns), each rated 1 (poor) to the survey's scale.
SURVEY_QUESTIONS = ("communication", "trust", "process_efficiency", "lead_quality")
_SURVEY_COLUMNS = ("date", "respondent", "side", *SURVEY_QUESTIONS, "lead_source", "comment")
_PARTS = ("kpi", "sla", "hygiene", "survey", "actions")
NOT_GIVEN = "not_given"
#: Reasons a given part has no value that leave it out, instead of the whole score.
_LEFT_OUT = frozenset({NOT_GIVEN, "no_action_due"})
_FOUR = Decimal("0.0001")
_ONE = Decimal("0.1")


def _dec(value: Decimal | float | int | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


# ----------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class TargetOutcome:
    """How one target stood in one period: the KPI input of the health score.

    Attributes:
        target: The target's id.
        period: The period judged: a month ``YYYY-MM`` (what the monthly score reads)
            or any other label (``2026-Q3``, ``trial``) the trial review shows.
        status: On track, at risk or off track; ``None`` when not judged.
        actual: The KPI's value, when known.
        value: The target value, when known.
        note: Anything that explains the status.
    """

    target: str
    period: str
    status: TargetStatus | None
    actual: Decimal | None = None
    value: Decimal | None = None
    note: str | None = None

    @classmethod
    def from_kpi_values(cls, values: Iterable[Any]) -> list[TargetOutcome]:
        """Read outcomes from KPI values that carry a target (``evaluate_targets(...).values``).

        Each value needs ``target_id``, ``period`` (with ``start``, ``end`` and
        ``kind``), ``status``, and optionally ``value`` and ``target``; values without a
        ``target_id`` are skipped. A month period becomes ``YYYY-MM``, a quarter
        ``YYYY-Qn``, any other ``first..last``.
        """
        out = []
        for v in values:
            target = getattr(v, "target_id", None)
            if target is None:
                continue
            window = v.period
            if getattr(window, "kind", None) == "month":
                label = f"{window.start:%Y-%m}"
            elif getattr(window, "kind", None) == "quarter":
                label = f"{window.start.year}-Q{(window.start.month - 1) // 3 + 1}"
            else:
                label = f"{window.start}..{window.end}"
            status = getattr(v, "status", None)
            out.append(
                cls(
                    target=str(target),
                    period=label,
                    status=None if status is None else TargetStatus(status),
                    actual=getattr(v, "value", None),
                    value=getattr(v, "target", None),
                    note=getattr(v, "reason", None),
                )
            )
        return out

    @classmethod
    def from_table(cls, table: pa.Table) -> list[TargetOutcome]:
        """Read outcomes from a table with columns ``target``, ``period``, ``status``.

        ``target_id`` and ``month`` are accepted for ``target`` and ``period``;
        ``actual``, ``value`` and ``note`` are read when present.

        Raises:
            ConfigurationError: A required column is missing.
        """
        names = set(table.column_names)
        target = "target" if "target" in names else "target_id"
        period = "period" if "period" in names else "month"
        missing = [c for c in (target, period, "status") if c not in names]
        if missing:
            raise ConfigurationError(
                f"target outcomes need the columns target, period (or month) and status; "
                f"missing: {', '.join(missing)}"
            )
        out = []
        for row in table.to_pylist():
            status = row["status"]
            out.append(
                cls(
                    target=str(row[target]),
                    period=str(row[period]),
                    status=None if status is None else TargetStatus(str(status)),
                    actual=_maybe_dec(row.get("actual")),
                    value=_maybe_dec(row.get("value")),
                    note=row.get("note"),
                )
            )
        return out


def _maybe_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


@dataclass(frozen=True)
class HealthWeights:
    """The weights of the health score's parts, and the points of each target status.

    Weights are relative (they need not sum to 1); a part missing in a month is left
    out and the others' weights are scaled up to fill its place.

    Attributes:
        kpi: Weight of KPI attainment.
        sla: Weight of SLA attainment.
        hygiene: Weight of source-map hygiene.
        survey: Weight of the partnership survey.
        actions: Weight of meeting action items done on time.
        on_track: Points of a target on track.
        at_risk: Points of a target at risk.
        off_track: Points of a target off track.
        survey_valid_months: How many months a survey counts for (its own included).
    """

    kpi: Decimal = Decimal("0.40")
    sla: Decimal = Decimal("0.30")
    hygiene: Decimal = Decimal("0.15")
    survey: Decimal = Decimal("0.15")
    actions: Decimal = Decimal("0.10")
    on_track: Decimal = Decimal(1)
    at_risk: Decimal = Decimal("0.5")
    off_track: Decimal = Decimal(0)
    survey_valid_months: int = 3

    def __post_init__(self) -> None:
        for name in (*_PARTS, "on_track", "at_risk", "off_track"):
            value = _dec(getattr(self, name))
            if value < 0 or not value.is_finite():
                raise ConfigurationError(f"health weight {name} must be 0 or more, got {value}")
            object.__setattr__(self, name, value)
        if sum(getattr(self, p) for p in _PARTS) == 0:
            raise ConfigurationError("at least one health weight must be more than 0")
        if not (self.off_track <= self.at_risk <= self.on_track <= 1):
            raise ConfigurationError(
                "target points must satisfy 0 ≤ off_track ≤ at_risk ≤ on_track ≤ 1"
            )
        if self.survey_valid_months < 1:
            raise ConfigurationError("survey_valid_months must be at least 1")

    def points(self, status: TargetStatus) -> Decimal:
        """The points of a target status."""
        return {
            TargetStatus.ON_TRACK: self.on_track,
            TargetStatus.AT_RISK: self.at_risk,
            TargetStatus.OFF_TRACK: self.off_track,
        }[status]


@dataclass(frozen=True)
class Survey(Result):
    """Periodic partnership survey answers (see :func:`read_survey` for the file).

    Attributes:
        responses: Columns ``date``, ``month``, ``respondent``, ``side``, one
            decimal column per question (null when not answered), ``lead_source``
            (the lead source a ``lead_quality`` rating is about; null: every lead)
            and ``comment``.
        scale: The highest rating (the lowest is 1).
        source: Where it was read from.
    """

    responses: pa.Table
    scale: int = 5
    source: str | None = None
    title: str = field(default="Partnership survey")

    def to_arrow(self) -> pa.Table:
        """The answers, one row per respondent and survey."""
        return self.responses

    def lead_quality(self, start: dt.date, end: dt.date) -> dict[str | None, tuple[Decimal, int]]:
        """Sales' lead-quality ratings taken from ``start`` to ``end``, by lead source.

        Returns:
            The mean rating (1 to :attr:`scale`) and the number of answers, by the
            ``lead_source`` the answers name (``None``: answers about every lead).
            A source nobody rated is left out: no answer is no score.
        """
        ratings: dict[str | None, list[Decimal]] = {}
        for row in self.responses.select(["date", "lead_source", "lead_quality"]).to_pylist():
            if row["lead_quality"] is not None and start <= row["date"] <= end:
                ratings.setdefault(row["lead_source"], []).append(row["lead_quality"])
        return {k: (sum(v, Decimal(0)) / len(v), len(v)) for k, v in ratings.items()}

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, Any]],
        *,
        scale: int = 5,
        source: str | None = None,
        first_row: int = 1,
    ) -> Survey:
        """Build a survey from row mappings (the file's columns).

        Raises:
            DataError: An unknown column, a bad date or a rating outside 1..``scale``.
        """
        import pyarrow as pa

        if scale < 2:
            raise ConfigurationError("a survey scale runs from 1 to at least 2")
        out: dict[str, list[Any]] = {c: [] for c in ("date", "month", "respondent", "side")}
        out.update({q: [] for q in SURVEY_QUESTIONS})
        out["lead_source"] = []
        out["comment"] = []
        for i, raw in enumerate(rows):
            row = {str(k).strip().lower(): v for k, v in raw.items()}
            where: dict[str, Any] = {"source": source, "row": first_row + i}
            for name in row:
                if name not in _SURVEY_COLUMNS:
                    raise DataError(
                        f"unknown survey column {name!r}.{did_you_mean(name, _SURVEY_COLUMNS)} "
                        f"The columns are {', '.join(_SURVEY_COLUMNS)}",
                        column=name,
                        **where,
                    )
            day = _survey_date(row.get("date"), where)
            out["date"].append(day)
            out["month"].append(f"{day:%Y-%m}")
            for name in ("respondent", "side", "lead_source", "comment"):
                value = row.get(name)
                out[name].append(None if value in (None, "") else str(value).strip())
            for q in SURVEY_QUESTIONS:
                out[q].append(_rating(row.get(q), scale, q, where))
        columns: dict[str, pa.Array[Any]] = {
            "date": pa.array(out["date"], pa.date32()),
            "month": pa.array(out["month"], pa.string()),
            "respondent": pa.array(out["respondent"], pa.string()),
            "side": pa.array(out["side"], pa.string()),
        }
        for q in SURVEY_QUESTIONS:
            columns[q] = pa.array(out[q], pa.decimal128(9, 4))
        columns["lead_source"] = pa.array(out["lead_source"], pa.string())
        columns["comment"] = pa.array(out["comment"], pa.string())
        return cls(pa.table(columns), scale, source)


def _survey_date(value: Any, where: Mapping[str, Any]) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(text + "-01")
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(
            "a survey row needs a date: 2026-09-30 or the month 2026-09",
            column="date",
            value=value,
            **where,
        ) from None


def _rating(value: Any, scale: int, question: str, where: Mapping[str, Any]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rating = _dec(str(value).strip())
    except ArithmeticError:
        rating = Decimal("NaN")
    if not rating.is_finite() or not 1 <= rating <= scale:
        raise DataError(
            f"a {question} rating is a number from 1 to {scale} (blank when not answered)",
            column=question,
            value=value,
            **where,
        )
    return rating


def read_survey(path: str | Path, *, scale: int = 5) -> Survey:
    """Read partnership survey answers from a CSV or YAML file.

    One row per respondent per survey; columns (case-insensitive): ``date`` (the
    day, or the month ``2026-09``, it was taken), ``respondent`` and ``side``
    (optional: ``in_house``, ``partner``, ``sales``), ``communication``, ``trust``,
    ``process_efficiency``, ``lead_quality`` (ratings from 1 to ``scale``; blank when
    not answered — lead quality is for sales to rate), ``lead_source`` (optional: the
    source of the source map a ``lead_quality`` rating is about; blank: every lead) and
    ``comment``.

    Raises:
        ConfigurationError: The file does not exist or has an unknown format.
        DataError: A row does not fit (row and column named).
    """
    file = Path(path)
    if not file.is_file():
        raise ConfigurationError(f"no survey file at {file}")
    suffix = file.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return Survey.from_rows(csv_rows(file), scale=scale, source=str(file), first_row=2)
    if suffix in (".yaml", ".yml"):
        holds = "a survey YAML file holds a list of responses"
        rows = yaml_rows(file, key="responses", holds=holds)
        return Survey.from_rows(rows, scale=scale, source=str(file))
    raise ConfigurationError(f"cannot read a survey from {file.name!r}: use .csv or .yaml")


# ----------------------------------------------------------------------- result


#: A :class:`HealthPart`'s figures, columns of the health table.
_FIGURES = ("value", "numerator", "denominator", "weight", "effective_weight", "contribution")


@dataclass(frozen=True)
class HealthPart:
    """One part of a month's health score.

    Attributes:
        name: ``kpi``, ``sla``, ``hygiene`` or ``survey``.
        value: The part's share, 0–1 (4 places); ``None`` when missing.
        numerator: What was counted as good (points, terms met, checks passed, rating
            points).
        denominator: Out of how many (targets judged, terms measured, checks, answers).
        weight: Its configured weight.
        effective_weight: Its share of the month's score (0 when missing).
        contribution: ``100 × effective_weight × value`` (1 place).
        detail: What it is made of, in words (or why it is missing).
        reason: Why :attr:`value` is ``None``, as a code: ``not_given`` (its input
            was not given: the part is left out and its weight goes to the others),
            or, when its input was given but holds nothing to judge the month by,
            ``no_target_judged``, ``no_sla_decided``, ``month_not_judged``,
            ``no_survey_in_time``; ``None`` when it has a value.
    """

    name: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    weight: Decimal
    effective_weight: Decimal
    contribution: Decimal | None
    detail: str
    reason: str | None = None


@dataclass(frozen=True)
class HealthMonth:
    """A month's health: the score and the parts it is made of.

    Attributes:
        month: ``YYYY-MM``.
        score: 0–100 (1 place); ``None`` when not computable (see :attr:`reason`).
        parts: The four parts, always all of them.
        reason: Why :attr:`score` is ``None``: ``parts_not_computable`` (a part whose
            input was given has nothing to judge the month by: a score from the rest
            would be a score from nothing) or ``no_part_given``.
    """

    month: str
    score: Decimal | None
    parts: tuple[HealthPart, ...]
    reason: str | None = None

    @property
    def not_computable(self) -> tuple[str, ...]:
        """The parts that were given but could not be computed for the month."""
        return tuple(p.name for p in self.parts if p.reason not in (None, *_LEFT_OUT))

    def part(self, name: str) -> HealthPart:
        """One part by name."""
        return next(p for p in self.parts if p.name == name)


@dataclass(frozen=True)
class PartnershipHealth(Result):
    """The health score per month, with its parts and the weights used.

    The table view (:meth:`to_arrow`) has one row per month and part.

    Attributes:
        months: Each month's score and parts, in order.
        weights: The weights used.
    """

    months: tuple[HealthMonth, ...]
    weights: HealthWeights
    title: str = field(default="Partnership health")

    def month(self, month: str) -> HealthMonth:
        """The health of one ``YYYY-MM`` month.

        Raises:
            ConfigurationError: The month was not scored.
        """
        scored = ", ".join(m.month for m in self.months)
        missing = f"no health for {month}; months scored: {scored}"
        return _the_one(self.months, lambda m: m.month == month, missing, error=ConfigurationError)

    def to_arrow(self) -> pa.Table:
        """One row per month and part: value, weights, contribution, detail and the score."""
        import pyarrow as pa

        rows = [
            {
                "month": m.month,
                "score": m.score,
                "part": p.name,
                **{name: getattr(p, name) for name in _FIGURES},
                "detail": p.detail,
            }
            for m in self.months
            for p in m.parts
        ]
        dec = pa.decimal128(18, 4)
        schema = _schema_of(
            *[("month", pa.string()), ("score", dec), ("part", pa.string())],
            *[(name, dec) for name in _FIGURES],
            ("detail", pa.string()),
        )
        return pa.Table.from_pylist(rows, schema=schema)

    def scores(self) -> pa.Table:
        """One row per month: the score and each part's value."""
        import pyarrow as pa

        dec = pa.decimal128(18, 4)
        return pa.table(
            {
                "month": pa.array([m.month for m in self.months], pa.string()),
                "score": pa.array([m.score for m in self.months], dec),
                **{
                    name: pa.array([m.part(name).value for m in self.months], dec)
                    for name in _PARTS
                },
            }
        )

    def _repr_html_(self) -> str:
        w = self.weights
        head = (
            f"<p>Weights: KPI {w.kpi}, SLA {w.sla}, hygiene {w.hygiene}, survey {w.survey}, "
            f"actions {w.actions} "
            f"(target points: on track {w.on_track}, at risk {w.at_risk}, off track "
            f"{w.off_track}).</p>"
        )
        return head + _sections(self.title, [("Scores", self.scores()), ("Parts", self.to_arrow())])


# ---------------------------------------------------------------------- scoring


def partnership_health(
    months: Sequence[str] | None = None,
    *,
    targets: Iterable[TargetOutcome] | pa.Table | None = None,
    sla: SLACompliance | None = None,
    audit: SourceMapAudit | None = None,
    survey: Survey | None = None,
    actions: MeetingLog | Iterable[MeetingLog] | None = None,
    weights: HealthWeights | None = None,
) -> PartnershipHealth:
    """Score the partnership month by month from the parts given.

    Args:
        months: The ``YYYY-MM`` months to score; by default every month any input has.
        targets: Target outcomes per month (the KPI part).
        sla: SLA compliance (the SLA part: terms met per month).
        audit: A source-map audit (the hygiene part).
        survey: Partnership survey answers (the survey part).
        actions: Meeting logs (:func:`~partnerkit.analysis.meetings.meeting_log`), one
            per month scored (the actions part).
        weights: The weights; :class:`HealthWeights` defaults when left out.

    Returns:
        The score of each month with its five parts.
    """
    weights = weights or HealthWeights()
    outcomes = _outcomes(targets)
    if months is None:
        found: set[str] = {o.period for o in outcomes if _is_month(o.period)}
        if sla is not None and sla.terms:
            found.update(str(m) for m in sla.trend().column("month").to_pylist() if m)
        if audit is not None:
            found.update(str(m) for m in audit.hygiene.column("month").to_pylist())
        months = sorted(found)
    for month in months:
        if not _is_month(month):
            raise ConfigurationError(f"months are written YYYY-MM, got {month!r}")
    survey_parts = _survey_by_month(survey, months, weights) if survey is not None else {}
    logs = None if actions is None else _logs(actions)
    scored = []
    for month in months:
        parts = {
            "kpi": _kpi_part(outcomes, month, weights),
            "sla": _sla_part(sla, month),
            "hygiene": _hygiene_part(audit, month),
            "survey": survey_parts.get(month)
            or (
                (None, None, None, "no survey", NOT_GIVEN)
                if survey is None
                else (None, None, None, "no survey in time", "no_survey_in_time")
            ),
            "actions": _actions_part(logs, month),
        }
        scored.append(_combine(month, parts, weights))
    return PartnershipHealth(months=tuple(scored), weights=weights)


_Part = tuple[Decimal | None, Decimal | None, Decimal | None, str, str | None]


def _is_month(text: str) -> bool:
    return len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()


def _outcomes(targets: Iterable[TargetOutcome] | pa.Table | None) -> list[TargetOutcome]:
    if targets is None:
        return []
    import pyarrow as pa

    if isinstance(targets, pa.Table):
        return TargetOutcome.from_table(targets)
    return list(targets)


def _share(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator / denominator).quantize(_FOUR, ROUND_HALF_EVEN)


def _kpi_part(outcomes: Sequence[TargetOutcome], month: str, w: HealthWeights) -> _Part:
    judged = [o for o in outcomes if o.period == month and o.status is not None]
    if not judged:
        if any(o.period == month for o in outcomes):
            return None, None, None, "no target could be judged in the month", "no_target_judged"
        return None, None, None, "no target outcome for the month", NOT_GIVEN
    points = sum((w.points(o.status) for o in judged if o.status is not None), Decimal(0))
    n = Decimal(len(judged))
    counts = {s: sum(1 for o in judged if o.status is s) for s in TargetStatus}
    names = ", ".join(
        f"{o.target} {o.status.value.replace('_', ' ')}" for o in judged if o.status is not None
    )
    detail = (
        f"{points.normalize():f} points of {len(judged)} target(s): "
        f"{counts[TargetStatus.ON_TRACK]} on track, {counts[TargetStatus.AT_RISK]} at risk, "
        f"{counts[TargetStatus.OFF_TRACK]} off track ({names})"
    )
    return _share(points, n), points, n, detail, None


def _logs(actions: MeetingLog | Iterable[MeetingLog]) -> dict[str, MeetingLog]:
    return {log.label: log for log in ([actions] if isinstance(actions, MeetingLog) else actions)}


def _actions_part(logs: Mapping[str, MeetingLog] | None, month: str) -> _Part:
    if logs is None or month not in logs:
        return None, None, None, "no meeting log given", NOT_GIVEN
    judged = logs[month].judged
    if not judged:
        return None, None, None, "no action item due in the month", "no_action_due"
    late = [i.item_id for i in judged if i.overdue]
    met, n = Decimal(len(judged) - len(late)), Decimal(len(judged))
    detail = f"{met.normalize():f} of {len(judged)} action item(s) not overdue" + (
        f"; overdue: {', '.join(late)}" if late else ""
    )
    return _share(met, n), met, n, detail, None


def _sla_part(sla: SLACompliance | None, month: str) -> _Part:
    if sla is None or not sla.terms:
        return None, None, None, "no SLA compliance given", NOT_GIVEN
    judged = []
    for term in sla.terms:
        figures = term.month
        if figures is not None and f"{figures.start:%Y-%m}" == month:
            if figures.passed is not None and figures.attainment is not None:
                judged.append((term.sla.id, figures.passed, figures.attainment, term.required))
            continue
        for row in term.trend.to_pylist():
            if row["month"] == month and row["passed"] is not None:
                judged.append((term.sla.id, row["passed"], row["attainment"], term.required))
    if not judged:
        return None, None, None, "no SLA case decided in the month", "no_sla_decided"
    met = Decimal(sum(1 for _, passed, _, _ in judged if passed))
    n = Decimal(len(judged))
    detail = f"{met.normalize():f} of {len(judged)} term(s) met: " + ", ".join(
        f"{sid} {attain:.1%} {'≥' if passed else '<'} {req:.0%}"
        for sid, passed, attain, req in judged
    )
    return _share(met, n), met, n, detail, None


def _hygiene_part(audit: SourceMapAudit | None, month: str) -> _Part:
    if audit is None:
        return None, None, None, "no source-map audit given", NOT_GIVEN
    for row in audit.hygiene.to_pylist():
        if row["month"] == month:
            passed, checks = Decimal(row["passed"]), Decimal(row["checks"])
            failed = row["failed"] or []
            detail = f"{passed} of {checks} check(s) passed" + (
                f"; failed: {', '.join(failed)}" if failed else ""
            )
            return _share(passed, checks), passed, checks, detail, None
    return None, None, None, "the audit did not judge the month", "month_not_judged"


def _survey_by_month(survey: Survey, months: Sequence[str], w: HealthWeights) -> dict[str, _Part]:
    """Each month's survey part: the latest survey month within the validity window."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = survey.responses
    scale = Decimal(survey.scale - 1)
    per_question = []
    for q in SURVEY_QUESTIONS:
        rating = table.column(q).cast(pa.float64()).combine_chunks()
        normalised = pc.divide(pc.subtract(rating, 1.0), float(scale))
        per_question.append(
            pa.table(
                {
                    "month": table.column("month").combine_chunks(),
                    "question": pa.array([q] * table.num_rows, pa.string()),
                    "rating": rating,
                    "points": normalised,
                }
            )
        )
    stacked = pa.concat_tables(per_question)
    answers = stacked.filter(pc.is_valid(stacked.column("rating")))
    grouped = answers.group_by(["month", "question"]).aggregate(
        [("rating", "sum"), ("rating", "count"), ("points", "sum")]
    )
    stats: dict[str, dict[str, tuple[float, int, float]]] = {}
    for row in grouped.to_pylist():
        stats.setdefault(row["month"], {})[row["question"]] = (
            row["rating_sum"],
            row["rating_count"],
            row["points_sum"],
        )
    respondents = {
        row["month"]: row["respondent_count_distinct"]
        for row in table.group_by("month").aggregate([("respondent", "count_distinct")]).to_pylist()
    }
    out: dict[str, _Part] = {}
    taken = sorted(stats)
    for month in months:
        earlier = [
            m for m in taken if m <= month and _months_between(m, month) < w.survey_valid_months
        ]
        if not earlier:
            continue
        src = earlier[-1]
        qs = stats[src]
        count = sum(c for _, c, _ in qs.values())
        points = _dec(round(sum(p for _, _, p in qs.values()), 10))
        detail = (
            f"survey of {src} ({respondents.get(src, 0)} respondent(s), {count} answer(s)): "
            + ", ".join(
                f"{q.replace('_', ' ')} {_dec(round(s / c, 10)).quantize(_ONE)}"
                for q in SURVEY_QUESTIONS
                if q in qs
                for s, c, _ in [qs[q]]
            )
            + f" of {survey.scale}"
        )
        out[month] = (
            _share(points, Decimal(count)),
            points.quantize(_FOUR),
            Decimal(count),
            detail,
            None,
        )
    return out


def _months_between(earlier: str, later: str) -> int:
    y1, m1 = int(earlier[:4]), int(earlier[5:])
    y2, m2 = int(later[:4]), int(later[5:])
    return (y2 - y1) * 12 + (m2 - m1)


def _combine(month: str, parts: Mapping[str, _Part], w: HealthWeights) -> HealthMonth:
    present = [name for name in _PARTS if parts[name][0] is not None]
    failed = [name for name in _PARTS if parts[name][0] is None and parts[name][4] not in _LEFT_OUT]
    total = sum((getattr(w, name) for name in present), Decimal(0))
    built = []
    score = Decimal(0)
    for name in _PARTS:
        value, numerator, denominator, detail, code = parts[name]
        weight: Decimal = getattr(w, name)
        if value is None or total == 0:
            built.append(
                HealthPart(
                    name,
                    None,
                    None,
                    None,
                    weight,
                    Decimal(0),
                    None,
                    f"missing: {detail}",
                    code or NOT_GIVEN,
                )
            )
            continue
        effective = weight / total
        contribution = 100 * effective * value
        score += contribution
        built.append(
            HealthPart(
                name,
                value,
                numerator,
                denominator,
                weight,
                effective.quantize(_FOUR, ROUND_HALF_EVEN),
                contribution.quantize(_ONE, ROUND_HALF_EVEN),
                detail,
            )
        )
    if failed:
        return HealthMonth(month, None, tuple(built), "parts_not_computable")
    if total == 0 or not present:
        return HealthMonth(month, None, tuple(built), "no_part_given")
    return HealthMonth(month, score.quantize(_ONE, ROUND_HALF_EVEN), tuple(built))


# ------------------------------------------------------------------ trial review


@dataclass(frozen=True)
class TrialReview(Result):
    """Every target and SLA term over the contract's trial period.

    The table view (:meth:`to_arrow`) has one row per target and per SLA term.

    Attributes:
        start: The contract's start.
        end: The trial's last day (``contract.trial_end``).
        as_of: When the review was made.
        provisional: True when the trial has not ended by ``as_of``.
        targets: Per workspace target: ``periods`` judged, ``on_track``,
            ``at_risk``, ``off_track``, ``latest_period``, ``latest_status`` and
            ``trial_status`` (an outcome given for the period ``trial``).
        sla: The SLA compliance over the trial.
        audit: The source-map audit over the trial, when records were given.
        health: The health score per trial month.
        verdict: The verdict against the contract's ``trial_criteria``
            (:func:`~partnerkit.analysis.trial.trial_verdict`): continue, extend or end.
    """

    start: dt.date
    end: dt.date
    as_of: dt.datetime
    provisional: bool
    targets: pa.Table
    sla: SLACompliance
    audit: SourceMapAudit | None
    health: PartnershipHealth
    verdict: TrialVerdict | None = None
    title: str = field(default="Trial-period review")

    @property
    def days_left(self) -> int:
        """Days from ``as_of`` to the trial's end (negative once it is over)."""
        return (self.end - self.as_of.date()).days

    def to_arrow(self) -> pa.Table:
        """One row per target and per SLA term: what it is, how it did over the trial."""
        import pyarrow as pa

        rows = []
        for t in self.targets.to_pylist():
            status = t["trial_status"] or t["latest_status"]
            rows.append(
                {
                    "item": "target",
                    "id": t["target"],
                    "what": t["what"],
                    "result": f"{t['on_track']} on track, {t['at_risk']} at risk, "
                    f"{t['off_track']} off track of {t['periods']} period(s)",
                    "status": status,
                    "passed": None if status is None else status == TargetStatus.ON_TRACK.value,
                }
            )
        for term in self.sla.terms:
            share = "—" if term.attainment is None else f"{term.attainment:.1%}"
            rows.append(
                {
                    "item": "sla",
                    "id": term.sla.id,
                    "what": f"{term.sla.kind.value}: {term.rule}",
                    "result": f"{share} of {term.met + term.breached} case(s) met "
                    f"({term.required:.0%} required)"
                    + ("" if term.reason is None else f"; {term.reason}"),
                    "status": None
                    if term.passed is None
                    else ("met" if term.passed else "not met"),
                    "passed": term.passed,
                }
            )
        schema = _schema_of(
            *[(name, pa.string()) for name in ("item", "id", "what", "result", "status")],
            ("passed", pa.bool_()),
        )
        return pa.Table.from_pylist(rows, schema=schema)

    def _repr_html_(self) -> str:
        when = f"ends in {self.days_left} day(s): provisional" if self.provisional else "is over"
        head = f"<p>Trial {self.start} to {self.end} {when}.</p>"
        if self.verdict is not None:
            head += self.verdict._repr_html_()
        return head + _sections(
            self.title,
            [("Targets and SLA terms", self.to_arrow()), ("Health", self.health.scores())],
        )


def trial_review(
    workspace: Workspace,
    dataset: Dataset | None = None,
    evidence: EvidenceLog | None = None,
    *,
    targets: Iterable[TargetOutcome] | pa.Table | None = None,
    survey: Survey | None = None,
    weights: HealthWeights | None = None,
    as_of: dt.datetime | None = None,
    silent_days: int = 14,
) -> TrialReview:
    """Review every target and SLA term over the trial period, for the end-of-trial decision.

    Args:
        workspace: The workspace; its contract must have a ``trial_end``.
        dataset: The records (leads for lead follow-up and the audit).
        evidence: The evidence log.
        targets: Target outcomes (per month, or for the period ``trial``).
        survey: Partnership survey answers.
        weights: Health weights.
        as_of: When the review is made (default: now); before ``trial_end`` the
            review is provisional.
        silent_days: Passed to the source-map audit.

    Returns:
        The review, with the verdict against the contract's ``trial_criteria``.

    Raises:
        ConfigurationError: The workspace has no contract or no ``trial_end``.
    """
    import pyarrow as pa

    contract = workspace.contract
    if contract is None or contract.trial_end is None:
        raise ConfigurationError(
            "the trial review needs contract.trial_end in the workspace (the trial's last day)"
        )
    as_of = as_of or dt.datetime.now(dt.UTC)
    start, end = contract.start, contract.trial_end
    sla = sla_compliance(workspace, dataset, evidence, start=start, end=end, as_of=as_of)
    audit = (
        audit_source_map(
            workspace, dataset, start=start, end=end, as_of=as_of, silent_days=silent_days
        )
        if dataset is not None
        else None
    )
    outcomes = _outcomes(targets)
    trial_months = _month_keys(start, end)
    health = partnership_health(
        trial_months, targets=outcomes, sla=sla, audit=audit, survey=survey, weights=weights
    )
    rows = []
    for target in workspace.targets:
        mine = [o for o in outcomes if o.target == target.id and o.status is not None]
        monthly = sorted((o for o in mine if o.period in trial_months), key=lambda o: o.period)
        overall = next((o for o in mine if o.period == "trial"), None)
        rows.append(
            {
                "target": target.id,
                "what": f"{target.kpi} {target.value.normalize():f} ({target.period}, "
                f"{target.scope})",
                "periods": len(monthly),
                **{s.value: sum(1 for o in monthly if o.status is s) for s in TargetStatus},
                "latest_period": monthly[-1].period if monthly else None,
                "latest_status": monthly[-1].status.value
                if monthly and monthly[-1].status
                else None,
                "trial_status": overall.status.value if overall and overall.status else None,
            }
        )
    schema = _schema_of(
        *[("target", pa.string()), ("what", pa.string()), ("periods", pa.int64())],
        *[(s.value, pa.int64()) for s in TargetStatus],
        *[(name, pa.string()) for name in ("latest_period", "latest_status", "trial_status")],
    )
    review_day = as_of.astimezone(workspace.calendar.zone).date()
    return TrialReview(
        start=start,
        end=end,
        as_of=as_of,
        provisional=review_day < end,
        targets=pa.Table.from_pylist(rows, schema=schema),
        sla=sla,
        audit=audit,
        health=health,
        verdict=trial_verdict(workspace, dataset, evidence, as_of=as_of),
    )


def _month_keys(start: dt.date, end: dt.date) -> list[str]:
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year}-{month:02d}")
        year, month = year + month // 12, month % 12 + 1
    return out
