"""Scrub secrets and personal data out of recorded HTTP traffic.

Cassettes are scrubbed when they are written, and a replayed request is scrubbed the
same way before it is matched, so a test may send a real-looking token and still
match the ``REDACTED`` one on file. The :class:`Scrubber` also works on its own::

    from partnerkit.testing import Scrubber

    clean = Scrubber().scrub_json(json.loads(raw_body))

What it replaces:

- **Secrets** become ``"REDACTED"``: the headers in ``secret_headers``; query
  parameters and form fields in ``secret_params``; JSON keys in ``secret_keys``
  (``code`` and ``key`` are parameters only: in JSON bodies they carry error codes);
  ``access_token=`` style parameters inside any URL or text; and anything that looks
  like a token (:data:`TOKEN_PATTERNS`) or a private key, wherever it appears.
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

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

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
    "is_reserved_email_domain",
]

REDACTED = "REDACTED"

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "developer-token",
        "x-goog-api-key",
        "x-api-key",
    }
)
"""Header names (lower case) whose values are replaced. ``login-customer-id`` is kept."""

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
    }
)
"""Keys whose values are secrets wherever they appear (query, form, JSON)."""

SECRET_PARAMS = SECRET_KEYS | {"key", "code", "assertion", "client_assertion"}
"""Query parameters and form fields that are secrets: ``key=`` API keys, OAuth ``code``,
and the signed JWT ``assertion`` of a service-account token request (new every run)."""

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
    "bearer_token": re.compile(r"Bearer\s+[A-Za-z0-9._~+/-]{20,}=*"),
    "live_secret_key": re.compile(r"[sr]k_live_[0-9A-Za-z]{10,}"),
    "private_key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "jwt": re.compile(r"eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}"),
}
"""Shapes of credentials, by kind; shared with the fixture linter."""

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
    Keys are compared in lower case with ``-`` read as ``_``.

    Attributes:
        salt: Mixed into the hashes behind the fakes. Same salt, same fakes.
        secret_headers: Header names whose values are secrets.
        secret_keys: Keys whose values are secrets anywhere.
        secret_params: Query parameters and form fields whose values are secrets.
        name_keys: Keys that always hold a person's name.
        person_name_keys: Keys that hold a name only inside a person-like object.
        person_keys: Keys under which an object (or list of objects) is a person.
        phone_keys: Keys that hold a phone number.
    """

    salt: str = "partnerkit"
    secret_headers: frozenset[str] = SECRET_HEADERS
    secret_keys: frozenset[str] = SECRET_KEYS
    secret_params: frozenset[str] = SECRET_PARAMS
    name_keys: frozenset[str] = NAME_KEYS
    person_name_keys: frozenset[str] = PERSON_NAME_KEYS
    person_keys: frozenset[str] = PERSON_KEYS
    phone_keys: frozenset[str] = PHONE_KEYS

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
        """Scrub free text: tokens, secret URL parameters, e-mails, ``+`` phone numbers.

        A string holding a JSON object or array is scrubbed as JSON.
        """
        if not text:
            return text
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
            elif name != "private_key":
                text = pattern.sub(REDACTED, text)
        text = self._secret_param_re.sub(rf"\g<1>{REDACTED}", text)
        text = _EMAIL.sub(lambda m: self.fake_email(m.group(0)), text)
        return _PHONE_IN_TEXT.sub(self._phone_in_text, text)

    def _phone_in_text(self, match: re.Match[str]) -> str:
        digits = sum(c.isdigit() for c in match.group(0))
        return self.fake_phone(match.group(0)) if 8 <= digits <= 15 else match.group(0)

    @cached_property
    def _secret_param_re(self) -> re.Pattern[str]:
        names = "|".join(sorted(map(re.escape, self.secret_params), key=len, reverse=True))
        return re.compile(rf"((?:^|[?&;])(?:{names})=)(?!{REDACTED})[^&#;\s\"'<>]+", re.I)

    def scrub_url(self, url: str) -> str:
        """Scrub a URL: secret query parameters, tokens and e-mails in it."""
        return self.scrub_text(url)

    # --------------------------------------------------------------- headers

    def scrub_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Return the headers with secret ones redacted and the others' text scrubbed."""
        return {
            name: REDACTED if name.lower() in self.secret_headers else self.scrub_text(value)
            for name, value in headers.items()
        }

    # ------------------------------------------------------ query and forms

    def scrub_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Scrub query parameters or form fields (values: a string or a list of them)."""
        return {name: self._param(name, value) for name, value in params.items()}

    def _param(self, name: str, value: Any) -> Any:
        if isinstance(value, list):
            return [self._param(name, v) for v in value]
        if _norm(name) in self.secret_params and value not in (None, ""):
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
            new_key = self.scrub_text(raw_key) if "@" in raw_key else raw_key
            if key in self.secret_keys and value not in (None, ""):
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
