"""The dbt project on PostgreSQL: the `postgres` target connects, and the sample world's build database — its
ingestion, reviews and the agency registry copied in with COPY — builds there with every model, data test and
unit test passing, each table equal to the DuckDB build's."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from dagster_project.warehouse import pg
from dagster_project.warehouse.pg_load import copy_registry, copy_sources
from tests.postgres.conftest import dbt_env
from tests.postgres.cross_engine import duckdb_digest, postgres_digest

pytestmark = pytest.mark.pipeline  # runs dbt

DBT = str(Path(sys.executable).parent / "dbt")
PROJECT = settings.DBT_PROJECT_DIR


def _dbt(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    command = [DBT, *args, "--target", "postgres", "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT)]
    return subprocess.run(command, env=env, cwd=PROJECT, capture_output=True, text=True, timeout=1800, check=False)


def test_dbt_debug_passes_on_the_postgres_target_and_fails_on_a_closed_port(pg_database, tmp_path):
    server, name = pg_database
    env = dbt_env(server, name, tmp_path / "target")
    done = _dbt(env, "debug")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "All checks passed!" in done.stdout
    closed = _dbt({**env, "DX_PG_PORT": "1"}, "debug")
    assert closed.returncode != 0


def test_every_dbt_session_runs_with_the_build_settings_and_keeps_the_operators_options(
    pg_database, tmp_path, monkeypatch
):
    """A data test has no hook, so the planner settings are the sessions' options (pg.BUILD_SETTINGS through
    PGOPTIONS): dbt's own session shows them, beside an option the operator's PGOPTIONS already set."""
    server, name = pg_database
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=654321")
    env = dbt_env(server, name, tmp_path / "target")
    names = [*pg.BUILD_SETTINGS, "statement_timeout"]
    query = "select " + ", ".join(f"current_setting('{setting}') as {setting}" for setting in names)
    done = _dbt(env, "show", "--inline", query, "--output", "json", "--log-format", "json")
    assert done.returncode == 0, done.stdout[-3000:]
    shown = next(json.loads(line)["data"]["preview"] for line in done.stdout.splitlines() if '"preview"' in line)
    row = json.loads(shown)[0] if isinstance(shown, str) else shown[0]
    assert row == {**pg.BUILD_SETTINGS, "statement_timeout": "654321ms"}


@pytest.fixture(scope="module")
def postgres_build(published_sample, pg_server, tmp_path_factory):
    """The published sample's build database copied into a fresh Postgres database, then `dbt build` there:
    (DuckDB build file, server, database name, dbt's completed process, its target folder)."""
    _, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0, refresh.stderr[-3000:]
    folder = tmp_path_factory.mktemp("pg-build")
    duck_file = folder / "build.duckdb"
    shutil.copyfile(warehouse / "build.duckdb", duck_file)
    name = "dx_sample_build"
    pg_server.psql(f"create role {name} login")
    pg_server.psql(f"create database {name} owner {name}")
    with duckdb.connect(str(duck_file), read_only=True) as duck, pg_server.connect(user=name, dbname=name) as pg:
        loaded = copy_sources(duck, pg)
        copy_registry(settings.registry_dir(), pg)
        for table, n in loaded.items():
            assert n == duck.execute(f'select count(*) from main."{table}"').fetchone()[0], table
    target = folder / "target"
    done = _dbt(dbt_env(pg_server, name, target), "build")
    return duck_file, pg_server, name, done, target


def test_the_sample_build_passes_on_postgres_with_every_unit_test(postgres_build):
    _, _, _, done, target = postgres_build
    assert done.returncode == 0, done.stdout[-6000:]
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    by_kind: dict[str, set[str]] = {}
    for result in results:
        by_kind.setdefault(result["unique_id"].split(".")[0], set()).add(result["status"])
    assert by_kind == {"seed": {"success"}, "model": {"success"}, "test": {"pass"}, "unit_test": {"pass"}}
    ran = {r["unique_id"] for r in results}
    assert {k for k in manifest["nodes"] if k.split(".")[0] in {"model", "seed", "test"}} <= ran
    assert set(manifest["unit_tests"]) <= ran and len(manifest["unit_tests"]) >= 20


def test_every_table_on_postgres_equals_the_duckdb_build(postgres_build, published_sample):
    duck_file, server, name, done, _ = postgres_build
    assert done.returncode == 0, done.stdout[-3000:]
    with (
        duckdb.connect(str(published_sample[2] / "dx.duckdb"), read_only=True) as published,
        duckdb.connect(str(duck_file), read_only=True) as duck,
        server.connect(user=name, dbname=name) as pg,
    ):
        with pg.cursor() as cur:
            cur.execute("select table_name from information_schema.tables where table_schema = 'main'")
            on_postgres = {r[0] for r in cur.fetchall()}
        published_tables = {
            r[0] for r in published.execute("select table_name from information_schema.tables").fetchall()
        }
        models = {
            r[0] for r in duck.execute("select table_name from information_schema.tables").fetchall()
        } & on_postgres
        assert published_tables - {"publish_log"} <= on_postgres
        assert len(models) >= 45
        differ = {}
        for table in sorted(models):
            columns = [
                r[0]
                for r in duck.execute(
                    "select column_name from information_schema.columns where table_schema = 'main'"
                    " and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            with pg.cursor() as cur:
                cur.execute(
                    "select column_name from information_schema.columns where table_schema = 'main'"
                    " and table_name = %s order by ordinal_position",
                    [table],
                )
                assert [r[0] for r in cur.fetchall()] == columns, table
            ours, theirs = duckdb_digest(duck, table, columns), postgres_digest(pg, table, columns)
            if ours != theirs:
                differ[table] = (ours, theirs)
            if table in published_tables:  # the published copy is the build's
                assert duckdb_digest(published, table, columns) == ours, table
    assert differ == {}
