"""Assembles the Dagster definitions; every concern lives in its own module."""

from __future__ import annotations

from dagster import Definitions, define_asset_job

from dagster_project.assets.ingest import dq_reviews, ingest_raw_files
from dagster_project.assets.publish import published_warehouse
from dagster_project.assets.quality import great_expectations_suites
from dagster_project.assets.reports import scorecard_reports
from dagster_project.assets.transform import dbt_models
from dagster_project.resources import build_resources
from dagster_project.run_summary import refresh_summary_sensors
from dagster_project.schedules import daily_refresh_schedule
from dagster_project.sensors import raw_tree_sensor
from dagster_project.transform import dbt_project

dbt_project.prepare_if_dev()

refresh_job = define_asset_job(
    "refresh", selection="*", description="Ingest, transform, check, publish everything and regenerate the reports."
)

defs = Definitions(
    assets=[ingest_raw_files, dq_reviews, dbt_models, published_warehouse, scorecard_reports],
    asset_checks=[great_expectations_suites],
    jobs=[refresh_job],
    schedules=[daily_refresh_schedule],
    sensors=[raw_tree_sensor, *refresh_summary_sensors],
    resources=build_resources(),
)
