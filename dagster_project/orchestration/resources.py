"""Resources shared by the assets: the build database and the dbt CLI, both on one location.

Built by a function, never at import time, so locations are read from the environment when a
run starts (tests point them at temporary directories).
"""

from __future__ import annotations

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from dagster_project import settings
from dagster_project.quality.resource import GreatExpectationsRunner
from dagster_project.warehouse.dbt import dbt_project


def build_resources() -> dict:
    settings.export_for_subprocesses()
    settings.warehouse_dir().mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": DuckDBResource(database=str(settings.build_db_path())),
        "dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(settings.DBT_PROJECT_DIR)),
        "great_expectations": GreatExpectationsRunner(
            expectations_dir=str(settings.expectations_dir()), docs_dir=str(settings.data_docs_dir())
        ),
    }
