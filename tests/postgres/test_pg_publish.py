"""Write–audit–publish on PostgreSQL (dagster_project/warehouse/pg_publish.py): the build schema's tables become
`published` in one swap, without a copy; every query sees one whole version and every transaction finishes on
the version it began on, the swap waiting for them (never making them wait) or failing by name; old versions
are dropped later without waiting on readers."""

from __future__ import annotations

import contextlib
import threading
import time

import psycopg2
import pytest

from dagster_project import settings
from dagster_project.warehouse import pg_publish

TABLES = ["fct_a", "fct_b"]
ROLES_SQL = settings.PROJECT_ROOT / "deploy" / "postgres" / "roles.sql"


@pytest.fixture
def refresh_db(pg_database):
    """A database set up by deploy/postgres/roles.sql with its owner as the refresh role: it may read every
    role's sessions, as the refresh role must, and the publish's grants find their roles."""
    server, name = pg_database
    done = server.run_script(name, ROLES_SQL, refresh_role=name)
    assert done.returncode == 0, done.stderr
    return pg_database


def _connect(db, autocommit=True, application="dx-test", user=None):
    server, name = db
    con = psycopg2.connect(
        host=server.host, port=server.port, user=user or name, dbname=name, application_name=application
    )
    con.autocommit = autocommit
    return con


def _build(con, label: str, rows: int = 1000, tables=TABLES) -> str:
    """A synthetic build schema `build_<label>`: each table holds `rows` rows marked with the version label."""
    schema = f"build_{label}"
    with con.cursor() as cur:
        cur.execute(f"create schema {schema}")
        for table in tables:
            cur.execute(
                f"create table {schema}.{table} as select g as id, %s::text as version from generate_series(1, %s) g",
                [label, rows],
            )
        cur.execute(f"create view {schema}.stg_scratch as select 1 as one")  # a build-only object
    if not con.autocommit:
        con.commit()
    return schema


def _publish(con, label: str, tables=TABLES):
    return pg_publish.publish_schema(
        con,
        build_schema=f"build_{label}",
        tables=list(tables),
        publish_id=label,
        checks_passed=7,
        flagging_checks_failed=1,
        input_fingerprint=f"fp-{label}",
        raw_files=3,
        raw_fingerprint=f"raw-{label}",
    )


# one statement: every table's version marker, the newest publish_log row and the row counts
WHOLE_VERSION = (
    "select (select string_agg(distinct version, ',') from published.fct_a),"
    " (select string_agg(distinct version, ',') from published.fct_b),"
    " (select publish_id from published.publish_log order by published_at desc limit 1),"
    " (select count(*) from published.fct_a), (select count(*) from published.fct_b)"
)


def _version(cur, rows: int = 1000) -> str:
    cur.execute(WHOLE_VERSION)
    a, b, logged, n_a, n_b = cur.fetchone()
    assert a == b == logged and n_a == n_b == rows, (a, b, logged, n_a, n_b)
    return a


def _schemas(con, prefix: str) -> list[str]:
    with con.cursor() as cur:
        cur.execute("select nspname from pg_namespace where starts_with(nspname, %s) order by 1", [prefix])
        return [r[0] for r in cur.fetchall()]


def test_a_publish_moves_the_build_tables_without_copying_and_keeps_the_publish_log(refresh_db):
    con = _connect(refresh_db)
    assert pg_publish.last_input_fingerprint(con) is None
    _build(con, "v1", rows=300_000)
    with con.cursor() as cur:
        cur.execute("select pg_relation_filenode('build_v1.fct_a'), pg_total_relation_size('build_v1.fct_a')")
        filenode, size = cur.fetchone()
        started = time.perf_counter()  # for comparison: what copying the same tables costs
        for table in TABLES:
            cur.execute(f"create table public.copy_of_{table} as select * from build_v1.{table}")
        copied = time.perf_counter() - started
    started = time.perf_counter()
    record = _publish(con, "v1")
    took = time.perf_counter() - started
    print(f"\n2 tables x 300,000 rows ({2 * size / 1e6:.0f} MB): published in {took:.3f} s; a copy took {copied:.2f} s")
    assert record.tables == [*TABLES, "publish_log"]
    with con.cursor() as cur:
        # the same file: `alter table … set schema` moved the table in the catalog, no row was copied
        cur.execute("select pg_relation_filenode('published.fct_a')")
        assert cur.fetchone()[0] == filenode
        assert _version(cur, rows=300_000) == "v1"
        cur.execute("select count(*) from pg_tables where schemaname = 'build_v1' and tablename = any(%s)", [TABLES])
        assert cur.fetchone()[0] == 0
    assert pg_publish.last_input_fingerprint(con) == "fp-v1"

    _build(con, "v2", rows=300_000)
    _publish(con, "v2")
    with con.cursor() as cur:
        assert _version(cur, rows=300_000) == "v2"
        for table in ("dx_ops.publish_log", "published.publish_log"):
            cur.execute(
                f"select publish_id, raw_files, raw_fingerprint, tables_published, checks_passed, "
                f"flagging_checks_failed, input_fingerprint from {table} order by published_at"
            )
            assert cur.fetchall() == [
                ("v1", 3, "raw-v1", 3, 7, 1, "fp-v1"),
                ("v2", 3, "raw-v2", 3, 7, 1, "fp-v2"),
            ], table
    assert pg_publish.last_input_fingerprint(con) == "fp-v2"
    assert len(_schemas(con, pg_publish.RETIRED_PREFIX)) == 1
    assert _schemas(con, pg_publish.VERSION_PREFIX) == []


def test_a_build_missing_a_table_is_refused_and_nothing_changes(refresh_db):
    con = _connect(refresh_db)
    _build(con, "v1")
    _publish(con, "v1")
    _build(con, "v2", tables=["fct_a"])
    with pytest.raises(RuntimeError, match=r"build_v2 has no table\(s\) fct_b"):
        _publish(con, "v2")
    with con.cursor() as cur:
        assert _version(cur) == "v1"
        cur.execute("select publish_id from dx_ops.publish_log")
        assert cur.fetchall() == [("v1",)]
        cur.execute("select count(*) from build_v2.fct_a")  # still where the build left it
        assert cur.fetchone()[0] == 1000
    assert _schemas(con, pg_publish.RETIRED_PREFIX) == []
    assert pg_publish.last_input_fingerprint(con) == "fp-v1"


def test_readers_see_one_whole_version_in_every_query_during_publishes(refresh_db):
    """Reader threads query `published` in a loop — statements in their own transaction, and explicit READ
    COMMITTED and REPEATABLE READ transactions of two queries each, which must see one version — while 6 builds
    are published and old ones dropped."""
    con = _connect(refresh_db)
    _build(con, "v0")
    _publish(con, "v0")
    stop = threading.Event()
    seen: list[set[str]] = []
    errors: list[BaseException] = []
    queries = [0]

    def read(autocommit: bool, isolation: str | None) -> None:
        reader = _connect(refresh_db, autocommit=autocommit, application="dx-reader")
        if isolation:
            reader.set_session(isolation_level=isolation, readonly=True)
        versions: set[str] = set()
        try:
            with reader.cursor() as cur:
                while not stop.is_set():
                    in_transaction = {_version(cur) for _ in range(1 if autocommit else 2)}
                    # a transaction finishes on the version it started on (its locks hold the swap)
                    assert len(in_transaction) == 1, in_transaction
                    if not autocommit:
                        reader.commit()
                    versions |= in_transaction
                    queries[0] += 1
                    time.sleep(0.002)
        except BaseException as exc:  # noqa: BLE001 - every failure is the test's finding
            errors.append(exc)
        finally:
            reader.close()
            seen.append(versions)

    threads = [
        threading.Thread(target=read, args=args)
        for args in [(True, None), (True, None), (False, "READ COMMITTED"), (False, "REPEATABLE READ")]
    ]
    for thread in threads:
        thread.start()
    labels = [f"v{i}" for i in range(1, 7)]
    dropped, publish_s = [], []
    for label in labels:
        time.sleep(0.3)
        _build(con, label)
        started = time.monotonic()
        _publish(con, label)
        publish_s.append(time.monotonic() - started)
        dropped += pg_publish.drop_retired(con)
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join(30)
    print(
        f"\n{len(threads)} readers, {queries[0]} queries or transactions, {len(errors)} errors, "
        f"6 publishes taking {min(publish_s):.2f}-{max(publish_s):.2f} s"
    )
    assert errors == []
    assert all(versions >= {"v6"} and len(versions) >= 3 for versions in seen), seen
    assert "build_v1" in dropped and any(s.startswith(pg_publish.RETIRED_PREFIX) for s in dropped)


def test_the_swap_waits_for_a_long_statement_on_the_old_version_without_blocking_other_readers(refresh_db):
    """A 4 s statement reads the whole old version; the swap commits once it ends, and meanwhile short
    queries (the ones a dashboard sends) run undelayed, never queued behind the publish."""
    con = _connect(refresh_db)
    _build(con, "v1")
    _publish(con, "v1")
    _build(con, "v2")
    result, latencies = {}, []
    stop = threading.Event()

    def long_read():
        # not `with connection`: psycopg2 2.9 opens a transaction block there even in autocommit
        with contextlib.closing(_connect(refresh_db)) as reader, reader.cursor() as cur:
            cur.execute(
                "select (select string_agg(distinct version, ',') from published.fct_a), "
                "(select count(*) from published.fct_a), pg_sleep(4)"
            )
            result["row"] = cur.fetchone()[:2]
            result["ended"] = time.monotonic()

    def short_reads():
        with contextlib.closing(_connect(refresh_db)) as reader, reader.cursor() as cur:
            while not stop.is_set():
                started = time.monotonic()
                _version(cur)
                latencies.append(time.monotonic() - started)
                time.sleep(0.01)

    threads = [threading.Thread(target=long_read), threading.Thread(target=short_reads)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    _publish(con, "v2")
    swapped = time.monotonic()
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join(30)
    print(
        f"\nthe swap waited {swapped - started:.2f} s for a 4 s statement on the old version; "
        f"{len(latencies)} short queries meanwhile, the slowest {max(latencies):.3f} s"
    )
    assert result["row"] == ("v1", 1000)
    assert result["ended"] <= swapped < result["ended"] + 1
    assert max(latencies) < 0.5
    with con.cursor() as cur:
        assert _version(cur) == "v2"


def test_a_repeatable_read_reader_keeps_its_version_and_the_swap_waits_for_it(refresh_db, monkeypatch):
    """The case issue 15 measured: a REPEATABLE READ snapshot taken before the build existed, here another
    role's (an analyst's), which would have seen empty tables after the swap."""
    monkeypatch.setenv(pg_publish.WAIT_ENV, "30")
    server, _ = refresh_db
    con = _connect(refresh_db)
    _build(con, "v1")
    _publish(con, "v1")
    reader = _connect(refresh_db, autocommit=False, application="dx-rr-reader", user=server.superuser)
    reader.set_session(isolation_level="REPEATABLE READ", readonly=True)
    publisher = _connect(refresh_db)
    outcome = {}
    with reader.cursor() as cur:
        assert _version(cur) == "v1"
        _build(con, "v2")  # committed after the reader's snapshot
        thread = threading.Thread(target=lambda: outcome.setdefault("record", _publish(publisher, "v2")))
        thread.start()
        time.sleep(1.5)
        assert thread.is_alive(), "the swap committed while a REPEATABLE READ reader was on the old version"
        assert _version(cur) == "v1"
        reader.commit()
    thread.join(10)
    assert not thread.is_alive() and outcome["record"].publish_id == "v2"
    with reader.cursor() as cur:
        assert _version(cur) == "v2"
    reader.rollback()


def test_a_session_holding_a_table_of_the_build_fails_the_publish_by_name(refresh_db, monkeypatch):
    monkeypatch.setenv(pg_publish.WAIT_ENV, "1")
    con = _connect(refresh_db)
    _build(con, "v1")
    _publish(con, "v1")
    _build(con, "v2")
    holder = _connect(refresh_db, autocommit=False, application="dx-audit-left-open")
    with holder.cursor() as cur:
        cur.execute("select count(*) from build_v2.fct_b")
    with pytest.raises(pg_publish.PublishBlocked, match=r"build schema build_v2: pid \d+ .*dx-audit-left-open"):
        _publish(con, "v2")
    with con.cursor() as cur:
        assert _version(cur) == "v1"
    holder.close()
    _publish(con, "v2")
    with con.cursor() as cur:
        assert _version(cur) == "v2"


def test_a_refresh_role_that_cannot_see_other_roles_sessions_is_refused(pg_database):
    con = _connect(pg_database)
    _build(con, "v1")
    with pytest.raises(RuntimeError, match=r"grant pg_read_all_stats to dx_test_\w+"):
        _publish(con, "v1")
    assert _schemas(con, "published") == [] and pg_publish.last_input_fingerprint(con) is None
    with con.cursor() as cur:
        cur.execute("select count(*) from build_v1.fct_a")
        assert cur.fetchone()[0] == 1000


def test_a_reader_holding_its_snapshot_past_the_wait_fails_the_publish_by_name(refresh_db, monkeypatch):
    monkeypatch.setenv(pg_publish.WAIT_ENV, "1")
    con = _connect(refresh_db)
    _build(con, "v1")
    _publish(con, "v1")
    _build(con, "v2")
    reader = _connect(refresh_db, autocommit=False, application="dx-slow-report")
    reader.set_session(isolation_level="REPEATABLE READ", readonly=True)
    with reader.cursor() as cur:
        assert _version(cur) == "v1"
        cur.execute("select pg_backend_pid()")
        pid = cur.fetchone()[0]
    with pytest.raises(pg_publish.PublishBlocked, match=rf"pid {pid} \(user \w+, application dx-slow-report"):
        _publish(con, "v2")
    with con.cursor() as cur:
        assert _version(cur) == "v1"
        cur.execute("select publish_id from dx_ops.publish_log")
        assert cur.fetchall() == [("v1",)]
    assert _schemas(con, pg_publish.RETIRED_PREFIX) == [] and _schemas(con, pg_publish.VERSION_PREFIX) == []
    reader.commit()
    _publish(con, "v2")  # the build was left whole: the next attempt publishes it
    with con.cursor() as cur:
        assert _version(cur) == "v2"
    reader.close()


def test_drop_retired_skips_a_version_a_reader_still_holds_without_blocking_anyone(refresh_db):
    con = _connect(refresh_db)
    for label in ("v1", "v2"):
        _build(con, label)
        _publish(con, label)
    (retired_v1,) = _schemas(con, pg_publish.RETIRED_PREFIX)
    # a READ COMMITTED transaction idle after reading the retired v1: it holds v1's table, but no snapshot
    holder = _connect(refresh_db, autocommit=False, application="dx-idle-reader")
    with holder.cursor() as cur:
        cur.execute(f"select count(*) from {retired_v1}.fct_a")
    _build(con, "v3")
    _publish(con, "v3")
    retired_v2 = _schemas(con, pg_publish.RETIRED_PREFIX)[1]

    started = time.monotonic()
    dropped = pg_publish.drop_retired(con)
    took = time.monotonic() - started
    assert retired_v1 not in dropped and retired_v1 in _schemas(con, pg_publish.RETIRED_PREFIX)
    assert {"build_v1", "build_v2", "build_v3"} <= set(dropped)
    assert took < 2, took
    with holder.cursor() as cur:  # the holder is undisturbed, and so is everyone else
        cur.execute(f"select count(*) from {retired_v1}.fct_a")
        assert cur.fetchone()[0] == 1000
    with con.cursor() as cur:
        assert _version(cur) == "v3"
    holder.commit()

    assert pg_publish.drop_retired(con) == [retired_v1]
    assert _schemas(con, pg_publish.RETIRED_PREFIX) == [retired_v2]  # the one previous version is kept
    holder.close()
