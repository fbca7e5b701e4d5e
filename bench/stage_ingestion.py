"""The ingestion stage: ingest_raw_tree on the world, against the bare read loop of the same files
(ingest_bench's floor) and the status quo (bench/status_quo.py, pandas + openpyxl, on every k-th file)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import ingest_bench
from common import BENCH_DIR, ROOT, log

from dagster_project.ingest.run import ingest_raw_tree
from dagster_project.quality.reviews import load_reviews

STATUS_QUO_TARGET_FILES = 2000  # the status quo reads every k-th file, k chosen to read at least this many


def run(world: dict, workers: int, work: Path, skip_status_quo: bool, every: int | None) -> tuple[dict, Path]:
    """The figures, and the ingested build database (the transform stage's input)."""
    paths = sorted(str(p) for p in world["raw"].rglob("*") if p.is_file())
    log(f"ingestion: floor (bare read loop) over {len(paths):,} files")
    floor_s = ingest_bench.bare_read_loop(paths, workers)
    ingested = work / "ingested.duckdb"
    ingested.unlink(missing_ok=True)
    log("ingestion: ingest_raw_tree")
    with duckdb.connect(str(ingested)) as con:
        started = time.perf_counter()
        summary = ingest_raw_tree(con, world["raw"], world["registry"], workers=workers)
        ingest_s = time.perf_counter() - started
        load_reviews(con, work / "no-reviews.csv")  # the refresh loads reviews before dbt; none here (transform input)
    rows = summary.rows_loaded + summary.rows_rejected
    result = {
        "files": len(paths),
        "rows": rows,
        "workers": workers,
        "floor_seconds": floor_s,
        "floor_files_per_s": len(paths) / floor_s,
        "ingest_seconds": ingest_s,
        "ingest_files_per_s": len(paths) / ingest_s,
        "ingest_rows_per_s": rows / ingest_s,
        "status_quo": None if skip_status_quo else status_quo(world["raw"], every or _every(len(paths))),
    }
    result["ingest_over_floor"] = result["ingest_files_per_s"] / result["floor_files_per_s"]
    sq = result["status_quo"]
    result["ingest_over_status_quo"] = result["ingest_files_per_s"] / sq["files_per_s"] if sq else None
    return result, ingested


def _every(files: int) -> int:
    return max(1, files // STATUS_QUO_TARGET_FILES)


def status_quo(raw: Path, k: int) -> dict:
    """bench/status_quo.py in its own process on 1 file in k."""
    log(f"ingestion: status quo (pandas + openpyxl) on 1 file in {k}")
    out = subprocess.run(
        [sys.executable, str(BENCH_DIR / "status_quo.py"), "--raw", str(raw), "--every", str(k), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    sq = json.loads(out.stdout)
    sq["subset"] = f"1 file in {k} of the sorted list: {sq['files']:,} of {sq['tree_files']:,}"
    return sq
