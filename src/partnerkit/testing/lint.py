"""The fixture linter: no token and no raw e-mail in a committed cassette or fixture.

It reads files as text, line by line, so it covers YAML cassettes, JSON and CSV
fixtures alike. It flags the credential shapes in
:data:`~partnerkit.testing.scrub.TOKEN_PATTERNS`, long ``access_token`` values, and
e-mail addresses outside the reserved example domains (``example.com``, ``*.test``...).
``REDACTED`` is fine. A line holding ``partnerkit-lint: ignore`` is skipped (for a YAML
comment, when a match is a false positive).

Run it over a tree in a test::

    def test_fixtures_hold_no_secrets():
        findings = lint_tree(Path(__file__).parents[1])
        assert not findings, "; ".join(map(str, findings))
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from partnerkit.testing.scrub import REDACTED, TOKEN_PATTERNS, is_reserved_email_domain

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

_PATTERNS: dict[str, re.Pattern[str]] = {
    **TOKEN_PATTERNS,
    "access_token_value": re.compile(
        r"access_token[\"']?\s*[:=]\s*[\"']?(?!" + REDACTED + r")([^\s\"'&,;}]{16,})", re.I
    ),
    "email": re.compile(r"[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b"),
}


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
        for kind, pattern in _PATTERNS.items():
            for match in pattern.finditer(line):
                if kind == "email" and is_reserved_email_domain(match.group(1)):
                    continue
                start, end = match.span()
                before = line[max(0, start - 30) : start].lstrip()
                after = line[end : end + 30].rstrip()
                excerpt = f"{before}{_mask(match.group(0))}{after}"
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
