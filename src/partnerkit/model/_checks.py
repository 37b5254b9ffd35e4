"""Checks that need more than one model: secrets in the file, and cross-references.

Both return every problem found, never only the first. Secrets are checked on the
raw input (so they are reported even when the file has schema errors); references
are checked on a validated :class:`~partnerkit.model.Workspace`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from partnerkit.errors import WorkspaceProblem
from partnerkit.model._base import Side, did_you_mean, month_bounds
from partnerkit.model._problems import PathPart, format_path
from partnerkit.model.connections import credential_kind, is_secret_key
from partnerkit.model.kpis import BUILTIN_KPIS

if TYPE_CHECKING:
    from partnerkit.model.targets import Scope
    from partnerkit.model.workspace import Workspace

__all__ = ["FUZZY_SUGGESTIONS", "LISTED_NAMES", "reference_problems", "secret_problems"]

_ENV_LIKE = re.compile(r"^[A-Z][A-Z0-9]*_[A-Z0-9_]+$")


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="python", round_trip=True)
    return value


# ---------------------------------------------------------------------- secrets


def _env_name(*words: object) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", "_".join(str(w) for w in words).upper()).strip("_")


def _literal_secrets(
    value: Any, path: list[PathPart], connection: str, found: list[WorkspaceProblem]
) -> None:
    value = _plain(value)
    if isinstance(value, Mapping):
        for key, item in value.items():
            item = _plain(item)
            child = [*path, str(key)]
            if isinstance(item, Mapping | list):
                _literal_secrets(item, child, connection, found)
            elif (
                is_secret_key(str(key))
                and item is not None
                and item != ""
                and not isinstance(item, bool)
            ):
                if isinstance(item, str) and _ENV_LIKE.match(item):
                    message = (
                        f"{key!r} is a secret setting and its value looks like the name of an "
                        f"environment variable: move it from settings to this connection's "
                        f"secrets: (secrets: {{{key}: <VARIABLE_NAME>}})"
                    )
                else:
                    message = (
                        f"{key!r} looks like a secret, and secrets never go in the workspace "
                        f"file: put the value in an environment variable and name the variable "
                        f"under this connection's secrets: (e.g. secrets: {{{key}: "
                        f"{_env_name(connection, key)}}})"
                    )
                found.append(WorkspaceProblem(format_path(child), message))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _literal_secrets(item, [*path, i], connection, found)


def _strings(value: Any, path: list[PathPart]) -> Iterator[tuple[list[PathPart], str]]:
    value = _plain(value)
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, [*path, str(key)])
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, [*path, i])


def secret_problems(data: Any) -> list[WorkspaceProblem]:
    """Find secrets written into the workspace data.

    Reports a settings key that names a secret (``developer_token``, ``api_key``) with
    a literal value, a key given both in ``settings`` and in ``secrets``, and any text
    anywhere that looks like a credential (a Meta or HubSpot token, a private key).
    The secret values themselves are never repeated in a problem.

    Args:
        data: The raw workspace mapping (as read from YAML, or given in code).

    Returns:
        The problems found.
    """
    data = _plain(data)
    if not isinstance(data, Mapping):
        return []
    found: list[WorkspaceProblem] = []
    connections = data.get("connections")
    if isinstance(connections, list):
        for i, raw in enumerate(connections):
            conn = _plain(raw)
            if not isinstance(conn, Mapping):
                continue
            name = conn.get("name") if isinstance(conn.get("name"), str) else f"connection_{i}"
            settings = _plain(conn.get("settings"))
            if isinstance(settings, Mapping):
                _literal_secrets(settings, ["connections", i, "settings"], str(name), found)
            secrets = _plain(conn.get("secrets"))
            if isinstance(secrets, Mapping) and isinstance(settings, Mapping):
                for key in secrets:
                    if key in settings:
                        found.append(
                            WorkspaceProblem(
                                format_path(["connections", i, "secrets", str(key)]),
                                f"{key!r} is given both in settings and in secrets; keep it "
                                f"only under secrets",
                            )
                        )
    reported = {p.path for p in found}
    for path, text in _strings(data, []):
        where = format_path(path)
        kind = credential_kind(text)
        if kind and where not in reported:
            found.append(
                WorkspaceProblem(
                    where,
                    f"looks like a credential ({kind}); secrets never go in the workspace "
                    f"file: revoke it if this file was shared, keep it in an environment "
                    f"variable and name the variable under a connection's secrets:",
                )
            )
    return found


# ------------------------------------------------------------------- references


#: Names listed after an unknown reference ("Sources: a, b, ... and 980 more.").
LISTED_NAMES = 20

#: Unknown references of one kind that get a fuzzy "Did you mean ...?" (each costs a pass
#: over the known names); after these, only a match ignoring case is suggested. This keeps
#: a file with 100,000 broken references linear.
FUZZY_SUGGESTIONS = 100


class _Known:
    """The names an unknown reference is checked against, prepared once per kind."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(dict.fromkeys(names))
        self.lower = {n.lower(): n for n in self.names}
        self.fuzzy_left = FUZZY_SUGGESTIONS
        shown = ", ".join(self.names[:LISTED_NAMES])
        more = len(self.names) - LISTED_NAMES
        self.listed = f"{shown} and {more:,} more" if more > 0 else shown

    def suggest(self, value: str) -> str:
        exact = self.lower.get(value.lower())
        if exact is not None:
            return f" Did you mean {exact!r}?"
        if self.fuzzy_left <= 0:
            return ""
        self.fuzzy_left -= 1
        return did_you_mean(value, self.names)


class _Problems:
    def __init__(self) -> None:
        self.items: list[WorkspaceProblem] = []
        self._known: dict[tuple[str, str], _Known] = {}

    def add(self, path: Sequence[PathPart], message: str, value: Any = None) -> None:
        if isinstance(value, dt.date):  # the message states the dates already
            value = None
        self.items.append(WorkspaceProblem(format_path(path), message, None, value))

    def unknown(
        self, path: Sequence[PathPart], value: str, what: str, known: Sequence[str], where: str
    ) -> None:
        """Report an unknown reference; ``known`` is the same list for each ``what``."""
        names = self._known.get((what, where))
        if names is None:
            names = self._known[(what, where)] = _Known(known)
        if names.names:
            listed = f" {where[0].upper()}{where[1:]}: {names.listed}."
        else:
            listed = f" There are no {where} in the workspace."
        self.add(path, f"unknown {what} {value!r}.{names.suggest(value)}{listed}", value)

    def refers(
        self,
        path: Sequence[PathPart],
        value: str | None,
        what: str,
        known: Sequence[str],
        where: str,
    ) -> None:
        """Report an optional reference (``None``: not given) that names no known id."""
        if value is not None and value not in known:
            self.unknown(path, value, what, known, where)

    def duplicates(self, base: Sequence[PathPart], ids: Sequence[str], key: str, what: str) -> None:
        first: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident in first:
                other = format_path([*base, first[ident]])
                self.add(
                    [*base, i, key],
                    f"duplicate {what} {ident!r}: {other} has it already; each {what} must "
                    f"be unique",
                    ident,
                )
            else:
                first[ident] = i


def _outside(day: dt.date, start: dt.date | None, end: dt.date | None) -> str | None:
    if start is not None and day < start:
        return f"{day} is before the start ({start})"
    if end is not None and day > end:
        return f"{day} is after the end ({end})"
    return None


def _scope_problems(
    p: _Problems,
    path: list[PathPart],
    scope: Scope,
    ws: Workspace,
    source_ids: Sequence[str],
    campaign_ids: Sequence[str],
    known: tuple[Set[str], Set[str]],
) -> None:
    """Unknown sources, campaigns or partner in a target's (or trial criterion's) scope.

    ``known`` is the source ids and the campaign ids as sets (membership stays cheap).
    """
    if scope.source is not None and scope.source not in known[0]:
        p.unknown([*path, "source"], scope.source, "source", source_ids, "sources")
    if scope.campaign is not None and scope.campaign not in known[1]:
        p.unknown([*path, "campaign"], scope.campaign, "campaign", campaign_ids, "campaigns")
    if scope.partner is not None and (ws.partner is None or scope.partner != ws.partner.id):
        partners = [ws.partner.id] if ws.partner else []
        p.unknown([*path, "partner"], scope.partner, "partner", partners, "partners")


def reference_problems(ws: Workspace) -> list[WorkspaceProblem]:
    """Check every reference between the parts of a workspace.

    Args:
        ws: A workspace whose parts are each valid.

    Returns:
        Every problem: duplicate ids, unknown references, dates outside the contract.
    """
    p = _Problems()
    contract = ws.contract
    people = ws.partner.people if ws.partner else []
    person_ids = [x.id for x in people]
    sides = {x.id: x.side for x in people}
    source_ids = [s.id for s in ws.sources]
    campaign_ids = [c.id for c in ws.campaigns]
    connection_names = [c.name for c in ws.connections]

    # -- partner
    if ws.partner is not None:
        partner = ws.partner
        p.duplicates(["partner", "people"], person_ids, "id", "person id")
        for side in (Side.PARTNER, Side.IN_HOUSE):
            ref = getattr(partner.point_people, side.value)
            path = ["partner", "point_people", side.value]
            if ref is None:
                continue
            if ref not in sides:
                p.unknown(path, ref, "person", person_ids, "people")
            elif sides[ref] is not side:
                p.add(
                    path,
                    f"{ref!r} is on the {sides[ref].value} side; the {side.value} point person "
                    f"must be on the {side.value} side",
                    ref,
                )
        for i, step in enumerate(partner.escalation):
            p.refers(
                ["partner", "escalation", i, "person"], step.person, "person", person_ids, "people"
            )

    # -- contract
    if contract is not None:
        start, end = contract.start, contract.end
        if contract.trial_end is not None:
            if contract.trial_end < start:
                p.add(
                    ["contract", "trial_end"],
                    f"the trial ends before the contract starts ({start})",
                    contract.trial_end,
                )
            elif end is not None and contract.trial_end > end:
                p.add(
                    ["contract", "trial_end"],
                    f"the trial ends after the contract ends ({end})",
                    contract.trial_end,
                )
        p.duplicates(
            ["contract", "deliverables"],
            [d.id for d in contract.deliverables],
            "id",
            "deliverable id",
        )
        p.duplicates(
            ["contract", "milestones"], [m.id for m in contract.milestones], "id", "milestone id"
        )
        for i, milestone in enumerate(contract.milestones):
            if why := _outside(milestone.date, start, end):
                p.add(
                    ["contract", "milestones", i, "date"],
                    f"the milestone is outside the contract: {why}",
                    milestone.date,
                )
        for i, deliverable in enumerate(contract.deliverables):
            due = deliverable.due.date
            if due is not None and (why := _outside(due, start, end)):
                p.add(
                    ["contract", "deliverables", i, "due", "date"],
                    f"the due date is outside the contract: {why}",
                    due,
                )
        p.duplicates(
            ["contract", "media_budget"],
            [b.channel.value for b in contract.media_budget],
            "channel",
            "channel budget",
        )
        for i, budget in enumerate(contract.media_budget):
            for month in budget.months:
                first, last = month_bounds(month)
                if last < start or (end is not None and first > end):
                    p.add(
                        ["contract", "media_budget", i, "months", month],
                        f"the month {month} is outside the contract "
                        f"({start} to {end or 'open end'})",
                    )
        pricing = contract.pricing
        if pricing.kind == "per_project":
            p.duplicates(
                ["contract", "pricing", "projects"],
                [x.id for x in pricing.projects],
                "id",
                "project id",
            )
            for i, project in enumerate(pricing.projects):
                if project.due is not None and (why := _outside(project.due, start, end)):
                    p.add(
                        ["contract", "pricing", "projects", i, "due"],
                        f"the project is due outside the contract: {why}",
                        project.due,
                    )

    # -- sources
    p.duplicates(["sources"], source_ids, "id", "source id")
    accounts = {c.name: c.accounts for c in ws.connections}
    for i, source in enumerate(ws.sources):
        if source.connection is None:
            continue
        if source.connection not in accounts:
            p.unknown(
                ["sources", i, "connection"],
                source.connection,
                "connection",
                connection_names,
                "connections",
            )
        elif (
            source.account is not None
            and accounts[source.connection]
            and source.account not in accounts[source.connection]
        ):
            p.add(
                ["sources", i, "account"],
                f"the account is not among the accounts of connection {source.connection!r}: "
                f"{', '.join(accounts[source.connection])}",
                source.account,
            )

    # -- campaigns
    p.duplicates(["campaigns"], campaign_ids, "id", "campaign id")
    sources = {s.id: s for s in ws.sources}
    for i, campaign in enumerate(ws.campaigns):
        if campaign.source not in sources:
            p.unknown(["campaigns", i, "source"], campaign.source, "source", source_ids, "sources")
        else:
            src = sources[campaign.source]
            for key in ("start", "end"):
                day = getattr(campaign, key)
                if day is not None and (why := _outside(day, src.start, src.end)):
                    p.add(
                        ["campaigns", i, key],
                        f"the campaign runs outside its source {src.id!r}: {why}",
                        day,
                    )
        if contract is not None:
            for key in ("start", "end"):
                day = getattr(campaign, key)
                if day is not None and (why := _outside(day, contract.start, contract.end)):
                    p.add(
                        ["campaigns", i, key], f"the campaign runs outside the contract: {why}", day
                    )

    # -- kpis
    p.duplicates(["kpis"], [k.id for k in ws.kpis], "id", "KPI id")
    for i, kpi in enumerate(ws.kpis):
        if kpi.id in BUILTIN_KPIS and not kpi.replaces_builtin:
            p.add(
                ["kpis", i, "id"],
                f"{kpi.id!r} is a built-in KPI; choose another id, or set replaces_builtin: "
                f"true to replace the built-in definition",
                kpi.id,
            )
        elif kpi.replaces_builtin and kpi.id not in BUILTIN_KPIS:
            p.add(
                ["kpis", i, "replaces_builtin"],
                f"there is no built-in KPI {kpi.id!r} to replace."
                f"{did_you_mean(kpi.id, BUILTIN_KPIS)}",
            )
    kpi_ids = sorted(ws.kpi_catalogue)
    known_ids = (set(source_ids), set(campaign_ids))

    # -- targets
    p.duplicates(["targets"], [t.id for t in ws.targets], "id", "target id")
    for i, target in enumerate(ws.targets):
        if target.kpi not in kpi_ids:
            p.unknown(["targets", i, "kpi"], target.kpi, "KPI", kpi_ids, "KPIs")
        _scope_problems(
            p, ["targets", i, "scope"], target.scope, ws, source_ids, campaign_ids, known_ids
        )

    # -- slas
    p.duplicates(["slas"], [s.id for s in ws.slas], "id", "SLA id")
    deliverables = [d.id for d in contract.deliverables] if contract else []
    for i, sla in enumerate(ws.slas):
        where = "contract deliverables"
        p.refers(["slas", i, "deliverable"], sla.deliverable, "deliverable", deliverables, where)
        if sla.leads is not None and ws.lead_definition is None:
            p.add(
                ["slas", i, "leads"],
                f"follow-up of {sla.leads} leads needs the lead agreement: write "
                "lead_definition (sales_ready and nurture conditions) in the workspace file",
                sla.leads,
            )

    # -- trial criteria (after KPIs and SLAs: they refer to both)
    if contract is not None and contract.trial_criteria:
        base: list[PathPart] = ["contract", "trial_criteria"]
        criteria = contract.trial_criteria
        p.duplicates(base, [c.id for c in criteria], "id", "trial criterion id")
        sla_ids = [s.id for s in ws.slas]
        for i, criterion in enumerate(criteria):
            p.refers([*base, i, "kpi"], criterion.kpi, "KPI", kpi_ids, "KPIs")
            p.refers([*base, i, "sla"], criterion.sla, "SLA term", sla_ids, "SLA terms")
            _scope_problems(
                p, [*base, i, "scope"], criterion.scope, ws, source_ids, campaign_ids, known_ids
            )

    # -- fee schedule: performance fees and bonuses (bonuses refer to targets)
    if contract is not None:
        fees = contract.performance_fees
        p.duplicates(["contract", "performance_fees"], [f.id for f in fees], "id", "fee id")
        p.duplicates(["contract", "bonuses"], [b.id for b in contract.bonuses], "id", "bonus id")
        target_ids = [t.id for t in ws.targets]
        for i, bonus in enumerate(contract.bonuses):
            p.refers(
                ["contract", "bonuses", i, "target"], bonus.target, "target", target_ids, "targets"
            )

    # -- roles
    p.duplicates(["roles"], [r.area for r in ws.roles], "area", "area")
    parties = [Side.PARTNER.value, Side.IN_HOUSE.value, *person_ids]
    for i, row in enumerate(ws.roles):
        for key in ("responsible", "consulted", "informed"):
            for j, ref in enumerate(getattr(row, key)):
                if ref not in parties:
                    p.unknown(["roles", i, key, j], ref, "party", parties, "sides and people")
        who = "sides and people"
        p.refers(["roles", i, "accountable"], row.accountable, "party", parties, who)

    # -- learning log and notes
    p.duplicates(["learning_log"], [e.id for e in ws.learning_log], "id", "test id")
    for i, test in enumerate(ws.learning_log):
        entry: list[PathPart] = ["learning_log", i]
        p.refers([*entry, "source"], test.source, "source", source_ids, "sources")
        p.refers([*entry, "campaign"], test.campaign, "campaign", campaign_ids, "campaigns")
    p.duplicates(["monthly_notes"], [n.month for n in ws.monthly_notes], "month", "month's note")

    # -- connections
    p.duplicates(["connections"], connection_names, "name", "connection name")
    return p.items
