"""Assembles the Dagster definitions; every concern lives in its own module.

Loaded the same way by `dxw`, `dagster dev` (`make dagster-ui`), `dagster-daemon`, `dagster-webserver`
and every run worker: the dbt manifest is prepared here when it is stale (dbt found beside this
interpreter, activated or not), and every run executes in one process under the refresh lock.
"""

from __future__ import annotations

from dagster_project.warehouse.dbt import prepare_manifest

prepare_manifest()  # the dbt assets read the manifest when their module is imported, just below

from dagster import Definitions

from dagster_project.orchestration.assets_dbt import dbt_models
from dagster_project.orchestration.assets_ingest import dq_reviews, ingest_raw_files
from dagster_project.orchestration.assets_publish import published_warehouse
from dagster_project.orchestration.assets_reports import scorecard_reports
from dagster_project.orchestration.checks import great_expectations_suites
from dagster_project.orchestration.executor import refresh_executor
from dagster_project.orchestration.jobs import refresh_job
from dagster_project.orchestration.resources import build_resources
from dagster_project.orchestration.run_summary import refresh_summary_sensors
from dagster_project.orchestration.schedules import daily_refresh_schedule
from dagster_project.orchestration.sensors import raw_tree_sensor

defs = Definitions(
    assets=[ingest_raw_files, dq_reviews, dbt_models, published_warehouse, scorecard_reports],
    asset_checks=[great_expectations_suites],
    jobs=[refresh_job],
    schedules=[daily_refresh_schedule],
    sensors=[raw_tree_sensor, *refresh_summary_sensors],
    resources=build_resources(),
    executor=refresh_executor,  # the refresh job and any materialisation started from the UI
)
