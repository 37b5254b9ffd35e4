"""A files connection reads inside its base_dir and nowhere else (issue 24, item 6).

Real folders and symbolic links: a "secret" file sits next to base_dir, and no path,
glob or link may reach it, nor may any error quote a line of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from partnerkit_files import FilesConnector

from partnerkit.connector import ReadRequest
from partnerkit.errors import ConfigurationError

SECRET_LINE = "root:x:0:0:the secret first line"
HEADER = "day,spend\n"


def source(path: str) -> dict[str, Any]:
    return {
        "path": path,
        "stream": "performance",
        "columns": {"date": "day", "spend": "spend"},
        "constants": {"platform": "sheet", "account_id": "a1", "currency": "ILS"},
    }


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """``tmp/data`` holds spend.csv; ``tmp/secret.csv`` and ``tmp/outside/`` lie outside it."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "spend.csv").write_text(HEADER + "2026-10-01,12.50\n", encoding="utf-8")
    (tmp_path / "secret.csv").write_text(SECRET_LINE + "\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "other.csv").write_text(SECRET_LINE + "\n", encoding="utf-8")
    return data


def read(base: Path, path: str) -> list[Any]:
    connector = FilesConnector({"base_dir": base, "files": [source(path)]})
    return list(connector.read(ReadRequest(stream="performance")))


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("../secret.csv", "climbs out with '..'"),
        ("sub/../../secret.csv", "climbs out with '..'"),
        ("../*.csv", "climbs out with '..'"),
        ("**/../*.csv", "climbs out with '..'"),
        ("../outside/*.csv", "climbs out with '..'"),
        ("..\\secret.csv", "climbs out with '..'"),
        ("~/secret.csv", "starts in a home folder"),
        ("C:\\data\\secret.csv", "is absolute"),
    ],
)
def test_paths_that_leave_base_dir_are_refused(base: Path, path: str, rule: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        read(base, path)

    message = str(caught.value)
    assert f"path {path!r} {rule}; paths are relative to base_dir and stay inside it" in message
    assert SECRET_LINE not in message


def test_an_absolute_path_is_refused_even_inside_base_dir(base: Path) -> None:
    absolute = str(base / "spend.csv")

    with pytest.raises(ConfigurationError, match="is absolute; paths are relative to base_dir"):
        read(base, absolute)
    with pytest.raises(ConfigurationError, match="is absolute"):
        read(base, str(base.parent / "secret.csv"))


def test_a_symlink_to_a_file_outside_is_refused(base: Path) -> None:
    (base / "link.csv").symlink_to(base.parent / "secret.csv")

    with pytest.raises(ConfigurationError) as caught:
        read(base, "link.csv")

    message = str(caught.value)
    assert message.startswith("files[0].path 'link.csv': ")
    assert f"leads outside base_dir {str(base.resolve())!r} (a symbolic link?)" in message
    assert SECRET_LINE not in message


def test_a_glob_through_a_symlinked_folder_outside_is_refused(base: Path) -> None:
    (base / "exports").symlink_to(base.parent / "outside", target_is_directory=True)

    for pattern in ("exports/*.csv", "*/*.csv"):
        with pytest.raises(ConfigurationError, match="leads outside base_dir") as caught:
            read(base, pattern)
        assert SECRET_LINE not in str(caught.value)


def test_a_dangling_symlink_outside_is_refused_not_reported_missing(base: Path) -> None:
    (base / "gone.csv").symlink_to(base.parent / "nowhere.csv")

    with pytest.raises(ConfigurationError, match="leads outside base_dir"):
        read(base, "gone.csv")


def test_a_symlink_inside_base_dir_is_read(base: Path) -> None:
    (base / "sub").mkdir()
    (base / "sub" / "latest.csv").symlink_to(base / "spend.csv")

    records = [i for i in read(base, "sub/latest.csv") if isinstance(i, dict)]

    assert [str(r["spend"]) for r in records] == ["12.50"]


def test_base_dir_itself_may_be_a_symlink(base: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(base, target_is_directory=True)

    records = [i for i in read(alias, "*.csv") if isinstance(i, dict)]

    assert len(records) == 1


def test_the_path_rule_is_checked_with_the_settings(tmp_path: Path) -> None:
    # When the connection is built, before any file is opened.
    with pytest.raises(ConfigurationError, match=r"files\.0\.path: .*climbs out with '\.\.'"):
        FilesConnector({"base_dir": tmp_path, "files": [source("../x.csv")]})
