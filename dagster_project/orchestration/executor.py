"""How a run Dagster launches (the schedule, a sensor, the UI) executes: every step in the run's own
process, holding the warehouse's refresh lock for the whole run.

One process: Dagster's multiprocess executor (its default) starts a process per step, and each of
them loads the definitions (dagster-dbt, Great Expectations) before doing any work; in-process, the
run worker loads them once, as `dxw refresh` does, so a launched run costs what the CLI costs.

One lock: `dxw refresh` takes the lock itself (`execute_in_process` brings its own executor, so this
one never runs under it); a launched run takes it here, so a CLI refresh and a daemon run never
interleave, whichever starts first. A launched run that finds the lock held waits for it (nobody
is there to try again, see `locking.run_lock_wait`); `dxw refresh` is refused at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from dagster import Executor, executor, in_process_executor

from dagster_project import settings
from dagster_project.warehouse.locking import RefreshLocked, lock_path, refresh_lock, run_lock_wait


class RefreshLockedExecutor(Executor):
    """Dagster's in-process executor, inside the warehouse's refresh lock."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner

    @property
    def retries(self):
        return self._inner.retries

    @property
    def step_dependency_config(self):
        return self._inner.step_dependency_config

    def execute(self, plan_context, execution_plan) -> Iterator:
        warehouse = settings.warehouse_dir()
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(refresh_lock(warehouse, wait=0))
            except RefreshLocked as busy:
                wait = run_lock_wait()
                plan_context.log.warning(f"{busy}. This run waits up to {wait:.0f} s for the lock.")
                held.enter_context(refresh_lock(warehouse, wait=wait))
            plan_context.log.info(f"holding the refresh lock {lock_path(warehouse)} for this run")
            yield from self._inner.execute(plan_context, execution_plan)


@executor(name="in_process_with_refresh_lock", config_schema=in_process_executor.config_schema)
def refresh_executor(init_context) -> RefreshLockedExecutor:
    """Every step in the run worker's process (configured like `in_process`), under the refresh lock."""
    return RefreshLockedExecutor(in_process_executor.executor_creation_fn(init_context))
