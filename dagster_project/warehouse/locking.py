"""One refresh at a time per warehouse: an exclusive `flock` on `<warehouse>/refresh.lock`.

Two refreshes on the same warehouse (a scheduled run and a sensor-triggered one, or two people
typing `dxw refresh`) must not interleave: DuckDB refuses a second writer on `build.duckdb`, so the
steps of the two runs fail each other at random, and a run could publish a build whose ingestion
tables another run changed after the checks. The lock is held for the whole run; the kernel drops
it when the holder exits or is killed, so a crashed refresh never leaves a stale lock behind.

    with refresh_lock(settings.warehouse_dir()):      # raises RefreshLocked when another run holds it
        ...run the refresh...

`DX_REFRESH_LOCK_WAIT` (seconds, default 0) lets a second refresh wait for the first instead of
being refused. A run Dagster launches (schedule, sensor, UI; see orchestration/executor.py) has nobody to try
again, so it waits: `DX_REFRESH_LOCK_WAIT` when set, else an hour (`RUN_LOCK_WAIT_SECONDS`).
Readers of the published `dx.duckdb` never take this lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = "refresh.lock"
RUN_LOCK_WAIT_SECONDS = 3600.0


class RefreshLocked(RuntimeError):
    """Another refresh holds the warehouse."""


def lock_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / LOCK_NAME


def _default_wait(unset: float = 0.0) -> float:
    try:
        return max(0.0, float(os.environ.get("DX_REFRESH_LOCK_WAIT", unset)))
    except ValueError:
        return unset


def run_lock_wait() -> float:
    """How long a run Dagster launched waits for the lock: `DX_REFRESH_LOCK_WAIT`, else an hour."""
    return _default_wait(unset=RUN_LOCK_WAIT_SECONDS)


@contextlib.contextmanager
def refresh_lock(warehouse_dir: Path, wait: float | None = None) -> Iterator[Path]:
    """Hold the warehouse's refresh lock for the block; refuse (or wait up to `wait` s) when held."""
    path = lock_path(warehouse_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (_default_wait() if wait is None else wait)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    raise RefreshLocked(
                        f"another refresh{holder} is running on {Path(warehouse_dir)} (lock {path}); "
                        "nothing was changed — try again when it has finished"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _read_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
