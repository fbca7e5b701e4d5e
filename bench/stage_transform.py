"""The transform stage: transform_bench's measurement, dbt build (models and seeds, no tests) against
the same compiled SQL run in one DuckDB session, on the ingestion stage's build database."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import transform_bench
from common import log


def run(world: dict, ingested: Path, work: Path) -> dict:
    target = work / "dbt-target"
    registry = world["registry"]
    dbt_dir, floor_dir = work / "dbt_run", work / "dbt_floor"
    for d in (dbt_dir, floor_dir):
        d.mkdir(exist_ok=True)
        shutil.copyfile(ingested, d / "build.duckdb")
    # parsed for the warehouse it builds, as the refresh's prepare_manifest does: with another profile
    # dbt drops its partial parse and parses the whole project inside the timed build
    log("transform: dbt parse")
    transform_bench.run_dbt(registry, dbt_dir, target, "parse")
    log("transform: dbt build (models and seeds)")
    started_epoch = time.time()
    dbt_s = transform_bench.run_dbt(
        registry, dbt_dir, target, "build", "--exclude", "resource_type:test", "resource_type:unit_test"
    )
    phases = transform_bench.dbt_phases(target, started_epoch, dbt_s)
    log("transform: dbt compile, then the one-session floor")
    transform_bench.run_dbt(registry, floor_dir, target, "compile")
    floor_s = transform_bench.floor_in_one_session(target, floor_dir / "build.duckdb")
    for d in (dbt_dir, floor_dir):
        shutil.rmtree(d)
    return {
        "dbt_models_and_seeds_seconds": dbt_s,
        "one_session_floor_seconds": floor_s,
        "dbt_over_floor": dbt_s / floor_s,
        "dbt_phases": phases,
    }
