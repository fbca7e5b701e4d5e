"""`make bench`: one run measures the whole pipeline at nation scale, prints a table and writes
bench/results.json (git-ignored).

    .venv/bin/python bench/run_bench.py                     # nation: 3,300 communes, 0 offices, 3 years
    .venv/bin/python bench/run_bench.py --communes 240      # a smaller world, same stages
    .venv/bin/python bench/run_bench.py --quick             # tiny worlds (the smoke test)

Stages, each run once and reused where it can serve several figures:
  world        ingest_bench.world: generated once, cached under bench/worlds/
  ingestion    ingest_raw_tree on the world vs the bare read loop (ingest_bench) vs the status quo
               (bench/status_quo.py, pandas + openpyxl, on every k-th file)
  transform    dbt build (models and seeds) vs the same compiled SQL in one DuckDB session (transform_bench)
  refresh      `dxw refresh --json` as a subprocess into an empty warehouse, with one valid file held
               out of a hard-linked copy of the raw tree; its per-step times give the gates, publish and
               reports; the process tree's summed RSS is sampled every 50 ms. Then the gates as plain SQL
               (bench/gates_sql.py) on its build database, then the held-out file arrives and an
               incremental refresh runs, then the README's queries on the published dx.duckdb.
  overhead     the town sample refreshed twice; the second refresh has nothing new (no_change_bench.py):
               its wall time over the first's is no_change_over_full
  scaling      full refreshes of synthetic worlds (offices 0, years 3) of 15, 60 and 240 communes, with
               the main world's full refresh as the last point; log-log slope of seconds vs files
  daemon run   the town sample refreshed by `dxw refresh`, then by a real `dagster-daemon` (temporary
               DAGSTER_HOME from deploy/dagster.yaml) whose raw-tree sensor starts the run: launch-to-success
               time over the CLI's wall time, both into an empty warehouse with the dbt manifest already
               parsed for it (--quick: the tiny world's full refresh stands in for the CLI's run)
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for _path in (str(BENCH_DIR), str(ROOT)):  # the bench modules import each other by file name
    if _path not in sys.path:
        sys.path.insert(0, _path)

import duckdb
import gates_sql
import ingest_bench
import no_change_bench
import psutil
import transform_bench

from dagster_project.ingest.run import ingest_raw_tree
from dagster_project.reviews import load_reviews
from tests.test_readme_queries import readme_queries

GIB = 1024**3
DXW = str(Path(sys.executable).parent / "dxw")
PACKAGES = (
    "dagster",
    "dagster-dbt",
    "dbt-core",
    "dbt-duckdb",
    "duckdb",
    "great-expectations",
    "pandas",
    "openpyxl",
    "python-calamine",
    "psutil",
)
STATUS_QUO_TARGET_FILES = 2000  # the status quo reads every k-th file, k chosen to read at least this many

GOALS = {
    # key: (description, threshold, "min" = the figure must be at least the threshold, "max" = at most)
    "ingest_vs_floor": ("ingestion ≥ 60% of the floor (files/s)", 0.60, "min"),
    "ingest_vs_status_quo": ("ingestion ≥ 10× the status quo (files/s)", 10.0, "min"),
    "dbt_vs_floor": ("dbt ≤ 1.5× its one-session floor", 1.5, "max"),
    "gates_share_of_refresh": ("quality gates ≤ 20% of the full refresh", 0.20, "max"),
    "incremental_vs_full": ("incremental ≤ 10% of the full refresh", 0.10, "max"),
    "peak_pss_gib": ("peak memory < 2 GiB (summed PSS of the refresh tree)", 2.0, "max"),
    "scaling_slope": ("scaling no worse than linear (log-log slope ≤ 1)", 1.0, "max"),
    "daemon_run_vs_cli": ("daemon-started refresh ≤ 1.2× `dxw refresh` (town sample)", 1.2, "max"),
    "no_change_over_full": no_change_bench.GOAL,
}
DAEMON_RUN_TIMEOUT_S = 1800


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the machine -------------------------------------------------------------------------------------


def machine() -> dict:
    model = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "ram_gib": round(psutil.virtual_memory().total / GIB, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


# -- worlds --------------------------------------------------------------------------------------------


def world_facts(communes: int, offices: int, years: int, workers: int, work: Path) -> dict:
    """The cached world, its manifest counts, and a registry folder for ingestion and dbt alike."""
    raw, world_registry, manifest = ingest_bench.world(communes, offices, years, workers)
    registry = transform_bench.town_and_world_registry(
        world_registry, work / f"registry-c{communes}-o{offices}-y{years}"
    )
    return {
        "communes": communes,
        "offices": offices,
        "years": years,
        "raw": raw,
        "registry": registry,
        "manifest": manifest,
        "files": len(manifest["files"]),
        "rows": sum(len(f["values"]) for f in manifest["files"]),
    }


def held_out_file(manifest: dict) -> str:
    """A valid file whose arrival is an ordinary new report: loaded as is, no rejects, no file
    duplicates it, no other file reports the same kind × agency × period; the last such in path order."""
    files = manifest["files"]
    duplicated = {f.get("duplicate_of") for f in files if f.get("duplicate_of")}
    counts = Counter((f["kind"], r["agency_code"], r["period_code"]) for f in files for r in f["reports"])
    candidates = [
        f["path"]
        for f in files
        if f["expected_state"] == "loaded"
        and f["path"] not in duplicated
        and not f.get("rejected_rows")
        and f["reports"]
        and all(counts[(f["kind"], r["agency_code"], r["period_code"])] == 1 for r in f["reports"])
    ]
    return max(candidates)


def linked_copy(src: Path, dst: Path) -> None:
    """A copy of the raw tree made of hard links (the cached world stays pristine); plain copies across devices."""

    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    shutil.copytree(src, dst, copy_function=link)


# -- a refresh as a user runs it ---------------------------------------------------------------------


class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its descendants every `interval` seconds.

    Two sums: RSS, which counts a page shared by forked workers once per process (an overstatement),
    and PSS (proportional set size, from /proc/<pid>/smaps_rollup), which splits each shared page
    among the processes sharing it, so the sum is what the tree really holds in memory.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_sum = self.peak_one = self.samples = self.most_processes = 0
        self.peak_pss_sum = 0
        self.done = threading.Event()

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = total_pss = 0
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    info = proc.memory_full_info()
                    total += info.rss
                    total_pss += info.pss
                    self.peak_one = max(self.peak_one, info.rss)
            self.peak_sum = max(self.peak_sum, total)
            self.peak_pss_sum = max(self.peak_pss_sum, total_pss)
            self.most_processes = max(self.most_processes, len(procs))
            self.samples += 1
            self.done.wait(self.interval)


def refresh(raw: Path, warehouse: Path, registry: Path, label: str) -> dict:
    """`dxw refresh --json` in a subprocess, as a user runs it; wall time, outcome, per-step times, memory."""
    warehouse.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # an ephemeral instance, like `make run`
    env.update(DX_RAW_DIR=str(raw), DX_WAREHOUSE_DIR=str(warehouse), DX_REGISTRY_DIR=str(registry))
    stderr_path = warehouse.parent / f"{label}.stderr.txt"
    log(f"refresh {label}: {raw} → {warehouse}")
    with stderr_path.open("w", encoding="utf-8") as stderr:
        started = time.perf_counter()
        proc = subprocess.Popen([DXW, "refresh", "--json"], stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=ROOT)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)  # ru_maxrss: the largest single process of the tree (KiB)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
    text = out.decode("utf-8", "replace")
    try:
        outcome = json.loads(text[text.index("{") :])
    except ValueError as error:
        raise RuntimeError(f"refresh {label} printed no JSON (exit {proc.returncode}); see {stderr_path}") from error
    summary = outcome.get("summary") or {}
    result = {
        "seconds": seconds,
        "exit_code": proc.returncode,
        "success": outcome.get("success"),
        "published": bool(outcome.get("published")),
        "why": summary.get("why"),
        "files": summary.get("files"),
        "steps": summary.get("steps") or {},
        "peak_rss_bytes": sampler.peak_sum,
        "peak_pss_bytes": sampler.peak_pss_sum,
        "peak_single_process_rss_bytes": sampler.peak_one,
        "ru_maxrss_bytes": usage.ru_maxrss * 1024,
        "memory_samples": sampler.samples,
        "most_processes": sampler.most_processes,
    }
    log(
        f"refresh {label}: {seconds:.1f} s, exit {proc.returncode}, published {result['published']}, "
        f"steps {json.dumps({k: round(v, 1) for k, v in result['steps'].items()})}"
    )
    if not result["published"]:
        log(f"refresh {label} did NOT publish: {result['why']}")
    result["_checks"] = summary.get("checks") or {}
    return result


def prepare_manifest_for(warehouse: Path) -> None:
    """Parse the dbt project for `warehouse`, as the refresh does when it differs from the last one, so
    neither timed run below parses inside its window."""
    env = {**os.environ, "DX_WAREHOUSE_DIR": str(warehouse)}
    code = "from dagster_project.transform import prepare_manifest; prepare_manifest()"
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True)


def daemon_run(raw: Path, warehouse: Path, registry: Path, work: Path) -> dict:
    """A refresh as the unattended deployment runs it: `dagster-daemon` on a temporary DAGSTER_HOME
    (deploy/dagster.yaml) whose raw-tree sensor sees the tree and launches the run. Timed from the run's
    creation (the launch) to its end, from Dagster's run record; the daemon is stopped by process group."""
    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

    home = work / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_")}
    env.update(
        DAGSTER_HOME=str(home),
        DX_RAW_DIR=str(raw),
        DX_WAREHOUSE_DIR=str(warehouse),
        DX_REGISTRY_DIR=str(registry),
    )
    env.pop("DX_SENSOR_INTERVAL_SECONDS", None)  # the sensors at their production pace: they share the CPUs
    bin_dir = Path(sys.executable).parent
    log(f"daemon run: dagster-daemon on {raw} → {warehouse}")
    with DagsterInstance.from_config(str(home)) as instance:  # its storage exists before the daemon starts
        started = time.time()
        with (work / "daemon.log").open("w", encoding="utf-8") as out:
            daemon = subprocess.Popen(
                [str(bin_dir / "dagster-daemon"), "run", "-m", "dagster_project.definitions"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its code server and the run worker share its process group
            )
        try:
            record = None
            while time.time() - started < DAEMON_RUN_TIMEOUT_S:
                records = instance.get_run_records(filters=RunsFilter(job_name="refresh"))
                record = records[0] if records else None
                if record is not None and record.dagster_run.is_finished:
                    break
                if daemon.poll() is not None:
                    raise RuntimeError(f"dagster-daemon exited ({daemon.returncode}); see {work / 'daemon.log'}")
                time.sleep(1)
            if record is None or not record.dagster_run.is_finished:
                raise RuntimeError(f"no daemon run finished in {DAEMON_RUN_TIMEOUT_S} s; see {work / 'daemon.log'}")
            run_id = record.dagster_run.run_id
            step_pids = {  # the processes the steps started in
                e.dagster_event.pid
                for e in instance.all_logs(run_id)
                if e.dagster_event and e.dagster_event.is_step_start
            }
            summary, deadline = None, time.time() + 180
            while summary is None and time.time() < deadline:  # the run-status sensor's next tick, ≤ 30 s
                summary = next((line for line in _log_lines(warehouse) if line.get("run_id") == run_id), None)
                time.sleep(1)
        finally:
            stop_process_group(daemon)
    created = record.create_timestamp.timestamp()
    result = {
        "run_id": run_id,
        "status": record.dagster_run.status.value,
        "success": record.dagster_run.status == DagsterRunStatus.SUCCESS,
        "seconds": record.end_time - created,
        "launch_to_start_seconds": record.start_time - created,
        "daemon_start_to_launch_seconds": created - started,
        "processes_running_steps": len(step_pids),
        "summary_logged": summary is not None,
        "published": bool(summary and summary.get("published")),
        "steps": (summary or {}).get("steps") or {},
    }
    log(
        f"daemon run: {result['seconds']:.1f} s launch to {result['status']} ({result['launch_to_start_seconds']:.1f} s "
        f"before its first event), steps in {len(step_pids)} process(es), summary logged {result['summary_logged']}"
    )
    return result


def stop_process_group(proc: subprocess.Popen, grace: float = 60) -> None:
    """SIGTERM the process group `proc` leads, SIGKILL whatever is left of it after `grace` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        deadline = time.time() + grace
        while time.time() < deadline:
            proc.poll()
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.5)


def _log_lines(warehouse: Path) -> list[dict]:
    path = warehouse / "logs" / "refresh.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def daemon_stage(raw: Path, registry: Path, files: int, label: str, work: Path, cli: dict | None = None) -> dict:
    """`dxw refresh` (or the given CLI refresh of the same tree), then a daemon-started run, on the same
    raw tree into the same (emptied) warehouse path."""
    warehouse = work / "warehouse-daemon-stage"
    prepare_manifest_for(warehouse)
    if cli is None:
        cli = refresh(raw, warehouse, registry, "daemon-stage-cli")
        shutil.rmtree(warehouse)
    daemon = daemon_run(raw, warehouse, registry, work)
    shutil.rmtree(warehouse)
    return {
        "world": label,
        "files": files,
        "cli": _public(cli),
        "daemon": daemon,
        "daemon_over_cli": daemon["seconds"] / cli["seconds"],
        # what is not step work (start-up, loading the definitions, launch): less at the mercy of a busy machine
        "cli_outside_steps_seconds": cli["seconds"] - sum(cli["steps"].values()),
        "daemon_outside_steps_seconds": daemon["seconds"] - sum(daemon["steps"].values()),
    }


def step_seconds(steps: dict[str, float], *needles: str) -> float | None:
    """Seconds of the refresh steps whose key contains one of the needles (step keys may change)."""
    found = [v for k, v in steps.items() if any(n in k for n in needles)]
    return sum(found) if found else None


# -- stages ------------------------------------------------------------------------------------------


def ingestion_stage(
    world: dict, workers: int, work: Path, skip_status_quo: bool, every: int | None
) -> tuple[dict, Path]:
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
        "status_quo": None,
    }
    if not skip_status_quo:
        k = every or max(1, len(paths) // STATUS_QUO_TARGET_FILES)
        log(f"ingestion: status quo (pandas + openpyxl) on 1 file in {k}")
        out = subprocess.run(
            [sys.executable, str(BENCH_DIR / "status_quo.py"), "--raw", str(world["raw"]), "--every", str(k), "--json"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        sq = json.loads(out.stdout)
        sq["subset"] = f"1 file in {k} of the sorted list: {sq['files']:,} of {sq['tree_files']:,}"
        result["status_quo"] = sq
    result["ingest_over_floor"] = result["ingest_files_per_s"] / result["floor_files_per_s"]
    sq = result["status_quo"]
    result["ingest_over_status_quo"] = result["ingest_files_per_s"] / sq["files_per_s"] if sq else None
    return result, ingested


def transform_stage(world: dict, ingested: Path, work: Path) -> dict:
    """transform_bench's measurement: dbt build (models and seeds, no tests) vs the compiled SQL in one session."""
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


def query_stage(published: Path, runs: int) -> list[dict]:
    results = []
    with duckdb.connect(str(published), read_only=True) as con:
        for number, query in enumerate(readme_queries(), start=1):
            times, rows = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                rows = len(con.execute(query).fetchall())
                times.append(time.perf_counter() - started)
            results.append(
                {
                    "query": number,
                    "first_line": query.splitlines()[0][:80],
                    "runs": runs,
                    "rows": rows,
                    "median_ms": 1000 * statistics.median(times),
                    "first_ms": 1000 * times[0],
                    "max_ms": 1000 * max(times),
                }
            )
    return results


def loglog_slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(seconds) on log(files)."""
    xs = [math.log(f) for f, s in points if f > 0 and s > 0]
    ys = [math.log(s) for f, s in points if f > 0 and s > 0]
    if len(xs) < 2 or len(set(xs)) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def _public(refresh_result: dict | None) -> dict | None:
    return None if refresh_result is None else {k: v for k, v in refresh_result.items() if not k.startswith("_")}


# -- the whole run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    work = args.work_dir.resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    started = time.perf_counter()
    results: dict = {
        "command": ("make bench: " if os.environ.get("MAKELEVEL") else "")
        + " ".join(
            [
                str(Path(sys.executable).relative_to(ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable),
                *sys.argv,
            ]
        ),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }

    # 1. the world
    log(f"world: {args.communes} communes, {args.offices} offices, {args.years} years")
    main_world = world_facts(args.communes, args.offices, args.years, args.workers, work)
    results["world"] = {k: main_world[k] for k in ("communes", "offices", "years", "files", "rows")}
    results["world"]["raw"] = str(main_world["raw"])

    # 2. ingestion, 3. transform
    results["ingestion"], ingested = ingestion_stage(
        main_world, args.workers, work, args.skip_status_quo, args.status_quo_every
    )
    results["transform"] = transform_stage(main_world, ingested, work)
    ingested.unlink()

    # 4–6, 8, 9: the full refresh with one file held out, the gates as SQL, the incremental refresh, the queries
    raw_copy = work / "raw"
    linked_copy(main_world["raw"], raw_copy)
    held = held_out_file(main_world["manifest"])
    held_path = raw_copy / held
    parked = work / "held_out" / Path(held).name
    parked.parent.mkdir()
    shutil.move(held_path, parked)
    warehouse = work / "warehouse"
    full = refresh(raw_copy, warehouse, main_world["registry"], "full")
    daemon_quick = None
    if args.quick:  # the tiny world stands in for the town sample, the full refresh for the CLI's run
        label = "the main (tiny) world less one file, --quick"
        files = main_world["files"] - 1
        daemon_quick = daemon_stage(raw_copy, main_world["registry"], files, label, work, cli=full)
    log("gates as plain SQL on the full refresh's build database")
    sql_s, outcomes = gates_sql.run_gates_sql(warehouse / "build.duckdb")
    agreement = gates_sql.compare_with_gx(outcomes, full["_checks"])
    if not agreement["same_as_gx"]:
        log("gates SQL disagrees with GX: " + "; ".join(agreement["mismatches"]))
    held_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(parked, held_path)
    incremental = refresh(raw_copy, warehouse, main_world["registry"], "incremental")
    log("README queries on the published dx.duckdb")
    queries = query_stage(warehouse / "dx.duckdb", args.query_runs) if incremental["published"] else []
    no_change = None
    if args.quick:  # the tiny world stands in for the town sample
        no_change = refresh(raw_copy, warehouse, main_world["registry"], "no-change")

    gates_s = step_seconds(full["steps"], "great_expectations", "quality")
    publish_s = step_seconds(full["steps"], "publish")
    results["refresh"] = {
        "files": main_world["files"] - 1,
        "held_out_file": held,
        "full": _public(full),
        "incremental": _public(incremental),
        "incremental_vs_full": incremental["seconds"] / full["seconds"],
    }
    results["quality_gates"] = {
        "gx_seconds": gates_s,
        "share_of_full_refresh": gates_s / full["seconds"] if gates_s is not None else None,
        "sql_seconds": sql_s,
        "gx_over_sql": gates_s / sql_s if gates_s is not None and sql_s else None,
        "sql_agrees_with_gx": agreement,
        "sql_outcomes": outcomes,
    }
    results["publish"] = {
        "seconds": publish_s,
        "share_of_full_refresh": publish_s / full["seconds"] if publish_s is not None else None,
        "reports_seconds": step_seconds(full["steps"], "report"),
    }
    results["memory"] = {
        "peak_rss_bytes": full["peak_rss_bytes"],
        "peak_rss_gib": full["peak_rss_bytes"] / GIB,
        "peak_pss_bytes": full["peak_pss_bytes"],
        "peak_pss_gib": full["peak_pss_bytes"] / GIB,
        "peak_single_process_rss_bytes": full["peak_single_process_rss_bytes"],
        "ru_maxrss_bytes": full["ru_maxrss_bytes"],
        "sampling": "psutil, every 50 ms, over `dxw refresh` and all its descendants: the sum of RSS (pages "
        "forked workers share with their parent count once per process, an overstatement) and the sum of PSS "
        "(each shared page split among its sharers: what the tree holds; the goal is judged on it)",
        "samples": full["memory_samples"],
        "ru_maxrss_note": "os.wait4's ru_maxrss keeps the high-water mark of the bench process forked before exec "
        "(Linux carries it over exec), so it shows the bench's own size, not the refresh's: not used",
    }
    results["queries"] = queries
    shutil.rmtree(raw_copy)

    # 7. fixed overhead: a refresh with nothing new on the town sample, over the town's full refresh
    if no_change is None:
        town = world_facts(15, 10, 3, args.workers, work)
        stage = no_change_bench.no_change_stage(refresh, town["raw"], town["registry"], work / "warehouse-town", "town")
        results["overhead"] = {"world": "town sample (15 communes, 10 offices, 3 years)", "files": town["files"]}
        shutil.rmtree(work / "warehouse-town")
    else:  # the tiny world's full refresh stands in for the town's
        stage = {"full": full, "no_change": no_change, "no_change_over_full": no_change["seconds"] / full["seconds"]}
        results["overhead"] = {"world": "the main (tiny) world, --quick", "files": main_world["files"]}
    results["overhead"].update(
        seconds=stage["no_change"]["seconds"],
        full_refresh=_public(stage["full"]),
        no_change_refresh=_public(stage["no_change"]),
        no_change_over_full=stage["no_change_over_full"],
    )

    # 10. scaling: full refreshes of synthetic worlds, the main world's full refresh as the last point
    points = []
    for communes in args.scaling:
        w = world_facts(communes, 0, args.years, args.workers, work)
        r = refresh(w["raw"], work / f"warehouse-c{communes}", w["registry"], f"scaling-c{communes}")
        points.append(
            {
                "communes": communes,
                "offices": 0,
                "years": args.years,
                "files": w["files"],
                "rows": w["rows"],
                "seconds": r["seconds"],
                "published": r["published"],
                "peak_rss_bytes": r["peak_rss_bytes"],
            }
        )
        shutil.rmtree(work / f"warehouse-c{communes}")
    points.append(
        {
            "communes": args.communes,
            "offices": args.offices,
            "years": args.years,
            "files": main_world["files"] - 1,
            "rows": main_world["rows"],
            "seconds": full["seconds"],
            "published": full["published"],
            "peak_rss_bytes": full["peak_rss_bytes"],
        }
    )
    for p in points:
        p["seconds_per_file"] = p["seconds"] / p["files"]
    results["scaling"] = {
        "worlds": f"synthetic, offices 0, years {args.years}; the last point is the main world's full refresh",
        "points": points,
        "loglog_slope": loglog_slope([(p["files"], p["seconds"]) for p in points]),
    }

    # 11. a daemon-started run against `dxw refresh`, on the town sample
    if daemon_quick is not None:
        results["daemon_run"] = daemon_quick
    else:
        town = world_facts(15, 10, 3, args.workers, work)
        label = "town sample (15 communes, 10 offices, 3 years)"
        results["daemon_run"] = daemon_stage(town["raw"], town["registry"], town["files"], label, work)

    ing = results["ingestion"]
    figures = {
        "ingest_vs_floor": ing["ingest_over_floor"],
        "ingest_vs_status_quo": ing["ingest_over_status_quo"],
        "dbt_vs_floor": results["transform"]["dbt_over_floor"],
        "gates_share_of_refresh": results["quality_gates"]["share_of_full_refresh"],
        "incremental_vs_full": results["refresh"]["incremental_vs_full"],
        "peak_pss_gib": results["memory"]["peak_pss_gib"],
        "scaling_slope": results["scaling"]["loglog_slope"],
        "daemon_run_vs_cli": results["daemon_run"]["daemon_over_cli"],
        "no_change_over_full": results["overhead"]["no_change_over_full"],
    }
    results["goals"] = {
        key: {
            "goal": text,
            "value": figures[key],
            "threshold": threshold,
            "met": None
            if figures[key] is None
            else (figures[key] >= threshold if kind == "min" else figures[key] <= threshold),
        }
        for key, (text, threshold, kind) in GOALS.items()
    }
    results["bench_seconds"] = time.perf_counter() - started
    if not args.keep_work:
        shutil.rmtree(work)
    return results


# -- the table -------------------------------------------------------------------------------------


def _fmt(value, spec: str = ",.1f") -> str:
    return "—" if value is None else format(value, spec)


def _pct(share: float | None, spec: str = ".0f") -> str:
    return "—" if share is None else format(100 * share, spec) + "%"


def _row(
    label: str, seconds=None, files_per_s=None, rows_per_s=None, note: str = "", seconds_spec: str = ",.1f"
) -> str:
    cells = [(seconds, seconds_spec, 10), (files_per_s, ",.0f", 11), (rows_per_s, ",.0f", 12)]
    text = "".join(f"{'' if v is None else format(v, spec):>{width}}" for v, spec, width in cells)
    return f"{label:<46}{text}   {note}".rstrip()


def table(r: dict) -> str:
    w, ing, tr, ref, qg = r["world"], r["ingestion"], r["transform"], r["refresh"], r["quality_gates"]
    full, inc, m = ref["full"], ref["incremental"], r["machine"]
    sq, agree, mem = ing["status_quo"], qg["sql_agrees_with_gx"], r["memory"]
    head = (
        f"world: {w['communes']:,} communes, {w['offices']} offices, {w['years']} years — {w['files']:,} files, "
        f"{w['rows']:,} value rows (manifest)"
    )
    lines = [head, f"machine: {m['cpu_count']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, Python {m['python']}"]
    lines += ["", f"{'stage':<46}{'seconds':>10}{'files/s':>11}{'rows/s':>12}   compared"]
    lines.append(
        _row("ingestion (ingest_raw_tree)", ing["ingest_seconds"], ing["ingest_files_per_s"], ing["ingest_rows_per_s"])
    )
    share = ing["ingest_files_per_s"] / ing["floor_files_per_s"]
    lines.append(
        _row(
            "  floor: bare read loop",
            ing["floor_seconds"],
            ing["floor_files_per_s"],
            note=f"ingestion at {_pct(share)} of it",
        )
    )
    if sq:
        faster = ing["ingest_files_per_s"] / sq["files_per_s"]
        note = f"ingestion {faster:,.0f}x faster (files/s)"
        lines.append(_row("  status quo: pandas + openpyxl", sq["seconds"], sq["files_per_s"], sq["rows_per_s"], note))
        lines.append(
            f"      ({sq['subset']}; {sq['skipped_xls']} .xls skipped: openpyxl cannot read them; {sq['failed']} unreadable)"
        )
    else:
        lines.append("  status quo: skipped (--skip-status-quo)")
    dbt_note = f"{tr['dbt_over_floor']:.2f}x the floor"
    lines.append(_row("dbt build (models and seeds)", tr["dbt_models_and_seeds_seconds"], note=dbt_note))
    lines.append(_row("  floor: compiled SQL in one DuckDB session", tr["one_session_floor_seconds"]))
    files_per_s = ref["files"] / full["seconds"]
    lines.append(
        _row(
            "full refresh (dxw refresh, empty warehouse)",
            full["seconds"],
            files_per_s,
            note=f"published: {full['published']}",
        )
    )
    for step, seconds in full["steps"].items():
        lines.append(_row(f"  step {step}", seconds, note=f"{_pct(seconds / full['seconds'])} of the refresh"))
    lines.append(
        _row(
            "quality gates (GX, in the full refresh)",
            qg["gx_seconds"],
            note=f"{_pct(qg['share_of_full_refresh'])} of the refresh",
        )
    )
    same = "yes" if agree["same_as_gx"] else "NO"
    note = f"{agree['expectations']} expectations, same pass/fail as GX: {same}; GX {_fmt(qg['gx_over_sql'], ',.0f')}x slower"
    lines.append(_row("  same checks as plain DuckDB SQL", qg["sql_seconds"], note=note, seconds_spec=",.2f"))
    pub = r["publish"]
    lines.append(
        _row(
            "publish (dx.duckdb)",
            pub["seconds"],
            note=f"{_pct(pub['share_of_full_refresh'], '.1f')} of the refresh",
            seconds_spec=",.2f",
        )
    )
    note = f"{_pct(ref['incremental_vs_full'])} of the full refresh; published: {inc['published']}"
    lines.append(_row("incremental refresh (one new file)", inc["seconds"], note=note))
    where = "tiny world" if r["options"]["quick"] else "town sample"
    note = f"{_pct(r['overhead']['no_change_over_full'], '.1f')} of its full refresh (no_change_over_full)"
    lines.append(_row(f"no-change refresh, {where}", r["overhead"]["seconds"], note=note))
    note = (
        f"summed RSS {mem['peak_rss_gib']:.2f} GiB; largest process {mem['peak_single_process_rss_bytes'] / GIB:.2f} "
        f"GiB; {mem.get('samples', '?')} samples"
    )
    lines.append(
        _row("peak memory, full refresh (summed PSS, GiB)", mem["peak_pss_gib"], note=note, seconds_spec=".2f")
    )
    runs = r["queries"][0]["runs"] if r["queries"] else 0
    lines += ["", f"README queries on the published dx.duckdb (read-only), median of {runs} runs:"]
    lines += [
        f"  q{q['query']}  {q['median_ms']:8.1f} ms  {q['rows']:>6} rows   {q['first_line']}" for q in r["queries"]
    ]
    sc = r["scaling"]
    lines += ["", f"scaling ({sc['worlds']}):", f"  {'communes':>8} {'files':>8} {'seconds':>9} {'ms/file':>9}"]
    for p in sc["points"]:
        flag = "" if p["published"] else "  (not published)"
        lines.append(
            f"  {p['communes']:>8,} {p['files']:>8,} {p['seconds']:>9.1f} {1000 * p['seconds_per_file']:>9.2f}{flag}"
        )
    lines.append(f"  log-log slope of seconds vs files: {_fmt(sc['loglog_slope'], '.2f')}")
    dr = r["daemon_run"]
    lines += ["", f"daemon-started refresh vs `dxw refresh`, {dr['world']}, {dr['files']:,} files, empty warehouse:"]
    lines.append(_row("  dxw refresh (wall time)", dr["cli"]["seconds"], note=f"published: {dr['cli']['published']}"))
    note = (
        f"{dr['daemon_over_cli']:.2f}x the CLI; {dr['daemon']['launch_to_start_seconds']:.1f} s launch to first "
        f"event; steps in {dr['daemon']['processes_running_steps']} process(es); published: {dr['daemon']['published']}"
    )
    outside = f"outside the steps: CLI {dr['cli_outside_steps_seconds']:.1f} s, daemon run {dr['daemon_outside_steps_seconds']:.1f} s"
    lines.append(_row("  daemon run (sensor launch to success)", dr["daemon"]["seconds"], note=note))
    lines.append(f"      ({outside})")
    lines += ["", "goals:"]
    for g in r["goals"].values():
        met = {True: "met", False: "NOT MET", None: "not measured"}[g["met"]]
        lines.append(f"  {met:<13} {g['goal']:<58} {_fmt(g['value'], ',.2f')}")
    lines.append(f"\nbench took {r['bench_seconds'] / 60:.1f} min")
    return "\n".join(lines)


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
    print(table(results))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
