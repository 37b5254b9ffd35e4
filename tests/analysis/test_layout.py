"""The analysis package's layout rules: one home per rule, public names between modules."""

from __future__ import annotations

import ast
from pathlib import Path

import partnerkit.analysis

PACKAGE = Path(partnerkit.analysis.__file__).parent


def _imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module or "", alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def test_analysis_modules_use_each_others_public_names_only() -> None:
    reaching = [
        f"{path.name}: from {module} import {name}"
        for path in sorted(PACKAGE.glob("*.py"))
        for module, name in _imports(path)
        if module.startswith("partnerkit.") and name.startswith("_")
    ]
    assert reaching == []


def test_no_analysis_module_matches_texts_on_its_own() -> None:
    # Source attribution lives in attribution.py (and the model's SourceMatching):
    # no other analysis module compares rule texts with lower() or casefold().
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in ("attribution.py",):
            continue
        text = path.read_text(encoding="utf-8")
        assert "matches_lead(" not in text, path.name
        assert "matches_performance(" not in text, path.name
        assert "regexp_full_match" not in text, path.name
