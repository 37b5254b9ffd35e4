"""Which values are secrets, and the forms they take on the wire.

The rules the recorder (:mod:`partnerkit.testing.scrub`) and the fixture linter
(:mod:`partnerkit.testing.lint`) share:

- **names**: the headers, parameters and fields that hold secrets
  (:data:`SECRET_HEADERS`, :data:`SECRET_KEYS`, :data:`SECRET_PARAMS`, and any name
  :func:`is_secret_name` reads as one), and the URL path segments that do
  (:data:`SECRET_PATH_SEGMENTS`);
- **values**: the secrets a connection holds — :func:`secrets_of` walks settings, a
  connector, a workspace connection or a mapping; :func:`environment_secrets` reads
  them where recording finds credentials — and :func:`encoded_forms`, every form one
  takes as it travels (URL-encoded, JSON-escaped, base64 at any offset).

Values shorter than :data:`MIN_SECRET_LENGTH` occur by chance: they are scrubbed by
name only.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import os
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, SecretBytes, SecretStr

__all__ = [
    "MIN_SECRET_LENGTH",
    "SECRET_HEADERS",
    "SECRET_KEYS",
    "SECRET_PARAMS",
    "SECRET_PATH_SEGMENTS",
    "decode_basic",
    "encoded_forms",
    "environment_secrets",
    "is_secret_name",
    "reveal",
    "secrets_of",
]

MIN_SECRET_LENGTH = 8
"""Known secrets shorter than this are not scrubbed by value (they occur by chance)."""

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "developer-token",
        "x-goog-api-key",
        "x-api-key",
        "api-key",
        "apikey",
        "x-auth-token",
        "x-access-token",
        "private-token",
    }
)
"""Header names (lower case) whose values are replaced, besides any name that reads as a
secret (:func:`is_secret_name`). ``login-customer-id`` is kept."""

SECRET_KEYS = frozenset(
    {
        "access_token",
        "appsecret_proof",
        "api_key",
        "apikey",
        "hapikey",
        "refresh_token",
        "client_secret",
        "client_id",
        "password",
        "token",
        "developer_token",
        "id_token",
        "fb_exchange_token",
        "input_token",
        "private_key",
        "private_key_id",
        "authorization",
        "proxy_authorization",
        "cookie",
        "set_cookie",
        "x_api_key",
        "app_secret",
        "secret",
        "passwd",
        "session_token",
        "auth_token",
    }
)
"""Keys whose values are secrets wherever they appear (query, form, JSON), besides any
key that reads as a secret (:func:`is_secret_name`)."""

SECRET_PARAMS = SECRET_KEYS | {"key", "code", "assertion", "client_assertion"}
"""Query parameters and form fields that are secrets: ``key=`` API keys, OAuth ``code``,
and the signed JWT ``assertion`` of a service-account token request (new every run)."""


SECRET_PATH_SEGMENTS = re.compile(
    r"/(?:(?:(?:access|refresh|auth)[-_]?)?(?:tokens?|secrets?|passwords?)|api[-_]?keys?)/"
    r"(?!REDACTED\b)([^/?#\s\"'<>&]+)",
    re.I,
)
"""A path segment that names a secret (``/token/``, ``/access-tokens/``,
``/api-keys/``...) followed by one more: that next segment is the secret (HubSpot's
``/oauth/v1/access-tokens/{token}``). Plain ``/keys/`` is not one."""

_SECRET_WORDS = frozenset(
    {"token", "secret", "password", "passwd", "passphrase", "apikey", "credential"}
)
_NOT_SECRET_SUFFIXES = ("_id", "_uri", "_url", "_type", "_name", "_file", "_path", "_expires")
_NOT_SECRET_NAMES = frozenset(
    {
        "page_token",
        "next_page_token",
        "prev_page_token",
        "previous_page_token",
        "sync_token",
        "next_sync_token",
        "continuation_token",
        "expires_in",
    }
)


def _snake(name: str) -> str:
    return name.lower().replace("-", "_")


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Tell whether a header, parameter or field name reads as a secret.

    The name is split into words (``-``, ``_`` and camelCase); a plural word counts as
    its singular. It names a secret when a word is ``token``, ``secret``, ``password``,
    ``passwd``, ``passphrase``, ``apikey`` or ``credential``, or the words ``api key``
    follow each other (``X-Api-Key``, ``api-key``, ``developer-token``,
    ``client_secret``, ``accessTokens``). Paging cursors (``nextPageToken``,
    ``sync_token``) and names of ids, URIs, types and files (``token_uri``,
    ``token_type``) are not secrets.

    Args:
        name: The name, in any case.
    """
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().replace("-", "_")
    if snake in _NOT_SECRET_NAMES or snake.endswith(_NOT_SECRET_SUFFIXES):
        return False
    words = [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in snake.split("_")]
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(a == "api" and b == "key" for a, b in itertools.pairwise(words))


def decode_basic(encoded: str) -> str | None:
    """Decode ``Basic`` credentials.

    Args:
        encoded: The base64 text after ``Basic``.

    Returns:
        ``user:password``, or None when the text is not base64 of such a pair.
    """
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        text = decoded.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return text if ":" in text and text.isprintable() else None


def reveal(value: str | SecretStr | SecretBytes | None) -> str:
    """The plain text of a secret (``""`` for None)."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, SecretBytes):
        return value.get_secret_value().decode("utf-8", "replace")
    return value or ""


def _base64_cores(raw: bytes) -> Iterator[str]:
    """The base64 text of ``raw`` at each of the three byte offsets it can start at.

    Only the characters that depend on ``raw`` alone are kept, so the result is found
    inside the base64 of any longer value holding ``raw`` (``user:password``).
    """
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw + b"\0\0").decode("ascii")
        first = -(-shift * 8 // 6)  # ceil(8 * shift / 6)
        last = (shift + len(raw)) * 8 // 6
        core = encoded[first:last]
        yield core
        yield core.replace("+", "-").replace("/", "_")


def encoded_forms(secret: str) -> set[str]:
    """A secret as it travels: raw, URL-encoded, JSON-escaped and base64-encoded.

    Base64 forms are given at each byte offset (see ``_base64_cores``), so they are
    found inside the base64 of a longer value holding the secret.
    """
    raw = secret.encode("utf-8")
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        quote_plus(secret, safe="/"),
        escaped,
        escaped.replace("/", "\\/"),
        json.dumps(secret)[1:-1],
    }
    forms.update(_base64_cores(raw))
    return forms


def secrets_of(*objects: Any) -> set[str]:
    """Every secret value held by settings, a connector, a connection or a mapping.

    Walks pydantic models (a connector's settings and their nested models), a
    connector (its ``settings``), mappings and sequences, and collects:

    - every :class:`~pydantic.SecretStr` and :class:`~pydantic.SecretBytes` value;
    - in a mapping, every string under a secret key (:func:`is_secret_name` or
      :data:`SECRET_KEYS`), as in settings resolved from a workspace;
    - for a workspace :class:`~partnerkit.model.Connection`, the values of the
      environment variables its ``secrets`` name;
    - inside a value holding JSON credentials (a service-account or authorized-user
      file), the strings under secret keys (``private_key``, ``refresh_token``...).

    Values are stripped of surrounding whitespace.

    Args:
        *objects: What to walk.

    Returns:
        The secret values (plain strings; empty ones left out).
    """
    found: set[str] = set()
    seen: set[int] = set()

    def walk(item: Any, secret: bool) -> None:
        if isinstance(item, SecretStr | SecretBytes):
            found.add(reveal(item))
        elif isinstance(item, str):
            if secret:
                found.add(item)
        elif id(item) in seen:
            return
        elif isinstance(item, BaseModel):
            seen.add(id(item))
            _connection_env(item, found)
            for name in type(item).model_fields:
                walk(getattr(item, name, None), False)
        elif isinstance(item, Mapping):
            seen.add(id(item))
            for key, value in item.items():
                name = str(key)
                walk(value, secret or is_secret_name(name) or _snake(name) in SECRET_KEYS)
        elif isinstance(item, list | tuple | set | frozenset):
            seen.add(id(item))
            for value in item:
                walk(value, secret)
        elif isinstance(getattr(item, "settings", None), BaseModel):
            walk(item.settings, False)

    for obj in objects:
        walk(obj, False)
    return _with_inner(found)


def _connection_env(model: BaseModel, found: set[str]) -> None:
    """Add the environment values a workspace connection's ``secrets`` name."""
    if not type(model).__module__.startswith("partnerkit.model"):
        return
    from partnerkit.model.connections import Connection

    if isinstance(model, Connection):
        found.update(v for name in model.secrets.values() if (v := os.environ.get(name)))


def environment_secrets(environ: Mapping[str, str] | None = None) -> set[str]:
    """The secret values in the environment, where recording reads credentials from.

    Two kinds of variables count: each secret field (``SecretStr``, or named like a
    secret) of every connector settings class imported so far, read the way
    pydantic-settings reads it (``<env_prefix><FIELD>``, any case) — e.g.
    ``PARTNERKIT_META_ACCESS_TOKEN``; and any variable whose name reads as a secret
    (:func:`is_secret_name`), such as ``GOOGLE_ADS_DEVELOPER_TOKEN`` or the variables a
    workspace's connections name.

    Args:
        environ: The environment (``os.environ`` by default).
    """
    env = os.environ if environ is None else environ
    by_name = {name.upper(): value for name, value in env.items()}
    names = {name for name in by_name if is_secret_name(name)}
    for settings_class in _settings_classes():
        prefix = str(settings_class.model_config.get("env_prefix") or "").upper()
        for field, info in settings_class.model_fields.items():
            if _holds_secret(info.annotation) or is_secret_name(field):
                names.add(f"{prefix}{field}".upper())
    values = {by_name[n] for n in names if len(by_name.get(n, "").strip()) >= MIN_SECRET_LENGTH}
    return {v for v in _with_inner(values) if len(v) >= MIN_SECRET_LENGTH}


def _with_inner(values: set[str]) -> set[str]:
    """Add the secrets inside JSON credentials (a service account's ``private_key``)."""
    out = {v.strip() for v in values if v.strip()}
    for value in list(out):
        if value.startswith("{"):
            try:
                parsed = json.loads(value)
            except ValueError:
                continue
            out |= secrets_of(parsed)
    return out


def _settings_classes() -> list[type[BaseModel]]:
    import sys

    module = sys.modules.get("partnerkit.connector")
    if module is None:
        return []
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [module.ConnectorSettings]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _holds_secret(annotation: Any) -> bool:
    from typing import get_args

    if annotation in (SecretStr, SecretBytes):
        return True
    return any(_holds_secret(arg) for arg in get_args(annotation))
