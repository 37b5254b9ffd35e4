"""Rows read from the small files a user keeps by hand (evidence logs, surveys)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from partnerkit.errors import DataError

__all__ = ["csv_rows", "yaml_rows"]


def csv_rows(file: Path) -> list[dict[str, Any]]:
    """The rows of a CSV file (tab-separated for ``.tsv``), keyed by its header.

    A byte-order mark before the header is dropped (Excel writes one).
    """
    with file.open(encoding="utf-8-sig", newline="") as handle:
        delimiter = "\t" if file.suffix.lower() == ".tsv" else ","
        return list(csv.DictReader(handle, delimiter=delimiter))


def yaml_rows(file: Path, *, key: str, holds: str) -> list[dict[str, Any]]:
    """The mappings of a YAML file: a list of them, or that list under ``key``.

    An empty file holds no rows.

    Raises:
        DataError: The file holds something else; ``holds`` says what it should hold.
    """
    import yaml

    data = yaml.safe_load(file.read_text(encoding="utf-8")) or []
    if isinstance(data, dict):
        data = data.get(key, [])
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError(holds, source=str(file))
    return data
