"""Writing a pass into the ingestion tables, all in the run's one transaction: value rows streamed in
while the workers still parse, then every file's records once the plan is settled.
"""

from __future__ import annotations

from typing import NamedTuple

import duckdb

from dagster_project.ingest import store
from dagster_project.ingest.columns import (
    BatchValues,
    FileResult,
    ValueRun,
    add_run,
    duplicate_file_row,
    gather_values,
    outside_file_row,
    outside_reject_row,
    parsed_file_row,
)
from dagster_project.ingest.plan import KnownFile, Plan
from dagster_project.ingest.pool import Batch
from dagster_project.ingest.scan import ScannedFile, file_id_for

_TABLES_BUT_VALUES = [t for t in store.TABLES if t != "ingest_values"]


class Parsed(NamedTuple):
    file: ScannedFile
    result: FileResult


class ValueStream:
    """Value rows of new files go into ingest_values while the workers still parse, in the run's
    transaction (begun with the first rows): inserting them all after the last file would keep one
    core idle. A new file has no rows to replace; if it turns out to be a duplicate, its rows go
    with its other records. Rows of files seen before wait for the end, when their old rows go."""

    _FLUSH_ROWS = 100_000

    def __init__(self, con: duckdb.DuckDBPyConnection, known: dict[str, KnownFile], *, in_transaction: bool):
        self.con, self.known = con, known
        self.in_transaction = in_transaction
        self.file_ids: set[str] = set()  # files whose value rows are in already
        self._batches: list[BatchValues] = []
        self._runs: list[ValueRun] = []
        self._pending = 0

    def begin(self) -> None:
        if not self.in_transaction:
            self.con.execute("begin transaction")
            self.in_transaction = True

    def commit(self) -> None:
        self.con.execute("commit")
        self.in_transaction = False

    def add(self, batch: Batch) -> None:
        local = len(self._batches)
        self._batches.append(batch.values)
        for path, _, fr in batch.files:
            if fr is None or path in self.known:
                continue
            self.file_ids.add(file_id_for(path))
            if fr.start < fr.end:
                add_run(self._runs, local, fr.start, fr.end)
                self._pending += fr.end - fr.start
        if self._pending >= self._FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._runs:
            self.begin()
            store.append_values(self.con, *gather_values(self._batches, self._runs))
        self._batches, self._runs, self._pending = [], [], 0


def clear_replaced(con: duckdb.DuckDBPyConnection, plan: Plan, streamed: set[str]) -> None:
    """Remove the rows of removed, restated and re-parsed files; the streamed value rows of files
    parsed now are theirs already, so only those files' other tables are cleared."""
    gone = [file_id_for(p) for p in plan.removed] + [file_id_for(f.path) for f in plan.restate]
    redo = [file_id_for(f.path) for f in plan.to_parse]
    store.delete_files(con, gone + [fid for fid in redo if fid not in streamed], store.TABLES)
    store.delete_files(con, [fid for fid in redo if fid in streamed], _TABLES_BUT_VALUES)


def write_parsed(
    con: duckdb.DuckDBPyConnection,
    parsed: dict[str, Parsed],
    columns: list[BatchValues],
    hashes: dict[str, str | None],
    streamed: set[str],
) -> tuple[int, int]:
    """Files, reports, sheets and rejects of the parsed files, and their value rows unless streamed
    in; returns (value rows, rejects)."""
    files, reports, rejects, sheets = [], [], [], []
    runs: list[ValueRun] = []  # value rows still to insert: whole batches, usually
    n_values = 0
    for path in sorted(parsed):
        f, fr = parsed[path]
        files.append(parsed_file_row(f, fr, hashes[path]))
        reports.extend(fr.reports)
        rejects.extend(fr.rejects)
        sheets.extend(fr.sheets)
        n_values += fr.n_values
        if fr.start < fr.end and file_id_for(path) not in streamed:
            add_run(runs, fr.batch, fr.start, fr.end)
    store.append_rows(con, "ingest_files", files)
    store.append_rows(con, "ingest_reports", reports)
    store.append_rows(con, "ingest_sheets", sheets)
    if runs:
        store.append_values(con, *gather_values(columns, runs))
    return n_values, store.append_rows(con, "ingest_rejects", rejects)


def write_unparsed(
    con: duckdb.DuckDBPyConnection,
    files: list[ScannedFile],
    hashes: dict[str, str | None],
    originals: dict[str, str | None],
) -> None:
    """Record duplicates and links that lead outside the tree: neither is ever parsed."""
    outside = [f for f in files if f.outside_raw_tree]
    rows = [
        outside_file_row(f) if f.outside_raw_tree else duplicate_file_row(f, hashes[f.path], originals[f.path])
        for f in files
    ]
    store.append_rows(con, "ingest_files", rows)
    store.append_rows(con, "ingest_rejects", [outside_reject_row(f) for f in outside])


def refresh_stats(con: duckdb.DuckDBPyConnection, files: list[ScannedFile]) -> None:
    """Files whose bytes did not change but whose size or modification time did."""
    for f in files:
        con.execute(
            "update ingest_files set size_bytes = ?, mtime_ns = ? where file_id = ?",
            [f.size_bytes, f.mtime_ns, file_id_for(f.path)],
        )


def state_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute("select state, count(*) from ingest_files group by 1").fetchall())
