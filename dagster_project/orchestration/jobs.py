"""The one job: `refresh`, every asset and check in order. `dxw refresh`, the daily schedule, the raw-tree
sensor and the UI all run it."""

from __future__ import annotations

import warnings

from dagster import BetaWarning, define_asset_job

REFRESH_JOB = "refresh"

with warnings.catch_warnings():
    # parsing the selection "*" calls a beta parameter inside dagster itself: dagster's, not ours to fix
    warnings.simplefilter("ignore", BetaWarning)
    refresh_job = define_asset_job(
        REFRESH_JOB,
        selection="*",
        description="Ingest, transform, check, publish everything and regenerate the reports.",
    )
