"""`dxw refresh` with DX_WAREHOUSE_URL: the sample world is built, checked and published on a PostgreSQL server, every
published table equal to DuckDB's `dx.duckdb` of the same raw tree; `published` holds only the public tables and
the publish log; no build schema outlives its publish; nothing new means "already up to date", `--force` publishes
again, and a blocking failure leaves the previous `published` as it was.

One module-wide sequence of refreshes on one database (each is a full build): publish, up to date, blocked, forced.
Deliberate differences between the engines in the published tables: none (`publish_log` holds each publish's own
run id and time, so only its columns are compared).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass

import duckdb
import pytest

from dagster_project import settings
from dagster_project.sql import quote_ident
from dagster_project.warehouse import dbt, pg
from dagster_project.warehouse.publish import public_tables
from tests.conftest import run_dxw
from tests.postgres.cross_engine import rows_digest

pytestmark = pytest.mark.pipeline  # runs the whole refresh

ROLES_SQL = settings.PROJECT_ROOT / "deploy" / "postgres" / "roles.sql"

IMPOSSIBLE = {
    "type": "expect_table_row_count_to_be_between",
    "kwargs": {"min_value": 0, "max_value": 1},
    "meta": {"level": "blocking", "promise": "A promise this build cannot keep.", "promise_vi": "Không giữ được."},
}


@dataclass(frozen=True)
class ServerState:
    schemas: set[str]
    tables: dict[str, tuple[list[str], tuple[int, str]]]  # published table → (columns, digest of its rows)
    publish_ids: list[str]  # published.publish_log, oldest first


def _server_state(server, name: str) -> ServerState:
    with contextlib.closing(server.connect(user=name, dbname=name)) as con, con.cursor() as cur:
        cur.execute(
            r"select nspname from pg_namespace where nspname not like 'pg\_%' and nspname <> 'information_schema'"
        )
        schemas = {row[0] for row in cur.fetchall()}
        cur.execute("select table_name from information_schema.tables where table_schema = %s", [pg.PUBLISHED_SCHEMA])
        tables = {}
        for (table,) in cur.fetchall():
            cur.execute(
                "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
                " order by ordinal_position",
                [pg.PUBLISHED_SCHEMA, table],
            )
            columns = [row[0] for row in cur.fetchall()]
            cur.execute(f"select {', '.join(quote_ident(c) for c in columns)} from published.{quote_ident(table)}")
            tables[table] = (columns, rows_digest(cur.fetchall()))
        cur.execute("select publish_id from published.publish_log order by published_at")
        return ServerState(schemas, tables, [row[0] for row in cur.fetchall()])


def _duckdb_tables(path) -> dict[str, tuple[list[str], tuple[int, str]]]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()]
        found = {}
        for table in names:
            columns = [
                row[0]
                for row in con.execute(
                    "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            select = ", ".join(quote_ident(c) for c in columns)
            found[table] = (columns, rows_digest(con.execute(f"select {select} from {quote_ident(table)}").fetchall()))
        return found


@pytest.fixture(scope="module")
def server_refreshes(published_sample, pg_server, tmp_path_factory):
    """On a copy of the sample world and a fresh database: a first refresh, a second with nothing new, one whose
    suites hold an impossible blocking expectation, and a forced one; each outcome with the server's state after."""
    raw_source = published_sample[0]
    base = tmp_path_factory.mktemp("pg-refresh")
    raw, warehouse, suites = base / "raw", base / "warehouse", base / "expectations"
    shutil.copytree(raw_source, raw)  # modification times kept: ingest_files equals DuckDB's
    shutil.copytree(settings.expectations_dir(), suites)
    suite_file = suites / "fct_indicator_values.json"
    suite = json.loads(suite_file.read_text(encoding="utf-8"))
    suite["expectations"].append(IMPOSSIBLE)
    suite_file.write_text(json.dumps(suite), encoding="utf-8")

    name = "dx_refresh_sample"
    pg_server.psql(f"create role {name} login")
    pg_server.psql(f"create database {name} owner {name}")
    # set up as an operator does (deploy/postgres/README.md), this role being the refresh role
    done = pg_server.run_script(name, ROLES_SQL, refresh_role=name)
    assert done.returncode == 0, done.stderr
    url = pg_server.url(user=name, dbname=name)

    def refresh(*args: str, **env: str):
        done = run_dxw("refresh", "--json", *args, raw=raw, warehouse=warehouse, DX_WAREHOUSE_URL=url, **env)
        outcome = json.loads(done.stdout) if done.stdout.strip() else None
        return done, outcome, _server_state(pg_server, name)

    return {
        "first": refresh(),
        "second": refresh(),
        "blocked": refresh(DX_EXPECTATIONS_DIR=str(suites)),
        "forced": refresh("--force"),
    }


def test_the_refresh_publishes_on_the_server_every_table_equal_to_duckdbs(server_refreshes, published_sample):
    done, outcome, state = server_refreshes["first"]
    assert done.returncode == 0, done.stderr[-4000:]
    assert outcome["success"] and outcome["summary"]["published"]
    on_duckdb = _duckdb_tables(published_sample[2] / "dx.duckdb")
    assert set(state.tables) == set(on_duckdb) == {*public_tables(dbt.dbt_project.manifest_path), "publish_log"}
    differ = {
        table: (state.tables[table], expected)
        for table, expected in on_duckdb.items()
        if state.tables[table] != expected and table != "publish_log"
    }
    assert differ == {}
    assert state.tables["publish_log"][0] == on_duckdb["publish_log"][0]
    assert state.publish_ids == [outcome["run_id"]]


def test_the_suites_check_the_server_build_with_duckdbs_verdicts(server_refreshes, published_sample):
    _, outcome, _ = server_refreshes["first"]
    on_duckdb = json.loads(published_sample[3].stdout)["checks"]
    ours = outcome["checks"]
    assert ours["blocking_failures"] == [] and ours["expectations_passed"] > 0
    assert (ours["expectations_passed"], ours["flagging_failures"]) == (
        on_duckdb["expectations_passed"],
        on_duckdb["flagging_failures"],
    )


def test_the_manifest_was_prepared_for_the_postgres_target_and_is_stale_for_duckdb(server_refreshes, monkeypatch):
    stamp = json.loads(dbt.dbt_project.manifest_path.with_name("prepared_for.json").read_text(encoding="utf-8"))
    assert stamp["target"] == dbt.POSTGRES_TARGET
    monkeypatch.setenv("DX_WAREHOUSE_DIR", stamp["warehouse"])
    monkeypatch.delenv("DX_WAREHOUSE_URL", raising=False)
    # the same warehouse without the server: only the target differs, and that is enough to parse again
    assert dbt._prepared_for() == {**stamp, "target": dbt.DUCKDB_TARGET}


def test_no_build_schema_outlives_its_publish(server_refreshes):
    _, first, after_first = server_refreshes["first"]
    assert pg.build_schema(first["run_id"]) not in after_first.schemas
    assert {s for s in after_first.schemas if s.startswith(pg.BUILD_PREFIX)} == set()
    _, _, after_forced = server_refreshes["forced"]
    assert {s for s in after_forced.schemas if s.startswith(pg.BUILD_PREFIX)} == set()


def test_a_second_refresh_is_already_up_to_date_and_force_publishes_again(server_refreshes):
    _, first, after_first = server_refreshes["first"]
    done, second, after_second = server_refreshes["second"]
    assert done.returncode == 0, done.stderr[-4000:]
    assert second["summary"]["up_to_date"] and "already up to date" in second["summary"]["why"]
    assert after_second == after_first
    done, forced, after_forced = server_refreshes["forced"]
    assert done.returncode == 0, done.stderr[-4000:]
    assert forced["summary"]["published"] and not forced["summary"]["up_to_date"]
    assert after_forced.publish_ids == [first["run_id"], forced["run_id"]]
    assert {t: v for t, v in after_forced.tables.items() if t != "publish_log"} == {
        t: v for t, v in after_first.tables.items() if t != "publish_log"
    }


def test_a_blocking_failure_on_the_server_keeps_the_previous_publish(server_refreshes):
    _, _, after_first = server_refreshes["first"]
    done, blocked, after_blocked = server_refreshes["blocked"]
    assert done.returncode == 1, done.stderr[-4000:]
    assert blocked["success"] is False and not blocked["summary"]["published"]
    assert any(
        "fct_indicator_values" in line and IMPOSSIBLE["type"] in line for line in blocked["checks"]["blocking_failures"]
    )
    assert after_blocked.tables == after_first.tables and after_blocked.publish_ids == after_first.publish_ids
