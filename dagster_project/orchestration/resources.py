"""Resources shared by the assets: the build database and the dbt CLI, both on one location.

Built by a function, never at import time, so locations are read from the environment when a
run starts (tests point them at temporary directories).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
from collections.abc import Iterator, Sequence

import duckdb
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from packaging import version

from dagster_project import settings
from dagster_project.quality.resource import GreatExpectationsRunner
from dagster_project.warehouse import pg
from dagster_project.warehouse.connection import PostgresConnection
from dagster_project.warehouse.dbt import dbt_project, dbt_target


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI without the two things it does in the run's process before each `dbt build`, which
    this project never uses and which cost 6–12 s of every refresh at nation scale (BENCHMARKS.md, issue 14):

    - it starts `dbt --version` in a subprocess (a whole dbt start-up) to tell dbt Core from the Fusion engine:
      the `dbt` it runs is the dbt-core this environment installs (`uv.lock`), whose version the package says;
    - it builds a dbt adapter, parsing dbt's macros, for `fetch_row_counts()` and `fetch_column_metadata()`:
      the dbt step only streams dbt's events (orchestration/assets_dbt.py) and calls neither.

    Both are private methods of the locked dagster-dbt; tests/test_dbt_cli_resource.py fails if an upgrade
    renames them, or if the version here differs from what `dbt --version` prints."""

    @functools.cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def build_resources() -> dict:
    settings.export_for_subprocesses()
    settings.warehouse_dir().mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": DuckDBResource(database=str(settings.build_db_path())),
        "dbt": WarehouseDbtCli(
            project_dir=dbt_project, profiles_dir=str(settings.DBT_PROJECT_DIR), target=dbt_target()
        ),
        "great_expectations": GreatExpectationsRunner(
            expectations_dir=str(settings.expectations_dir()), docs_dir=str(settings.data_docs_dir())
        ),
    }


@contextlib.contextmanager
def checked_build(build_db: DuckDBResource, run_id: str) -> Iterator[duckdb.DuckDBPyConnection | PostgresConnection]:
    """The build the run's checks read: the build database through the run's own resource, or on PostgreSQL the
    run's build schema, each query in a transaction of its own (not one snapshot, as a reader of the published
    warehouse has: no one writes the build schema while its checks run)."""
    if not settings.uses_postgres():
        with build_db.get_connection() as con:
            yield con
        return
    raw = pg.connect()
    # a suite whose query fails must not abort the next suite's reads, as it would inside one transaction
    raw.autocommit = True
    try:
        yield PostgresConnection(raw, schema=pg.build_schema(run_id))
    finally:
        raw.close()
