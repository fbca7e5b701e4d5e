"""The Dagster definitions: assets, asset checks, the refresh job, schedule, sensors, resources, executor.

Thin shells: each asset calls into `ingest/`, `warehouse/`, `quality/` or `reports/`, where the work is.
`dagster_project/definitions.py` assembles them into the `Definitions` Dagster loads.
"""
