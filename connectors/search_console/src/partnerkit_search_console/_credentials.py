"""Google credentials for Search Console, the way Google's own libraries read them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from partnerkit.errors import ConfigurationError

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
    OAuth ``authorized_user`` file, read by google-auth's own loaders for those two
    types), ``access_token`` (a bare token, which
    cannot be refreshed), then :func:`google.auth.default`
    (``GOOGLE_APPLICATION_CREDENTIALS``, the gcloud application-default login, or the
    metadata server on Google Cloud).

    Returns:
        The credentials, and whether they can refresh themselves (a bare token cannot).

    Raises:
        ConfigurationError: The file is missing or not a Google credentials file, or no
            credentials are found at all; the message says how to provide them.
    """
    import google.auth
    from google.auth import exceptions as auth_exceptions
    from google.oauth2 import credentials as oauth2

    credentials: Any
    refreshable = True
    try:
        if settings.credentials_file is not None:
            path = settings.credentials_file.expanduser()
            if not path.is_file():
                raise ConfigurationError(f"credentials_file {str(path)!r} does not exist. {_HOW}")
            where = f"credentials_file {str(path)!r}"
            credentials = _from_info(_info(path.read_text(encoding="utf-8"), where), where)
        elif settings.credentials_json is not None:
            info = _info(settings.credentials_json.get_secret_value(), "credentials_json")
            credentials = _from_info(info, "credentials_json")
        elif settings.access_token is not None:
            credentials = oauth2.Credentials(  # type: ignore[no-untyped-call]
                token=settings.access_token.get_secret_value()
            )
            refreshable = False
        else:
            credentials, _project = google.auth.default(scopes=SCOPES)
    except auth_exceptions.DefaultCredentialsError as exc:
        raise ConfigurationError(
            f"No usable Google credentials for Search Console ({exc}). {_HOW}"
        ) from None
    except ValueError as exc:  # google-auth's complaint about a malformed key
        raise ConfigurationError(f"The Google credentials are not usable: {exc}") from None
    if settings.quota_project_id:
        credentials = credentials.with_quota_project(settings.quota_project_id)
    result: Credentials = credentials
    return result, refreshable


def _from_info(info: dict[str, Any], where: str) -> Any:
    """A service account key or an authorized-user file, checked before it is used.

    google-auth's generic ``load_credentials_from_file`` accepts any credential type
    (external accounts run commands and fetch URLs) and warns about files from
    untrusted sources, so the connector accepts the two types it documents, with their
    own loaders.
    """
    from google.oauth2 import credentials as oauth2
    from google.oauth2 import service_account

    kind = info.get("type")
    if kind == "service_account":
        return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=SCOPES
        )
    if kind == "authorized_user":
        return oauth2.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
            info, scopes=list(SCOPES)
        )
    raise ConfigurationError(
        f"{where} is neither a service account key nor an OAuth authorized-user file "
        f"(its type is {kind!r}). {_HOW}"
    )


def _info(text: str, where: str) -> dict[str, Any]:
    try:
        info = json.loads(text)
    except ValueError:
        raise ConfigurationError(
            f"{where} is not JSON: expected a service account key or an OAuth authorized-user file."
        ) from None
    if not isinstance(info, dict):
        raise ConfigurationError(f"{where} is not a JSON object.")
    return info
