"""Google credentials from a connector's settings, the way Google's own libraries read them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import SecretStr

from partnerkit.connector import HttpConnectorSettings
from partnerkit.errors import ConfigurationError

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

__all__ = ["GoogleSettings", "KeyType", "load_credentials"]

#: The credential files a connector may accept in its settings.
KeyType = Literal["service_account", "authorized_user"]

_NAMES: dict[str, str] = {
    "service_account": "a service account key",
    "authorized_user": "an OAuth authorized-user file",
}


class GoogleSettings(HttpConnectorSettings):
    """The settings every Google connector reads its credentials from (first match wins).

    Each connector documents what they mean for it (which files it accepts, which
    scope a token needs).

    Attributes:
        credentials_file: A credentials file (a service account JSON key, or what else
            the connector accepts).
        credentials_json: The same file's content (secret).
        access_token: A bare OAuth access token (secret; it cannot be refreshed).
        quota_project_id: The Google Cloud project billed for quota, when not the
            credentials' own.
    """

    credentials_file: Path | None = None
    credentials_json: SecretStr | None = None
    access_token: SecretStr | None = None
    quota_project_id: str | None = None


def load_credentials(
    settings: GoogleSettings,
    *,
    scopes: tuple[str, ...],
    product: str,
    how: str,
    accept: tuple[KeyType, ...] = ("service_account",),
) -> tuple[Credentials, bool]:
    """Build credentials from the settings, else Application Default Credentials.

    Order: ``credentials_file`` and ``credentials_json`` (a file of one of the ``accept``
    types, read by google-auth's own loader for that type), ``access_token`` (a bare
    token, which cannot be refreshed), then :func:`google.auth.default`
    (``GOOGLE_APPLICATION_CREDENTIALS``, the gcloud application-default login, or the
    metadata server on Google Cloud). google-auth's generic
    ``load_credentials_from_file`` is not used: it accepts any credential type (external
    accounts run commands and fetch URLs).

    Args:
        settings: The connector's settings.
        scopes: The OAuth scopes the connector asks for.
        product: The API, as messages name it (``"GA4"``).
        how: How to provide credentials, appended to every message that says none
            were usable.
        accept: The file types the connector documents.

    Returns:
        The credentials, and whether they can refresh themselves (a bare token cannot).

    Raises:
        ConfigurationError: The file is missing or not of an accepted type, or no
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
                raise ConfigurationError(f"credentials_file {str(path)!r} does not exist. {how}")
            where = f"credentials_file {str(path)!r}"
            text = path.read_text(encoding="utf-8")
            credentials = _from_info(_info(text, where, accept), where, scopes, accept, how)
        elif settings.credentials_json is not None:
            where = "credentials_json"
            text = settings.credentials_json.get_secret_value()
            credentials = _from_info(_info(text, where, accept), where, scopes, accept, how)
        elif settings.access_token is not None:
            credentials = oauth2.Credentials(  # type: ignore[no-untyped-call]
                token=settings.access_token.get_secret_value()
            )
            refreshable = False
        else:
            credentials, _project = google.auth.default(scopes=scopes)
    except auth_exceptions.DefaultCredentialsError as exc:
        raise ConfigurationError(
            f"No usable Google credentials for {product} ({exc}). {how}"
        ) from None
    except ValueError as exc:  # google-auth's complaint about a malformed key
        raise ConfigurationError(f"The Google credentials are not usable: {exc}") from None
    if settings.quota_project_id:
        credentials = credentials.with_quota_project(settings.quota_project_id)
    result: Credentials = credentials
    return result, refreshable


def _from_info(
    info: Any, where: str, scopes: tuple[str, ...], accept: tuple[KeyType, ...], how: str
) -> Any:
    """Credentials of an accepted type, built by google-auth's loader for that type."""
    from google.oauth2 import credentials as oauth2
    from google.oauth2 import service_account

    kind = info.get("type") if isinstance(info, dict) else type(info).__name__
    if kind == "service_account" and kind in accept:
        return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=scopes
        )
    if kind == "authorized_user" and kind in accept:
        return oauth2.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
            info, scopes=list(scopes)
        )
    names = [_NAMES[k] for k in accept]
    what = f"not {names[0]}" if len(names) == 1 else f"neither {' nor '.join(names)}"
    raise ConfigurationError(f"{where} is {what} (its type is {kind!r}). {how}")


def _info(text: str, where: str, accept: tuple[KeyType, ...]) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        expected = " or ".join(_NAMES[k] for k in accept)
        raise ConfigurationError(f"{where} is not JSON: expected {expected}.") from None
