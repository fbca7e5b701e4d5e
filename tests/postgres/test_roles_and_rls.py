"""Roles and row-level security on the PostgreSQL warehouse: the sample world published as the publish does it
(its tables COPYed into a version schema, `apply_access` on it in one transaction with the rename to
`published`), the roles made by deploy/postgres/roles.sql and unit logins by add_unit_login.sql, run with psql.
Every test runs after a first publish and again after a second one, which replaces the first."""

from __future__ import annotations

import collections
import contextlib
import os
from dataclasses import dataclass

import duckdb
import psycopg2
import psycopg2.errors
import pytest

from dagster_project import settings
from dagster_project.sql import quote_ident
from dagster_project.warehouse import pg
from dagster_project.warehouse.pg_access import (
    ANALYST_ONLY_TABLES,
    SHARED_TABLES,
    UNIT_CODE_COLUMNS,
    apply_access,
)
from dagster_project.warehouse.pg_load import copy_sources
from tests.pg_server import Server

DEPLOY = settings.PROJECT_ROOT / "deploy" / "postgres"
ROLES_SQL = DEPLOY / "roles.sql"
ADD_UNIT_LOGIN_SQL = DEPLOY / "add_unit_login.sql"


@contextlib.contextmanager
def connected(server: Server, user: str, dbname: str):
    con = server.connect(user=user, dbname=dbname)
    try:
        yield con
    finally:
        con.close()


def publish_version(server: Server, dbname: str, duck: duckdb.DuckDBPyConnection, tables: list[str], version: str):
    """What the publish does, as the refresh role: the tables into a fresh schema, then in one transaction
    `apply_access` on it and the renames that make it `published`. Returns the new schema's OID."""
    with connected(server, pg.REFRESH_ROLE, dbname) as con:
        copy_sources(duck, con, tables=tuple(tables), schema=version)
        with con.cursor() as cur:
            apply_access(cur, version)
            cur.execute("select oid from pg_namespace where nspname = %s", [pg.PUBLISHED_SCHEMA])
            if cur.fetchone() is not None:
                cur.execute(f"alter schema {pg.PUBLISHED_SCHEMA} rename to {quote_ident('retired_' + version)}")
            cur.execute(f"alter schema {quote_ident(version)} rename to {pg.PUBLISHED_SCHEMA}")
            cur.execute("select oid from pg_namespace where nspname = %s", [pg.PUBLISHED_SCHEMA])
            oid = cur.fetchone()[0]
        con.commit()
    return oid


def rows(con, table: str) -> collections.Counter:
    with con.cursor() as cur:
        cur.execute(f"select * from {pg.PUBLISHED_SCHEMA}.{quote_ident(table)}")
        columns = [d[0] for d in cur.description]
        return collections.Counter(tuple(zip(columns, row, strict=True)) for row in cur.fetchall())


def visible_codes(code: str, agencies: list[dict]) -> set[str]:
    """The rule, written again: the unit itself, every agency whose successor chain reaches it, the area."""
    visible = {code}
    while True:
        more = {a["agency_code"] for a in agencies if a["successor_code"] in visible} - visible
        if not more:
            break
        visible |= more
    return visible | {a["agency_code"] for a in agencies if a["agency_type"] == "area"}


@dataclass
class World:
    server: Server
    dbname: str
    tables: list[str]
    agencies: list[dict]
    unit_logins: dict[str, str]  # login → agency code
    analyst: str
    published_oid: int
    version_oids: list[int]
    full: dict[str, collections.Counter]  # every row of every table, as the superuser reads it

    def connect(self, user: str):
        return connected(self.server, user, self.dbname)


@pytest.fixture(scope="module", params=[1, 2], ids=["first publish", "second publish"])
def world(request, published_sample, pg_server) -> World:
    """The published sample in a fresh database, roles.sql run (twice: it is idempotent), one unit login per
    agency and an analyst login, then published `request.param` times."""
    _, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0, refresh.stderr[-3000:]
    dbname = f"dx_access_{os.getpid()}_{request.param}"
    pg_server.psql(f"create database {dbname}")
    # what a database made before PostgreSQL 15 (or upgraded from one) lets everyone do
    pg_server.psql("grant create on schema public to public", dbname=dbname)
    for _ in range(2):
        done = pg_server.run_script(dbname, ROLES_SQL)
        assert done.returncode == 0, done.stderr
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as duck:
        tables = [
            r[0]
            for r in duck.execute(
                "select table_name from information_schema.tables where table_schema = 'main' order by 1"
            ).fetchall()
        ]
        agencies = duck.execute("select agency_code, agency_type, successor_code from dim_agency").df()
        version_oids = [publish_version(pg_server, dbname, duck, tables, f"v{n}") for n in range(request.param)]
    agencies = agencies.astype(object).where(agencies.notna(), None).to_dict("records")
    unit_logins = {}
    for agency in agencies:
        login = f"{dbname}_{agency['agency_code'].lower()}"
        done = pg_server.run_script(dbname, ADD_UNIT_LOGIN_SQL, login=login, agency_code=agency["agency_code"])
        assert done.returncode == 0, done.stderr
        unit_logins[login] = agency["agency_code"]
    analyst = f"{dbname}_analyst"
    pg_server.psql(f"create role {analyst} login in role {pg.ANALYST_ROLE}")
    with connected(pg_server, pg_server.superuser, dbname) as con:
        full = {table: rows(con, table) for table in tables}
        with con.cursor() as cur:
            cur.execute("select oid from pg_namespace where nspname = %s", [pg.PUBLISHED_SCHEMA])
            published_oid = cur.fetchone()[0]
    return World(pg_server, dbname, tables, agencies, unit_logins, analyst, published_oid, version_oids, full)


def test_published_is_the_last_version_published(world):
    assert world.published_oid == world.version_oids[-1]
    assert len(set(world.version_oids)) == len(world.version_oids)


def test_every_published_table_is_classified_for_units(world):
    """A new mart forces a decision: read by units whole, row by row, or by analysts only."""
    assert sorted(world.tables) == sorted([*UNIT_CODE_COLUMNS, *SHARED_TABLES, *ANALYST_ONLY_TABLES])
    with world.connect(world.server.superuser) as con, con.cursor() as cur:
        cur.execute(
            "select relname from pg_class where relnamespace = %s and relkind = 'r' and relrowsecurity",
            [world.published_oid],
        )
        assert {r[0] for r in cur.fetchall()} == set(UNIT_CODE_COLUMNS)


def test_each_unit_login_sees_its_own_rows_its_predecessors_and_the_areas_in_every_unit_table(world):
    areas = {a["agency_code"] for a in world.agencies if a["agency_type"] == "area"}
    assert len(areas) == 1
    others_seen = collections.Counter()  # rows of a code not the login's own: its predecessors' and the area's
    for login, code in world.unit_logins.items():
        allowed = visible_codes(code, world.agencies)
        with world.connect(login) as con:
            for table, column in UNIT_CODE_COLUMNS.items():
                expected = collections.Counter(
                    {row: n for row, n in world.full[table].items() if dict(row)[column] in allowed}
                )
                assert rows(con, table) == expected, (login, table)
                for row in expected.elements():
                    if dict(row)[column] != code:
                        others_seen["area" if dict(row)[column] in areas else "predecessor"] += 1
    # the sample has merged units with their predecessors' rows, and area rows: the comparison is not vacuous
    assert others_seen["predecessor"] > 0 and others_seen["area"] > 0


def test_a_merged_units_login_sees_its_predecessors_but_a_predecessors_login_not_its_neighbours(world):
    successor_of = {a["agency_code"]: a["successor_code"] for a in world.agencies}
    login_of = {code: login for login, code in world.unit_logins.items()}
    merged = max({s for s in successor_of.values() if s}, key=lambda s: list(successor_of.values()).count(s))
    predecessors = {a for a, s in successor_of.items() if s == merged}
    assert len(predecessors) >= 2
    predecessor, neighbour = sorted(predecessors)[:2]
    full_codes = collections.Counter(dict(row)["agency_code"] for row in world.full["fct_indicator_values"].elements())
    assert full_codes[predecessor] > 0 and full_codes[neighbour] > 0 and full_codes[merged] > 0
    query = f"select count(*) from {pg.PUBLISHED_SCHEMA}.fct_indicator_values where agency_code = %s"
    with world.connect(login_of[merged]) as con, con.cursor() as cur:
        for code in predecessors:
            cur.execute(query, [code])
            assert cur.fetchone()[0] == full_codes[code]
    with world.connect(login_of[predecessor]) as con, con.cursor() as cur:
        for hidden in (neighbour, merged):
            cur.execute(query, [hidden])
            assert cur.fetchone()[0] == 0, hidden
        cur.execute(query, [predecessor])
        assert cur.fetchone()[0] == full_codes[predecessor]


def test_a_budget_row_is_the_measured_units_not_the_reporting_offices(world):
    budget = list(world.full["fct_budget_share"].elements())
    reporters = collections.Counter(dict(row)["reporting_agency_code"] for row in budget)
    reporter = reporters.most_common(1)[0][0]  # the finance office that reported every unit's budget
    login = next(login for login, code in world.unit_logins.items() if code == reporter)
    allowed = visible_codes(reporter, world.agencies)
    with world.connect(login) as con:
        seen = rows(con, "fct_budget_share")
    assert seen == collections.Counter(row for row in budget if dict(row)["scope_code"] in allowed)
    assert sum(seen.values()) < reporters[reporter]


def test_a_unit_login_is_refused_the_tables_it_may_not_read_and_the_other_logins(world):
    login, code = next(iter(world.unit_logins.items()))
    with world.connect(login) as con:
        for table in ANALYST_ONLY_TABLES:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege), con.cursor() as cur:
                cur.execute(f"select * from {pg.PUBLISHED_SCHEMA}.{table} limit 1")
            con.rollback()
        for table in SHARED_TABLES:
            assert rows(con, table) == world.full[table]
        with con.cursor() as cur:
            cur.execute(f"select login, agency_code from {pg.OPS_SCHEMA}.{pg.UNIT_LOGINS_TABLE}")
            assert cur.fetchall() == [(login, code)]


WRITES = {
    "insert": "insert into published.fct_submissions select * from published.fct_submissions limit 1",
    "update": "update published.fct_submissions set days_late = days_late",
    "delete": "delete from published.fct_submissions",
    "truncate": "truncate published.dim_period",
    "create table": "create table published.scratch (n integer)",
    "create temporary table": "create temporary table scratch (n integer)",
    "create schema": "create schema scratch",
    "drop table": "drop table published.fct_indicator_values",
    "alter table": "alter table published.dim_agency add column scratch integer",
}
# the analyst and the units are refused these too; the refresh is refused only this one (public is no one's)
REFUSED = {**WRITES, "create table in public": "create table public.scratch (n integer)"}


def test_the_analyst_sees_every_row_of_every_table(world):
    with world.connect(world.analyst) as con:
        for table in world.tables:
            assert rows(con, table) == world.full[table], table


@pytest.mark.parametrize("write", REFUSED)
def test_the_analyst_and_a_unit_login_cannot_write_create_or_drop(world, write):
    for user in (world.analyst, next(iter(world.unit_logins))):
        with world.connect(user) as con:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege), con.cursor() as cur:
                cur.execute(REFUSED[write])
            con.rollback()


def test_the_refresh_role_can_write(world):
    with world.connect(pg.REFRESH_ROLE) as con:
        with con.cursor() as cur:
            for write in WRITES.values():
                cur.execute(write)
            cur.execute("select count(*) from published.fct_submissions")
            assert cur.fetchone()[0] == 0
        con.rollback()
    with world.connect(world.server.superuser) as con:
        assert rows(con, "fct_submissions") == world.full["fct_submissions"]


def test_the_refresh_role_sees_the_snapshot_an_analysts_transaction_holds(world):
    """What the publish waits on: another role's session, its transaction's start and its snapshot."""
    with world.connect(world.analyst) as reader, world.connect(pg.REFRESH_ROLE) as refresh:
        reader.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with reader.cursor() as cur:
            cur.execute("select pg_backend_pid(), count(*) from published.dim_agency")
            pid = cur.fetchone()[0]
        with refresh.cursor() as cur:
            cur.execute("select xact_start, backend_xmin, query from pg_stat_activity where pid = %s", [pid])
            xact_start, backend_xmin, query = cur.fetchone()
        assert xact_start is not None and backend_xmin is not None
        assert "published.dim_agency" in query


def test_add_unit_login_run_again_maps_the_login_to_its_new_agency(world):
    login = f"{world.dbname}_moved"
    first, second = sorted(a["agency_code"] for a in world.agencies if a["agency_type"] == "commune")[:2]
    for code in (first, second):
        done = world.server.run_script(world.dbname, ADD_UNIT_LOGIN_SQL, login=login, agency_code=code)
        assert done.returncode == 0, done.stderr
    allowed = visible_codes(second, world.agencies)
    with world.connect(login) as con:
        assert rows(con, "fct_submissions") == collections.Counter(
            {row: n for row, n in world.full["fct_submissions"].items() if dict(row)["agency_code"] in allowed}
        )


def test_a_unit_login_for_an_unknown_agency_code_is_refused(world):
    login = f"{world.dbname}_nobody"
    done = world.server.run_script(world.dbname, ADD_UNIT_LOGIN_SQL, login=login, agency_code="NO_SUCH_UNIT")
    assert done.returncode != 0
    assert "NO_SUCH_UNIT is not in published.dim_agency" in done.stderr
    assert world.server.psql(f"select count(*) from pg_roles where rolname = '{login}'", dbname=world.dbname) == "0"


def test_apply_access_without_the_roles_script_says_to_run_it(pg_database):
    server, name = pg_database
    with connected(server, name, name) as con, con.cursor() as cur:
        cur.execute("create schema v1")
        cur.execute("create table v1.dim_agency (agency_code text)")
        with pytest.raises(RuntimeError, match="run deploy/postgres/roles.sql"):
            apply_access(cur, "v1")
