"""The dlt adapter: each connector stream as a dlt resource.

Load partnerkit records into BigQuery, Snowflake, Postgres or any dlt destination with
dlt's own pipeline (``pip install 'partnerkit[dlt]'``)::

    import dlt
    from partnerkit.integrations.dlt import workspace_source
    from partnerkit.model import load_workspace

    pipeline = dlt.pipeline("partnerkit", destination="bigquery", dataset_name="marketing")
    pipeline.run(workspace_source(load_workspace("partnerkit.yaml")))

Every resource has:

* ``primary_key="record_id"`` and ``write_disposition="merge"``: a restated row
  replaces the old one, nothing duplicates;
* ``table_name`` = the record kind (``performance``, ``lead``, ``deal``,
  ``campaign``), like the warehouse, so streams of one kind share a table;
* a ``dlt.sources.incremental`` on the stream's cursor column with ``lag`` = the
  connector's lookback (days for a date cursor, seconds for a timestamp), so each run
  re-reads the window the platform restates. dlt keeps the cursor in its pipeline
  state; partnerkit turns it into the read's start day. Streams without a cursor are
  read whole on every run and merged.

Records travel as Arrow tables (dlt's fast path). ``extra.<name>`` columns become
``extra_<name>`` under dlt's default (snake_case) naming convention.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from partnerkit.connector import Connector, ReadRequest
from partnerkit.records import columns
from partnerkit.store.state import cursor_day
from partnerkit.stream import DEFAULT_PAGE_SIZE

if TYPE_CHECKING:
    import pyarrow as pa
    from dlt.extract import DltResource, DltSource

    from partnerkit.model import Workspace

__all__ = ["stream_resource", "workspace_resources", "workspace_source"]

ConnectorFactory = Callable[[], Connector[Any]]
"""Builds a fresh connector (each run of a resource builds its own and closes it)."""


def _dlt() -> Any:
    try:
        import dlt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the dlt adapter needs dlt: install it with `uv add 'partnerkit[dlt]'` or "
            "`pip install 'partnerkit[dlt]'`"
        ) from None
    return dlt


def _is_timestamp(kind: Any, column: str) -> bool:
    for info in columns(kind):
        if info.name == column:
            return info.python_type is not dt.date
    return False


def _start_day(value: Any) -> dt.date | None:
    """The day a dlt cursor value stands for (a timestamp by its UTC day)."""
    if value is None or isinstance(value, dt.date):
        return cursor_day(value)
    return dt.date.fromisoformat(str(value)[:10])


def _key_required(table: pa.Table) -> pa.Table:
    """Mark ``record_id`` non-nullable (the stream always fills it), as dlt's key hint says."""
    index = table.schema.get_field_index("record_id")
    if index < 0 or not table.schema.field(index).nullable:
        return table
    schema = table.schema.set(index, table.schema.field(index).with_nullable(False))
    return table.cast(schema)


def _resource_name(*parts: str) -> str:
    return "__".join(re.sub(r"[^a-z0-9_]+", "_", p.lower()).strip("_") for p in parts if p)


def stream_resource(
    connector: Connector[Any] | ConnectorFactory,
    stream: str,
    *,
    accounts: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    lookback: dt.timedelta | None = None,
    name: str | None = None,
    table_name: str | None = None,
    batch_size: int = DEFAULT_PAGE_SIZE,
) -> DltResource:
    """One connector stream as a dlt resource (merge on ``record_id``, incremental cursor).

    Args:
        connector: A connector, or a function that builds one (preferred: each run
            then builds and closes its own).
        stream: The stream's name.
        accounts: The accounts to read (all the settings name by default).
        start: The first day of the first run (the connector's earliest by default).
        end: The last day to read on every run (as far as the source goes by default).
        lookback: Overrides the connector's lookback window (dlt's ``lag``).
        name: The resource's name (default: the connector and stream names).
        table_name: The destination table (default: the record kind).
        batch_size: Records per Arrow table handed to dlt.

    Returns:
        The dlt resource.

    Raises:
        ConfigurationError: The connector has no such stream.
        ImportError: dlt is not installed (the message says how to install it).
    """
    dlt = _dlt()
    factory: ConnectorFactory = (
        (lambda: connector) if isinstance(connector, Connector) else connector
    )
    probe = factory()
    try:
        spec = probe.stream_spec(stream)
        back = probe.lookback(stream) if lookback is None else lookback
        resource_name = name or _resource_name(probe.name, stream)
    finally:
        if probe is not connector:
            probe.close()
    wanted = tuple(accounts)

    def read(first: dt.date | None) -> Iterator[pa.Table]:
        built = factory()
        try:
            request = ReadRequest(stream=stream, start=first, end=end, accounts=wanted)
            for table in built.stream(request).iter_arrow(batch_size):
                yield _key_required(table)
        finally:
            if built is not connector:
                built.close()

    hints: dict[str, Any] = {
        "name": resource_name,
        "table_name": table_name or spec.kind.value,
        "primary_key": "record_id",
        "write_disposition": "merge",
    }
    if spec.cursor is None:

        def whole() -> Iterator[pa.Table]:
            yield from read(start)

        return dlt.resource(whole, **hints)  # type: ignore[no-any-return]

    timestamp = _is_timestamp(spec.kind, spec.cursor)
    initial: dt.date | dt.datetime | None = start
    if start is not None and timestamp:
        initial = dt.datetime.combine(start, dt.time(), dt.UTC)
    lag = back.total_seconds() if timestamp else back.days
    cursor = dlt.sources.incremental(
        spec.cursor,
        initial_value=initial,
        lag=lag or None,
        primary_key=(),  # merge on record_id replaces rows: no boundary deduplication
        on_cursor_value_missing="include",
    )

    def incremental(since: Any = cursor) -> Iterator[pa.Table]:
        yield from read(_start_day(since.last_value))

    return dlt.resource(incremental, **hints)  # type: ignore[no-any-return]


def workspace_resources(
    workspace: Workspace,
    *,
    connections: Sequence[str] = (),
    streams: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    per_account: bool = False,
) -> list[DltResource]:
    """A resource for every enabled stream of every connection of a workspace.

    Args:
        workspace: The workspace.
        connections: Only these connections.
        streams: Only these stream names.
        start: The first day of the first run.
        end: The last day to read on every run.
        per_account: One resource (and cursor) per account, so an account that fails
            does not hold the others back; otherwise one per connection and stream.

    Returns:
        The resources, named ``<connection>__<stream>[__<account>]``.
    """
    out: list[DltResource] = []
    for conn in workspace.connections:
        if connections and conn.name not in connections:
            continue

        def factory(name: str = conn.name) -> Connector[Any]:
            return workspace.connector(name)

        with factory() as probe:
            specs = [s for s in probe.enabled_streams() if not streams or s.name in streams]
        slots = [(a,) for a in conn.accounts] if per_account and conn.accounts else [()]
        for spec in specs:
            for slot in slots:
                out.append(
                    stream_resource(
                        factory,
                        spec.name,
                        accounts=slot or tuple(conn.accounts),
                        start=start,
                        end=end,
                        name=_resource_name(conn.name, spec.name, *slot),
                    )
                )
    return out


def workspace_source(
    workspace: Workspace,
    *,
    name: str = "partnerkit",
    connections: Sequence[str] = (),
    streams: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    per_account: bool = False,
) -> DltSource:
    """The workspace's streams as one dlt source (see :func:`workspace_resources`).

    Args:
        workspace: The workspace.
        name: The source's name (dlt's schema name).
        connections: Only these connections.
        streams: Only these stream names.
        start: The first day of the first run.
        end: The last day to read on every run.
        per_account: One resource per account.
    """
    dlt = _dlt()
    resources = workspace_resources(
        workspace,
        connections=connections,
        streams=streams,
        start=start,
        end=end,
        per_account=per_account,
    )

    def partnerkit_source() -> list[DltResource]:
        return resources

    return dlt.source(partnerkit_source, name=name)()  # type: ignore[no-any-return]
