"""The Postgres lane: one throwaway PostgreSQL server for the session (tests/pg_server.py), a fresh role and
database for whoever asks, and dbt pointed at them through the `postgres` target's environment variables."""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path

import pytest

from dagster_project import settings
from dagster_project.warehouse import pg
from tests.pg_server import Server, ServerUnavailable, throwaway_server

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_server() -> Server:
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(throwaway_server())
        except ServerUnavailable as missing:
            pytest.fail(str(missing))
        yield server


_numbers = itertools.count(1)


@pytest.fixture
def pg_database(pg_server):
    """A new login role (no superuser) owning a new database of the same name: (server, name)."""
    name = f"dx_test_{os.getpid()}_{next(_numbers)}"
    pg_server.psql(f"create role {name} login")
    pg_server.psql(f"create database {name} owner {name}")
    return pg_server, name


def dbt_env(server: Server, name: str, target_path: Path) -> dict[str, str]:
    """The environment that points dbt's `postgres` target (dbt/profiles.yml) at a test database: the refresh's
    own variables (pg.dbt_env, schema `main`), the registry and where dbt writes."""
    return {
        **os.environ,
        **pg.dbt_env(server.url(name, name), "main"),
        "DX_REGISTRY_DIR": str(settings.registry_dir()),
        "DBT_TARGET_PATH": str(target_path),
        "DBT_LOG_PATH": str(target_path / "logs"),
    }
