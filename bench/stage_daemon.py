"""The daemon stage: a refresh as the unattended deployment runs it (a real `dagster-daemon` whose
raw-tree sensor launches the run) against `dxw refresh` on the same tree, both into an empty
warehouse with the dbt manifest already parsed for it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import stage_world
from common import ROOT, log, public
from refreshes import prepare_manifest_for, refresh

DAEMON_RUN_TIMEOUT_S = 1800


def town(workers: int, work: Path) -> dict:
    """The stage on the town sample (the full bench; --quick compares on its tiny world instead)."""
    world = stage_world.town(workers, work)
    return compare(world["raw"], world["registry"], world["files"], stage_world.TOWN_LABEL, work)


def compare(raw: Path, registry: Path, files: int, label: str, work: Path, cli: dict | None = None) -> dict:
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
        "cli": public(cli),
        "daemon": daemon,
        "daemon_over_cli": daemon["seconds"] / cli["seconds"],
        # what is not step work (start-up, loading the definitions, launch): less at the mercy of a busy machine
        "cli_outside_steps_seconds": cli["seconds"] - sum(cli["steps"].values()),
        "daemon_outside_steps_seconds": daemon["seconds"] - sum(daemon["steps"].values()),
    }


def daemon_run(raw: Path, warehouse: Path, registry: Path, work: Path) -> dict:
    """A refresh as the unattended deployment runs it: `dagster-daemon` on a temporary DAGSTER_HOME
    (deploy/dagster.yaml) whose raw-tree sensor sees the tree and launches the run. Timed from the run's
    creation (the launch) to its end, from Dagster's run record; the daemon is stopped by process group."""
    from dagster import DagsterInstance, DagsterRunStatus

    home = work / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    log(f"daemon run: dagster-daemon on {raw} → {warehouse}")
    with DagsterInstance.from_config(str(home)) as instance:  # its storage exists before the daemon starts
        started = time.time()
        daemon = _start_daemon(_daemon_env(home, raw, warehouse, registry), work / "daemon.log")
        try:
            record = _finished_run(instance, daemon, started, work)
            run_id = record.dagster_run.run_id
            step_pids = {  # the processes the steps started in
                e.dagster_event.pid
                for e in instance.all_logs(run_id)
                if e.dagster_event and e.dagster_event.is_step_start
            }
            summary = _logged_summary(warehouse, run_id)
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


def _daemon_env(home: Path, raw: Path, warehouse: Path, registry: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_")}
    env.update(DAGSTER_HOME=str(home), DX_RAW_DIR=str(raw), DX_WAREHOUSE_DIR=str(warehouse))
    env.update(DX_REGISTRY_DIR=str(registry))
    env.pop("DX_SENSOR_INTERVAL_SECONDS", None)  # the sensors at their production pace: they share the CPUs
    return env


def _start_daemon(env: dict, log_path: Path) -> subprocess.Popen:
    with log_path.open("w", encoding="utf-8") as out:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-m", "dagster_project.definitions"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its code server and the run worker share its process group
        )


def _finished_run(instance, daemon: subprocess.Popen, started: float, work: Path):
    """The refresh run the sensor launched, once it has finished."""
    from dagster import RunsFilter

    record = None
    while time.time() - started < DAEMON_RUN_TIMEOUT_S:
        records = instance.get_run_records(filters=RunsFilter(job_name="refresh"))
        record = records[0] if records else None
        if record is not None and record.dagster_run.is_finished:
            return record
        if daemon.poll() is not None:
            raise RuntimeError(f"dagster-daemon exited ({daemon.returncode}); see {work / 'daemon.log'}")
        time.sleep(1)
    raise RuntimeError(f"no daemon run finished in {DAEMON_RUN_TIMEOUT_S} s; see {work / 'daemon.log'}")


def _logged_summary(warehouse: Path, run_id: str) -> dict | None:
    """The run's line in the refresh log, written by the run-status sensor's next tick (≤ 30 s)."""
    summary, deadline = None, time.time() + 180
    while summary is None and time.time() < deadline:
        summary = next((line for line in _log_lines(warehouse) if line.get("run_id") == run_id), None)
        time.sleep(1)
    return summary


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
