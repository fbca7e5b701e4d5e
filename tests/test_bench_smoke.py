"""`make bench` on tiny worlds (`bench/run_bench.py --quick`): every figure lands in results.json with a
plausible value. Figures only — no timing is asserted; the nation-scale run is `make bench`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.pipeline


def test_quick_bench_writes_every_figure(tmp_path):
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_bench.py"), "--quick", "--out", str(out)]
        + ["--work-dir", str(tmp_path / "work"), "--status-quo-every", "3"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=1800,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "goals:" in run.stdout
    r = json.loads(out.read_text(encoding="utf-8"))

    assert {"command", "machine", "world", "ingestion", "transform", "refresh", "quality_gates", "publish"} <= set(r)
    assert {"overhead", "memory", "queries", "scaling", "daemon_run", "goals"} <= set(r)
    assert r["machine"]["cpu_count"] >= 1 and r["machine"]["ram_gib"] > 0 and r["machine"]["packages"]["duckdb"]
    world = r["world"]
    assert world["communes"] == 4 and world["years"] == 1 and world["files"] > 0 and world["rows"] > 0

    ing = r["ingestion"]
    assert ing["files"] == world["files"]
    assert ing["rows"] > 0 and ing["ingest_files_per_s"] > 0 and ing["floor_files_per_s"] > 0
    sq = r["ingestion"]["status_quo"]
    assert 0 < sq["files"] < world["files"] and sq["every"] == 3 and sq["rows"] > 0 and sq["files_per_s"] > 0
    assert sq["files_read"] + sq["skipped_xls"] + sq["failed"] == sq["files"]

    assert r["transform"]["dbt_models_and_seeds_seconds"] > 0 and r["transform"]["one_session_floor_seconds"] > 0

    pg = r["postgres"]
    assert pg["selection"] == "--exclude-resource-type unit_test" and pg["copy_rows"]["ingest_values"] > 0
    assert pg["postgres_over_duckdb"] == pg["postgres_build_seconds"] / pg["duckdb_build_seconds"] > 0
    assert pg["nodes"] > 200 and 0 < len(pg["postgres_top_nodes_seconds"]) <= 12
    assert set(pg["duckdb_seconds_of_postgres_top_nodes"]) == set(pg["postgres_top_nodes_seconds"])
    assert "PostgreSQL 1" in pg["server"]

    full, incremental = r["refresh"]["full"], r["refresh"]["incremental"]
    assert full["published"] and incremental["published"]
    assert full["files"]["seen"] == world["files"] - 1
    assert incremental["files"]["seen"] == world["files"] and incremental["files"]["new"] == 1
    assert {"ingest_raw_files", "dbt_models", "great_expectations_suites", "published_warehouse"} <= set(full["steps"])
    assert 0 < r["refresh"]["incremental_vs_full"]

    gates = r["quality_gates"]
    assert gates["gx_seconds"] > 0 and gates["sql_seconds"] > 0 and 0 < gates["share_of_full_refresh"] < 1
    assert gates["sql_agrees_with_gx"]["same_as_gx"], gates["sql_agrees_with_gx"]["mismatches"]
    assert gates["sql_agrees_with_gx"]["expectations"] == len(gates["sql_outcomes"]) > 10
    assert r["publish"]["seconds"] > 0 and 0 < r["publish"]["share_of_full_refresh"] < 1

    assert r["overhead"]["seconds"] > 0 and r["overhead"]["no_change_refresh"]["files"]["new"] == 0
    assert r["overhead"]["no_change_refresh"]["up_to_date"] and not r["overhead"]["no_change_refresh"]["published"]
    assert r["overhead"]["no_change_over_full"] == r["overhead"]["seconds"] / r["overhead"]["full_refresh"]["seconds"]
    assert 100 * 1024**2 < r["memory"]["peak_rss_bytes"] < 64 * 1024**3
    assert r["memory"]["peak_rss_bytes"] >= r["memory"]["peak_single_process_rss_bytes"] > 0
    assert 0 < r["memory"]["peak_pss_bytes"] <= r["memory"]["peak_rss_bytes"]

    assert len(r["queries"]) == 5 and all(q["runs"] >= 10 and q["median_ms"] > 0 for q in r["queries"])

    points = r["scaling"]["points"]
    assert [p["communes"] for p in points] == [2, 4] and all(p["seconds_per_file"] > 0 for p in points)
    assert r["scaling"]["loglog_slope"] is not None

    daemon = r["daemon_run"]
    assert daemon["files"] == world["files"] - 1 and daemon["cli"]["published"]
    assert daemon["daemon"]["success"] and daemon["daemon"]["published"] and daemon["daemon"]["summary_logged"]
    assert daemon["daemon"]["processes_running_steps"] == 1, "a launched run does its steps in one process"
    assert daemon["daemon_over_cli"] == daemon["daemon"]["seconds"] / daemon["cli"]["seconds"] > 0
    assert daemon["cli_outside_steps_seconds"] > 0 and daemon["daemon_outside_steps_seconds"] > 0

    assert set(r["goals"]) == {
        "ingest_vs_floor",
        "ingest_vs_status_quo",
        "dbt_vs_floor",
        "postgres_over_duckdb",
        "gates_share_of_refresh",
        "incremental_vs_full",
        "peak_pss_gib",
        "scaling_slope",
        "daemon_run_vs_cli",
        "no_change_over_full",
    }
    assert all(g["value"] is not None and g["met"] in (True, False) for g in r["goals"].values())
