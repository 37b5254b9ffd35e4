"""Write Arrow tables of records into a DuckDB file, merging by ``record_id``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.errors import ConfigurationError

if TYPE_CHECKING:
    import pyarrow as pa


def upsert_tables(path: Path, tables: dict[str, pa.Table]) -> None:
    """Upsert each table into ``<kind>`` by ``record_id``: re-pulled rows replace old ones.

    New columns (an ``extra.*`` metric not seen before) are added to the table.
    """
    try:
        import duckdb
    except ImportError:  # pragma: no cover - depends on the environment
        raise ConfigurationError(
            "writing .duckdb needs duckdb: `uv add duckdb` or `pip install 'partnerkit[duckdb]'`"
        ) from None
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN")
        for kind, table in tables.items():
            con.register("incoming", table)
            con.execute(f'CREATE TABLE IF NOT EXISTS "{kind}" AS SELECT * FROM incoming LIMIT 0')
            have = {row[0] for row in con.execute(f'DESCRIBE "{kind}"').fetchall()}
            for field in table.schema:
                if field.name not in have:
                    sql_type = con.execute(
                        f'SELECT typeof("{field.name}") FROM incoming LIMIT 1'
                    ).fetchone()
                    con.execute(
                        f'ALTER TABLE "{kind}" ADD COLUMN "{field.name}" '
                        f"{sql_type[0] if sql_type else 'VARCHAR'}"
                    )
            con.execute(f'DELETE FROM "{kind}" WHERE record_id IN (SELECT record_id FROM incoming)')
            con.execute(f'INSERT INTO "{kind}" BY NAME SELECT * FROM incoming')
            con.unregister("incoming")
        con.execute("COMMIT")
    finally:
        con.close()
