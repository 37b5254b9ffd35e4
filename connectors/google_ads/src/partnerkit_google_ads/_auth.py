"""Credentials the way Google Ads users keep them, loaded through the google-ads library.

The library's loaders (``GoogleAdsClient.load_from_dict``, ``load_from_storage``,
``load_from_env``) read ``google-ads.yaml``, the ``GOOGLE_ADS_*`` variables or a
mapping, validate them and build google-auth credentials (installed-app OAuth,
service account, Application Default Credentials). The connector keeps only what it
needs from the loaded client — the credentials, the developer token, the login and
linked customer ids — and talks to the REST interface itself (see the README:
*Transport*). Those loaders refresh the access token at once, through google-auth's
own ``requests`` session.

Library and google-auth failures are mapped here, at this module's boundary, to
partnerkit's errors; a secret never reaches a message.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from partnerkit.errors import AuthenticationError, ConfigurationError, TransientError
from partnerkit.http import redact_url
from partnerkit_google_ads._settings import GoogleAdsSettings, normalize_customer_id

__all__ = ["API", "ResolvedCredentials", "resolve_credentials"]

API = "google_ads"

# The google-ads library's environment variables that select a configuration.
_LIBRARY_ENV = (
    "GOOGLE_ADS_CONFIGURATION_FILE_PATH",
    "GOOGLE_ADS_CLIENT_ID",
    "GOOGLE_ADS_REFRESH_TOKEN",
    "GOOGLE_ADS_JSON_KEY_FILE_PATH",
    "GOOGLE_ADS_PATH_TO_PRIVATE_KEY_FILE",
    "GOOGLE_ADS_USE_APPLICATION_DEFAULT_CREDENTIALS",
)


@dataclass(frozen=True, repr=False)
class ResolvedCredentials:
    """What the connector needs from a Google Ads configuration.

    Attributes:
        credentials: google-auth credentials (``google.auth.credentials.Credentials``).
        developer_token: The developer token, if any.
        login_customer_id: The manager account's id, if any (ten digits).
        source: Where they came from, for messages (never a secret).
        refreshable: Whether the credentials can get a new access token.
    """

    credentials: Any
    developer_token: SecretStr | None
    login_customer_id: str | None
    source: str
    refreshable: bool

    def __repr__(self) -> str:
        return f"<ResolvedCredentials from {self.source}>"


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def _inline_config(settings: GoogleAdsSettings) -> dict[str, Any] | None:
    """The google-ads configuration mapping the inline settings form, if they form one."""
    oauth = {
        "client_id": _secret(settings.client_id),
        "client_secret": _secret(settings.client_secret),
        "refresh_token": _secret(settings.refresh_token),
    }
    given = {k: v for k, v in oauth.items() if v}
    config: dict[str, Any] = {"use_proto_plus": True}
    if given:
        missing = sorted(set(oauth) - set(given))
        if missing:
            raise ConfigurationError(
                "Google Ads OAuth credentials need client_id, client_secret and refresh_token "
                f"together; {', '.join(missing)} missing. Set them (PARTNERKIT_GOOGLE_ADS_"
                f"{missing[0].upper()}), or use a google-ads.yaml (config_file)."
            )
        config |= given
    elif settings.json_key_file_path is not None:
        config["json_key_file_path"] = str(settings.json_key_file_path)
        if settings.impersonated_email:
            config["impersonated_email"] = settings.impersonated_email
    elif settings.use_application_default_credentials:
        config["use_application_default_credentials"] = True
    else:
        return None
    return config


def _google_ads_client() -> Any:
    try:
        from google.ads.googleads.client import (  # type: ignore[import-untyped]
            GoogleAdsClient,
        )
    except ImportError as exc:  # pragma: no cover - it is a dependency
        raise ConfigurationError(
            "The Google Ads connector needs the google-ads library: `uv add google-ads` "
            f"(or `pip install google-ads`). ({exc})"
        ) from None
    return GoogleAdsClient


def _load(loader: Callable[[], Any], source: str) -> Any:
    """Run one of the library's loaders; map what it raises."""
    from google.auth import exceptions as auth_errors

    try:
        return loader()
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"The Google Ads configuration file was not found ({source}): {exc.filename}. "
            "Point config_file (or GOOGLE_ADS_CONFIGURATION_FILE_PATH) at your google-ads.yaml."
        ) from None
    except auth_errors.RefreshError as exc:
        raise AuthenticationError(
            f"Google refused to issue an access token from the credentials in {source}: "
            f"{redact_url(str(exc))}. The refresh token may be expired or revoked (a refresh "
            "token of an OAuth app in 'Testing' expires after 7 days); generate a new one, "
            "e.g. with the google-ads library's generate_user_credentials example.",
            api=API,
            vendor_message=redact_url(str(exc)),
            details={"source": source},
        ) from None
    except auth_errors.TransportError as exc:
        raise TransientError(
            f"Google's token endpoint could not be reached while loading {source}: "
            f"{redact_url(str(exc))}",
            api=API,
            details={"source": source},
        ) from None
    except auth_errors.DefaultCredentialsError as exc:
        raise ConfigurationError(
            f"No Application Default Credentials were found ({source}): {exc}"
        ) from None
    except (ValueError, TypeError, OSError) as exc:
        raise ConfigurationError(
            f"The Google Ads configuration in {source} is invalid: {redact_url(str(exc))}"
        ) from None


def resolve_credentials(settings: GoogleAdsSettings) -> ResolvedCredentials:
    """Find and load the credentials, in the order the settings document.

    Args:
        settings: The connector's settings.

    Returns:
        The credentials and the ids that go with them.

    Raises:
        ConfigurationError: None were found, or a configuration is invalid.
        AuthenticationError: Google refused to issue an access token.
    """
    if settings.access_token is not None:
        from google.oauth2.credentials import Credentials

        return ResolvedCredentials(
            credentials=Credentials(  # type: ignore[no-untyped-call]
                token=settings.access_token.get_secret_value()
            ),
            developer_token=settings.developer_token,
            login_customer_id=settings.login_customer_id,
            source="the access_token setting",
            refreshable=False,
        )
    inline = _inline_config(settings)
    client_class = _google_ads_client()
    if inline is not None:
        source = "the connector settings"
        client = _load(lambda: client_class.load_from_dict(inline), source)
    elif settings.config_file is not None:
        source = str(settings.config_file)
        client = _load(lambda: client_class.load_from_storage(str(settings.config_file)), source)
    elif any(os.environ.get(name) for name in _LIBRARY_ENV):
        source = "the GOOGLE_ADS_* environment variables"
        client = _load(client_class.load_from_env, source)
    elif (Path.home() / "google-ads.yaml").is_file():
        source = str(Path.home() / "google-ads.yaml")
        client = _load(client_class.load_from_storage, source)
    else:
        raise ConfigurationError(
            "No Google Ads credentials were found. Give them one of the ways Google Ads "
            "tools take them: a google-ads.yaml (the config_file setting, "
            "GOOGLE_ADS_CONFIGURATION_FILE_PATH, or ~/google-ads.yaml); the google-ads "
            "library's GOOGLE_ADS_* environment variables; or the connector settings "
            "client_id, client_secret and refresh_token (PARTNERKIT_GOOGLE_ADS_*), "
            "json_key_file_path, use_application_default_credentials or access_token."
        )
    token = settings.developer_token
    if token is None and getattr(client, "developer_token", None):
        token = SecretStr(str(client.developer_token))
    login = settings.login_customer_id
    if login is None and getattr(client, "login_customer_id", None):
        login = normalize_customer_id(client.login_customer_id, "login_customer_id")
    return ResolvedCredentials(
        credentials=client.credentials,
        developer_token=token,
        login_customer_id=login,
        source=source,
        refreshable=True,
    )
