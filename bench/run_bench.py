"""`make bench`: one run measures the whole pipeline at nation scale, prints a table and writes
bench/results.json (git-ignored).

    .venv/bin/python bench/run_bench.py                     # nation: 3,300 communes, 0 offices, 3 years
    .venv/bin/python bench/run_bench.py --communes 240      # a smaller world, same stages
    .venv/bin/python bench/run_bench.py --quick             # tiny worlds (the smoke test)

Stages, each run once and reused where it can serve several figures, each in its own module (this
file only drives them; `refreshes.py` runs a refresh as a user does, `report.py` prints the table):
  world        (stage_world) ingest_bench.world: generated once, cached under bench/worlds/
  ingestion    (stage_ingestion) ingest_raw_tree on the world vs the bare read loop (ingest_bench) vs the
               status quo (bench/status_quo.py, pandas + openpyxl, on every k-th file)
  transform    (transform_bench.measure) dbt build (models and seeds) vs the same compiled SQL in one DuckDB
               session
  postgres     (stage_postgres) the refresh's dbt build on DuckDB and on a throwaway PostgreSQL server the
               same ingested tables were COPYed into: Postgres's time over DuckDB's, each one's slowest nodes
  refresh      (stage_refresh) `dxw refresh --json` as a subprocess into an empty warehouse, with one valid file
               held out of a hard-linked copy of the raw tree; its per-step times give the gates, publish and
               reports; the process tree's summed RSS is sampled every 50 ms. Then the gates as plain SQL
               (bench/gates_sql.py) on its build database, then the held-out file arrives and an
               incremental refresh runs, then the README's queries (stage_queries) on the published dx.duckdb.
  overhead     (stage_overhead) the town sample refreshed twice; the second refresh has nothing new,
               its wall time over the first's is no_change_over_full
  scaling      (stage_scaling) full refreshes of synthetic worlds (offices 0, years 3) of 15, 60 and 240
               communes, with the main world's full refresh as the last point; log-log slope of seconds vs files
  daemon run   (stage_daemon) the town sample refreshed by `dxw refresh`, then by a real `dagster-daemon`
               (temporary DAGSTER_HOME from deploy/dagster.yaml) whose raw-tree sensor starts the run: launch-to-success
               time over the CLI's wall time, both into an empty warehouse with the dbt manifest already
               parsed for it (--quick: the tiny world's full refresh stands in for the CLI's run)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for _path in (str(BENCH_DIR), str(ROOT)):  # the bench modules import each other by file name
    if _path not in sys.path:
        sys.path.insert(0, _path)

import goals
import machine
import report
import stage_daemon
import stage_ingestion
import stage_overhead
import stage_postgres
import stage_refresh
import stage_scaling
import stage_world
import transform_bench
from common import log


def run(args: argparse.Namespace) -> dict:
    work = args.work_dir.resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    started = time.perf_counter()
    results: dict = {
        "command": _command(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine.describe(),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    log(f"world: {args.communes} communes, {args.offices} offices, {args.years} years")
    main_world = stage_world.world_facts(args.communes, args.offices, args.years, args.workers, work)
    results["world"] = stage_world.summary(main_world)
    results["ingestion"], ingested = stage_ingestion.run(
        main_world, args.workers, work, args.skip_status_quo, args.status_quo_every
    )
    results["transform"] = transform_bench.measure(main_world["registry"], ingested, work)
    results["postgres"] = stage_postgres.run(main_world["registry"], ingested, work)
    ingested.unlink()
    sections, full, quick = stage_refresh.run(main_world, work, args.query_runs, args.quick)
    results.update(sections)
    results["overhead"] = stage_overhead.run(args.workers, work, main_world, quick)
    main_point = stage_scaling.point(main_world, main_world["files"] - 1, full)
    results["scaling"] = stage_scaling.run(args.scaling, args.years, args.workers, work, main_point)
    results["daemon_run"] = quick.get("daemon_run") or stage_daemon.town(args.workers, work)
    results["goals"] = goals.judge(results)
    results["bench_seconds"] = time.perf_counter() - started
    if not args.keep_work:
        shutil.rmtree(work)
    return results


def _command() -> str:
    python = Path(sys.executable).relative_to(ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable
    return ("make bench: " if os.environ.get("MAKELEVEL") else "") + " ".join([str(python), *sys.argv])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communes", type=int, default=3300)
    parser.add_argument("--offices", type=int, default=0)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--scaling",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=[15, 60, 240],
        help="communes of the smaller scaling worlds (comma-separated; the main world is the last point)",
    )
    parser.add_argument("--skip-status-quo", action="store_true", help="do not run the pandas + openpyxl script")
    parser.add_argument(
        "--status-quo-every", type=int, default=None, help="read every K-th file (default: ≥ 2,000 files)"
    )
    parser.add_argument("--query-runs", type=int, default=10)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny worlds (4 communes, 1 year; scaling at 2 communes; no town sample): the smoke test",
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument("--work-dir", type=Path, default=BENCH_DIR / "work", help="scratch (removed afterwards)")
    parser.add_argument("--keep-work", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.communes, args.offices, args.years, args.scaling = min(args.communes, 4), 0, 1, [2]
    results = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(report.table(results))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
