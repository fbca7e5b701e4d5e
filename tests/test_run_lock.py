"""A run Dagster launches holds the same refresh lock as `dxw refresh`: a CLI refresh and a daemon run
never interleave, whichever starts first. The runs here use the definitions' executor on a one-step
job, executed as the run worker executes a launched run (`execute_job`, not `execute_in_process`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from dagster import execute_job, instance_for_test, job, op, reconstructable

from dagster_project.orchestration.executor import refresh_executor
from dagster_project.orchestration.run_summary import build_run_summary
from tests.conftest import DXW

HOLD_SECONDS = 3


@op
def write_down_when_it_ran() -> None:
    """Notes when the step ran, and what `dxw refresh` says if someone starts one meanwhile."""
    started = time.time()
    cli = subprocess.run([DXW, "refresh"], capture_output=True, text=True, env=os.environ, check=False, timeout=120)
    Path(os.environ["STEP_NOTE"]).write_text(f"{started}\n{cli.returncode}\n{cli.stderr}", encoding="utf-8")


@job(executor_def=refresh_executor)
def one_step() -> None:
    write_down_when_it_ran()


def _hold_the_lock(warehouse: Path, seconds: float | None = HOLD_SECONDS) -> tuple[subprocess.Popen, float]:
    """Another process (as `dxw refresh` would) holds the lock for `seconds`, or with None until its stdin
    is closed (however long the run takes to start on a loaded machine); returns it and when it got it."""
    release = f"time.sleep({seconds})" if seconds is not None else "sys.stdin.read()"
    code = (
        "import sys, time\nfrom dagster_project.warehouse.locking import refresh_lock\n"
        f"with refresh_lock(sys.argv[1]):\n    print('held', flush=True)\n    {release}\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder, time.time()


def _env(monkeypatch, tmp_path: Path) -> Path:
    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("DX_RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("STEP_NOTE", str(tmp_path / "note.txt"))
    (tmp_path / "raw").mkdir()
    return warehouse


def test_a_launched_run_waits_for_a_cli_refresh_and_a_cli_refresh_is_refused_during_a_run(tmp_path, monkeypatch):
    warehouse = _env(monkeypatch, tmp_path)
    monkeypatch.delenv("DX_REFRESH_LOCK_WAIT", raising=False)
    holder, held_at = _hold_the_lock(warehouse)
    with instance_for_test() as instance:
        result = execute_job(reconstructable(one_step), instance=instance)
    holder.wait(timeout=30)
    assert result.success
    started, cli_exit, cli_stderr = (tmp_path / "note.txt").read_text(encoding="utf-8").split("\n", 2)
    assert float(started) >= held_at + HOLD_SECONDS - 0.5, "the run's step ran while another refresh held the lock"
    assert cli_exit == "1" and "refresh refused: another refresh" in cli_stderr
    assert f"(pid {os.getpid()})" in cli_stderr, "the run worker (this process) is named as the holder"


def test_a_launched_run_that_cannot_get_the_lock_fails_and_its_summary_says_why(tmp_path, monkeypatch):
    warehouse = _env(monkeypatch, tmp_path)
    monkeypatch.setenv("DX_REFRESH_LOCK_WAIT", "0")
    holder, _ = _hold_the_lock(warehouse, seconds=None)
    with instance_for_test() as instance:
        result = execute_job(reconstructable(one_step), instance=instance, raise_on_error=False)
        summary = build_run_summary(instance, result.run_id)
    holder.stdin.close()  # the run has ended: only now does the holder let go
    holder.wait(timeout=30)
    assert not result.success
    assert not (tmp_path / "note.txt").exists(), "no step may run without the lock"
    assert "another refresh" in summary["why"] and str(warehouse / "refresh.lock") in summary["why"]
