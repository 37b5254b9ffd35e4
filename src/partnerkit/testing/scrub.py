"""Scrub secrets and personal data out of recorded HTTP traffic.

Cassettes are scrubbed when they are written, and a replayed request is scrubbed the
same way before it is matched, so a test may send a real-looking token and still
match the ``REDACTED`` one on file. The :class:`Scrubber` also works on its own::

    from partnerkit.testing import Scrubber

    clean = Scrubber().scrub_json(json.loads(raw_body))

What it replaces:

- **Known secrets, by value** become ``"REDACTED"`` wherever they appear — in any
  header, query parameter, path segment, form or JSON field (at any depth, keys too),
  text or binary body — together with their URL-encoded, JSON-escaped and base64
  forms (base64 at any offset, so ``Basic`` credentials holding one are caught too).
  The values come from :meth:`Scrubber.with_secrets`; a cassette feeds it the secrets
  of the connection (:func:`~partnerkit.testing.credentials.secrets_of`,
  :func:`~partnerkit.testing.credentials.environment_secrets`), those a test
  registers, and every credential it sees travel (:meth:`Scrubber.secrets_in_headers`,
  :meth:`Scrubber.secrets_in_url`, :meth:`Scrubber.secrets_in_fields`). Values
  shorter than :data:`~partnerkit.testing.credentials.MIN_SECRET_LENGTH` are too
  likely to occur by chance and are only scrubbed by name.
- **Secrets, by name** become ``"REDACTED"``: headers named in ``secret_headers`` or
  whose name reads as a secret (:func:`~partnerkit.testing.credentials.is_secret_name`:
  ``X-Api-Key``, ``api-key``,
  ``developer-token``, ``X-Auth-Token``...); query parameters and form fields in
  ``secret_params`` or with such a name; JSON keys in ``secret_keys`` or with such a
  name (``code`` and ``key`` are parameters only: in JSON bodies they carry error
  codes; ``nextPageToken`` and other paging cursors are kept); the path segment after
  a ``/token/``, ``/access-tokens/``, ``/api-keys/``... segment
  (:data:`~partnerkit.testing.credentials.SECRET_PATH_SEGMENTS`); ``access_token=``
  style parameters inside any URL or text; ``Bearer`` and ``Basic`` credentials in any
  text; and anything that looks like a token (:data:`TOKEN_PATTERNS`) or a private
  key, wherever it appears.
- **Personal data** becomes a stable fake (the same input gives the same fake on every
  run, so recording twice diffs cleanly): e-mail addresses anywhere in text become
  ``user-<8 hex>@example.com``; phone numbers under ``phone_keys`` and ``+``-prefixed
  ones in text become ``+1-555-01xx``; values under ``name_keys`` become fake names, and
  so do ``person_name_keys`` (``name``) but only inside a person-like object — one
  holding a first/last name or e-mail key, or found under a ``person_keys`` key such
  as ``owner`` or ``users`` — so campaign names are kept.

Scrubbing is idempotent: reserved-domain e-mails, ``555-01xx`` numbers and names made
of fake first/last names are left alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import SecretBytes, SecretStr

from partnerkit.testing.credentials import (
    MIN_SECRET_LENGTH,
    SECRET_HEADERS,
    SECRET_KEYS,
    SECRET_PARAMS,
    SECRET_PATH_SEGMENTS,
    decode_basic,
    encoded_forms,
    is_secret_name,
    reveal,
)

__all__ = [
    "NAME_KEYS",
    "PERSON_KEYS",
    "PERSON_NAME_KEYS",
    "PHONE_KEYS",
    "REDACTED",
    "SECRET_HEADERS",
    "SECRET_KEYS",
    "SECRET_PARAMS",
    "TOKEN_PATTERNS",
    "Scrubber",
    "is_credential",
    "is_reserved_email_domain",
]

REDACTED = "REDACTED"
"""The placeholder every secret becomes."""


NAME_KEYS = frozenset({"firstname", "first_name", "lastname", "last_name", "fullname", "full_name"})
"""Keys (lower case) that always hold a person's name."""

PERSON_NAME_KEYS = frozenset({"name", "display_name", "displayname"})
"""Keys that hold a person's name only inside a person-like object."""

PERSON_KEYS = frozenset(
    {
        "user",
        "users",
        "owner",
        "owners",
        "contact",
        "contacts",
        "person",
        "people",
        "created_by",
        "updated_by",
        "assigned_to",
        "assignee",
        "from",
        "to",
        "cc",
        "bcc",
        "sender",
        "recipient",
        "recipients",
        "members",
    }
)
"""Keys whose value (an object, or a list of objects) is a person."""

PHONE_KEYS = frozenset(
    {"phone", "phone_number", "phonenumber", "mobilephone", "mobile_phone", "mobile", "fax"}
)
"""Keys (lower case) that hold a phone number."""

_EMAIL_KEYS = frozenset({"email", "email_address", "emailaddress"})

TOKEN_PATTERNS: Mapping[str, re.Pattern[str]] = {
    "meta_access_token": re.compile(r"EAA[A-Za-z0-9]{30,}"),
    "google_oauth_token": re.compile(r"ya29\.[\w-]{20,}"),
    "google_refresh_token": re.compile(r"1//[\w-]{30,}"),
    "google_api_key": re.compile(r"AIza[\w-]{30,}"),
    "hubspot_token": re.compile(r"pat-(?:na|eu)\d-[0-9a-f-]{20,}"),
    "bearer_token": re.compile(
        r"Bearer\s+(?!REDACTED\b)(?=[A-Za-z._~+/-]*\d|[A-Za-z0-9._~+/-]{20})"
        r"[A-Za-z0-9._~+/-]{8,}=*"
    ),
    "basic_auth": re.compile(r"Basic\s+(?!REDACTED\b)([A-Za-z0-9+/]{6,}={0,2})(?![\w+/=])"),
    "live_secret_key": re.compile(r"[sr]k_live_[0-9A-Za-z]{10,}"),
    "private_key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "jwt": re.compile(r"eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}"),
}
"""Shapes of credentials, by kind; shared with the fixture linter. A ``basic_auth``
match counts only when it decodes to ``user:password`` (:func:`is_credential`)."""


def is_credential(kind: str, match: re.Match[str]) -> bool:
    """Tell whether a :data:`TOKEN_PATTERNS` match of ``kind`` is a credential.

    Every match is, except a ``basic_auth`` one that is not base64 of
    ``user:password`` ("Basic authentication failed").
    """
    return kind != "basic_auth" or decode_basic(match.group(1)) is not None


_PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?(?:-----END \1PRIVATE KEY-----|$)", re.DOTALL
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b")
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w])")
_FAKE_PHONE = re.compile(r"\+1-555-01\d\d")
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
_RESERVED_TLDS = ("example", "test", "invalid", "localhost")

_FIRST_NAMES = (
    "Alex", "Blake", "Casey", "Dana", "Eden", "Frankie", "Gray", "Harper",
    "Indigo", "Jules", "Kai", "Logan", "Morgan", "Noa", "Oakley", "Parker",
)  # fmt: skip
_LAST_NAMES = (
    "Archer", "Brook", "Carter", "Dale", "Ellis", "Fox", "Gale", "Hayes",
    "Irving", "Jensen", "Keane", "Lane", "Marsh", "North", "Oates", "Page",
)  # fmt: skip
_FAKE_NAME_WORDS = frozenset(_FIRST_NAMES + _LAST_NAMES)


def is_reserved_email_domain(domain: str) -> bool:
    """Tell whether an e-mail domain is reserved for examples (RFC 2606 / RFC 6761).

    Args:
        domain: The part after ``@``.

    Returns:
        True for example.com/.org/.net and their subdomains, and for names under the
        ``.example``, ``.test``, ``.invalid`` and ``.localhost`` top-level domains.
    """
    domain = domain.lower().rstrip(".")
    if any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS):
        return True
    return domain.rpartition(".")[2] in _RESERVED_TLDS


def _norm(key: str) -> str:
    return key.lower().replace("-", "_")


@dataclass(frozen=True)
class Scrubber:
    """Replaces secrets with ``REDACTED`` and personal data with stable fakes.

    Every key set is configurable; pass a bigger or smaller set to change what counts.
    Keys are compared in lower case with ``-`` read as ``_``. Known secret values are
    added with :meth:`with_secrets`, which returns a new scrubber.

    Attributes:
        salt: Mixed into the hashes behind the fakes. Same salt, same fakes.
        secret_headers: Header names whose values are secrets.
        secret_keys: Keys whose values are secrets anywhere.
        secret_params: Query parameters and form fields whose values are secrets.
        name_keys: Keys that always hold a person's name.
        person_name_keys: Keys that hold a name only inside a person-like object.
        person_keys: Keys under which an object (or list of objects) is a person.
        phone_keys: Keys that hold a phone number.
        secrets: Secret values replaced wherever they appear, in any encoding (never
            shown in the repr).
    """

    salt: str = "partnerkit"
    secret_headers: frozenset[str] = SECRET_HEADERS
    secret_keys: frozenset[str] = SECRET_KEYS
    secret_params: frozenset[str] = SECRET_PARAMS
    name_keys: frozenset[str] = NAME_KEYS
    person_name_keys: frozenset[str] = PERSON_NAME_KEYS
    person_keys: frozenset[str] = PERSON_KEYS
    phone_keys: frozenset[str] = PHONE_KEYS
    secrets: frozenset[str] = dataclasses.field(default=frozenset(), repr=False)

    # -------------------------------------------------------- known secrets

    def with_secrets(self, *values: str | SecretStr | SecretBytes | None) -> Scrubber:
        """Return a scrubber that also replaces these values wherever they appear.

        Values are stripped of surrounding whitespace; those shorter than
        :data:`MIN_SECRET_LENGTH` (and ``None``) are left out: they are still scrubbed
        by name, but not by value.

        Args:
            *values: Secret values, plain or wrapped in pydantic's secret types.
        """
        new = {v.strip() for v in map(reveal, values)}
        new = {v for v in new if len(v) >= MIN_SECRET_LENGTH}
        if new <= self.secrets:
            return self
        return dataclasses.replace(self, secrets=self.secrets | new)

    @cached_property
    def _secret_forms(self) -> list[str]:
        forms = {form for secret in self.secrets for form in encoded_forms(secret)}
        forms.discard(REDACTED)
        return sorted((f for f in forms if len(f) >= MIN_SECRET_LENGTH), key=len, reverse=True)

    @cached_property
    def _secret_re(self) -> re.Pattern[str] | None:
        if not self._secret_forms:
            return None
        return re.compile("|".join(map(re.escape, self._secret_forms)), re.I)

    @cached_property
    def _secret_bytes_re(self) -> re.Pattern[bytes] | None:
        if not self._secret_forms:
            return None
        return re.compile(b"|".join(re.escape(f.encode()) for f in self._secret_forms), re.I)

    def _known(self, text: str) -> str:
        pattern = self._secret_re
        return text if pattern is None else pattern.sub(REDACTED, text)

    def scrub_bytes(self, data: bytes) -> bytes:
        """Replace the known secrets (in any encoding) in a binary body."""
        pattern = self._secret_bytes_re
        return data if pattern is None else pattern.sub(REDACTED.encode(), data)

    # ------------------------------------------------ finding secrets in traffic

    def is_secret_header(self, name: str) -> bool:
        """Tell whether a header's value is a secret (by its name)."""
        return name.lower() in self.secret_headers or is_secret_name(name)

    def is_secret_key(self, key: str, *, param: bool = False) -> bool:
        """Tell whether a JSON key (or, with ``param``, a query or form field) is a secret."""
        names = self.secret_params if param else self.secret_keys
        return _norm(key) in names or is_secret_name(key)

    def secrets_in_headers(self, headers: Mapping[str, str]) -> set[str]:
        """The credentials that secret headers carry.

        ``Authorization: Bearer <token>`` gives the token; ``Basic`` credentials give
        the encoded string, ``user:password`` and the password; ``Cookie`` gives each
        cookie's value and ``Set-Cookie`` the one it sets; other secret headers give
        their whole value.
        """
        found: set[str] = set()
        for name, value in headers.items():
            if not self.is_secret_header(name) or not isinstance(value, str):
                continue
            lower = name.lower()
            if lower in ("cookie", "set-cookie"):
                pairs = value.split(";")[:1] if lower == "set-cookie" else value.split(";")
                found.update(p.partition("=")[2].strip() for p in pairs)
                continue
            scheme, _, credential = value.strip().partition(" ")
            if credential and scheme.isalpha():
                found.add(credential.strip())
                decoded = decode_basic(credential.strip())
                if scheme.lower() == "basic" and decoded is not None:
                    found.update({decoded, decoded.partition(":")[2]})
            else:
                found.add(value.strip())
        return {v for v in found if len(v) >= MIN_SECRET_LENGTH}

    def secrets_in_url(self, url: str) -> set[str]:
        """The secrets a URL carries: a password, a secret path segment or query parameter."""
        parts = urlsplit(url)
        found = {unquote(m.group(1)) for m in SECRET_PATH_SEGMENTS.finditer(parts.path + "/")}
        if parts.password:
            found.add(unquote(parts.password))
        query = parse_qsl(parts.query, keep_blank_values=True)
        found.update(v for k, v in query if self.is_secret_key(k, param=True))
        return {v for v in found if len(v) >= MIN_SECRET_LENGTH and v != REDACTED}

    def secrets_in_fields(self, value: Any, *, form: bool = False) -> set[str]:
        """The string values under secret keys in a JSON value or form fields, at any depth."""
        found: set[str] = set()

        def walk(item: Any, secret: bool) -> None:
            if isinstance(item, Mapping):
                for key, sub in item.items():
                    walk(sub, secret or self.is_secret_key(str(key), param=form))
            elif isinstance(item, list | tuple):
                for sub in item:
                    walk(sub, secret)
            elif (
                secret
                and isinstance(item, str)
                and len(item) >= MIN_SECRET_LENGTH
                and not any(c.isspace() for c in item)  # a credential, not a sentence
            ):
                found.add(item)

        walk(value, False)
        found.discard(REDACTED)
        return found

    # ------------------------------------------------------------------ fakes

    def _hash(self, value: str) -> int:
        digest = hashlib.sha256(f"{self.salt}\0{value.strip().lower()}".encode()).hexdigest()
        return int(digest[:16], 16)

    def fake_email(self, email: str) -> str:
        """Return the stable fake for an e-mail (reserved-domain ones are kept)."""
        address = email.replace("%40", "@")
        if is_reserved_email_domain(address.rpartition("@")[2]):
            return email
        return f"user-{self._hash(address) >> 32:08x}@example.com"

    def fake_phone(self, phone: str) -> str:
        """Return the stable fake ``+1-555-01xx`` for a phone number."""
        if _FAKE_PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 7:
            return phone
        digits = re.sub(r"\D", "", phone)
        return f"+1-555-01{self._hash(digits) % 100:02d}"

    def fake_name(self, name: str, key: str = "name") -> str:
        """Return the stable fake for a name; ``key`` picks first, last or full name."""
        words = name.split()
        if not words or all(w in _FAKE_NAME_WORDS for w in words):
            return name
        h = self._hash(name)
        first, last = _FIRST_NAMES[h % 16], _LAST_NAMES[(h >> 8) % 16]
        kind = _norm(key)
        if kind.startswith("first"):
            return first
        if kind.startswith("last"):
            return last
        return f"{first} {last}"

    # ------------------------------------------------------------------ text

    def scrub_text(self, text: str) -> str:
        """Scrub free text: secrets, tokens, e-mails, ``+`` phone numbers.

        Replaces the known secrets, token shapes, ``Bearer`` and ``Basic`` credentials,
        secret path segments and secret URL parameters.

        A string holding a JSON object or array is scrubbed as JSON.
        """
        if not text:
            return text
        text = self._known(text)
        stripped = text.strip()
        if stripped.startswith(("{", "[")) and stripped.endswith(("}", "]")):
            try:
                parsed = json.loads(text)
            except ValueError:
                pass
            else:
                scrubbed = self.scrub_json(parsed)
                return text if scrubbed == parsed else json.dumps(scrubbed, ensure_ascii=False)
        text = _PRIVATE_KEY_BLOCK.sub(REDACTED, text)
        for name, pattern in TOKEN_PATTERNS.items():
            if name == "bearer_token":
                text = pattern.sub(f"Bearer {REDACTED}", text)
            elif name == "basic_auth":
                text = pattern.sub(_redact_basic, text)
            elif name != "private_key":
                text = pattern.sub(REDACTED, text)
        text = SECRET_PATH_SEGMENTS.sub(_redact_path_segment, text)
        text = self._secret_param_re.sub(self._redact_param, text)
        text = _EMAIL.sub(lambda m: self.fake_email(m.group(0)), text)
        return _PHONE_IN_TEXT.sub(self._phone_in_text, text)

    def _phone_in_text(self, match: re.Match[str]) -> str:
        digits = sum(c.isdigit() for c in match.group(0))
        return self.fake_phone(match.group(0)) if 8 <= digits <= 15 else match.group(0)

    _secret_param_re = re.compile(
        rf"(?:^|(?<=[?&;\s]))([\w.\[\]-]+)=(?!{REDACTED}(?:[&#;\s\"'<>]|$))([^&#;\s\"'<>]+)"
    )

    def _redact_param(self, match: re.Match[str]) -> str:
        if self.is_secret_key(match.group(1), param=True):
            return f"{match.group(1)}={REDACTED}"
        return match.group(0)

    def scrub_url(self, url: str) -> str:
        """Scrub a URL: secrets (in the path or the query), tokens and e-mails in it."""
        return self.scrub_text(url)

    # --------------------------------------------------------------- headers

    def scrub_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Return the headers with secret ones redacted and the others' text scrubbed."""
        return {
            name: REDACTED if self.is_secret_header(name) else self.scrub_text(value)
            for name, value in headers.items()
        }

    # ------------------------------------------------------ query and forms

    def scrub_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Scrub query parameters or form fields (values: a string or a list of them)."""
        return {name: self._param(name, value) for name, value in params.items()}

    def _param(self, name: str, value: Any) -> Any:
        if isinstance(value, list):
            return [self._param(name, v) for v in value]
        if self.is_secret_key(name, param=True) and value not in (None, ""):
            return REDACTED
        if _norm(name) in self.phone_keys and isinstance(value, str):
            return self.fake_phone(value)
        return self.scrub_text(value) if isinstance(value, str) else value

    # ------------------------------------------------------------------ JSON

    def scrub_json(self, value: Any) -> Any:
        """Scrub a parsed JSON value recursively, returning a new value."""
        return self._json(value, None)

    def _json(self, value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return self._object(value, key)
        if isinstance(value, list):
            return [self._json(item, key) for item in value]
        if isinstance(value, str):
            return self.scrub_text(value)
        return value

    def _object(self, obj: dict[str, Any], parent: str | None) -> dict[str, Any]:
        keys = {_norm(k) for k in obj}
        person = (parent is not None and parent in self.person_keys) or bool(
            keys & (self.name_keys | _EMAIL_KEYS)
        )
        pair_kind = _norm(str(obj.get("name", ""))) if {"name", "values"} <= keys else ""
        out: dict[str, Any] = {}
        for raw_key, value in obj.items():
            key = _norm(raw_key)
            new_key = self._known(raw_key)
            new_key = self.scrub_text(new_key) if "@" in new_key else new_key
            if (key in self.secret_keys and value not in (None, "")) or (
                isinstance(value, str) and value and is_secret_name(raw_key)
            ):
                out[new_key] = REDACTED
            elif isinstance(value, str) and (
                key in self.name_keys or (person and key in self.person_name_keys)
            ):
                out[new_key] = self.fake_name(value, key)
            elif isinstance(value, str) and key in self.phone_keys:
                out[new_key] = self.fake_phone(value)
            elif key == "values" and isinstance(value, list) and pair_kind:
                # name/values pairs, e.g. Meta lead-form field_data.
                out[new_key] = [self._pair_value(pair_kind, v) for v in value]
            else:
                out[new_key] = self._json(value, key)
        return out

    def _pair_value(self, kind: str, value: Any) -> Any:
        if isinstance(value, str) and (kind in self.name_keys or kind in self.person_name_keys):
            return self.fake_name(value, kind)
        if isinstance(value, str) and kind in self.phone_keys:
            return self.fake_phone(value)
        return self._json(value, None)


# --------------------------------------------------------------------- helpers


def _redact_basic(match: re.Match[str]) -> str:
    if decode_basic(match.group(1)) is None:
        return match.group(0)
    return f"Basic {REDACTED}"


def _redact_path_segment(match: re.Match[str]) -> str:
    start, end = match.span(1)
    offset = match.start()
    text = match.group(0)
    return text[: start - offset] + REDACTED + text[end - offset :]
