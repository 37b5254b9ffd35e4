"""Personal data: how emails and phones become salted hashes, the same in every connector.

Lead dedup matches people across sources by these hashes, so every connector that
sees an email or a phone hashes it here, with the workspace's salt:
``sha256(salt + normalised value)`` as lowercase hex.

* An email is trimmed and lower-cased.
* A phone is reduced to its digits, keeping a leading ``+``
  (``"+1 (555) 010-0147"`` → ``"+15550100147"``).
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["hash_email", "hash_phone", "normalise_email", "normalise_phone"]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE_CHARS = re.compile(r"\+?[0-9 ()./\-]+")


def normalise_email(value: str) -> str:
    """Trim and lower-case an email address.

    Raises:
        ValueError: It does not look like an email address (the message never repeats it).
    """
    email = value.strip().lower()
    if not _EMAIL.fullmatch(email):
        raise ValueError("not an email address")
    return email


def normalise_phone(value: str) -> str:
    """Reduce a phone number to its digits, keeping a leading ``+``.

    Raises:
        ValueError: It has letters or fewer than 5 digits (the message never repeats it).
    """
    text = value.strip()
    if not _PHONE_CHARS.fullmatch(text):
        raise ValueError("not a phone number (only digits, spaces, + ( ) . / - are allowed)")
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 5:
        raise ValueError("not a phone number (fewer than 5 digits)")
    return ("+" if text.startswith("+") else "") + digits


def _sha256(salt: str, value: str) -> str:
    return hashlib.sha256((salt + value).encode("utf-8")).hexdigest()


def hash_email(value: str, salt: str) -> str:
    """Salted SHA-256 (hex) of the normalised email: ``sha256(salt + email)``.

    Raises:
        ValueError: ``value`` is not an email address.
    """
    return _sha256(salt, normalise_email(value))


def hash_phone(value: str, salt: str) -> str:
    """Salted SHA-256 (hex) of the normalised phone: ``sha256(salt + phone)``.

    Raises:
        ValueError: ``value`` is not a phone number.
    """
    return _sha256(salt, normalise_phone(value))
