"""Registry tests against real installed distributions.

The happy path uses the workspace's installed test plugin (``partnerkit-test-plugin``,
entry point ``echo``). Broken and conflicting plugins are real ``.dist-info``
directories written into a temporary folder put on ``sys.path``, so discovery goes
through importlib.metadata exactly as for an installed package.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from partnerkit.connector import Connector
from partnerkit.errors import (
    ConnectorConflictError,
    ConnectorLoadError,
    ConnectorLoadWarning,
    ConnectorNotFoundError,
)
from partnerkit.registry import (
    DISABLE_ENV,
    available_connectors,
    get_connector,
    load_connectors,
    register_connector,
    unregister_connector,
)


def install_fake_dist(
    root: Path, dist: str, entry_points: dict[str, str], module: str | None = None, code: str = ""
) -> None:
    info = root / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[partnerkit.connectors]\n{lines}\n")
    if module:
        (root / f"{module}.py").write_text(textwrap.dedent(code))


def test_installed_plugin_is_listed_with_its_distribution() -> None:
    info = available_connectors()["echo"]
    assert info.distribution == "partnerkit-test-plugin"
    assert info.version == "0.0.1"
    assert info.target == "partnerkit_test_plugin:EchoConnector"


def test_listing_does_not_import_connector_code() -> None:
    code = (
        "import sys; from partnerkit.registry import available_connectors; "
        "names = available_connectors(); "
        "assert 'echo' in names and 'files' in names; "
        "assert 'partnerkit_test_plugin' not in sys.modules; "
        "assert 'partnerkit_files' not in sys.modules; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_get_connector_loads_the_class() -> None:
    cls = get_connector("echo")
    assert issubclass(cls, Connector)
    assert cls.name == "echo"
    with cls({"clicks_per_day": 3}) as conn:
        rows = conn.stream(stream="daily", start="2026-02-27", end="2026-03-01").to_dicts()
    assert [str(r["date"]) for r in rows] == ["2026-02-27", "2026-02-28", "2026-03-01"]
    assert {r["clicks"] for r in rows} == {3}


def test_unknown_known_name_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "meta")  # as if partnerkit-meta were not installed
    with pytest.raises(ConnectorNotFoundError) as info:
        get_connector("meta")
    assert info.value.provider == "partnerkit-meta"
    assert "echo" in info.value.installed
    assert "pip install partnerkit-meta" in str(info.value)


def test_unknown_name_lists_installed() -> None:
    with pytest.raises(ConnectorNotFoundError) as info:
        get_connector("tiktok")
    assert info.value.provider is None
    assert "files" in str(info.value)


def test_broken_plugin_warns_and_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_dist(
        tmp_path,
        "pk-broken",
        {"broken": "pk_broken_mod:Broken"},
        "pk_broken_mod",
        "import not_a_module_anywhere\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "broken" in available_connectors()
    with pytest.warns(ConnectorLoadWarning, match="broken.*ModuleNotFoundError"):
        loaded = load_connectors()
    assert "broken" not in loaded
    assert "echo" in loaded
    with pytest.raises(ConnectorLoadError) as info:
        get_connector("broken")
    assert info.value.target == "pk_broken_mod:Broken"
    assert isinstance(info.value.cause, ModuleNotFoundError)


def test_entry_point_that_is_not_a_connector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_dist(tmp_path, "pk-odd", {"odd": "pk_odd_mod:thing"}, "pk_odd_mod", "thing = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConnectorLoadError, match="not a Connector subclass"):
        get_connector("odd")


def test_name_mismatch_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_dist(
        tmp_path,
        "pk-alias",
        {"alias": "partnerkit_test_plugin:EchoConnector"},
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConnectorLoadError, match="must agree"):
        get_connector("alias")


def test_two_packages_claiming_one_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_dist(tmp_path, "pk-impostor", {"echo": "pk_impostor:Echo"})
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ConnectorConflictError) as info:
        get_connector("echo")
    assert info.value.distributions == ["partnerkit-test-plugin 0.0.1", "pk-impostor 1.2.3"]
    with pytest.raises(ConnectorConflictError):
        available_connectors()


def test_disable_env_hides_connectors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "echo, files")
    assert "echo" not in available_connectors()
    assert "files" not in available_connectors()
    with pytest.raises(ConnectorNotFoundError):
        get_connector("echo")


def test_register_connector_for_notebooks() -> None:
    echo = get_connector("echo")

    class Local(echo):  # type: ignore[valid-type,misc]
        name = "local_echo"

    try:
        assert register_connector(Local) is Local
        assert get_connector("local_echo") is Local
        assert available_connectors()["local_echo"].distribution is None

        class Other(echo):  # type: ignore[valid-type,misc]
            name = "local_echo"

        with pytest.raises(ValueError, match="already registered"):
            register_connector(Other)
        with pytest.raises(TypeError):
            register_connector(int)  # type: ignore[arg-type]
    finally:
        unregister_connector("local_echo")
    with pytest.raises(ConnectorNotFoundError):
        get_connector("local_echo")


def test_lookback_setting_overrides_the_stream_default() -> None:
    import datetime as dt

    from pydantic_settings import SettingsConfigDict

    from partnerkit.connector import ConnectorSettings, StreamSpec
    from partnerkit.records import RecordKind

    class S(ConnectorSettings):
        model_config = SettingsConfigDict(env_prefix="PARTNERKIT_LB_")
        lookback_days: int | None = None

    class C(Connector[S]):
        name = "lb"
        settings_class = S
        streams = (
            StreamSpec(
                name="d", kind=RecordKind.PERFORMANCE, default_lookback=dt.timedelta(days=28)
            ),
        )

        def read(self, request):  # type: ignore[no-untyped-def]
            return iter(())

    assert C().lookback("d") == dt.timedelta(days=28)
    assert C({"lookback_days": 7}).lookback("d") == dt.timedelta(days=7)


def test_every_connector_of_the_project_names_its_distribution() -> None:
    # Read from each connectors/*/pyproject.toml: its entry point and its project name,
    # e.g. meta_pages = ... in partnerkit-meta-pages (mailchimp and meta_pages were missing).
    import tomllib

    from partnerkit.registry import KNOWN_PROVIDERS

    root = Path(__file__).parents[2] / "connectors"
    found: dict[str, str] = {}
    for file in sorted(root.glob("*/pyproject.toml")):
        project = tomllib.loads(file.read_text(encoding="utf-8"))["project"]
        for name in project.get("entry-points", {}).get("partnerkit.connectors", {}):
            found[name] = project["name"]
    found.pop("template")  # connectors/_template: the scaffold's, not a connector
    assert found == KNOWN_PROVIDERS
    assert KNOWN_PROVIDERS["mailchimp"] == "partnerkit-mailchimp"
    assert KNOWN_PROVIDERS["meta_pages"] == "partnerkit-meta-pages"
