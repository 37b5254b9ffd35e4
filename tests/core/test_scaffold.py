"""`partnerkit new-connector`: the package it writes, installed, passes the contract suite.

Installing is done without building (a wheel build would fetch hatchling from the
network): the generated package's ``.dist-info`` (METADATA and the entry points read
from its own pyproject.toml) is written into a temporary site folder, which goes on
PYTHONPATH with the package's ``src``, the way tests/core/test_registry.py fakes
installed distributions. importlib.metadata then finds the entry point exactly as for
a package installed by pip or uv.
"""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partnerkit.cli import ExitCode, app
from partnerkit.errors import ConfigurationError
from partnerkit.scaffold import ConnectorNames, new_connector, render_connector

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "connectors" / "_template"
REPO_ONLY = {"tests/conftest.py"}  # imports the uninstalled template from src

runner = CliRunner()


def install_without_building(package: Path, site: Path) -> dict[str, str]:
    """Write the package's dist-info into `site`; return the environment that sees it."""
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    dist = project["name"]
    info = site / f"{dist.replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {project['version']}\n"
    )
    lines: list[str] = []
    for group, points in project["entry-points"].items():
        lines += [f"[{group}]", *(f"{k} = {v}" for k, v in points.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    path = os.pathsep.join([str(site), str(package / "src")])
    return {**os.environ, "PYTHONPATH": path}


def test_the_names_a_connector_name_gives() -> None:
    names = ConnectorNames.of("my_shop")
    assert names.dist == "partnerkit-my-shop"
    assert names.module == "partnerkit_my_shop"
    assert names.class_prefix == "MyShop"
    assert names.env_prefix == "PARTNERKIT_MY_SHOP_"


def test_generated_package_installed_passes_the_contract_suite(tmp_path: Path) -> None:
    package = tmp_path / "partnerkit-my-shop"
    written = new_connector("my_shop", package)
    assert sorted(p.relative_to(package).as_posix() for p in written) == [
        "README.md",
        "pyproject.toml",
        "src/partnerkit_my_shop/__init__.py",
        "src/partnerkit_my_shop/py.typed",
        "src/partnerkit_my_shop/testing.py",
        "tests/cassettes/contract/check.yaml",
        "tests/cassettes/contract/daily.yaml",
        "tests/test_contract.py",
        "tests/test_errors.py",
    ]
    project = tomllib.loads((package / "pyproject.toml").read_text())
    assert project["project"]["name"] == "partnerkit-my-shop"
    assert project["project"]["entry-points"]["partnerkit.connectors"] == {
        "my_shop": "partnerkit_my_shop:MyShopConnector"
    }
    env = install_without_building(package, tmp_path / "site")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            "-o",
            "partnerkit_block_network=true",  # offline, as every test here
            "-o",
            "xfail_strict=true",
            "-rA",
        ],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # 15 contract checks (entry point, a light import, streams, settings from the
    # environment, secrets, valid records, re-read, lookback, 429 and 5xx, 401 and 403,
    # check(), an excluded today, the http settings) and the package's own 4 (2 values
    # from the cassettes, 2 errors read with its registered shape): nothing skipped, so
    # the entry point resolved through the metadata.
    assert "19 passed" in result.stdout, result.stdout
    assert "skipped" not in result.stdout
    assert (
        "PASSED tests/test_contract.py::TestMyShopContract::test_contract_entry_point_resolves"
        in (result.stdout)
    )


def test_the_repositorys_template_is_the_scaffold_output() -> None:
    rendered = render_connector("template")
    on_disk = {
        p.relative_to(TEMPLATE).as_posix()
        for p in TEMPLATE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert on_disk - REPO_ONLY == set(rendered), (
        "connectors/_template and the scaffold templates (src/partnerkit/_templates) differ; "
        "edit the templates, then render them into connectors/_template"
    )
    for path, text in rendered.items():
        assert (TEMPLATE / path).read_text() == text, (
            f"connectors/_template/{path} is not the rendered template: edit "
            f"src/partnerkit/_templates/connector and render it again"
        )


def test_no_placeholder_is_left() -> None:
    for path, text in render_connector("ab_c2").items():
        assert "{{" not in text, path
        assert "}}" not in text, path
        # every mention of the name is a placeholder: none of the template's is left
        assert "template" not in (path + text).lower(), path


def test_default_folder_is_named_after_the_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new-connector", "shop"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "wrote 9 files into partnerkit-shop" in result.output
    assert (tmp_path / "partnerkit-shop" / "src" / "partnerkit_shop" / "__init__.py").is_file()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("My-Shop", "'My-Shop' cannot be a connector's name"),
        ("2shop", "'2shop' cannot be a connector's name"),
        ("class", "'class' cannot be a connector's name"),
        ("shop_", "'shop_' cannot be a connector's name"),
        ("meta", "a connector named 'meta' exists already (package partnerkit-meta)"),
        ("echo", "a connector named 'echo' exists already (package partnerkit-test-plugin)"),
    ],
)
def test_a_bad_name_is_a_one_line_error(tmp_path: Path, name: str, expected: str) -> None:
    target = tmp_path / "out"
    result = runner.invoke(
        app, ["new-connector", name, "--dir", str(target)], env={"COLUMNS": "300"}
    )
    assert result.exit_code == ExitCode.CONFIGURATION
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(
        app, ["new-connector", "shop", "--dir", str(tmp_path)], env={"COLUMNS": "300"}
    )
    assert result.exit_code == ExitCode.CONFIGURATION
    assert f"cannot write the connector into {tmp_path}: the folder is not empty" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    written = new_connector("shop", tmp_path)
    assert (tmp_path / "pyproject.toml") in written


def test_a_file_as_target_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ConfigurationError, match="the path is a file"):
        new_connector("shop", target)
