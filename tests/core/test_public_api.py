import importlib
import subprocess
import sys

import pytest

import partnerkit

PUBLIC_MODULES = [
    "partnerkit",
    "partnerkit.connector",
    "partnerkit.errors",
    "partnerkit.frames",
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


def test_import_is_cheap() -> None:
    heavy = [
        "pandas",
        "polars",
        "pyarrow",
        "duckdb",
        "requests",
        "responses",
        "facebook_business",
        "google",
        "hubspot",
        "openpyxl",
        "babel",
    ]
    code = (
        "import sys, partnerkit, partnerkit.connector, partnerkit.stream, partnerkit.registry; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version() -> None:
    assert partnerkit.__version__ == "0.1.0"
