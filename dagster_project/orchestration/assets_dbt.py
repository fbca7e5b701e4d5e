"""dbt models as Dagster assets, grouped by layer, downstream of the ingestion tables.

On PostgreSQL (`DX_WAREHOUSE_URL`) the step starts by copying what dbt reads — the ingestion tables and the
reviews from the build database, the registry's files — into the run's own build schema, then builds there.
"""

import contextlib
import logging
import os
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetObservation, MaterializeResult, MetadataValue
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from dagster_project import settings
from dagster_project.orchestration.assets_ingest import WRITER_POOL
from dagster_project.orchestration.retries import retry_transient_errors
from dagster_project.quality.gx_runner import import_gx_in_background
from dagster_project.warehouse import build_state, fingerprint, pg, pg_load
from dagster_project.warehouse.dbt import dbt_project


class LayeredTranslator(DagsterDbtTranslator):
    """Group each model by its folder (staging, intermediate, marts); seeds are reference data.

    Owners are the offices the plan makes responsible (`meta.owner_agency_code` in the model's
    yml, e.g. TX_VHTT for monitoring, TX_TCKH for the budget); everything else is the data team's.
    """

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str]:
        meta = dbt_resource_props.get("config", {}).get("meta", {}) or dbt_resource_props.get("meta", {})
        office = meta.get("owner_agency_code")
        return [f"team:{office}"] if office else ["team:data-platform"]

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "transform"


TRANSLATOR = LayeredTranslator()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=TRANSLATOR,
    pool=WRITER_POOL,
)
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, duckdb: DuckDBResource):
    """`dbt build`: staging, intermediate and mart models with their data tests; a failing dbt test is not retried.

    dbt's unit tests check the SQL against fixed fixtures, not the data, so they run in `make test`
    (tests/test_dbt_unit_tests.py), not in every refresh: on the town sample they were a third of
    dbt's node time."""
    with retry_transient_errors(context.retry_number):
        keep, built_from = _what_to_keep(context, duckdb)
        if settings.uses_postgres():
            schema = pg.build_schema(context.run.run_id)
            yield from _copy_inputs_to_postgres(context, duckdb, schema)
            env = pg.dbt_env(settings.warehouse_url(), schema)
        else:
            env = {}
        yield from _carried_over(context, keep)  # upstream of everything rebuilt: first, in topological order
        # the kept nodes left out; a test still in when any of its parents is rebuilt (cautious)
        names = " ".join(node["name"] for node in keep)
        exclude = ["--exclude", names, "--indirect-selection", "cautious"] if keep else []
        import_gx_in_background()  # the checks after this step need GX: its import overlaps dbt's run
        with _environment(env):
            yield from dbt.cli(["build", "--exclude-resource-type", "unit_test", *exclude], context=context).stream()
        if built_from is not None:
            with duckdb.get_connection() as con:
                build_state.remember(con, built_from)
    prune_run_targets(dbt_project.project_dir / dbt_project.target_path)


def _what_to_keep(context: AssetExecutionContext, build_db: DuckDBResource) -> tuple[tuple[dict, ...], dict | None]:
    """The dbt nodes this build may keep as they are (build_state.py), and the inputs to record as what the
    graph is built from once the build has succeeded (None: record nothing, as on PostgreSQL or for a subset)."""
    with build_db.get_connection() as con:
        was_built_from = build_state.forget(con)  # before dbt changes anything: a failed build leaves nothing
        inputs, forced = fingerprint.recorded_inputs(con)
    whole_graph = (
        context.selected_asset_keys == context.assets_def.keys
        and context.selected_asset_check_keys == context.assets_def.check_keys
    )
    if settings.uses_postgres() or not whole_graph or inputs is None:
        return (), None
    keep = build_state.unaffected_nodes(dbt_project.manifest_path)
    if forced or not keep or not build_state.can_keep_unaffected(was_built_from, inputs):
        why = "forced" if forced else "the registry, the dbt project or the code changed since the kept build"
        context.log.info("dbt rebuilds every node (%s)", "a first build" if was_built_from is None else why)
        return (), inputs
    tests = {node["name"] for node in keep if node["resource_type"] == "test"}
    context.log.info(
        "dbt keeps %d models and seeds that descend from neither the ingestion tables nor the reviews, and leaves "
        "their %d tests (no result in this run): the registry, the dbt project and the code are those they were "
        "built from",
        len(keep) - len(tests),
        len(tests),
    )
    _KEPT_TESTS.clear()
    _KEPT_TESTS.update(tests)
    return keep, inputs


# The dbt tests of the nodes this run keeps. Dagster warns, once per later step, of each blocking check a step
# gave no result for; a kept node's test has none by design, and the line above says so once.
_KEPT_TESTS: set[str] = set()


class _KeptTestsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "emitted no result in step 'dbt_models'" not in message:
            return True
        check_key = message.split("'", 2)[1]  # 'asset:check_name'
        return check_key.rpartition(":")[2] not in _KEPT_TESTS


logging.getLogger("dagster._core.execution.plan.active").addFilter(_KeptTestsFilter())


def _carried_over(context: AssetExecutionContext, keep: tuple[dict, ...]) -> Iterator[MaterializeResult]:
    """A result for each kept model and seed, so the steps after dbt run; its metadata says it was kept."""
    for node in keep:
        key = TRANSLATOR.get_asset_key(node)
        if node["resource_type"] in ("model", "seed") and key in context.selected_asset_keys:
            yield MaterializeResult(
                asset_key=key,
                metadata={
                    build_state.CARRIED_OVER: True,
                    "why": "kept as built by an earlier refresh: it descends from neither the ingestion tables nor "
                    "the reviews, and the registry, dbt project and code are those it was built from",
                },
            )


def _copy_inputs_to_postgres(context: AssetExecutionContext, build_db: DuckDBResource, schema: str):
    """COPY the source tables and the registry into the run's build schema, before dbt reads them there: one
    observation per source table says how many rows the server received."""
    started = time.monotonic()
    with build_db.get_connection() as duck, contextlib.closing(pg.connect()) as server:
        counts = pg_load.copy_build_inputs(duck, server, schema, settings.registry_dir())
    context.log.info(
        "copied %d tables (%d rows) into the build schema %s in %.1f s",
        len(counts),
        sum(counts.values()),
        schema,
        time.monotonic() - started,
    )
    for table in pg_load.SOURCE_TABLES:
        yield AssetObservation(
            asset_key=table, metadata={"postgres_schema": schema, "postgres_rows": MetadataValue.int(counts[table])}
        )


@contextlib.contextmanager
def _environment(variables: dict[str, str]) -> Iterator[None]:
    """`variables` set for dbt's subprocess (which inherits this process's environment), then restored. A run
    executes in a process of its own (orchestration/executor.py), so no other run sees them."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# dagster-dbt gives every run its own target folder (about 3 MB: manifest, logs, compiled SQL); a
# daily refresh would pile them up forever. The newest are kept for debugging, and none younger
# than a day, so a run still going (a second refresh, a backfill) never loses its folder.
KEEP_RUN_TARGETS = 20
_MIN_AGE_S = 24 * 3600


def prune_run_targets(target: Path, keep: int = KEEP_RUN_TARGETS, min_age_s: float = _MIN_AGE_S) -> list[Path]:
    """Delete the oldest per-run dbt target folders beyond the newest `keep`; returns what went."""
    runs = sorted(target.glob("dbt_models-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    now, removed = time.time(), []
    for folder in runs[keep:]:
        if now - folder.stat().st_mtime >= min_age_s:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
