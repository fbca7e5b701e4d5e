"""dbt build time on a generated world, next to its floor: the same compiled SQL run directly in one
DuckDB session (seeds loaded with read_csv, models created in dependency order, no tests).

    .venv/bin/python bench/transform_bench.py                      # nation-sized: 3,300 communes, 3 years
    .venv/bin/python bench/transform_bench.py --communes 60 --offices 4 --years 1
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
from common import log, world_arguments  # run as a script: its own folder is on the path
from ingest_bench import world

from dagster_project import settings
from dagster_project.ingest.run import ingest_raw_tree
from dagster_project.quality.reviews import load_reviews

BENCH_DIR = Path(__file__).resolve().parent

DBT = str(Path(sys.executable).parent / "dbt")


def town_and_world_registry(world_registry: Path, into: Path) -> Path:
    """One registry folder for ingestion and dbt alike (`DX_REGISTRY_DIR`): the town's, plus the world's units.

    The town's registry stays because the catalogue names its offices (indicator owners, the budget
    sender TX_TCKH); a synthetic world's units are added beside it, skipping codes and aliases the
    town registry already has (PORTAL). The world's own area replaces the town's: a registry names
    one reporting area (dbt/tests/assert_one_reporting_area.sql).
    """
    into.mkdir(parents=True, exist_ok=True)
    with (world_registry / "ref_agencies.csv").open(encoding="utf-8", newline="") as f:
        world_areas = {r["agency_code"] for r in csv.DictReader(f) if r["agency_type"] == "area"}
    for name, key in (("ref_agencies.csv", "agency_code"), ("ref_agency_aliases.csv", "alias")):
        with (settings.DEFAULT_REGISTRY_DIR / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        if world_areas:  # the town's area, and the aliases naming it, give way to the world's
            town_areas = {r["agency_code"] for r in _town_agencies() if r["agency_type"] == "area"}
            rows = [r for r in rows if r.get("agency_code") not in town_areas]
        known = {r[key] for r in rows}
        with (world_registry / name).open(encoding="utf-8", newline="") as f:
            rows += [r for r in csv.DictReader(f) if r[key] not in known]
        with (into / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return into


def _town_agencies() -> list[dict]:
    with (settings.DEFAULT_REGISTRY_DIR / "ref_agencies.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def run_dbt(registry: Path, warehouse: Path, target: Path, *args: str, env: dict[str, str] | None = None) -> float:
    """dbt on the repository's project, reading `registry`; its target and logs kept out of the checkout.
    `env`: more variables (the `postgres` target's, pg.dbt_env)."""
    env = {**os.environ, "DX_WAREHOUSE_DIR": str(warehouse), "DX_REGISTRY_DIR": str(registry), **(env or {})}
    project = settings.DBT_PROJECT_DIR
    started = time.perf_counter()
    subprocess.run(
        [DBT, *args, "--profiles-dir", str(project), "--project-dir", str(project), "--quiet"]
        + ["--target-path", str(target), "--log-path", str(target / "logs")],
        env=env,
        cwd=project,
        check=True,
    )
    return time.perf_counter() - started


def floor_in_one_session(target: Path, build_db: Path) -> float:
    """Seeds then every model's compiled SQL, in dependency order, in one DuckDB connection."""
    project = settings.DBT_PROJECT_DIR
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    nodes = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] in ("model", "seed")}
    order = TopologicalSorter(
        {k: [d for d in v.get("depends_on", {}).get("nodes", []) if d in nodes] for k, v in nodes.items()}
    ).static_order()
    started = time.perf_counter()
    with duckdb.connect(str(build_db)) as con:
        for key in order:
            node = nodes[key]
            name = node["alias"] or node["name"]
            if node["resource_type"] == "seed":
                csv_path = project / node["original_file_path"]
                con.execute(
                    f'create or replace table main."{name}" as select * from read_csv(?, header = true)',
                    [str(csv_path)],
                )
            else:
                kind = "view" if node["config"]["materialized"] == "view" else "table"
                con.execute(f'create or replace {kind} main."{name}" as {node["compiled_code"]}')
    return time.perf_counter() - started


def dbt_phases(target: Path, started_epoch: float, wall_s: float) -> dict:
    """Where a dbt run's time went, from its run_results.json: startup (imports, project and manifest
    loading, before the first node), nodes (first node start to last node end), tail (artifacts,
    exit), and the ten slowest nodes."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]

    def epoch(stamp: str) -> float:
        return datetime.fromisoformat(stamp).timestamp()

    spans = []
    for r in results:
        stamps = [(epoch(t["started_at"]), epoch(t["completed_at"])) for t in r["timing"] if t.get("started_at")]
        spans.append((min(a for a, _ in stamps), max(b for _, b in stamps), r["unique_id"], r["execution_time"]))
    first, last = min(s[0] for s in spans), max(s[1] for s in spans)
    return {
        "dbt_startup_seconds": first - started_epoch,
        "dbt_nodes_seconds": last - first,
        "dbt_tail_seconds": started_epoch + wall_s - last,
        "dbt_top_nodes_seconds": {
            uid.split(".")[-1]: round(t, 3) for _, _, uid, t in sorted(spans, key=lambda s: -s[3])[:10]
        },
    }


def measure(registry: Path, ingested: Path, work: Path, *, with_tests: bool = False) -> dict:
    """dbt build of the models and seeds (no tests) on a copy of the `ingested` build database, against
    its floor: the same compiled SQL in one DuckDB session on another copy. `with_tests`: also a dbt
    build with every test, on a fresh copy."""
    target = work / "dbt-target"
    dbt_dir, floor_dir = work / "dbt_run", work / "dbt_floor"
    for d in (dbt_dir, floor_dir):
        d.mkdir(exist_ok=True)
        shutil.copyfile(ingested, d / "build.duckdb")
    # parsed for the warehouse it builds, as the refresh's prepare_manifest does: with another profile
    # dbt drops its partial parse and parses the whole project inside the timed build
    log("transform: dbt parse")
    run_dbt(registry, dbt_dir, target, "parse")
    log("transform: dbt build (models and seeds)")
    started_epoch = time.time()
    dbt_s = run_dbt(registry, dbt_dir, target, "build", "--exclude", "resource_type:test", "resource_type:unit_test")
    result = {"dbt_models_and_seeds_seconds": dbt_s}
    phases = dbt_phases(target, started_epoch, dbt_s)
    if with_tests:
        log("transform: dbt build (with every test)")
        shutil.copyfile(ingested, dbt_dir / "build.duckdb")
        result["dbt_build_with_tests_seconds"] = run_dbt(registry, dbt_dir, target, "build")
    log("transform: dbt compile, then the one-session floor")
    run_dbt(registry, floor_dir, target, "compile")
    floor_s = floor_in_one_session(target, floor_dir / "build.duckdb")
    for d in (dbt_dir, floor_dir):
        shutil.rmtree(d)
    return {**result, "one_session_floor_seconds": floor_s, "dbt_over_floor": dbt_s / floor_s, "dbt_phases": phases}


def main() -> None:
    parser = world_arguments(__doc__)
    args = parser.parse_args()
    raw, world_registry, manifest = world(args.communes, args.offices, args.years, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        registry = town_and_world_registry(world_registry, tmp / "registry")
        ingested = tmp / "ingested.duckdb"
        with duckdb.connect(str(ingested)) as con:
            ingest_raw_tree(con, raw, registry, workers=args.workers)
            load_reviews(con, tmp / "no-reviews.csv")  # the refresh loads reviews before dbt; none here
        measured = measure(registry, ingested, tmp, with_tests=True)
    _report(len(manifest["files"]), measured)


def _report(files: int, measured: dict) -> None:
    """Print the figures and write bench/transform_results.json."""
    dbt_run_s, dbt_build_s = measured["dbt_models_and_seeds_seconds"], measured["dbt_build_with_tests_seconds"]
    floor_s, phases = measured["one_session_floor_seconds"], measured["dbt_phases"]
    results = {
        "files": files,
        "dbt_models_and_seeds_seconds": dbt_run_s,
        "dbt_build_with_tests_seconds": dbt_build_s,
        "one_session_floor_seconds": floor_s,
        "dbt_over_floor": dbt_run_s / floor_s,
        **phases,
    }
    print(f"{'':<44}{'seconds':>10}")
    print(f"{'same compiled SQL in one DuckDB session (floor)':<44}{floor_s:>10.1f}")
    print(f"{'dbt build, models and seeds only':<44}{dbt_run_s:>10.1f}   ({dbt_run_s / floor_s:.2f}x the floor)")
    print(f"{'dbt build, with every test':<44}{dbt_build_s:>10.1f}")
    print(
        f"dbt models-only run: startup {phases['dbt_startup_seconds']:.1f} s, nodes {phases['dbt_nodes_seconds']:.1f} s,"
        f" tail {phases['dbt_tail_seconds']:.1f} s; slowest: "
        + ", ".join(f"{k} {v:.1f}" for k, v in list(phases["dbt_top_nodes_seconds"].items())[:5])
    )
    out = BENCH_DIR / "transform_results.json"
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {out.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()
