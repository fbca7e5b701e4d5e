"""The one job: `refresh`, every asset and check in order. `dxw refresh`, the daily schedule, the raw-tree
sensor and the UI all run it."""

from __future__ import annotations

from dagster import define_asset_job

REFRESH_JOB = "refresh"

refresh_job = define_asset_job(
    REFRESH_JOB, selection="*", description="Ingest, transform, check, publish everything and regenerate the reports."
)
