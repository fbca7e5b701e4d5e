"""One ingestion pass over the raw tree: register files by content hash, parse only what changed.

Used by the Dagster ingestion asset and by the benchmark, so both measure the same code. Every
file ends in exactly one state (loaded, loaded_with_rejects, quarantined, duplicate); a parser
failure quarantines that file and the pass goes on.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import duckdb
import numpy as np

from dagster_project.ingest import store
from dagster_project.ingest.parsing import AgencyRegistry, ParsedFile, Reject, ValueRow, parse_file
from dagster_project.ingest.parsing.model import ValueColumns
from dagster_project.ingest.scan import (
    ScannedFile,
    content_hash,
    file_id_for,
    read_raw_file,
    scan_raw_tree,
)

# Below this many files a process pool costs more than it saves.
_PARALLEL_THRESHOLD = 64
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


@dataclass(frozen=True, slots=True)
class _Known:
    file_id: str
    content_hash: str | None
    size_bytes: int
    mtime_ns: int
    state: str
    duplicate_of: str | None


def ingest_raw_tree(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    registry_dir: Path,
    *,
    workers: int | None = None,
) -> IngestSummary:
    store.ensure_tables(con)
    summary = IngestSummary()
    scanned = scan_raw_tree(raw_root)
    summary.files_seen = len(scanned)
    # rows written by other parsers are forgotten in the run's transaction: every file is new again
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
    known = _known_files(con)

    # One read per new or re-stamped file: a worker hashes it and, unless those bytes were parsed
    # before, parses it in the same go. A parse of what turns out to be a duplicate is dropped.
    stale = [f for f in scanned if not f.outside_raw_tree and not _same_stat(known.get(f.path), f)]
    stream = _ValueStream(con, known)
    stream.in_transaction = fresh_start
    try:
        first = _read_and_parse(raw_root, registry_dir, stale, known, workers, on_batch=stream.add)
        stream.flush()
        return _record(con, raw_root, registry_dir, workers, summary, known, scanned, stale, first, stream)
    except BaseException:
        if stream.in_transaction:
            con.execute("rollback")
        raise


def _record(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    registry_dir: Path,
    workers: int | None,
    summary: IngestSummary,
    known: dict[str, _Known],
    scanned: list[ScannedFile],
    stale: list[ScannedFile],
    first: _FirstPass,
    stream: _ValueStream,
) -> IngestSummary:
    """Settle each file's state from the first pass and write it all in the run's one transaction
    (begun already when value rows were streamed in); the caller rolls back on failure."""
    first_pass = first.files
    hashes: dict[str, str | None] = {}
    touched: set[str] = {f.path for f in stale}
    for f in scanned:
        before = known.get(f.path)
        if f.outside_raw_tree:
            hashes[f.path] = None
        elif f.path in first_pass:
            hashes[f.path] = first_pass[f.path][0]
        else:
            hashes[f.path] = before.content_hash
        if before is None:
            summary.new += 1
            touched.add(f.path)
        elif before.content_hash != hashes[f.path]:
            summary.changed += 1
        else:
            summary.unchanged += 1

    scanned_paths = {f.path for f in scanned}
    removed = [p for p in known if p not in scanned_paths]
    summary.removed = len(removed)

    originals = _duplicate_map(scanned, hashes)
    # a file needs parsing when it is an original now and was not parsed with these bytes before
    to_parse = [
        f
        for f in scanned
        if originals.get(f.path) is None
        and not f.outside_raw_tree
        and not _already_parsed(known.get(f.path), hashes[f.path])
    ]
    parse_paths = {f.path for f in to_parse}
    # files recorded anew without parsing: new or changed duplicates and links, and files whose
    # duplicate role flipped; files whose bytes are unchanged only get their stat refreshed
    restate, stat_only = [], []
    for f in scanned:
        if f.path in parse_paths:
            continue
        before = known.get(f.path)
        if (
            before is None
            or before.content_hash != hashes[f.path]
            or _duplicate_role_changed(before, originals.get(f.path))
        ):
            restate.append(f)
        elif f.path in touched:
            stat_only.append(f)
    if not to_parse and not restate and not stat_only and not removed:
        if stream.in_transaction:  # the parsers changed and the tree is empty: the rows are forgotten
            con.execute("commit")
        summary.states = _state_counts(con)
        return summary

    if not stream.in_transaction:
        con.execute("begin transaction")
        stream.in_transaction = True
    gone = [file_id_for(p) for p in removed] + [file_id_for(f.path) for f in restate]
    redo = [file_id_for(f.path) for f in to_parse]
    # the streamed rows of files parsed now are theirs already: only other tables are cleared
    store.delete_files(con, gone + [fid for fid in redo if fid not in stream.file_ids], store.TABLES)
    store.delete_files(con, [fid for fid in redo if fid in stream.file_ids], _TABLES_BUT_VALUES)
    parsed = {
        f.path: (f, first_pass[f.path][1])
        for f in to_parse
        if f.path in first_pass and first_pass[f.path][1] is not None
    }
    # rare: a file whose bytes did not change but that became an original (its twin went away)
    second_pass = [f for f in to_parse if f.path not in parsed]
    columns = first.columns
    if second_pass:
        by_path = {f.path: f for f in second_pass}
        second = _read_and_parse(raw_root, registry_dir, second_pass, {}, workers, len(columns))
        columns = columns + second.columns
        for path, (_, fr) in second.files.items():
            parsed[path] = (by_path[path], fr)
    summary.parsed = len(parsed)
    rows_loaded, rows_rejected = _write_parsed(con, parsed, columns, hashes, stream.file_ids)
    summary.rows_loaded, summary.rows_rejected = rows_loaded, rows_rejected
    _write_unparsed(con, restate, hashes, originals)
    for f in stat_only:
        con.execute(
            "update ingest_files set size_bytes = ?, mtime_ns = ? where file_id = ?",
            [f.size_bytes, f.mtime_ns, file_id_for(f.path)],
        )
    store.mark_current_versions(con)
    con.execute("commit")
    stream.in_transaction = False
    summary.states = _state_counts(con)
    return summary


def _file_name(path: str) -> str:
    """The last part of a raw-tree path (posix, as the scan writes it): `PurePosixPath(path).name`."""
    return path.rsplit("/", 1)[-1]


def _known_files(con: duckdb.DuckDBPyConnection) -> dict[str, _Known]:
    rows = con.execute(
        "select path, file_id, content_hash, size_bytes, mtime_ns, state, duplicate_of from ingest_files"
    ).fetchall()
    return {r[0]: _Known(*r[1:]) for r in rows}


def _duplicate_map(scanned: list[ScannedFile], hashes: dict[str, str | None]) -> dict[str, str | None]:
    """path -> the path it duplicates (None for an original): first by arrival date, then path."""
    first_holder: dict[str, str] = {}
    result: dict[str, str | None] = {}
    for f in sorted(scanned, key=lambda s: (s.arrival_date, s.path)):
        digest = hashes[f.path]
        if digest is None:
            result[f.path] = None
            continue
        holder = first_holder.setdefault(digest, f.path)
        result[f.path] = None if holder == f.path else holder
    return result


def _same_stat(before: _Known | None, f: ScannedFile) -> bool:
    return before is not None and before.size_bytes == f.size_bytes and before.mtime_ns == f.mtime_ns


def _already_parsed(before: _Known | None, digest: str | None) -> bool:
    return before is not None and before.content_hash == digest and before.state not in ("duplicate",)


def _duplicate_role_changed(before: _Known | None, duplicate_of: str | None) -> bool:
    return before is not None and before.duplicate_of != duplicate_of


# -- parsing, possibly in worker processes -------------------------------------------------
#
# Workers take batches of files and send back, per batch, one small record per file and the value
# rows of all its files as columns (row numbers and values as typed arrays): pickling a few lists
# of shared strings costs a fraction of pickling one object per value. The main process then only
# stitches columns together and hands them to DuckDB as arrays.

_worker_registry: AgencyRegistry | None = None
_worker_root: Path | None = None

# files per task: small enough to spread a few heavy files (the portal's CSVs) over the workers
_BATCH_FILES = 128
_PARSE_GC_THRESHOLD = (50_000, 50, 100)
# ValueRow fields shared by every row of a report (a segment), and field -> column for the others
_SEGMENT_FIELDS = ("report_index", "sheet", "period_written", "period_code")
_FIELD_COLUMNS = tuple((f, "row_number" if f == "row" else f) for f in ValueRow._fields if f not in _SEGMENT_FIELDS)
# per batch: value rows as columns (with `seg`), and the segments they point into
_BatchValues = tuple[dict[str, list | array], dict[str, list]]
_TABLES_BUT_VALUES = [t for t in store.TABLES if t != "ingest_values"]


def _init_worker(raw_root: Path, registry_dir: Path) -> None:
    global _worker_registry, _worker_root
    _worker_registry = AgencyRegistry.from_dir(registry_dir)
    _worker_root = raw_root


def _init_pool_worker(raw_root: Path, registry_dir: Path) -> None:
    _init_worker(raw_root, registry_dir)
    # parsing allocates many short-lived containers and next to no cycles: collect rarely
    gc.freeze()
    gc.set_threshold(*_PARSE_GC_THRESHOLD)


class _FileResult(NamedTuple):
    """A parsed file as the tables want it; its values are rows [start, end) of its batch's columns."""

    kind: str | None
    encoding: str | None
    state: str
    reason_code: str | None
    n_reports: int
    n_values: int
    n_rejects: int
    reports: list[tuple]
    rejects: list[tuple]
    sheets: list[tuple]
    batch: int
    start: int
    end: int


def _new_columns() -> dict[str, list | array]:
    """A batch's value rows: per-row columns, and `seg` pointing into its segments."""
    cols: dict[str, list | array] = {c: [] for c in store.VALUE_ROW_COLUMNS}
    cols["row_number"], cols["value"], cols["seg"] = array("i"), array("d"), array("i")
    return cols


def _new_segments() -> dict[str, list]:
    """A batch's segments: what every value row of one report shares (file, report, sheet, period)."""
    return {c: [] for c in store.VALUE_SEGMENT_COLUMNS}


def _hash_and_parse_batch(
    task: tuple[int, list[tuple[str, dt.date, str | None]]],
) -> tuple[list[tuple[str, str, _FileResult | None]], _BatchValues]:
    """Read each file once: its content hash, and its parse unless these bytes were parsed before."""
    batch, items = task
    assert _worker_registry is not None and _worker_root is not None
    cols, segs = _new_columns(), _new_segments()
    results = []
    for path, arrival, parsed_hash in items:
        data = read_raw_file(_worker_root, path)
        digest = content_hash(data)
        if digest == parsed_hash:
            results.append((path, digest, None))
            continue
        try:
            pf = parse_file(_file_name(path), data, _worker_registry, arrival)
        except Exception as exc:  # noqa: BLE001 - a parser bug must cost one file, never the run
            pf = _parser_error(exc)
        results.append((path, digest, _file_result(path, arrival, pf, batch, cols, segs)))
    return results, (cols, segs)


def _file_result(path: str, arrival: dt.date, pf: ParsedFile, batch: int, cols: dict, segs: dict) -> _FileResult:
    fid = file_id_for(path)
    file_rejects = [pf.quarantine] if pf.quarantine is not None else pf.rejects
    reports = [
        (
            f"{fid}:{i}",
            fid,
            rep.sheet,
            pf.kind,
            rep.agency_written,
            rep.agency_code,
            rep.period_written,
            rep.period_code,
            rep.is_correction,
            arrival,
            path,
            False,
        )
        for i, rep in enumerate(pf.reports)
    ]
    rejects = [(fid, path, r.sheet, r.row, r.reason_code, r.message_vi, r.message_en, r.found) for r in file_rejects]
    sheets = [
        (
            fid,
            path,
            s.index + 1,
            s.name,
            s.role,
            s.reason_code,
            f"{fid}:{s.report_index}" if s.report_index is not None else None,
            s.cells,
            s.value_cells,
            s.part_cells,
            s.rejected_cells,
        )
        for s in pf.sheets
    ]
    start = len(cols["value"])
    values = pf.values if isinstance(pf.values, ValueColumns) else ValueColumns.from_rows(list(pf.values))
    n = len(values)
    if n:
        shared = values.columns
        if not any(isinstance(shared[f], list) for f in _SEGMENT_FIELDS):
            # one report: its rows make one segment
            cols["seg"].extend([len(segs["file_id"])] * n)
            _add_segment(segs, fid, pf.kind, *(shared[f] for f in _SEGMENT_FIELDS))
        else:
            # rows of several reports (sheets): a segment per run of rows sharing all four
            current = None
            for key in zip(*(values.column(f) for f in _SEGMENT_FIELDS), strict=True):
                if key != current:
                    current = key
                    _add_segment(segs, fid, pf.kind, *key)
                cols["seg"].append(len(segs["file_id"]) - 1)
        for field, column in _FIELD_COLUMNS:
            cols[column].extend(values.column(field))
    return _FileResult(
        pf.kind,
        pf.encoding,
        _state_of(pf),
        pf.quarantine.reason_code if pf.quarantine is not None else None,
        len(pf.reports),
        n,
        len(file_rejects),
        reports,
        rejects,
        sheets,
        batch,
        start,
        start + n,
    )


def _add_segment(
    segs: dict[str, list], fid: str, kind: str | None, report_index: int, sheet, period_written, period_code
) -> None:
    segs["file_id"].append(fid)
    segs["report_id"].append(f"{fid}:{report_index}")
    segs["kind"].append(kind)
    segs["sheet"].append(sheet)
    segs["period_written"].append(period_written)
    segs["period_code"].append(period_code)


def _parser_error(exc: Exception) -> ParsedFile:
    return ParsedFile(
        kind=None,
        encoding=None,
        reports=[],
        values=[],
        rejects=[],
        quarantine=Reject(
            sheet=None,
            row=None,
            reason_code="parser_error",
            message_vi=f"Không đọc được tệp do lỗi chương trình ({type(exc).__name__}: {exc}); "
            "tệp vẫn được lưu nguyên, nhóm dữ liệu sẽ kiểm tra.",
            message_en=f"The file could not be read because of a program error ({type(exc).__name__}: "
            f"{exc}); it is kept as sent and the data team will look into it.",
            found=None,
        ),
    )


@dataclass
class _FirstPass:
    """path -> (content hash, parse or None when the bytes were already parsed), and the value
    columns of every batch the parses point into."""

    files: dict[str, tuple[str, _FileResult | None]]
    columns: list[_BatchValues]


def _read_and_parse(
    raw_root: Path,
    registry_dir: Path,
    files: list[ScannedFile],
    known: dict[str, _Known],
    workers: int | None,
    batches_before: int = 0,
    on_batch: Callable[[int, list[tuple[str, str, _FileResult | None]], _BatchValues], None] | None = None,
) -> _FirstPass:
    """Hash and parse in batches; `on_batch` sees each batch as it arrives, in order."""
    items = []
    for f in files:
        before = known.get(f.path)
        parsed_hash = before.content_hash if before is not None and before.state != "duplicate" else None
        items.append((f.path, f.arrival_date, parsed_hash))
    if not items:
        return _FirstPass({}, [])
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    parallel = n_workers > 1 and len(items) >= _PARALLEL_THRESHOLD
    size = min(_BATCH_FILES, -(-len(items) // (n_workers * 4))) if parallel else len(items)
    tasks = [(batches_before + i, items[j : j + size]) for i, j in enumerate(range(0, len(items), size))]
    first = _FirstPass({}, [])

    def take(results: Iterable[tuple[list, _BatchValues]]) -> None:
        for (batch, _), (batch_files, values) in zip(tasks, results, strict=True):
            for path, digest, fr in batch_files:
                first.files[path] = (digest, fr)
            first.columns.append(values)
            if on_batch is not None:
                on_batch(batch, batch_files, values)

    if not parallel:
        _init_worker(raw_root, registry_dir)
        gc_threshold = gc.get_threshold()
        gc.set_threshold(*_PARSE_GC_THRESHOLD)
        try:
            take(map(_hash_and_parse_batch, tasks))
        finally:
            gc.set_threshold(*gc_threshold)
    else:
        with ProcessPoolExecutor(
            max_workers=n_workers, initializer=_init_pool_worker, initargs=(raw_root, registry_dir)
        ) as pool:
            take(pool.map(_hash_and_parse_batch, tasks))
    return first


class _ValueStream:
    """Value rows of new files go into ingest_values while the workers still parse, in the run's
    transaction (begun with the first rows): inserting them all after the last file would keep one
    core idle. A new file has no rows to replace; if it turns out to be a duplicate, its rows go
    with its other records. Rows of files seen before wait for the end, when their old rows go."""

    _FLUSH_ROWS = 100_000

    def __init__(self, con: duckdb.DuckDBPyConnection, known: dict[str, _Known]):
        self.con, self.known = con, known
        self.in_transaction = False
        self.file_ids: set[str] = set()  # files whose value rows are in already
        self._batches: list[_BatchValues] = []
        self._runs: list[tuple[int, int, int]] = []
        self._pending = 0

    def add(self, batch: int, batch_files: list[tuple[str, str, _FileResult | None]], values: _BatchValues) -> None:
        local = len(self._batches)
        self._batches.append(values)
        for path, _, fr in batch_files:
            if fr is None or path in self.known:
                continue
            self.file_ids.add(file_id_for(path))
            if fr.start < fr.end:
                _add_run(self._runs, local, fr.start, fr.end)
                self._pending += fr.end - fr.start
        if self._pending >= self._FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._runs:
            if not self.in_transaction:
                self.con.execute("begin transaction")
                self.in_transaction = True
            store.append_values(self.con, *_gather_values(self._batches, self._runs))
        self._batches, self._runs, self._pending = [], [], 0


def _add_run(runs: list, batch: int, start: int, end: int) -> None:
    """Extend the last run of value rows when this one follows it in the same batch."""
    if runs and runs[-1][0] == batch and runs[-1][2] == start:
        runs[-1] = (batch, runs[-1][1], end)
    else:
        runs.append((batch, start, end))


def _gather_values(
    batches: list[_BatchValues], runs: list[tuple[int, int, int]]
) -> tuple[dict[str, list | np.ndarray], dict[str, list]]:
    """The value rows of the runs (batch, start, end), in order, and the segments they point into."""
    rows: dict[str, list | np.ndarray] = {name: [] for name in store.VALUE_ROW_COLUMNS}
    segments = _new_segments()
    offsets = []
    for _, batch_segs in batches:
        offsets.append(len(segments["file_id"]))
        for name, target in segments.items():
            target.extend(batch_segs[name])
    seg_parts = []
    for batch, start, end in runs:
        cols = batches[batch][0]
        whole = start == 0 and end == len(cols["value"])
        for name in store.VALUE_ROW_COLUMNS:
            rows[name].extend(cols[name] if whole else cols[name][start:end])
        seg_parts.append(np.frombuffer(cols["seg"], dtype=np.intc)[start:end] + offsets[batch])
    rows["seg"] = np.concatenate(seg_parts) if seg_parts else np.zeros(0, dtype=np.intc)
    return rows, segments


# -- writing -------------------------------------------------------------------------------


def _state_of(pf: ParsedFile) -> str:
    if pf.quarantine is not None:
        return "quarantined"
    return "loaded_with_rejects" if pf.rejects else "loaded"


def _write_parsed(
    con: duckdb.DuckDBPyConnection,
    parsed: dict[str, tuple[ScannedFile, _FileResult]],
    columns: list[_BatchValues],
    hashes: dict[str, str | None],
    streamed: set[str],
) -> tuple[int, int]:
    """Files, reports and rejects of the parsed files, and their value rows unless streamed in."""
    files, reports, rejects, sheets = [], [], [], []
    runs: list[tuple[int, int, int]] = []  # value rows still to insert: whole batches, usually
    n_values = 0
    for path in sorted(parsed):
        f, fr = parsed[path]
        fid = file_id_for(path)
        files.append(
            (
                fid,
                path,
                _file_name(path),
                hashes[path],
                f.size_bytes,
                f.mtime_ns,
                f.arrival_date,
                fr.kind,
                fr.encoding,
                fr.state,
                fr.reason_code,
                None,
                fr.n_reports,
                fr.n_values,
                fr.n_rejects,
            )
        )
        reports.extend(fr.reports)
        rejects.extend(fr.rejects)
        sheets.extend(fr.sheets)
        n_values += fr.n_values
        if fr.start < fr.end and fid not in streamed:
            _add_run(runs, fr.batch, fr.start, fr.end)
    store.append_rows(con, "ingest_files", files)
    store.append_rows(con, "ingest_reports", reports)
    store.append_rows(con, "ingest_sheets", sheets)
    if runs:
        store.append_values(con, *_gather_values(columns, runs))
    return n_values, store.append_rows(con, "ingest_rejects", rejects)


def _write_unparsed(
    con: duckdb.DuckDBPyConnection,
    files: list[ScannedFile],
    hashes: dict[str, str | None],
    originals: dict[str, str | None],
) -> None:
    """Record duplicates and links that lead outside the tree: neither is ever parsed."""
    rows, rejects = [], []
    for f in files:
        fid = file_id_for(f.path)
        name = PurePosixPath(f.path).name
        if f.outside_raw_tree:
            rows.append(
                (
                    fid,
                    f.path,
                    name,
                    None,
                    f.size_bytes,
                    f.mtime_ns,
                    f.arrival_date,
                    None,
                    None,
                    "quarantined",
                    "outside_raw_tree",
                    None,
                    0,
                    0,
                    1,
                )
            )
            rejects.append(
                (
                    fid,
                    f.path,
                    None,
                    None,
                    "outside_raw_tree",
                    (
                        f"Tệp '{f.path}' là liên kết trỏ ra ngoài thư mục dữ liệu gốc nên không được đọc; "
                        "hãy chép chính tệp vào thư mục."
                    ),
                    (
                        f"'{f.path}' is a link pointing outside the raw tree, so it was not read; copy the file "
                        "itself into the tree."
                    ),
                    f.path,
                )
            )
        else:
            rows.append(
                (
                    fid,
                    f.path,
                    name,
                    hashes[f.path],
                    f.size_bytes,
                    f.mtime_ns,
                    f.arrival_date,
                    None,
                    None,
                    "duplicate",
                    None,
                    originals[f.path],
                    0,
                    0,
                    0,
                )
            )
    store.append_rows(con, "ingest_files", rows)
    store.append_rows(con, "ingest_rejects", rejects)


def _state_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(
        Counter(
            {state: n for state, n in con.execute("select state, count(*) from ingest_files group by 1").fetchall()}
        )
    )
