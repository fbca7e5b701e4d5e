"""Shared by the crash-safety and concurrency tests and by `crash_trials.py`: start `dxw refresh` in
its own process group, kill the whole group, and check that a published `dx.duckdb` is whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.conftest import table_checksums

DXW = str(Path(sys.executable).parent / "dxw")
PUBLISH_LOG = "publish_log"


def dxw_env(raw: Path, warehouse: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DX_RAW_DIR": str(raw), "DX_WAREHOUSE_DIR": str(warehouse), **extra}
    env.pop("DAGSTER_HOME", None)
    return env


def start_refresh(
    raw: Path, warehouse: Path, log: Path, progress: bool = False, force: bool = False, **extra: str
) -> subprocess.Popen:
    """`dxw refresh --json` in a new session (its own process group: dbt and workers included).

    With `progress`, the refresh runs without `--json` and its per-step progress lines go to `log`
    (see `wait_for_step`). With `force`, it rebuilds even when nothing changed since the last publish."""
    out = open(log, "wb")  # noqa: SIM115 - closed by the caller through finish()
    return subprocess.Popen(
        [DXW, "refresh", *([] if progress else ["--json"]), *(["--force"] if force else [])],
        env=dxw_env(raw, warehouse, **extra),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_step(proc: subprocess.Popen, log: Path, step: str, timeout: float = 300.0) -> None:
    """Block until the refresh started with `progress=True` reports `step` done in its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if f"✔ {step} done" in log.read_text(encoding="utf-8", errors="replace"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"the refresh ended (exit {proc.returncode}) before {step} was done: {log}")
        time.sleep(0.1)
    raise AssertionError(f"{step} not done after {timeout:.0f} s: {log}")


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the refresh and everything it started (dbt, worker processes)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    _wait_group_gone(proc.pid)


def _wait_group_gone(pgid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def published_state(path: Path) -> dict:
    """Open the published file read-only and check it is whole; returns what a reader would see.

    Raises AssertionError when the file does not open, is not self-consistent, or left a WAL.
    """
    assert path.exists(), f"{path} is missing"
    assert not path.with_name(path.name + ".wal").exists(), "the published file has a write-ahead log beside it"
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("pragma database_size").fetchall()
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
        counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
        checksums = table_checksums(con, tables)
        latest = con.execute(
            "select publish_id, raw_files, raw_fingerprint, tables_published from publish_log "
            "order by published_at desc limit 1"
        ).fetchone()
        files, fingerprint = con.execute(
            "select count(*), coalesce(md5(string_agg(path || ':' || coalesce(content_hash, ''), '|' order by path)), '') "
            "from ingest_files"
        ).fetchone()
    assert latest is not None, "publish_log is empty"
    publish_id, raw_files, raw_fingerprint, tables_published = latest
    assert (raw_files, raw_fingerprint) == (files, fingerprint), "publish_log's latest row does not match the tables"
    assert tables_published == len(tables), "publish_log's latest row names another number of tables"
    return {
        "publish_id": publish_id,
        "counts": counts,
        "checksums": {t: c for t, c in checksums.items() if t != PUBLISH_LOG},
    }


def marts_checksums(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: c for t, c in table_checksums(con).items() if t != PUBLISH_LOG}
