"""The embedded warehouse, incremental sync and Parquet export.

* :class:`Warehouse` — a DuckDB file with a table per record kind (``performance``,
  ``lead``, ``deal``, ``campaign``), the incremental state and the run history.
* :func:`sync` — read every connection, stream and account of a workspace
  concurrently and merge the records, moving each cursor in the same transaction.
* :func:`export_parquet` — the warehouse as a Hive-partitioned Parquet dataset;
  :func:`write_parquet` — one stream into Parquet files;
  :func:`write_csv` — records as CSV that spreadsheets open as data, not formulas.

The command line wraps them: ``partnerkit sync`` and ``partnerkit export``. See
``docs/sync.md`` and ``docs/state-and-recovery.md``.
"""

from partnerkit.store.export import (
    ExportResult,
    export_parquet,
    neutralise_formulas,
    write_csv,
    write_parquet,
)
from partnerkit.store.migrations import SCHEMA_VERSION
from partnerkit.store.state import StreamState, last_complete_day
from partnerkit.store.sync import (
    SyncObserver,
    SyncResult,
    Unit,
    UnitResult,
    sync,
)
from partnerkit.store.warehouse import (
    LoadResult,
    Scope,
    Warehouse,
    check_warehouse_file,
    default_warehouse_path,
    workspace_warehouse_path,
)

__all__ = [
    "SCHEMA_VERSION",
    "ExportResult",
    "LoadResult",
    "Scope",
    "StreamState",
    "SyncObserver",
    "SyncResult",
    "Unit",
    "UnitResult",
    "Warehouse",
    "check_warehouse_file",
    "default_warehouse_path",
    "export_parquet",
    "last_complete_day",
    "neutralise_formulas",
    "sync",
    "workspace_warehouse_path",
    "write_csv",
    "write_parquet",
]
