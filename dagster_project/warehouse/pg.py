"""The PostgreSQL warehouse (`DX_WAREHOUSE_URL`): how to reach it, and the schemas it is laid out in.

Each refresh builds into its own schema `build_<run>`; the audited build's public tables are published
by renaming schemas in one transaction, so `published` is always one whole version (warehouse/pg_publish.py).
`dx_ops` holds what outlives a version: the publish log and the unit-login mapping of row-level security.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit

import psycopg2

from dagster_project import settings

PUBLISHED_SCHEMA = "published"
OPS_SCHEMA = "dx_ops"
BUILD_PREFIX = "build_"

# The roles of deploy/postgres/roles.sql (its defaults are these names): the refresh, the only writer, owning
# the schemas; analysts reading all of `published`; unit logins reading their own rows (warehouse/pg_access.py)
REFRESH_ROLE = "dx_refresh"
ANALYST_ROLE = "dx_analyst"
UNIT_ROLE = "dx_unit"
# dx_ops table mapping each unit login to its agency code
UNIT_LOGINS_TABLE = "unit_logins"


# The planner settings of every session dbt opens for a build (models and their data tests alike: a test has
# no hook to set them), as libpq's PGOPTIONS. No JIT: the marts' long expressions (number_text) made the
# planner JIT-compile for 35 s a statement that runs in 13. No nested loops and no merge joins: after an
# aggregation the planner guesses a few thousand rows where there are half a million, and both then rescan
# one side per row (a key test spent 3 s; int_indicator_unit_contributions 18 s, 8 s with hash joins). Room
# to sort and hash in memory. Measured on the nation build: BENCHMARKS.md, "The same build on PostgreSQL".
BUILD_SETTINGS = {"jit": "off", "work_mem": "128MB", "enable_nestloop": "off", "enable_mergejoin": "off"}


def build_options(existing: str | None = None) -> str:
    """PGOPTIONS for a build session: `existing` (the operator's own PGOPTIONS) and then BUILD_SETTINGS."""
    settings_options = [f"-c {name}={value}" for name, value in BUILD_SETTINGS.items()]
    return " ".join(([existing] if existing else []) + settings_options)


def build_schema(run_id: str) -> str:
    """The schema one run builds into: `build_` and the run id's letters and digits (a Postgres name is at
    most 63 bytes)."""
    return (BUILD_PREFIX + re.sub(r"[^a-z0-9]", "", run_id.lower()))[:63]


def connect(url: str | None = None, **overrides):
    """A psycopg2 connection to the configured warehouse (or `url`); `overrides` replace URL parts (user…)."""
    url = url or settings.warehouse_url()
    if url is None:
        raise RuntimeError("DX_WAREHOUSE_URL is not set: the warehouse is the embedded DuckDB")
    return psycopg2.connect(url, **overrides)


def dbt_env(url: str, schema: str) -> dict[str, str]:
    """The variables dbt's `postgres` target (dbt/profiles.yml) reads, from the URL and the build schema, and
    the build's session options. The password is left to libpq (PGPASSWORD, ~/.pgpass) unless the URL carries one."""
    parts = urlsplit(url)
    env = {
        "DX_PG_HOST": parts.hostname or "127.0.0.1",
        "DX_PG_PORT": str(parts.port or 5432),
        "DX_PG_USER": unquote(parts.username or ""),
        "DX_PG_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "DX_PG_SCHEMA": schema,
        "PGOPTIONS": build_options(os.environ.get("PGOPTIONS")),
    }
    if parts.password:
        env["DX_PG_PASSWORD"] = unquote(parts.password)
    return env
