"""Resources shared by the assets: the build database and the dbt CLI, both on one location.

Built by a function, never at import time, so locations are read from the environment when a
run starts (tests point them at temporary directories).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from dagster_project import settings
from dagster_project.quality.resource import GreatExpectationsRunner
from dagster_project.warehouse import pg
from dagster_project.warehouse.connection import PostgresConnection
from dagster_project.warehouse.dbt import dbt_project, dbt_target


def build_resources() -> dict:
    settings.export_for_subprocesses()
    settings.warehouse_dir().mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": DuckDBResource(database=str(settings.build_db_path())),
        "dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(settings.DBT_PROJECT_DIR), target=dbt_target()),
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
