"""Connections: which connectors a workspace reads, with settings, accounts and secret names.

Secrets never live in the workspace file. A connection names, for each secret
setting, the environment variable that holds it::

    connections:
      - name: google-ads
        connector: google_ads
        accounts: ["123-456-7890"]
        settings: {login_customer_id: "111-222-3333"}
        secrets: {developer_token: GOOGLE_ADS_DEVELOPER_TOKEN}

:meth:`Workspace.connector <partnerkit.model.Workspace.connector>` reads the variables
when it builds the connector, and says which one is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from partnerkit.errors import MissingSecretError
from partnerkit.model._base import Identifier, _Model, listify, matching

__all__ = [
    "CONNECTOR_NAME",
    "Connection",
    "EnvVarName",
    "MissingSecretError",
    "credential_kind",
    "is_secret_key",
]

REPLAY_PLACEHOLDER = "replayed-not-a-secret"
"""The value of an unset secret of a connection that replays a recording."""

_ENV_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")


EnvVarName = Annotated[
    str,
    matching(
        _ENV_RE,
        "must be the name of an environment variable (upper-case letters, digits and "
        "'_', e.g. GOOGLE_ADS_DEVELOPER_TOKEN), never the secret itself",
    ),
]
"""The name of an environment variable, e.g. ``META_ACCESS_TOKEN``."""

CONNECTOR_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""What a connector's name looks like: lower-case letters, digits and ``_``, a letter first."""


_CONNECTOR_NAME = matching(
    CONNECTOR_NAME,
    "must be a connector's name: lower-case letters, digits and '_' (e.g. google_ads); "
    "`partnerkit connectors` lists the installed ones",
)

_SECRET_WORDS = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "key",
        "apikey",
        "credential",
        "credentials",
    }
)
_NOT_SECRET_SUFFIXES = ("_file", "_path", "_dir", "_env", "_var", "_id", "_url", "_uri", "_name")


def is_secret_key(key: str) -> bool:
    """Tell whether a settings key names a secret (a token, password, key, credentials).

    Keys that name a file, a path, an environment variable, an id or a URL are not
    secrets (``credentials_file``, ``key_id``, ``token_uri``).

    Args:
        key: The settings key, e.g. ``developer_token``.

    Returns:
        True for ``token``, ``access_token``, ``refresh_token``, ``developer_token``,
        ``client_secret``, ``password``, ``api_key``, ``private_key``, ``credentials`` ...
    """
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower().replace("-", "_")
    if name.endswith(_NOT_SECRET_SUFFIXES):
        return False
    words = name.split("_")
    return any(w in _SECRET_WORDS for w in words) or name.endswith(
        ("token", "secret", "password", "apikey")
    )


_CREDENTIAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a Meta access token", re.compile(r"\bEAA[A-Za-z0-9]{30,}")),
    (
        "a HubSpot private-app token",
        re.compile(
            r"\bpat-[a-z]{2,3}\d?-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        ),
    ),
    ("a Google OAuth access token", re.compile(r"\bya29\.[0-9A-Za-z_\-]{20,}")),
    ("a Google OAuth refresh token", re.compile(r"(?<![\w/])1//0[0-9A-Za-z_\-]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[0-9A-Za-z\-]{10,}")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.")),
)


def credential_kind(text: str) -> str | None:
    """Recognise a credential pasted as text (a Meta token, a HubSpot token, a key).

    Args:
        text: Any text.

    Returns:
        What it looks like (``"a Meta access token"``), or ``None``.
    """
    for kind, pattern in _CREDENTIAL_PATTERNS:
        if pattern.search(text):
            return kind
    return None


class Connection(_Model):
    """One connector the workspace reads, with its accounts, settings and secret names.

    Attributes:
        name: How sources refer to it (``google-ads``); unique in the workspace.
        connector: The connector's name (its entry-point name, e.g. ``google_ads``).
        accounts: The accounts to read (an agency lists many).
        settings: Non-secret settings of the connector. A relative ``base_dir`` is
            relative to the workspace file's folder.
        secrets: For each secret setting, the environment variable that holds it.
        replay: A recording of the connection's API answers (a cassette file, relative
            to the workspace file's folder). When set, the connector reads from it
            instead of the network, and the secrets are not required: a secret whose
            variable is not set is passed as a placeholder. A recording answers only
            the requests it holds (the date ranges it was recorded for).
        description: Free text.
    """

    name: Identifier
    connector: Annotated[str, _CONNECTOR_NAME]
    accounts: Annotated[list[str], BeforeValidator(listify)] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict)
    secrets: dict[str, EnvVarName] = Field(default_factory=dict)
    replay: Path | None = None
    description: str | None = None

    def resolve_settings(
        self, root: Path, environ: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Return the settings with ``base_dir`` resolved and secrets read from the environment.

        The result holds secret values: hand it to the connector and do not log it.

        Args:
            root: The folder relative ``base_dir`` values are resolved against.
            environ: Where to read secrets (``os.environ`` by default).

        Raises:
            MissingSecretError: A secret's environment variable is not set or empty
                (never for a connection with ``replay``: it gets a placeholder).
        """
        env = os.environ if environ is None else environ
        settings = dict(self.settings)
        base_dir = settings.get("base_dir")
        if isinstance(base_dir, str | Path) and not Path(base_dir).expanduser().is_absolute():
            settings["base_dir"] = str((root / base_dir).resolve())
        for setting, variable in self.secrets.items():
            value = env.get(variable)
            if not value and self.replay is not None:
                value = REPLAY_PLACEHOLDER
            if not value:
                raise MissingSecretError(self.name, setting, variable)
            settings[setting] = value
        return settings
