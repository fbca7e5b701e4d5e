"""One ingestion pass over the raw tree: register files by content hash, parse only what changed.

Used by the Dagster ingestion asset and by the benchmark, so both measure the same code. Every
file ends in exactly one state (loaded, loaded_with_rejects, quarantined, duplicate); a parser
failure quarantines that file and the pass goes on. The pass is planned in `plan`, read and parsed
by `pool`, turned into rows and columns by `columns` and written by `write`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from dagster_project.ingest import store
from dagster_project.ingest.columns import BatchValues
from dagster_project.ingest.plan import KnownFile, Plan, files_to_read, known_files, plan_pass
from dagster_project.ingest.pool import FirstPass, read_and_parse
from dagster_project.ingest.scan import ScannedFile, scan_raw_tree
from dagster_project.ingest.write import (
    Parsed,
    ValueStream,
    clear_replaced,
    refresh_stats,
    state_counts,
    write_parsed,
    write_unparsed,
)

# What an unchanged file yields depends on the parsers: bump this when a parser change alters it,
# and the next run parses every file again (3: cell accounting, sheet roles, formulas without a value)
PARSER_VERSION = 3


@dataclass
class IngestSummary:
    files_seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    parsed: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Pass:
    con: duckdb.DuckDBPyConnection
    raw_root: Path
    registry_dir: Path
    workers: int | None
    scanned: list[ScannedFile]
    known: dict[str, KnownFile]
    read: list[ScannedFile]  # files read in the first pass


def ingest_raw_tree(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    registry_dir: Path,
    *,
    workers: int | None = None,
) -> IngestSummary:
    store.ensure_tables(con)
    scanned = scan_raw_tree(raw_root)
    fresh_start = _start(con)
    known = known_files(con)
    run = _Pass(con, raw_root, registry_dir, workers, scanned, known, files_to_read(scanned, known))
    # One read per new or re-stamped file: a worker hashes it and, unless those bytes were parsed
    # before, parses it in the same go. A parse of what turns out to be a duplicate is dropped.
    stream = ValueStream(con, known, in_transaction=fresh_start)
    try:
        first = read_and_parse(raw_root, registry_dir, run.read, known, workers, on_batch=stream.add)
        stream.flush()
        return _record(run, first, stream)
    except BaseException:
        if stream.in_transaction:
            con.execute("rollback")
        raise


def _start(con: duckdb.DuckDBPyConnection) -> bool:
    """Record the parsers' version; when the rows were written by other parsers, they are forgotten
    in the run's transaction, begun here (returns whether it was), and every file is new again."""
    fresh_start = store.parser_changed(con, PARSER_VERSION)
    if fresh_start:
        con.execute("begin transaction")
    try:
        if fresh_start or con.execute("select count(*) from ingest_parser").fetchone()[0] == 0:
            store.start_over(con, PARSER_VERSION)
    except BaseException:
        if fresh_start:
            con.execute("rollback")
        raise
    return fresh_start


def _record(run: _Pass, first: FirstPass, stream: ValueStream) -> IngestSummary:
    """Settle each file's state from the first pass and write it all in the run's one transaction
    (begun already when value rows were streamed in); the caller rolls back on failure."""
    con = run.con
    plan = plan_pass(run.scanned, run.known, run.read, {path: f.digest for path, f in first.files.items()})
    summary = IngestSummary(files_seen=len(run.scanned), removed=len(plan.removed), **plan.changes)
    if plan.writes_nothing:
        if stream.in_transaction:  # the parsers changed and the tree is empty: the rows are forgotten
            stream.commit()
        summary.states = state_counts(con)
        return summary

    stream.begin()
    clear_replaced(con, plan, stream.file_ids)
    parsed, columns = _parses(run, plan, first)
    summary.parsed = len(parsed)
    summary.rows_loaded, summary.rows_rejected = write_parsed(con, parsed, columns, plan.hashes, stream.file_ids)
    write_unparsed(con, plan.restate, plan.hashes, plan.originals)
    refresh_stats(con, plan.stat_only)
    store.mark_current_versions(con)
    stream.commit()
    summary.states = state_counts(con)
    return summary


def _parses(run: _Pass, plan: Plan, first: FirstPass) -> tuple[dict[str, Parsed], list[BatchValues]]:
    """The parse of every file to parse, and the value columns they point into: from the first pass,
    or from a second one for the rare file whose bytes did not change but that became an original
    (its twin went away)."""
    parsed = {
        f.path: Parsed(f, first.files[f.path].result)
        for f in plan.to_parse
        if f.path in first.files and first.files[f.path].result is not None
    }
    second_pass = [f for f in plan.to_parse if f.path not in parsed]
    if not second_pass:
        return parsed, first.columns
    by_path = {f.path: f for f in second_pass}
    second = read_and_parse(run.raw_root, run.registry_dir, second_pass, {}, run.workers, len(first.columns))
    for path, hashed in second.files.items():
        parsed[path] = Parsed(by_path[path], hashed.result)
    return parsed, first.columns + second.columns
