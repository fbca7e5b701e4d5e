"""The throwaway server the Postgres lane runs on: local only, reachable by a role of its own, gone after."""

from __future__ import annotations

import psycopg2
import pytest

from tests.pg_server import throwaway_server


def test_the_server_is_postgres_15_listening_on_localhost_only(pg_server):
    assert pg_server.psql("show server_version_num")[:2] == "15"
    assert pg_server.psql("show listen_addresses") == "127.0.0.1"


def test_a_role_of_its_own_connects_to_its_database_and_is_no_superuser(pg_database):
    server, name = pg_database
    with server.connect(user=name, dbname=name) as con, con.cursor() as cur:
        cur.execute("select current_user, current_database(), inet_server_addr()::text, usesuper from pg_user"
                    " where usename = current_user")  # fmt: skip
        assert cur.fetchone() == (name, name, "127.0.0.1/32", False)
        cur.execute("create table own_table (n integer)")
        cur.execute("insert into own_table values (1), (2)")
        cur.execute("select sum(n) from own_table")
        assert cur.fetchone() == (3,)


def test_a_stopped_server_is_gone_with_its_files():
    with throwaway_server() as server:
        data_dir = server.data_dir
        assert (data_dir / "PG_VERSION").read_text().strip() == "15"
        server.connect().close()
    assert not data_dir.parent.exists()
    with pytest.raises(psycopg2.OperationalError):
        server.connect()
