"""Fan an agency's accounts out on Dask: each task reads one account and writes Parquet.

The warehouse (``partnerkit sync``) reads many accounts concurrently on one machine.
When a portfolio outgrows one machine, or you already run a Dask cluster, give each
account to a task instead::

    from dask.distributed import Client
    from fan_out import fan_out

    with Client("tcp://scheduler:8786") as client:
        results = fan_out(client, "partnerkit.yaml", "s3://lake/partnerkit/", start=..., end=...)

Each task builds its own connector from the workspace file (secrets come from the
worker's environment, as everywhere in partnerkit), reads one stream of one account,
and streams the records into ``<out>/<kind>/<connection>__<stream>__<account>-<n>.parquet``
with :func:`partnerkit.store.write_parquet` (flat memory). Rate limits still hold per
process through the HTTP seam's limiter registry; give each worker process a share of
an API's limit, or keep one account's tasks on one worker.

A task never raises: it returns a :class:`TaskResult` with its error, so one failing
account does not stop the others. Read the lake back with DuckDB::

    SELECT * FROM read_parquet('<out>/performance/*.parquet', union_by_name = true)

The same code runs on Ray: ``ray.get([ray.remote(read_account).remote(...) ...])``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Task", "TaskResult", "fan_out", "plan_tasks", "read_account"]


@dataclass(frozen=True)
class Task:
    """One stream of one account of one connection."""

    connection: str
    stream: str
    account: str

    @property
    def prefix(self) -> str:
        """The file-name prefix of this task's output (unique per task)."""
        return f"{self.connection}__{self.stream}__{self.account or 'all'}"


@dataclass(frozen=True)
class TaskResult:
    """What a task did (plain data: it travels back from the worker)."""

    task: Task
    rows: int = 0
    files: tuple[str, ...] = ()
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the task read and wrote everything."""
        return self.error is None


def plan_tasks(
    workspace_file: str | os.PathLike[str], *, streams: tuple[str, ...] = ()
) -> list[Task]:
    """One task per connection, enabled stream and account of the workspace."""
    from partnerkit.model import load_workspace

    ws = load_workspace(workspace_file)
    tasks = []
    for conn in ws.connections:
        with ws.connector(conn.name) as connector:
            specs = [s for s in connector.enabled_streams() if not streams or s.name in streams]
        for spec in specs:
            for account in conn.accounts or [""]:
                tasks.append(Task(conn.name, spec.name, account))
    return tasks


def read_account(
    workspace_file: str,
    task: Task,
    out: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> TaskResult:
    """Read one task's records into Parquet files (runs on a worker).

    Files this task wrote before (an earlier attempt) are replaced, so a retried task
    never duplicates rows.
    """
    from partnerkit.connector import ReadRequest
    from partnerkit.model import load_workspace
    from partnerkit.store import write_parquet

    began = time.perf_counter()
    try:
        ws = load_workspace(workspace_file)
        with ws.connector(task.connection) as connector:
            spec = connector.stream_spec(task.stream)
            accounts = (task.account,) if task.account else ()
            request = ReadRequest(stream=task.stream, start=start, end=end, accounts=accounts)
            stream = connector.stream(request)
            folder = Path(out) / spec.kind.value
            scratch = folder / f".{task.prefix}.tmp"
            shutil.rmtree(scratch, ignore_errors=True)
            written = write_parquet(stream, scratch, prefix=task.prefix)
            for old in folder.glob(f"{task.prefix}-*.parquet"):
                old.unlink()
            files = [str(f.rename(folder / f.name)) for f in written]
            shutil.rmtree(scratch, ignore_errors=True)
        return TaskResult(
            task, stream.records_read, tuple(files), None, time.perf_counter() - began
        )
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        return TaskResult(task, error=error, seconds=time.perf_counter() - began)


def fan_out(
    client: Any,
    workspace_file: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    streams: tuple[str, ...] = (),
) -> list[TaskResult]:
    """Read every account of a workspace on a Dask cluster, one task per account and stream.

    Args:
        client: A ``dask.distributed.Client``.
        workspace_file: The workspace file (a path every worker can read).
        out: The lake's root folder (a path every worker can write).
        start: First day to read.
        end: Last day to read.
        streams: Only these streams.

    Returns:
        One result per task, in plan order; failed tasks carry their error.
    """
    tasks = plan_tasks(workspace_file, streams=streams)
    futures = client.map(
        read_account,
        [str(workspace_file)] * len(tasks),
        tasks,
        [str(out)] * len(tasks),
        [start] * len(tasks),
        [end] * len(tasks),
        pure=False,
    )
    results: list[TaskResult] = client.gather(futures)
    return results
