"""What partnerkit's Google connectors share; Google's knowledge, kept out of the core.

- :class:`GoogleSettings`: connector settings with Google's credentials
  (``credentials_file``, ``credentials_json``, ``access_token``, ``quota_project_id``),
  and :func:`load_credentials`, which turns them into google-auth credentials, else
  Application Default Credentials. GA4 and Search Console read theirs with them.
- :data:`RPC_STATUS_SHAPE` and :data:`JSON_API_SHAPE`: where the seam's error reader
  finds the code and the details in Google's two error bodies (``google.rpc.Status``,
  and the JSON-API envelope with ``errors[]``); each connector registers the one its
  API sends under its own name.
- :mod:`partnerkit_google.testing`: those bodies as faults for tests.

It is not a connector and registers none. Importing it loads no Google library.
"""

from partnerkit.http import ErrorShape
from partnerkit_google._credentials import GoogleSettings, KeyType, load_credentials

__all__ = [
    "JSON_API_SHAPE",
    "RPC_STATUS_SHAPE",
    "GoogleSettings",
    "KeyType",
    "load_credentials",
]

#: ``{"error": {"code": 429, "message", "status": "RESOURCE_EXHAUSTED", "details": [...]}}``:
#: the canonical status name is the code worth keeping.
RPC_STATUS_SHAPE = ErrorShape(code_keys=("status", "code"), detail_keys=("details",))

#: ``{"error": {"code": 403, "message", "status": "PERMISSION_DENIED", "errors":
#: [{"message", "domain", "reason"}]}}``: Google's JSON APIs (Search Console).
JSON_API_SHAPE = ErrorShape(code_keys=("status", "code"), detail_keys=("errors",))
