"""The ingestion tables in the build database: their shape, and the only code that writes them.

All statements are fixed text with bound parameters or registered DataFrames: nothing read from a
file (names, labels, values) is ever spliced into SQL.
"""

from __future__ import annotations

from array import array
from collections import namedtuple
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd


class Table(NamedTuple):
    """An ingestion table from its one column spec: the names inserts use, the DDL, and a row record
    (a named tuple in column order) that the rows built for it are made of."""

    name: str
    columns: tuple[str, ...]
    ddl: str
    row: type


def _table(name: str, row_name: str, spec: str) -> Table:
    """`spec`: one `name type [constraints]` per line, as in a `create table`."""
    lines = [line.strip().rstrip(",") for line in spec.strip().splitlines()]
    columns = tuple(line.split()[0] for line in lines)
    ddl = f"create table if not exists {name} (\n    " + ",\n    ".join(lines) + "\n)"
    # the record's module is this one, where it is bound by its own name below: workers pickle rows
    return Table(name, columns, ddl, namedtuple(row_name, columns, module=__name__))


FILES = _table(
    "ingest_files",
    "FileRow",
    """
    file_id varchar primary key,
    path varchar not null,
    file_name varchar not null,
    content_hash varchar,
    size_bytes bigint not null,
    mtime_ns bigint not null,
    arrival_date date not null,
    kind varchar,
    encoding varchar,
    state varchar not null,
    reason_code varchar,
    duplicate_of varchar,
    n_reports integer not null,
    n_values integer not null,
    n_rejects integer not null
    """,
)
REPORTS = _table(
    "ingest_reports",
    "ReportRow",
    """
    report_id varchar primary key,
    file_id varchar not null,
    sheet varchar,
    kind varchar not null,
    agency_written varchar,
    agency_code varchar not null,
    period_written varchar,
    period_code varchar not null,
    is_correction boolean not null,
    arrival_date date not null,
    path varchar not null,
    is_current boolean not null
    """,
)
VALUES = _table(
    "ingest_values",
    "ValueTableRow",
    """
    file_id varchar not null,
    report_id varchar not null,
    kind varchar not null,
    sheet varchar,
    row_number integer not null,
    row_role varchar not null,
    section varchar,
    agency_written varchar,
    agency_code varchar,
    period_written varchar,
    period_code varchar not null,
    item_code varchar not null,
    value_text varchar,
    value double not null,
    unit varchar
    """,
)
REJECTS = _table(
    "ingest_rejects",
    "RejectRow",
    """
    file_id varchar not null,
    path varchar not null,
    sheet varchar,
    row_number integer,
    reason_code varchar not null,
    message_vi varchar not null,
    message_en varchar not null,
    found varchar
    """,
)
SHEETS = _table(
    "ingest_sheets",
    "SheetRow",
    """
    file_id varchar not null,
    path varchar not null,
    sheet_index integer not null,
    sheet varchar not null,
    role varchar not null,
    reason_code varchar,
    report_id varchar,
    n_cells integer not null,
    n_value_cells integer not null,
    n_part_cells integer not null,
    n_rejected_cells integer not null
    """,
)
FileRow, ReportRow, ValueTableRow, RejectRow, SheetRow = (t.row for t in (FILES, REPORTS, VALUES, REJECTS, SHEETS))
TABLES: dict[str, Table] = {t.name: t for t in (FILES, REPORTS, VALUES, REJECTS, SHEETS)}


# ingest_values arrives from the workers in two parts: per-row columns, and per-segment columns
# (what every row of one report shares), so the shared texts travel once per report, not per row
VALUE_ROW_COLUMNS = (
    "row_number",
    "row_role",
    "section",
    "agency_written",
    "agency_code",
    "item_code",
    "value_text",
    "value",
    "unit",
)
VALUE_SEGMENT_COLUMNS = ("file_id", "report_id", "kind", "sheet", "period_written", "period_code")
assert set(VALUE_ROW_COLUMNS) | set(VALUE_SEGMENT_COLUMNS) == set(VALUES.columns)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in (table.ddl for table in TABLES.values()):
        con.execute(ddl)
    con.execute("create table if not exists ingest_parser (version integer not null)")


def parser_changed(con: duckdb.DuckDBPyConnection, version: int) -> bool:
    """Whether the ingestion tables were written by another version of the parsers (or before
    versions were recorded, if they hold any file): then every file must be parsed again."""
    row = con.execute("select max(version) from ingest_parser").fetchone()
    if row[0] is None:
        return con.execute("select count(*) from ingest_files").fetchone()[0] > 0
    return row[0] != version


def start_over(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Forget every file's rows and record the parsers' version; in the caller's transaction, so a
    run that fails leaves the previous rows and version in place."""
    for table in TABLES:
        con.execute(f"delete from {table}")
    con.execute("delete from ingest_parser")
    con.execute("insert into ingest_parser values (?)", [version])


def delete_files(
    con: duckdb.DuckDBPyConnection, file_ids: Sequence[str], tables: Iterable[str] = tuple(TABLES)
) -> None:
    """Remove everything recorded for these files (they changed, vanished or became duplicates)."""
    if not file_ids:
        return
    ids = pd.DataFrame({"file_id": list(file_ids)})
    con.register("_gone_ids", ids)
    try:
        for table in tables:
            if table not in TABLES:
                raise ValueError(f"not an ingestion table: {table!r}")
            con.execute(f"delete from {table} where file_id in (select file_id from _gone_ids)")
    finally:
        con.unregister("_gone_ids")


def append_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[tuple]) -> int:
    """Bulk-insert tuples in the table's column order."""
    rows = list(rows)
    if not rows:
        return 0
    columns = TABLES[table].columns
    return append_columns(con, table, dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True)))


def append_columns(con: duckdb.DuckDBPyConnection, table: str, values: dict[str, Sequence]) -> int:
    """Bulk-insert whole columns (lists, or arrays of numbers) named as the table's columns.

    DuckDB scans the numpy arrays in place: no row objects and no DataFrame in between."""
    columns = TABLES[table].columns
    incoming = {name: _as_array(values[name]) for name in columns}
    n = len(incoming[columns[0]])
    if n == 0:
        return 0
    if any(len(a) != n for a in incoming.values()):
        raise ValueError(f"columns of unequal length for {table}")
    con.register("_incoming", incoming)
    try:
        con.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(columns)} from _incoming")
    finally:
        con.unregister("_incoming")
    return n


def append_values(con: duckdb.DuckDBPyConnection, rows: dict[str, Sequence], segments: dict[str, Sequence]) -> int:
    """Bulk-insert ingest_values from per-row columns, `seg` (each row's index into the segments)
    among them, and per-segment columns (what all rows of one report share), in row order."""
    seg = _as_array(rows["seg"])
    values: dict[str, Sequence] = {name: rows[name] for name in VALUE_ROW_COLUMNS}
    for name in VALUE_SEGMENT_COLUMNS:
        values[name] = _as_array(segments[name])[seg]  # each row takes its segment's value
    return append_columns(con, "ingest_values", values)


def _as_array(column: Sequence) -> np.ndarray:
    if isinstance(column, np.ndarray):
        return column
    if isinstance(column, array):
        return np.frombuffer(column, dtype=np.float64 if column.typecode == "d" else np.intc)
    out = np.empty(len(column), dtype=object)  # strings and None as they are: no inference
    out[:] = column
    return out


def mark_current_versions(con: duckdb.DuckDBPyConnection) -> None:
    """One current version per report: a correction over an uncorrected version, then the latest
    arrival, then the later path.

    A `(điều chỉnh)` / `(bổ sung)` file is the agency's stated correction of the report: an
    uncorrected version that reaches us later (the original forwarded late, a clerk re-sending
    the first file) must not silently undo it. Among corrections, and among uncorrected versions,
    the latest arrival wins."""
    con.execute(
        """
        update ingest_reports as r
        set is_current = ranked.rn = 1
        from (
            select
                report_id,
                row_number() over (
                    partition by kind, agency_code, period_code
                    order by is_correction desc, arrival_date desc, path desc, sheet desc
                ) as rn
            from ingest_reports
        ) as ranked
        where r.report_id = ranked.report_id
        """
    )
