"""A refresh as a user runs it: `dxw refresh --json` in a subprocess, timed, with the memory of its
whole process tree sampled while it runs. Every refresh stage measures through this."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
from common import DXW, ROOT, log


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
            self._sample(procs)
            self.done.wait(self.interval)

    def _sample(self, procs: list[psutil.Process]) -> None:
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


def refresh(raw: Path, warehouse: Path, registry: Path, label: str) -> dict:
    """`dxw refresh --json` in a subprocess, as a user runs it; wall time, outcome, per-step times, memory."""
    warehouse.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # an ephemeral instance, like `make run`
    env.update(DX_RAW_DIR=str(raw), DX_WAREHOUSE_DIR=str(warehouse), DX_REGISTRY_DIR=str(registry))
    stderr_path = warehouse.parent / f"{label}.stderr.txt"
    log(f"refresh {label}: {raw} → {warehouse}")
    seconds, exit_code, out, usage, sampler = _run_sampled(env, stderr_path)
    text = out.decode("utf-8", "replace")
    try:
        outcome = json.loads(text[text.index("{") :])
    except ValueError as error:
        raise RuntimeError(f"refresh {label} printed no JSON (exit {exit_code}); see {stderr_path}") from error
    summary = outcome.get("summary") or {}
    result = {
        "seconds": seconds,
        "exit_code": exit_code,
        "success": outcome.get("success"),
        "published": bool(outcome.get("published")),
        "why": summary.get("why"),
        "up_to_date": bool(summary.get("up_to_date")),
        "files": summary.get("files"),
        "steps": summary.get("steps") or {},
        "peak_rss_bytes": sampler.peak_sum,
        "peak_pss_bytes": sampler.peak_pss_sum,
        "peak_single_process_rss_bytes": sampler.peak_one,
        "ru_maxrss_bytes": usage.ru_maxrss * 1024,
        "memory_samples": sampler.samples,
        "most_processes": sampler.most_processes,
    }
    steps = json.dumps({k: round(v, 1) for k, v in result["steps"].items()})
    log(f"refresh {label}: {seconds:.1f} s, exit {exit_code}, published {result['published']}, steps {steps}")
    if result["up_to_date"]:
        log(f"refresh {label}: nothing to rebuild, {result['why']}")
    elif not result["published"]:
        log(f"refresh {label} did NOT publish: {result['why']}")
    result["_checks"] = summary.get("checks") or {}
    return result


def _run_sampled(env: dict, stderr_path: Path) -> tuple[float, int, bytes, object, TreeMemory]:
    """Run `dxw refresh --json` with its tree's memory sampled: (seconds, exit code, stdout, rusage, sampler)."""
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
    return seconds, proc.returncode, out, usage, sampler


def prepare_manifest_for(warehouse: Path) -> None:
    """Parse the dbt project for `warehouse`, as the refresh does when it differs from the last one, so
    neither timed run below parses inside its window."""
    env = {**os.environ, "DX_WAREHOUSE_DIR": str(warehouse)}
    code = "from dagster_project.warehouse.dbt import prepare_manifest; prepare_manifest()"
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True)


def step_seconds(steps: dict[str, float], *needles: str) -> float | None:
    """Seconds of the refresh steps whose key contains one of the needles (step keys may change)."""
    found = [v for k, v in steps.items() if any(n in k for n in needles)]
    return sum(found) if found else None
