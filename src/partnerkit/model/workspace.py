"""The workspace: one engagement, everything in it, and the connections it reads.

A workspace is usually loaded from ``partnerkit.yaml`` with
:func:`~partnerkit.model.load_workspace`; it can also be built in code. Either way
it is checked as a whole: every part's schema, secrets written into it, and every
reference between parts. Problems raise :class:`~partnerkit.errors.WorkspaceError`
listing all of them (``file`` is ``None`` for a workspace built in code).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Self, TypeVar

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from partnerkit.connector import Connector
from partnerkit.errors import ConfigurationError, WorkspaceError, WorkspaceProblem
from partnerkit.model._base import CurrencyCode, LocaleTag, TimeZoneName, _Model, did_you_mean
from partnerkit.model._checks import reference_problems, secret_problems
from partnerkit.model._problems import PathPart, format_path, from_validation_error
from partnerkit.model.connections import Connection
from partnerkit.model.contract import Contract
from partnerkit.model.kpis import BUILTIN_KPIS, KPI, Condition, Measure
from partnerkit.model.leads import LeadDefinition
from partnerkit.model.learning import Experiment, MonthlyNote
from partnerkit.model.partner import Partner
from partnerkit.model.roles import Responsibility
from partnerkit.model.sla import SLA, BusinessCalendar
from partnerkit.model.sources import Campaign, Source
from partnerkit.model.targets import Target
from partnerkit.registry import get_connector

__all__ = ["Workspace"]

#: Settings fields a connector may use for the connection's accounts, in order of preference.
_ACCOUNT_FIELDS = ("accounts", "account_ids")


_Item = TypeVar("_Item")


def _lookup(items: Sequence[_Item], key: str, attr: str, what: str, plural: str) -> _Item:
    """The item whose ``attr`` is ``key``, else a ConfigurationError listing them all."""
    for item in items:
        if getattr(item, attr) == key:
            return item
    known = [str(getattr(i, attr)) for i in items]
    listed = f" Its {plural}: {', '.join(known)}." if known else f" It has no {plural}."
    raise ConfigurationError(
        f"The workspace has no {what} {key!r}.{did_you_mean(key, known)}{listed}"
    )


def _resolve_keyword_groups(ws: Workspace, problems: list[WorkspaceProblem]) -> list[KPI]:
    """The workspace's KPIs with the words of the keyword groups their conditions name.

    A condition written ``query contains group solar panels`` gets the words of
    ``keyword_groups["solar panels"]``, so the group is written once and every
    evaluator works on words. A group the workspace lacks is added to ``problems``.
    """
    groups = ws.keyword_groups

    def condition(cond: Condition, kpi: KPI, path: list[PathPart]) -> Condition:
        if cond.group is None:
            return cond
        words = groups.get(cond.group)
        if words:
            return cond.resolved(words)
        if words is not None:
            message = (
                f"KPI {kpi.id!r} names keyword group {cond.group!r}, which has no words: "
                f"list the words its queries contain under keyword_groups"
            )
        else:
            known = list(groups)
            listed = (
                f" Its keyword groups: {', '.join(known)}."
                if known
                else " It has no keyword groups."
            )
            message = (
                f"KPI {kpi.id!r} names keyword group {cond.group!r}, which the workspace "
                f"does not have.{did_you_mean(cond.group, known)}{listed} Add it under "
                f"keyword_groups with the words its queries contain, e.g. "
                f"keyword_groups: {{{cond.group}: [word, other word]}}."
            )
        problems.append(WorkspaceProblem(format_path(path), message, None, cond.group))
        return cond

    def measure(m: Measure | None, kpi: KPI, path: list[PathPart]) -> Measure | None:
        if m is None:
            return None
        where = [condition(c, kpi, [*path, "where", i]) for i, c in enumerate(m.where)]
        minus = measure(m.minus, kpi, [*path, "minus"])
        if where == m.where and minus is m.minus:
            return m
        return m.model_copy(update={"where": where, "minus": minus})

    resolved = []
    for i, kpi in enumerate(ws.kpis):
        parts = {
            key: measure(getattr(kpi, key), kpi, ["kpis", i, key])
            for key in ("measure", "numerator", "denominator")
        }
        changed = any(parts[key] is not getattr(kpi, key) for key in parts)
        resolved.append(kpi.model_copy(update=parts) if changed else kpi)
    return resolved


class Workspace(_Model):
    """One engagement between a business and its marketing partner.

    Attributes:
        version: The file format's version; ``1``.
        name: The workspace's name, e.g. "Acme × Brightline".
        currency: The default currency (ISO 4217) of every amount that names none.
        timezone: The business's IANA time zone.
        locale: The locale reports are written for (``he-IL``, ``en-US``).
        partner: The partner, the people on both sides, the escalation path.
        contract: The contract / scope of work.
        calendar: The business calendar SLAs are measured on.
        sources: The source map.
        campaigns: The campaigns.
        kpis: The workspace's own KPIs (the built-ins are always there).
        targets: The targets.
        slas: The SLA terms.
        roles: Who does what, area by area.
        learning_log: The test plan and its results.
        monthly_notes: Observations, learnings and next steps, month by month.
        lead_definition: What a sales-ready lead is.
        connections: The connectors the workspace reads.
        warehouse: Where ``partnerkit sync`` keeps its DuckDB file, relative to the
            workspace file's folder; ``None`` means ``.partnerkit/warehouse.duckdb``.
            It must stay inside that folder unless ``warehouse_outside_workspace``.
        warehouse_outside_workspace: Let ``warehouse`` point outside the workspace
            folder (``../shared/warehouse.duckdb``, an absolute path, a symlink out).
        keyword_groups: Groups of search queries the report's organic-search part
            follows: a name and the words its queries contain (any of them,
            case-insensitive), e.g. ``{"solar panels": ["solar panel"]}``. A KPI's
            condition names a group instead of repeating its words
            (``query contains group solar panels``).
    """

    version: Literal[1] = 1
    name: str = Field(min_length=1)
    currency: CurrencyCode
    timezone: TimeZoneName
    locale: LocaleTag = "en-US"
    partner: Partner | None = None
    contract: Contract | None = None
    calendar: BusinessCalendar = Field(default_factory=BusinessCalendar)
    sources: list[Source] = Field(default_factory=list)
    campaigns: list[Campaign] = Field(default_factory=list)
    kpis: list[KPI] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    slas: list[SLA] = Field(default_factory=list)
    roles: list[Responsibility] = Field(default_factory=list)
    learning_log: list[Experiment] = Field(default_factory=list)
    monthly_notes: list[MonthlyNote] = Field(default_factory=list)
    lead_definition: LeadDefinition | None = None
    connections: list[Connection] = Field(default_factory=list)
    warehouse: Path | None = None
    warehouse_outside_workspace: bool = False
    keyword_groups: dict[str, list[str]] = Field(default_factory=dict)

    _root: Path | None = PrivateAttr(default=None)
    _file: Path | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _check_everything(
        cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo
    ) -> Self:
        problems = secret_problems(data)
        if isinstance(data, dict):  # x- keys hold YAML anchors to reuse elsewhere
            data = {
                k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))
            }
        try:
            ws = handler(data)
        except ValidationError as exc:
            raise WorkspaceError(None, from_validation_error(exc, cls) + problems) from None
        problems += reference_problems(ws)
        kpis = _resolve_keyword_groups(ws, problems)
        if problems:
            raise WorkspaceError(None, problems)
        ws.kpis = kpis
        if ws.calendar.timezone is None:
            ws.calendar = ws.calendar.model_copy(update={"timezone": ws.timezone})
        context = info.context if isinstance(info.context, dict) else {}
        if context.get("root") is not None:
            ws._root = Path(context["root"])
        if context.get("file") is not None:
            ws._file = Path(context["file"])
        return ws

    # ------------------------------------------------------------------- places

    @property
    def root(self) -> Path:
        """The folder relative paths are resolved against: the workspace file's folder.

        For a workspace built in code without a ``root`` in the validation context
        (``Workspace.model_validate(data, context={"root": path})``), the current folder.
        """
        return self._root if self._root is not None else Path.cwd()

    @property
    def file(self) -> Path | None:
        """The file the workspace was loaded from, if any."""
        return self._file

    # ------------------------------------------------------------------ lookups

    def source(self, source_id: str) -> Source:
        """Return the source with this id.

        Raises:
            ConfigurationError: There is none; the message lists the ids.
        """
        return _lookup(self.sources, source_id, "id", "source", "sources")

    def campaign(self, campaign_id: str) -> Campaign:
        """Return the campaign with this id.

        Raises:
            ConfigurationError: There is none; the message lists the ids.
        """
        return _lookup(self.campaigns, campaign_id, "id", "campaign", "campaigns")

    def campaigns_of(self, source_id: str) -> list[Campaign]:
        """Return the campaigns of a source, in file order."""
        return [c for c in self.campaigns if c.source == source_id]

    def target(self, target_id: str) -> Target:
        """Return the target with this id.

        Raises:
            ConfigurationError: There is none; the message lists the ids.
        """
        return _lookup(self.targets, target_id, "id", "target", "targets")

    def sla(self, sla_id: str) -> SLA:
        """Return the SLA term with this id.

        Raises:
            ConfigurationError: There is none; the message lists the ids.
        """
        return _lookup(self.slas, sla_id, "id", "SLA term", "SLA terms")

    @property
    def kpi_catalogue(self) -> dict[str, KPI]:
        """Every KPI the workspace can compute, by id: the one KPI catalogue.

        The built-ins (:data:`~partnerkit.model.BUILTIN_KPIS`), then, when the
        workspace has a :attr:`lead_definition`, the lead agreement's
        ``sales_ready_leads``, ``nurture_leads`` and ``joint_closed_deals``
        (:meth:`LeadDefinition.kpis`) unless the workspace has KPIs of those ids, then
        the workspace's own
        (which may replace a built-in). Each KPI says what it counts of leads
        (:attr:`KPI.lead_count`: ``inquiries`` or ``people``).
        """
        catalogue = dict(BUILTIN_KPIS)
        own = {k.id: k for k in self.kpis}
        if self.lead_definition is not None:
            catalogue.update(self.lead_definition.kpis())
        return {**catalogue, **own}

    def kpi(self, kpi_id: str) -> KPI:
        """Return a KPI by id from :attr:`kpi_catalogue`.

        Raises:
            ConfigurationError: There is none; the message suggests the closest id and
                lists every valid one.
        """
        return _lookup(list(self.kpi_catalogue.values()), kpi_id, "id", "KPI", "KPIs")

    def connection(self, name: str) -> Connection:
        """Return the connection with this name.

        Raises:
            ConfigurationError: There is none; the message lists the names.
        """
        return _lookup(self.connections, name, "name", "connection", "connections")

    # --------------------------------------------------------------- connectors

    def connector(self, name: str) -> Connector[Any]:
        """Build the connector of a connection, with its settings, accounts and secrets.

        The settings are the connection's ``settings``, plus:

        * each secret read from the environment variable named under ``secrets``;
        * the connection's ``accounts``, in the connector's ``accounts`` (or
          ``account_ids``) setting, or in ``account_id`` when there is exactly one;
        * ``base_dir`` resolved against :attr:`root` when relative, or set to
          :attr:`root` when the connector has a ``base_dir`` setting and none is given.

        A connection with ``replay`` gets a connector that reads that recording
        (resolved against :attr:`root`) instead of the network, and needs no secret.

        Args:
            name: The connection's name.

        Returns:
            The connector, ready to read; use it as a context manager.

        Raises:
            ConfigurationError: No such connection, the accounts do not fit the
                connector, or the connector rejects the settings.
            MissingSecretError: A secret's environment variable is not set
                (a :class:`~partnerkit.errors.ConfigurationError`).
            ConnectorError: The connector is not installed or fails to load.
        """
        conn = self.connection(name)
        cls = get_connector(conn.connector)
        settings = conn.resolve_settings(self.root)
        fields = cls.settings_class.model_fields
        if "base_dir" in fields and "base_dir" not in settings:
            settings["base_dir"] = str(self.root)
        if conn.accounts:
            self._place_accounts(conn, cls.name, fields, settings)
        if conn.replay is None:
            return cls(settings)
        from partnerkit.model.replay import replay_connector

        return replay_connector(cls(settings), self.root / conn.replay)

    @staticmethod
    def _place_accounts(
        conn: Connection, connector: str, fields: dict[str, Any], settings: dict[str, Any]
    ) -> None:
        for field in _ACCOUNT_FIELDS:
            if field in fields:
                settings.setdefault(field, list(conn.accounts))
                return
        if "account_id" in fields:
            if len(conn.accounts) > 1:
                raise ConfigurationError(
                    f"Connection {conn.name!r} lists {len(conn.accounts)} accounts, but the "
                    f"connector {connector!r} reads one account (its 'account_id' setting). "
                    f"Make one connection per account."
                )
            settings.setdefault("account_id", conn.accounts[0])
            return
        raise ConfigurationError(
            f"Connection {conn.name!r} lists accounts, but the connector {connector!r} has no "
            f"accounts setting ('accounts', 'account_ids' or 'account_id'). Remove 'accounts' "
            f"or set the connector's own account setting under 'settings'."
        )
