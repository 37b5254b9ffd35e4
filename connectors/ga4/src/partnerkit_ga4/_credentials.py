"""Google credentials for the Data API: service account keys (``partnerkit_google``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import partnerkit_google

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

    from partnerkit_ga4._settings import Ga4Settings

__all__ = ["SCOPES", "load_credentials"]

#: The OAuth scope the connector asks for: read-only access to Analytics data.
SCOPES = ("https://www.googleapis.com/auth/analytics.readonly",)

# GA4 takes only service account keys in its settings: a person's credentials come
# through Application Default Credentials.
_HOW = (
    "Set credentials_file to a service account JSON key (Google Cloud console > IAM > "
    "Service accounts > Keys > Add key > JSON) or PARTNERKIT_GA4_CREDENTIALS_JSON to its "
    "content; for user credentials set GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth "
    "application-default login` (Application Default Credentials)."
)


def load_credentials(settings: Ga4Settings) -> Credentials:
    """Build credentials from the settings, else Application Default Credentials.

    Order: ``credentials_file``, ``credentials_json``, ``access_token``, then
    :func:`google.auth.default` (``GOOGLE_APPLICATION_CREDENTIALS``, the gcloud
    application-default login, or the metadata server on Google Cloud).

    Raises:
        ConfigurationError: The key file is missing or not a service account key, or
            no credentials are found at all; the message says how to provide them.
    """
    credentials, _refreshable = partnerkit_google.load_credentials(
        settings, scopes=SCOPES, product="GA4", how=_HOW
    )
    return credentials
