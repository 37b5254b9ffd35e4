"""Analysis: the unified records laid on the engagement model.

Analyses read a :class:`Dataset` (Arrow tables by record kind, queried with DuckDB)
and return typed :class:`Result` objects with DataFrame views.
"""

from partnerkit.analysis._data import Dataset, Result
from partnerkit.analysis.audit import (
    SourceMapAudit,
    attribute_leads,
    attribute_performance,
    audit_source_map,
)
from partnerkit.analysis.business_time import (
    BusinessClock,
    Occurrence,
)
from partnerkit.analysis.dedup import (
    LeadDedup,
    dedup_leads,
)
from partnerkit.analysis.evidence import (
    EvidenceEvent,
    EvidenceKind,
    EvidenceLog,
    read_evidence,
)
from partnerkit.analysis.health import (
    SURVEY_QUESTIONS,
    HealthMonth,
    HealthPart,
    HealthWeights,
    PartnershipHealth,
    Survey,
    TargetOutcome,
    TrialReview,
    partnership_health,
    read_survey,
    trial_review,
)
from partnerkit.analysis.sla import (
    SLACompliance,
    TermCompliance,
    sla_compliance,
)

__all__ = [
    "SURVEY_QUESTIONS",
    "BusinessClock",
    "Dataset",
    "EvidenceEvent",
    "EvidenceKind",
    "EvidenceLog",
    "HealthMonth",
    "HealthPart",
    "HealthWeights",
    "LeadDedup",
    "Occurrence",
    "PartnershipHealth",
    "Result",
    "SLACompliance",
    "SourceMapAudit",
    "Survey",
    "TargetOutcome",
    "TermCompliance",
    "TrialReview",
    "attribute_leads",
    "attribute_performance",
    "audit_source_map",
    "dedup_leads",
    "partnership_health",
    "read_evidence",
    "read_survey",
    "sla_compliance",
    "trial_review",
]
