"""partnerkit: run the relationship with your marketing partner on evidence.

Import what you need from here; everything public is listed in ``__all__``.
Importing partnerkit is cheap: no vendor SDK, pandas, polars or pyarrow is imported
until a method that needs it is called.
"""

import logging
from importlib.metadata import PackageNotFoundError, version

from partnerkit.connector import (
    Capability,
    CheckResult,
    Connector,
    ConnectorSettings,
    Notice,
    ReadRequest,
    StreamSpec,
)
from partnerkit.errors import (
    AuthenticationError,
    ConfigurationError,
    ConnectorError,
    DataError,
    PartnerkitError,
    PermissionDeniedError,
    RateLimitError,
    SourceError,
    TransientError,
    WorkspaceError,
)
from partnerkit.records import (
    CampaignRecord,
    DealRecord,
    LeadRecord,
    PerformanceRecord,
    RecordKind,
)
from partnerkit.registry import available_connectors, get_connector, register_connector
from partnerkit.stream import RecordStream

# A library never prints: log records reach the user only through their own handlers.
logging.getLogger("partnerkit").addHandler(logging.NullHandler())

try:
    __version__ = version("partnerkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AuthenticationError",
    "CampaignRecord",
    "Capability",
    "CheckResult",
    "ConfigurationError",
    "Connector",
    "ConnectorError",
    "ConnectorSettings",
    "DataError",
    "DealRecord",
    "LeadRecord",
    "Notice",
    "PartnerkitError",
    "PerformanceRecord",
    "PermissionDeniedError",
    "RateLimitError",
    "ReadRequest",
    "RecordKind",
    "RecordStream",
    "SourceError",
    "StreamSpec",
    "TransientError",
    "WorkspaceError",
    "__version__",
    "available_connectors",
    "get_connector",
    "register_connector",
]
