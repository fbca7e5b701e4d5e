"""Dagster assets by concern: ingest, transform (dbt), publish."""
