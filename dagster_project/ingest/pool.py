"""The worker pool: files are read in batches, each read once to hash it and, unless those bytes were
parsed before, to parse it; a parser failure costs that file, never the run.

Workers send back, per batch, one small record per file and the value rows of all its files as
columns (`columns.BatchValues`); the main process only stitches columns together. Below a few dozen
files the batches run in this process: a pool would cost more than it saves.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from dagster_project.ingest.columns import BatchValues, FileResult, file_name, file_result, new_batch_values
from dagster_project.ingest.parsing import AgencyRegistry, ParsedFile, Reject, parse_file
from dagster_project.ingest.plan import KnownFile, parsed_hash
from dagster_project.ingest.scan import ScannedFile, content_hash, read_raw_file

# Below this many files a process pool costs more than it saves.
_PARALLEL_THRESHOLD = 64
# files per task: small enough to spread a few heavy files (the portal's CSVs) over the workers
_BATCH_FILES = 128
_PARSE_GC_THRESHOLD = (50_000, 50, 100)

_worker_registry: AgencyRegistry | None = None
_worker_root: Path | None = None


class ParseTask(NamedTuple):
    path: str
    arrival: dt.date
    parsed_hash: str | None  # the bytes already parsed for this path: not parsed again


class BatchTask(NamedTuple):
    number: int
    files: list[ParseTask]


class HashedFile(NamedTuple):
    path: str
    digest: str
    result: FileResult | None  # None: these bytes were parsed before


class Batch(NamedTuple):
    number: int
    files: list[HashedFile]
    values: BatchValues


@dataclass
class FirstPass:
    """Every file read, and the value columns of every batch their parses point into."""

    files: dict[str, HashedFile] = field(default_factory=dict)
    columns: list[BatchValues] = field(default_factory=list)


def read_and_parse(
    raw_root: Path,
    registry_dir: Path,
    files: list[ScannedFile],
    known: dict[str, KnownFile],
    workers: int | None,
    batches_before: int = 0,
    on_batch: Callable[[Batch], None] | None = None,
) -> FirstPass:
    """Hash and parse in batches (numbered from `batches_before`); `on_batch` sees each as it arrives, in order."""
    items = [ParseTask(f.path, f.arrival_date, parsed_hash(known.get(f.path))) for f in files]
    first = FirstPass()
    if not items:
        return first
    tasks, n_workers = _tasks(items, workers, batches_before)

    def take(batches: Iterable[Batch]) -> None:
        for batch in batches:
            first.files.update((hashed.path, hashed) for hashed in batch.files)
            first.columns.append(batch.values)
            if on_batch is not None:
                on_batch(batch)

    if n_workers == 1:
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


def _tasks(items: list[ParseTask], workers: int | None, batches_before: int) -> tuple[list[BatchTask], int]:
    """The batches, and how many processes parse them (1: this one)."""
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    parallel = n_workers > 1 and len(items) >= _PARALLEL_THRESHOLD
    size = min(_BATCH_FILES, -(-len(items) // (n_workers * 4))) if parallel else len(items)
    tasks = [BatchTask(batches_before + i, items[j : j + size]) for i, j in enumerate(range(0, len(items), size))]
    return tasks, n_workers if parallel else 1


def _init_worker(raw_root: Path, registry_dir: Path) -> None:
    global _worker_registry, _worker_root
    _worker_registry = AgencyRegistry.from_dir(registry_dir)
    _worker_root = raw_root


def _init_pool_worker(raw_root: Path, registry_dir: Path) -> None:
    _init_worker(raw_root, registry_dir)
    # parsing allocates many short-lived containers and next to no cycles: collect rarely
    gc.freeze()
    gc.set_threshold(*_PARSE_GC_THRESHOLD)


def _hash_and_parse_batch(task: BatchTask) -> Batch:
    """Read each file once: its content hash, and its parse unless these bytes were parsed before."""
    assert _worker_registry is not None and _worker_root is not None
    values = new_batch_values()
    results = []
    for item in task.files:
        data = read_raw_file(_worker_root, item.path)
        digest = content_hash(data)
        if digest == item.parsed_hash:
            results.append(HashedFile(item.path, digest, None))
            continue
        try:
            pf = parse_file(file_name(item.path), data, _worker_registry, item.arrival)
        except Exception as exc:  # noqa: BLE001 - a parser bug must cost one file, never the run
            pf = _parser_error(exc)
        results.append(HashedFile(item.path, digest, file_result(item.path, item.arrival, pf, task.number, values)))
    return Batch(task.number, results, values)


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
