"""The store's public surface: ``__all__`` complete, imports cheap where they must be."""

import importlib
import subprocess
import sys

import pytest

MODULES = [
    "partnerkit.store",
    "partnerkit.store.export",
    "partnerkit.store.migrations",
    "partnerkit.store.state",
    "partnerkit.store.warehouse",
    "partnerkit.integrations",
    "partnerkit.integrations.dlt",
]


@pytest.mark.parametrize("name", MODULES)
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
        and not n.endswith("Configuration")  # dlt's decorators add their config specs here
    }
    assert public <= set(exported), f"public but not in __all__: {public - set(exported)}"


def test_the_sync_module_exports_its_names() -> None:
    module = sys.modules[importlib.import_module("partnerkit.store").sync.__module__]
    assert set(module.__all__) == {
        "DEFAULT_BATCH_SIZE",
        "DEFAULT_WORKERS",
        "SyncObserver",
        "SyncResult",
        "Unit",
        "UnitResult",
        "sync",
    }


def test_the_dlt_adapter_does_not_import_dlt_until_used() -> None:
    code = (
        "import sys, partnerkit.integrations.dlt, partnerkit.store; "
        "print([m for m in ('dlt', 'dask', 'pandas') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
