"""The queries stage: the README's example queries on the published dx.duckdb, read-only, each run
several times (median, first and slowest run)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb
from readme_queries import readme_queries


def run(published: Path, runs: int) -> list[dict]:
    with duckdb.connect(str(published), read_only=True) as con:
        return [_timed(con, number, query, runs) for number, query in enumerate(readme_queries(), start=1)]


def _timed(con: duckdb.DuckDBPyConnection, number: int, query: str, runs: int) -> dict:
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(con.execute(query).fetchall())
        times.append(time.perf_counter() - started)
    return {
        "query": number,
        "first_line": query.splitlines()[0][:80],
        "runs": runs,
        "rows": rows,
        "median_ms": 1000 * statistics.median(times),
        "first_ms": 1000 * times[0],
        "max_ms": 1000 * max(times),
    }
