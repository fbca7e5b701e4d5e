"""The refresh stage: `dxw refresh` into an empty warehouse with one valid file held out of a
hard-linked copy of the raw tree (its per-step times give the gates, publish and reports, its
sampled memory the peak); the gates as plain SQL (gates_sql) on its build database; the held-out
file arrives and an incremental refresh runs; the README's queries on the published dx.duckdb.

With --quick the tiny world also stands in for the town sample: the daemon stage compares against
this full refresh, and a refresh with nothing new gives the fixed overhead."""

from __future__ import annotations

import shutil
from pathlib import Path

import gates_sql
import stage_daemon
import stage_queries
import stage_world
from common import GIB, log, public
from refreshes import refresh, step_seconds

MEMORY_SAMPLING = (
    "psutil, every 50 ms, over `dxw refresh` and all its descendants: the sum of RSS (pages forked workers "
    "share with their parent count once per process, an overstatement) and the sum of PSS (each shared page "
    "split among its sharers: what the tree holds; the goal is judged on it)"
)
RU_MAXRSS_NOTE = (
    "os.wait4's ru_maxrss keeps the high-water mark of the bench process forked before exec (Linux carries "
    "it over exec), so it shows the bench's own size, not the refresh's: not used"
)


def run(world: dict, work: Path, query_runs: int, quick: bool) -> tuple[dict, dict, dict]:
    """(results sections, the full refresh, what --quick measures here for later stages)."""
    raw_copy = work / "raw"
    stage_world.linked_copy(world["raw"], raw_copy)
    held = stage_world.held_out_file(world["manifest"])
    held_path, parked = raw_copy / held, work / "held_out" / Path(held).name
    parked.parent.mkdir()
    shutil.move(held_path, parked)
    warehouse = work / "warehouse"
    full = refresh(raw_copy, warehouse, world["registry"], "full")
    for_later = {}
    if quick:  # the tiny world stands in for the town sample, the full refresh for the CLI's run
        label = "the main (tiny) world less one file, --quick"
        for_later["daemon_run"] = stage_daemon.compare(
            raw_copy, world["registry"], world["files"] - 1, label, work, cli=full
        )
    gates = quality_gates(warehouse / "build.duckdb", full)
    held_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(parked, held_path)
    incremental = refresh(raw_copy, warehouse, world["registry"], "incremental")
    log("README queries on the published dx.duckdb")
    queries = stage_queries.run(warehouse / "dx.duckdb", query_runs) if incremental["published"] else []
    if quick:  # the tiny world stands in for the town sample: its full refresh, then one with nothing new
        for_later["full"] = full
        for_later["no_change"] = refresh(raw_copy, warehouse, world["registry"], "no-change")
    shutil.rmtree(raw_copy)
    sections = {
        "refresh": {
            "files": world["files"] - 1,
            "held_out_file": held,
            "full": public(full),
            "incremental": public(incremental),
            "incremental_vs_full": incremental["seconds"] / full["seconds"],
        },
        "quality_gates": gates,
        "publish": publish(full),
        "memory": memory(full),
        "queries": queries,
    }
    return sections, full, for_later


def quality_gates(build_db: Path, full: dict) -> dict:
    """GX's time in the full refresh, and the same checks as plain SQL on its build database."""
    log("gates as plain SQL on the full refresh's build database")
    sql_s, outcomes = gates_sql.run_gates_sql(build_db)
    agreement = gates_sql.compare_with_gx(outcomes, full["_checks"])
    if not agreement["same_as_gx"]:
        log("gates SQL disagrees with GX: " + "; ".join(agreement["mismatches"]))
    gates_s = step_seconds(full["steps"], "great_expectations", "quality")
    return {
        "gx_seconds": gates_s,
        "share_of_full_refresh": gates_s / full["seconds"] if gates_s is not None else None,
        "sql_seconds": sql_s,
        "gx_over_sql": gates_s / sql_s if gates_s is not None and sql_s else None,
        "sql_agrees_with_gx": agreement,
        "sql_outcomes": outcomes,
    }


def publish(full: dict) -> dict:
    publish_s = step_seconds(full["steps"], "publish")
    return {
        "seconds": publish_s,
        "share_of_full_refresh": publish_s / full["seconds"] if publish_s is not None else None,
        "reports_seconds": step_seconds(full["steps"], "report"),
    }


def memory(full: dict) -> dict:
    return {
        "peak_rss_bytes": full["peak_rss_bytes"],
        "peak_rss_gib": full["peak_rss_bytes"] / GIB,
        "peak_pss_bytes": full["peak_pss_bytes"],
        "peak_pss_gib": full["peak_pss_bytes"] / GIB,
        "peak_single_process_rss_bytes": full["peak_single_process_rss_bytes"],
        "ru_maxrss_bytes": full["ru_maxrss_bytes"],
        "sampling": MEMORY_SAMPLING,
        "samples": full["memory_samples"],
        "ru_maxrss_note": RU_MAXRSS_NOTE,
    }
