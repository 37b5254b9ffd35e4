import ast
import importlib
import subprocess
import sys

import pytest

import partnerkit

PUBLIC_MODULES = [
    "partnerkit",
    "partnerkit.connector",
    "partnerkit.email",
    "partnerkit.errors",
    "partnerkit.frames",
    "partnerkit.pages",
    "partnerkit.privacy",
    "partnerkit.records",
    "partnerkit.registry",
    "partnerkit.scaffold",
    "partnerkit.stream",
    "partnerkit.analysis",
    "partnerkit.report",
    "partnerkit.store",
    "partnerkit.store.export",
    "partnerkit.store.migrations",
    "partnerkit.store.state",
    "partnerkit.store.warehouse",
    "partnerkit.integrations",
    "partnerkit.integrations.dlt",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(set(exported)) == len(exported), "duplicate names in __all__"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names missing {item}"
    public = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and getattr(v, "__module__", None) == name
        and (isinstance(v, type) or callable(v))
        and not n.endswith("Configuration")  # dlt's decorators add their config specs
    }
    assert public <= set(exported), f"public but not in __all__: {public - set(exported)}"


#: What ``import partnerkit`` and the command line's start must not import: the
#: dataframe libraries (pandas alone costs about a second), the vendor SDKs, the
#: connectors, and the core's own heavy dependencies that only some commands need.
HEAVY = [
    "pandas",
    "polars",
    "pyarrow",
    "duckdb",
    "requests",
    "responses",
    "facebook_business",
    "google",
    "grpc",
    "hubspot",
    "openpyxl",
    "babel",
    "yaml",
    "dlt",
    "partnerkit_files",
    "partnerkit_ga4",
    "partnerkit_google_ads",
    "partnerkit_hubspot",
    "partnerkit_meta",
]


def heavy_modules_after(code: str) -> list[str]:
    """The HEAVY top-level modules loaded after running ``code`` in a fresh interpreter."""
    check = f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))"
    script = f"import sys\ntry:\n    {code}\nfinally:\n    {check}"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    loaded: list[str] = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "code",
    [
        "import partnerkit, partnerkit.connector, partnerkit.stream, partnerkit.registry",
        "import partnerkit.errors, partnerkit.records",
        "import partnerkit.cli",
        "from partnerkit.cli import app; app(['--help'])",  # the script's first screen
    ],
)
def test_import_is_cheap(code: str) -> None:
    assert heavy_modules_after(code) == []


def test_the_check_sees_a_heavy_import() -> None:
    assert heavy_modules_after("import partnerkit.stream, pyarrow") == ["pyarrow"]


def test_version() -> None:
    assert partnerkit.__version__ == "0.1.0"
