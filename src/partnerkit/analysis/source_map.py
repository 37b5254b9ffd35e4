"""The source map as a table: each source, how it reaches the CRM, and whether it is wired.

:func:`source_map` reads the workspace's source map and the source-map audit
(:func:`~partnerkit.analysis.audit.audit_source_map`, the one place a source is found
silent) and gives each source a state:

* ``unwired`` — the source has no matching rule: no lead or ad row can be tied to it
  (:attr:`~partnerkit.model.SourceMatching.is_empty`);
* ``silent`` — the audit found it silent at its last check (no lead for the audit's
  ``silent_days`` although it had leads before or spent in those days);
* ``wired`` — it has rules and is not silent (a paused or retired source, or one that
  started too recently to judge, is wired but not checked: ``checked`` is False).

Without an audit (it could not run) the state of a source with rules is ``None``, not a
guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from partnerkit.model import SourceMatching

if TYPE_CHECKING:
    from partnerkit.analysis.audit import SourceMapAudit
    from partnerkit.model import Source, Workspace

__all__ = ["RULE_FIELDS", "SourceMap", "SourceMapEntry", "SourceState", "source_map"]

SourceState = Literal["wired", "unwired", "silent"]
"""Whether a source's leads reach the CRM (see the module)."""

#: The matching rules shown, in the model's order: the CRM's properties, then the UTM
#: tags, then the ad accounts and campaigns.
RULE_FIELDS: tuple[str, ...] = tuple(SourceMatching.model_fields)


@dataclass(frozen=True)
class SourceMapEntry:
    """One source of the map with its state.

    Attributes:
        source: The source as the workspace writes it (name, channel, wiring, owner).
        state: ``wired``, ``unwired`` or ``silent``; ``None`` when there is no audit.
        rules: The matching rules: ``(field, patterns)`` for each field that has some,
            in :data:`RULE_FIELDS` order.
        checked: Whether the audit judged it (an active source with rules, live long
            enough).
        last_lead_day: The day of its last lead, up to the audit's last check.
        days_without_leads: Days from that lead to the last check.
    """

    source: Source
    state: SourceState | None
    rules: tuple[tuple[str, tuple[str, ...]], ...]
    checked: bool = False
    last_lead_day: dt.date | None = None
    days_without_leads: int | None = None


@dataclass(frozen=True)
class SourceMap:
    """Every source of the map with its state, in the map's order.

    Attributes:
        entries: The sources.
        checked_to: The audit's last day (``None`` without an audit).
    """

    entries: tuple[SourceMapEntry, ...]
    checked_to: dt.date | None = None

    def __iter__(self) -> Iterator[SourceMapEntry]:
        return iter(self.entries)

    def entry(self, source_id: str) -> SourceMapEntry:
        """The entry of one source.

        Raises:
            KeyError: The map has no such source.
        """
        for e in self.entries:
            if e.source.id == source_id:
                return e
        raise KeyError(f"the source map has no source {source_id!r}")


def source_map(workspace: Workspace, audit: SourceMapAudit | None) -> SourceMap:
    """Each source of the workspace with its state, from the source-map audit.

    Args:
        workspace: The engagement (its source map).
        audit: The source-map audit (a month's evaluation has it:
            ``MonthEvaluation.audit``); ``None`` when it could not run.

    Returns:
        The sources in the map's order.
    """
    rows = {r["source_id"]: r for r in audit.silent.to_pylist()} if audit is not None else {}
    entries = []
    for s in workspace.sources:
        rules = tuple(
            (name, tuple(getattr(s.matching, name)))
            for name in RULE_FIELDS
            if getattr(s.matching, name)
        )
        row = rows.get(s.id) or {}
        checked = bool(row) and not str(row.get("reason") or "").startswith("not checked")
        state: SourceState | None
        if s.matching.is_empty:
            state = "unwired"
        elif audit is None:
            state = None
        else:
            state = "silent" if row.get("silent") else "wired"
        entries.append(
            SourceMapEntry(
                s,
                state,
                rules,
                checked=checked,
                last_lead_day=row.get("last_lead_day"),
                days_without_leads=row.get("days_without_leads"),
            )
        )
    return SourceMap(tuple(entries), audit.end if audit is not None else None)
