"""The Graph API pieces other Meta connectors share: the SDK facade and Meta's error rules.

The Meta Ads connector's own transport, made public for connectors that read other
parts of the Graph API with the same SDK (``partnerkit-meta-pages`` reads Page and
Instagram insights): one SDK facade, built and mounted on the seam by
``mounted_graph`` and called by ``graph_call``, one mapping of Meta's error object to
the library's errors (throttle codes, expired tokens, permissions), one classifier for
the seam's retries. Importing this module does not load the SDK.
"""

from partnerkit_meta._client import graph_call, mounted_graph
from partnerkit_meta._errors import API, classify, from_sdk_error
from partnerkit_meta._sdk import GraphApi, SdkRequestError
from partnerkit_meta._settings import sdk_api_version

__all__ = [
    "API",
    "GraphApi",
    "SdkRequestError",
    "classify",
    "from_sdk_error",
    "graph_call",
    "mounted_graph",
    "sdk_api_version",
]
