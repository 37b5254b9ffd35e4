"""The store's public surface (``__all__`` completeness is checked in tests/core)."""

import importlib
import subprocess
import sys


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
