"""Google credentials for Search Console: keys or authorized-user files (``partnerkit_google``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import partnerkit_google

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

    from partnerkit_search_console._connector import SearchConsoleSettings

__all__ = ["SCOPES", "load_credentials"]

#: The OAuth scope the connector asks for: read-only access to Search Console.
SCOPES = ("https://www.googleapis.com/auth/webmasters.readonly",)

_HOW = (
    "Set credentials_file (PARTNERKIT_SEARCH_CONSOLE_CREDENTIALS_FILE) to a service account "
    "JSON key whose e-mail is a user of the property in Search Console, or to an OAuth "
    "authorized-user file (`gcloud auth application-default login --scopes="
    f"{SCOPES[0]},https://www.googleapis.com/auth/cloud-platform` writes one); or set "
    "GOOGLE_APPLICATION_CREDENTIALS."
)


def load_credentials(settings: SearchConsoleSettings) -> tuple[Credentials, bool]:
    """Build credentials from the settings, else Application Default Credentials.

    Order: ``credentials_file`` and ``credentials_json`` (a service account key or an
    OAuth ``authorized_user`` file: a Search Console property is often owned by a
    person), ``access_token`` (a bare token, which cannot be refreshed), then
    :func:`google.auth.default`.

    Returns:
        The credentials, and whether they can refresh themselves (a bare token cannot);
        the connector refreshes them itself on a 401.

    Raises:
        ConfigurationError: The file is missing or not a Google credentials file, or no
            credentials are found at all; the message says how to provide them.
    """
    return partnerkit_google.load_credentials(
        settings,
        scopes=SCOPES,
        product="Search Console",
        how=_HOW,
        accept=("service_account", "authorized_user"),
    )
