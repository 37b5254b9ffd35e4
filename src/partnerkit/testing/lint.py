"""The fixture linter: no token and no raw e-mail in a committed cassette or fixture.

It reads files as text, line by line, so it covers YAML cassettes, JSON and CSV
fixtures alike, and every place a secret travels in them: headers, URLs (path and
query), form and JSON fields at any depth, text bodies. It flags (the kind of finding
in brackets):

- the credential shapes in :data:`~partnerkit.testing.scrub.TOKEN_PATTERNS`: Meta,
  Google and HubSpot tokens, JWTs, private keys, and ``Bearer`` or ``Basic``
  credentials that are not ``REDACTED`` (``bearer_token``, ``basic_auth``, ...);
- any value under a name that reads as a secret — a header, query parameter, form or
  JSON field named ``Authorization``, ``X-Api-Key``, ``developer-token``,
  ``access_token``, ``client_secret``, ``password``... (see
  :func:`~partnerkit.testing.scrub.is_secret_name`) — that is not ``REDACTED``
  (``secret_value``);
- the path segment after ``/token/``, ``/access-tokens/``, ``/api-keys/``... when it is
  not ``REDACTED`` (``secret_path_segment``);
- anything token-looking, under any key or none: a run of 24 or more base64 or
  base64url characters mixing upper case, lower case and digits with the variety of
  random text (``token_like``). Values under paging-cursor and request-id names
  (``after``, ``nextPageToken``, ``requestId``...) are not flagged by this rule;
- e-mail addresses outside the reserved example domains (``example.com``,
  ``*.test``...) (``email``).

``REDACTED`` is fine. A line holding ``partnerkit-lint: ignore`` is skipped (for a YAML
comment, when a match is a false positive).

Run it over a tree in a test::

    def test_fixtures_hold_no_secrets():
        findings = lint_tree(Path(__file__).parents[1])
        assert not findings, "; ".join(map(str, findings))
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from partnerkit.testing.credentials import (
    MIN_SECRET_LENGTH,
    SECRET_HEADERS,
    SECRET_KEYS,
    SECRET_PATH_SEGMENTS,
    is_secret_name,
)
from partnerkit.testing.scrub import (
    REDACTED,
    TOKEN_PATTERNS,
    is_credential,
    is_reserved_email_domain,
)

__all__ = [
    "FIXTURE_DIRS",
    "FIXTURE_SUFFIXES",
    "Finding",
    "fixture_files",
    "lint_file",
    "lint_text",
    "lint_tree",
]

FIXTURE_DIRS = frozenset({"cassettes", "fixtures"})
"""Folders whose files (at any depth) are linted by :func:`lint_tree`."""

FIXTURE_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".csv"})
"""File suffixes :func:`lint_tree` reads."""

IGNORE_PRAGMA = "partnerkit-lint: ignore"

_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "build", "dist"})

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b")

# `name: value`, `"name": "value"` and `name=value`, as YAML, JSON, URLs and forms write them.
_KEY_VALUE = re.compile(
    r"""(?:^|(?<=[\s{,?&;'"(]))(["']?)(?P<key>[A-Za-z_][\w.-]*)\1[ \t]*[:=][ \t]*"""
    r"""(?P<q>["']?)(?P<value>[^\s"'&,;}#?]*)(?:[ \t]+(?P<next>[^\s"'&,;}#]+))?"""
)
_AUTH_SCHEMES = frozenset({"bearer", "basic", "token", "oauth", "digest", "bot"})
_NOT_A_VALUE = frozenset({"", "null", "~", "|", "|-", "|+", ">", ">-", "true", "false", "[]", "{}"})
_SECRET_NAMES = frozenset(SECRET_HEADERS) | SECRET_KEYS

# Base64 and base64url characters; `/`, `.` and `=` end a run (paths, hosts, `name=`).
_TOKEN_RUN = re.compile(r"(?<![\w+~-])[A-Za-z0-9_+~-]{24,}={0,2}(?![\w+~=-])")
_CURSOR_KEYS = frozenset(
    {
        "after",
        "before",
        "cursor",
        "next_cursor",
        "page_token",
        "next_page_token",
        "pagetoken",
        "nextpagetoken",
        "sync_token",
        "etag",
        "request_id",
        "requestid",
        "fbtrace_id",
        "trace_id",
        "x_fb_trace_id",
        "x_request_id",
    }
)
_KEY_BEFORE = re.compile(r"""["']?([A-Za-z_][\w.-]*)["']?[ \t]*[:=][ \t]*["']?$""")


@dataclass(frozen=True)
class Finding:
    """Something in a fixture that looks like a secret or personal data.

    Attributes:
        path: The file.
        line: The 1-based line.
        kind: What it looks like, e.g. ``"meta_access_token"`` or ``"email"``.
        excerpt: The text around it, with the match masked.
    """

    path: Path
    line: int
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.excerpt}"


def _mask(secret: str) -> str:
    if "@" in secret:
        local, _, domain = secret.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{secret[:4]}…[{len(secret)} chars]"


def _is_secret_key(name: str) -> bool:
    return (
        name.lower() in _SECRET_NAMES
        or name.lower().replace("-", "_") in _SECRET_NAMES
        or (is_secret_name(name))
    )


def _secret_values(line: str) -> list[tuple[int, int]]:
    """Spans of values under secret names that are not placeholders."""
    spans = []
    for match in _KEY_VALUE.finditer(line):
        if not _is_secret_key(match.group("key")):
            continue
        value, group = match.group("value"), "value"
        if value.lower() in _AUTH_SCHEMES and match.group("next"):
            value, group = match.group("next"), "next"
        if value.lower() in _NOT_A_VALUE or value.startswith(REDACTED):
            continue
        if value.isdigit() and len(value) < MIN_SECRET_LENGTH:  # a count: `tokens_used: 12`
            continue
        spans.append(match.span(group))
    return spans


def _looks_random(run: str) -> bool:
    """Tell whether a run of token characters reads like a random credential.

    Random base64 mixes upper and lower case about evenly, holds digits, many distinct
    characters and changes case often; names, ids and camelCase words do not.
    """
    letters = [c for c in run if c.isalpha()]
    if REDACTED in run or not letters or not any(c.isdigit() for c in run):
        return False
    upper = sum(c.isupper() for c in letters) / len(letters)
    if not 0.25 <= upper <= 0.75 or len(set(run)) < 14:
        return False
    changes = sum(a.isupper() != b.isupper() for a, b in itertools.pairwise(run))
    return changes >= len(run) // 4


def _token_like(line: str) -> list[tuple[int, int]]:
    spans = []
    for match in _TOKEN_RUN.finditer(line):
        if not _looks_random(match.group(0)):
            continue
        key = _KEY_BEFORE.search(line[: match.start()])
        if (
            key
            and re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key.group(1)).lower().replace("-", "_")
            in _CURSOR_KEYS
        ):
            continue
        spans.append(match.span())
    return spans


def _line_findings(line: str) -> list[tuple[str, int, int]]:
    """``(kind, start, end)`` of every finding on one line, overlaps left out."""
    found: list[tuple[str, int, int]] = []
    for kind, pattern in TOKEN_PATTERNS.items():
        found.extend((kind, *m.span()) for m in pattern.finditer(line) if is_credential(kind, m))
    found.extend(("secret_value", *span) for span in _secret_values(line))
    found.extend(("secret_path_segment", *m.span(1)) for m in SECRET_PATH_SEGMENTS.finditer(line))
    found.extend(("token_like", *span) for span in _token_like(line))
    found.extend(
        ("email", *m.span())
        for m in _EMAIL.finditer(line)
        if not is_reserved_email_domain(m.group(1))
    )
    kept: list[tuple[str, int, int]] = []
    for kind, start, end in found:
        if not any(start < e and s < end for _, s, e in kept):
            kept.append((kind, start, end))
    return kept


def lint_text(text: str, path: str | os.PathLike[str] = "<text>") -> list[Finding]:
    """Lint text and return every finding, in line order.

    Args:
        text: The content.
        path: The file name to report.
    """
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if IGNORE_PRAGMA in line:
            continue
        for kind, start, end in _line_findings(line):
            before = line[max(0, start - 30) : start].lstrip()
            after = line[end : end + 30].rstrip()
            excerpt = f"{before}{_mask(line[start:end])}{after}"
            findings.append(Finding(Path(path), number, kind, excerpt))
    return findings


def lint_file(path: str | os.PathLike[str]) -> list[Finding]:
    """Lint one file (read as UTF-8, undecodable bytes replaced)."""
    return lint_text(Path(path).read_text(encoding="utf-8", errors="replace"), path)


def fixture_files(root: str | os.PathLike[str]) -> list[Path]:
    """Find every fixture file under ``root``, sorted.

    A fixture file has a suffix in :data:`FIXTURE_SUFFIXES` and sits (at any depth)
    under a folder named in :data:`FIXTURE_DIRS`. Hidden folders (``.git``, ``.venv``)
    and build or dependency folders are not searched.
    """
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS]
        parts = Path(folder).relative_to(root).parts
        if FIXTURE_DIRS.isdisjoint(parts):
            continue
        found.extend(Path(folder, f) for f in files if Path(f).suffix.lower() in FIXTURE_SUFFIXES)
    return sorted(found)


def lint_tree(root: str | os.PathLike[str]) -> list[Finding]:
    """Lint every fixture file under ``root`` (see :func:`fixture_files`)."""
    return [finding for path in fixture_files(root) for finding in lint_file(path)]
