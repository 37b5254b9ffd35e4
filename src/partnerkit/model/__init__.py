"""The engagement model: partner, contract, source map, campaigns, KPIs, targets, SLAs.

Load a workspace file with :func:`load_workspace`, or build a :class:`Workspace` in
code; either way every problem is reported at once in a
:class:`~partnerkit.errors.WorkspaceError`::

    from partnerkit.model import load_workspace

    ws = load_workspace("partnerkit.yaml")
    ws.kpi("cpl").formula          # 'sum(performance.spend) / count(lead where ...)'
    with ws.connector("google-ads") as ads:
        ...

See ``docs/model.md`` for the file format.
"""

from partnerkit.model._base import (
    CURRENCY_CODES,
    Cadence,
    Channel,
    CurrencyCode,
    Duration,
    DurationUnit,
    Frequency,
    Identifier,
    LocaleTag,
    Money,
    Percent,
    Quarter,
    Share,
    Side,
    TimeZoneName,
    Weekday,
    YearMonth,
    month_bounds,
    quarter_bounds,
)
from partnerkit.model.connections import (
    CONNECTOR_NAME,
    Connection,
    EnvVarName,
    MissingSecretError,
    credential_kind,
    is_secret_key,
)
from partnerkit.model.contract import (
    BankOfHoursPricing,
    ChannelBudget,
    Contract,
    Deliverable,
    DueRule,
    ManagementFee,
    Milestone,
    Pricing,
    Project,
    ProjectPricing,
    RetainerPricing,
    TrialCriterion,
)
from partnerkit.model.kpis import (
    BUILTIN_KPIS,
    DEFAULT_DATE_COLUMN,
    KPI,
    Condition,
    Direction,
    KPIUnit,
    LeadCount,
    Measure,
    Operator,
    RecordsByKind,
    check_condition,
)
from partnerkit.model.leads import LeadDefinition
from partnerkit.model.learning import Decision, Experiment, ExperimentStatus, MonthlyNote
from partnerkit.model.loader import WORKSPACE_FILE, load_workspace, parse_workspace
from partnerkit.model.partner import EscalationStep, Partner, PartnerKind, Person, PointPeople
from partnerkit.model.roles import Responsibility
from partnerkit.model.sla import (
    SLA,
    BusinessCalendar,
    Holiday,
    PublicHolidays,
    SLAKind,
    WorkingHours,
)
from partnerkit.model.sources import (
    Budget,
    Campaign,
    CampaignObjective,
    Link,
    Source,
    SourceMatching,
    SourceStatus,
    Wiring,
    fold_text,
    text_matches,
)
from partnerkit.model.targets import Baseline, Period, Scope, Target, TargetStatus, Tolerance
from partnerkit.model.workspace import Workspace

__all__ = [
    "BUILTIN_KPIS",
    "CONNECTOR_NAME",
    "CURRENCY_CODES",
    "DEFAULT_DATE_COLUMN",
    "KPI",
    "SLA",
    "WORKSPACE_FILE",
    "BankOfHoursPricing",
    "Baseline",
    "Budget",
    "BusinessCalendar",
    "Cadence",
    "Campaign",
    "CampaignObjective",
    "Channel",
    "ChannelBudget",
    "Condition",
    "Connection",
    "Contract",
    "CurrencyCode",
    "Decision",
    "Deliverable",
    "Direction",
    "DueRule",
    "Duration",
    "DurationUnit",
    "EnvVarName",
    "EscalationStep",
    "Experiment",
    "ExperimentStatus",
    "Frequency",
    "Holiday",
    "Identifier",
    "KPIUnit",
    "LeadCount",
    "LeadDefinition",
    "Link",
    "LocaleTag",
    "ManagementFee",
    "Measure",
    "Milestone",
    "MissingSecretError",
    "Money",
    "MonthlyNote",
    "Operator",
    "Partner",
    "PartnerKind",
    "Percent",
    "Period",
    "Person",
    "PointPeople",
    "Pricing",
    "Project",
    "ProjectPricing",
    "PublicHolidays",
    "Quarter",
    "RecordsByKind",
    "Responsibility",
    "RetainerPricing",
    "SLAKind",
    "Scope",
    "Share",
    "Side",
    "Source",
    "SourceMatching",
    "SourceStatus",
    "Target",
    "TargetStatus",
    "TimeZoneName",
    "Tolerance",
    "TrialCriterion",
    "Weekday",
    "Wiring",
    "WorkingHours",
    "Workspace",
    "YearMonth",
    "check_condition",
    "credential_kind",
    "fold_text",
    "is_secret_key",
    "load_workspace",
    "month_bounds",
    "parse_workspace",
    "quarter_bounds",
    "text_matches",
]
