"""Google credentials for the Data API, the way Google's own libraries find them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from partnerkit.errors import ConfigurationError

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

    from partnerkit_ga4._settings import Ga4Settings

__all__ = ["SCOPES", "load_credentials"]

#: The OAuth scope the connector asks for: read-only access to Analytics data.
SCOPES = ("https://www.googleapis.com/auth/analytics.readonly",)


def load_credentials(settings: Ga4Settings) -> Credentials:
    """Build credentials from the settings, else Application Default Credentials.

    Order: ``credentials_file``, ``credentials_json``, ``access_token``, then
    :func:`google.auth.default` (``GOOGLE_APPLICATION_CREDENTIALS``, the gcloud
    application-default login, or the metadata server on Google Cloud).

    Raises:
        ConfigurationError: The key file is missing or not a service account key, or
            no credentials are found at all; the message says how to provide them.
    """
    import google.auth
    from google.auth import exceptions as auth_exceptions
    from google.oauth2 import credentials as oauth2

    credentials: Any
    try:
        if settings.credentials_file is not None:
            path = settings.credentials_file.expanduser()
            if not path.is_file():
                raise ConfigurationError(
                    f"credentials_file {str(path)!r} does not exist. Point it at the JSON key "
                    "of a service account (Google Cloud console > IAM > Service accounts > "
                    "Keys > Add key > JSON)."
                )
            info = _key_info(path.read_text(encoding="utf-8"), f"credentials_file {str(path)!r}")
            credentials = _service_account(info)
        elif settings.credentials_json is not None:
            info = _key_info(settings.credentials_json.get_secret_value(), "credentials_json")
            credentials = _service_account(info)
        elif settings.access_token is not None:
            credentials = oauth2.Credentials(  # type: ignore[no-untyped-call]
                token=settings.access_token.get_secret_value()
            )
        else:
            credentials, _project = google.auth.default(scopes=SCOPES)
    except auth_exceptions.DefaultCredentialsError as exc:
        raise ConfigurationError(
            f"No Google credentials found for GA4 ({exc}). Set credentials_file to a service "
            "account JSON key (or PARTNERKIT_GA4_CREDENTIALS_JSON to its content), set "
            "GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth application-default login`."
        ) from None
    except ValueError as exc:  # google-auth's complaint about a malformed key
        raise ConfigurationError(f"The service account key is not usable: {exc}") from None
    if settings.quota_project_id:
        credentials = credentials.with_quota_project(settings.quota_project_id)
    result: Credentials = credentials
    return result


def _service_account(info: dict[str, Any]) -> Any:
    from google.oauth2 import service_account

    return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        info, scopes=SCOPES
    )


def _key_info(text: str, where: str) -> dict[str, Any]:
    try:
        info = json.loads(text)
    except ValueError:
        raise ConfigurationError(f"{where} is not JSON: expected a service account key.") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        kind = info.get("type") if isinstance(info, dict) else type(info).__name__
        raise ConfigurationError(
            f"{where} is not a service account key (its type is {kind!r}). For user "
            "credentials use `gcloud auth application-default login` (Application Default "
            "Credentials) instead."
        )
    return info
