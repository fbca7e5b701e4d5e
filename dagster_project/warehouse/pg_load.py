"""What the refresh writes into the DuckDB build database before dbt runs — the ingestion tables, the reviews
and the agency registry — copied into a PostgreSQL database with COPY (never row inserts).

Everything goes into one schema, the run's build schema (`schema`): the ingestion tables under their own names
(the dbt sources' schema is the target's), the registry as text, one table per CSV file named
`registry__<file stem>`: the
registry models read it there on Postgres (dbt/macros/registry_csv.sql) instead of asking the server to
open a file on its own disk.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import duckdb

from dagster_project.sql import quote_ident, quote_literal

# the tables dbt reads as sources (dbt/models/staging/_ingest__sources.yml, quality/_reviews__sources.yml) and
# ingest_sheets, which is published as ingestion wrote it
SOURCE_TABLES = ("ingest_files", "ingest_sheets", "ingest_reports", "ingest_values", "ingest_rejects", "dq_reviews")
DEFAULT_SCHEMA = "main"
REGISTRY_PREFIX = "registry__"

_POSTGRES_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(38, 0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


def postgres_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "numeric")
    return _POSTGRES_TYPES[duckdb_type]


def copy_sources(
    duck: duckdb.DuckDBPyConnection, pg, tables: tuple[str, ...] = SOURCE_TABLES, schema: str = DEFAULT_SCHEMA
) -> dict[str, int]:
    """Create each table in `schema` of the Postgres database with the DuckDB column types, COPY its
    rows in as CSV (DuckDB quotes an empty string, leaves a null empty: COPY reads them back the same)
    and analyze it: a table filled by COPY has no planner statistics until autovacuum comes round."""
    counts = {}
    with pg.cursor() as cur:
        cur.execute(f"create schema if not exists {quote_ident(schema)}")
        for table in tables:
            columns = duck.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = 'main' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            target = f"{quote_ident(schema)}.{quote_ident(table)}"
            cur.execute(f"drop table if exists {target}")
            cur.execute(
                f"create table {target} ({', '.join(f'{quote_ident(c)} {postgres_type(t)}' for c, t in columns)})"
            )
            with tempfile.TemporaryDirectory() as folder:
                csv_path = Path(folder) / "rows.csv"
                duck.execute(
                    f"copy main.{quote_ident(table)} to {quote_literal(str(csv_path))} (format csv, header true)"
                )
                with csv_path.open(encoding="utf-8") as rows:
                    cur.copy_expert(f"copy {target} from stdin with (format csv, header true)", rows)
            counts[table] = cur.rowcount
            cur.execute(f"analyze {target}")  # statistics before dbt plans on it (dbt/macros/postgres_planner.sql)
    pg.commit()
    return counts


def copy_registry(registry_dir: Path, pg, schema: str = DEFAULT_SCHEMA) -> dict[str, int]:
    """Each CSV file of the registry folder as a table of text columns in `schema`, named `registry__<stem>`
    (its header gives the columns), filled by COPY from this client: the server reads no file."""
    counts = {}
    with pg.cursor() as cur:
        cur.execute(f"create schema if not exists {quote_ident(schema)}")
        for path in sorted(registry_dir.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as rows:
                header = next(csv.reader(rows))
                target = f"{quote_ident(schema)}.{quote_ident(REGISTRY_PREFIX + path.stem)}"
                cur.execute(f"drop table if exists {target}")
                cur.execute(f"create table {target} ({', '.join(f'{quote_ident(c)} text' for c in header)})")
                rows.seek(0)
                cur.copy_expert(f"copy {target} from stdin with (format csv, header true)", rows)
                counts[path.stem] = cur.rowcount
    pg.commit()
    return counts


def copy_build_inputs(duck: duckdb.DuckDBPyConnection, pg, schema: str, registry_dir: Path) -> dict[str, int]:
    """Everything dbt reads, into a run's build schema: the source tables of the DuckDB build database and the
    registry's CSV files; rows per table created."""
    counts = copy_sources(duck, pg, schema=schema)
    counts.update({REGISTRY_PREFIX + stem: n for stem, n in copy_registry(registry_dir, pg, schema).items()})
    return counts
