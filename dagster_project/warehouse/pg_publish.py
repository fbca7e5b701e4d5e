"""Write–audit–publish on the PostgreSQL warehouse: the audited build schema's public tables become the
schema `published` by renaming schemas in one transaction, and old versions are dropped later, outside it.

Readers during a publish (RELIABILITY.md, "Readers during a publish"). Postgres resolves a schema-qualified
name against the latest committed catalog, one table at a time as it locks it, but reads rows with the
reader's snapshot. Left alone, a rename would let a statement that straddles the commit take one table of
the old version and another of the new; and a transaction holding a snapshot across statements (REPEATABLE
READ, SERIALIZABLE, an open cursor) would open the new version's tables with its old snapshot, empty if
the snapshot predates the build (issue 15 measured it). So:

- every row of the new version is committed before the swap transaction starts (dbt wrote the tables; the
  version's `publish_log` copy is written and committed first, in the build schema), so every snapshot
  taken from then on sees the new version whole;
- before renaming, the swap waits, at most `DX_PG_PUBLISH_WAIT_S` seconds (default 300), for a moment when
  (a) no other client session of the database is in a transaction block holding a snapshot
  (`pg_stat_activity`: `backend_xmin` set, and not a lone statement, whose `query_start` is its
  `xact_start`), and (b) it can lock every table of the published version at once (`access exclusive`,
  `nowait`: it never queues, so no reader queues behind it). It then renames and commits within
  milliseconds, holding those locks; a reader arriving then waits for the commit and opens the new version.
  On timeout the publish fails naming the sessions (pid, user, application, since when), and `published`
  stays the previous version.

Guaranteed, then: every statement sees one whole version, never a mix and never an empty table, and every
transaction that has read `published` or holds a snapshot finishes on the version it began on (a
transaction's table locks last to its end). The price: the swap waits for statements and transactions
reading the old version to end, however they run; readers are never blocked beyond the commit itself. A
transaction left open on `published` holds every publish until it ends or the wait runs out:
`idle_in_transaction_session_timeout` on the analysts' roles bounds it.
Reading other roles' sessions in `pg_stat_activity` needs `pg_read_all_stats` (or superuser): without it
their state reads null and the wait would be blind, so the publish refuses to run.
"""

from __future__ import annotations

import contextlib
import os
import time

from psycopg2 import errors, extensions

from dagster_project.sql import quote_ident
from dagster_project.warehouse import pg_access
from dagster_project.warehouse.pg import BUILD_PREFIX, OPS_SCHEMA, PUBLISHED_SCHEMA
from dagster_project.warehouse.publish import PUBLISH_LOG_DDL, PublishRecord

VERSION_PREFIX = "version_"  # the fresh schema a version is assembled in, inside the swap transaction
RETIRED_PREFIX = "retired_"  # a former `published`, until drop_retired drops it
# One retired version is kept: the operator's one-step rollback (two renames) if a publish that passed
# its checks turns out wrong, and it costs one version's storage.
RETIRED_KEPT = 1
WAIT_ENV = "DX_PG_PUBLISH_WAIT_S"
DEFAULT_WAIT_S = 300.0
POLL_S = 0.02
# drop_retired gives up on a schema whose tables a reader still holds; the next refresh drops it
DROP_LOCK_TIMEOUT = "200ms"
# two publishes on one database take turns (a session-level advisory lock: held across both transactions)
_PUBLISH_LOCK_KEY = 0x44585F5055424C  # "DX_PUBL"

# publish.PUBLISH_LOG_DDL's columns, in its order
_LOG_ROW = (
    "(publish_id, published_at, raw_files, raw_fingerprint, tables_published, checks_passed, flagging_checks_failed, "
    "input_fingerprint) values (%s, %s, %s, %s, %s, %s, %s, %s)"
)


class PublishBlocked(RuntimeError):
    """Readers held snapshots longer than the publish may wait; `published` is the previous version."""


def wait_limit_s() -> float:
    return float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_S))


def _schema_name(prefix: str, text: str) -> str:
    return (prefix + "".join(c for c in text.lower() if c.isascii() and c.isalnum()))[:63]


def _missing_tables(cur, schema: str, tables: list[str]) -> list[str]:
    """The tables the build schema lacks as ordinary tables (a view would still depend on the build)."""
    cur.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relkind in ('r', 'p')",
        [schema],
    )
    present = {row[0] for row in cur.fetchall()}
    return [t for t in tables if t not in present]


def _ensure_log(cur) -> None:
    """dx_ops.publish_log, the history that outlives every version, made by publish.py's DDL."""
    cur.execute(f"create schema if not exists {quote_ident(OPS_SCHEMA)}")
    cur.execute("select current_setting('search_path')")
    search_path = cur.fetchone()[0]
    cur.execute("select set_config('search_path', %s, true)", [OPS_SCHEMA])
    cur.execute(PUBLISH_LOG_DDL)
    cur.execute("select set_config('search_path', %s, true)", [search_path])


def _require_stats_reader(cur) -> None:
    """The wait must see every role's sessions: without pg_read_all_stats, other roles' rows of
    pg_stat_activity carry no state or transaction start, and an analyst's snapshot would go unseen."""
    cur.execute("select current_user, pg_has_role('pg_read_all_stats', 'usage')")
    user, allowed = cur.fetchone()
    if not allowed:
        raise RuntimeError(
            f"cannot publish: the role {user} cannot see other roles' sessions, so it cannot wait for readers "
            f"to leave the old version; grant it pg_read_all_stats (`grant pg_read_all_stats to {user}`)"
        )


def _insert_log_row(cur, schema: str, row: list) -> None:
    """This publish's row in `schema`.publish_log, replacing an earlier one of the same id."""
    cur.execute(f"delete from {quote_ident(schema)}.publish_log where publish_id = %s", [row[0]])
    cur.execute(f"insert into {quote_ident(schema)}.publish_log {_LOG_ROW}", row)


def snapshot_holders(cur) -> list[tuple]:
    """Other client sessions of this database inside a transaction block that holds a snapshot:
    (pid, user, application, transaction start, state), oldest first."""
    cur.execute("select pg_stat_clear_snapshot()")  # pg_stat_activity is otherwise read once per transaction
    cur.execute(
        "select pid, usename, application_name, xact_start, state from pg_stat_activity "
        "where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' "
        "and backend_xmin is not null and not (state = 'active' and query_start = xact_start) "
        "order by xact_start"
    )
    return cur.fetchall()


def version_holders(cur, schema: str = PUBLISHED_SCHEMA) -> list[tuple]:
    """Other sessions holding a lock on a table of `schema` (reading it, or waiting to), in the shape of
    snapshot_holders."""
    cur.execute("select pg_stat_clear_snapshot()")
    cur.execute(
        "select distinct a.pid, a.usename, a.application_name, a.xact_start, a.state "
        "from pg_locks l join pg_stat_activity a on a.pid = l.pid "
        "join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace "
        "where l.locktype = 'relation' and l.database = (select oid from pg_database where datname = current_database()) "
        "and n.nspname = %s and a.pid <> pg_backend_pid() order by a.xact_start",
        [schema],
    )
    return cur.fetchall()


def _published_tables(cur) -> list[str]:
    cur.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relkind in ('r', 'p') order by c.relname",
        [PUBLISHED_SCHEMA],
    )
    return [row[0] for row in cur.fetchall()]


def _lock_published_version(cur) -> bool:
    """Every table of the published version locked against readers, at once or not at all (never queued
    behind a reader, so never making readers queue behind the publish)."""
    cur.execute("savepoint dx_swap")
    try:
        for name in _published_tables(cur):
            cur.execute(
                f"lock table {quote_ident(PUBLISHED_SCHEMA)}.{quote_ident(name)} in access exclusive mode nowait"
            )
    except errors.LockNotAvailable:
        cur.execute("rollback to savepoint dx_swap")
        return False
    cur.execute("release savepoint dx_swap")
    return True


def _wait_for_readers(cur, limit_s: float) -> None:
    """Return holding every table of the published version, at a moment when no other session holds a
    snapshot in a transaction block; or raise PublishBlocked after `limit_s` seconds."""
    deadline = time.monotonic() + limit_s
    while True:
        holders = snapshot_holders(cur)
        if not holders:
            if _lock_published_version(cur):
                return
            holders = version_holders(cur)
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_S)
    raise PublishBlocked(
        f"not published: after {limit_s:g} s these sessions still read the current version, or hold a snapshot "
        f"that would see a mix of versions after the swap: {_named(holders)}. `{PUBLISHED_SCHEMA}` is "
        f"unchanged; end those transactions (or raise {WAIT_ENV}) and refresh again."
    )


def _named(sessions: list[tuple]) -> str:
    return (
        "; ".join(
            f"pid {pid} (user {user}, application {app or '-'}, {state}, in a transaction since "
            f"{since.strftime('%Y-%m-%d %H:%M:%S%z') if since else '?'})"
            for pid, user, app, since, state in sessions
        )
        or "none left at the last look"
    )


def _move_tables(cur, tables: list[str], build_schema: str, new_schema: str, limit_s: float) -> None:
    """The build's tables into the version's schema; a session holding one (the build's own business)
    gets as long as the readers' wait."""
    cur.execute("select set_config('lock_timeout', %s, true)", [f"{int(limit_s * 1000)}ms"])
    cur.execute("savepoint dx_move")
    try:
        for name in tables:
            cur.execute(
                f"alter table {quote_ident(build_schema)}.{quote_ident(name)} set schema {quote_ident(new_schema)}"
            )
    except errors.LockNotAvailable:
        cur.execute("rollback to savepoint dx_move")
        holders = _named(version_holders(cur, build_schema))
        raise PublishBlocked(
            f"not published: after {limit_s:g} s these sessions still hold tables of the build schema "
            f"{build_schema}: {holders}. `{PUBLISHED_SCHEMA}` is unchanged."
        ) from None
    cur.execute("select set_config('lock_timeout', %s, true)", ["0"])


def _require_idle(con) -> None:
    if con.info.transaction_status != extensions.TRANSACTION_STATUS_IDLE:
        raise RuntimeError("publishing needs a connection outside a transaction: commit or roll back first")


@contextlib.contextmanager
def _transactions(con):
    """Explicit transactions on `con` (autocommit off for the duration) under the publish lock."""
    _require_idle(con)
    autocommit = con.autocommit
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("select pg_advisory_lock(%s)", [_PUBLISH_LOCK_KEY])
    con.autocommit = False
    try:
        yield
    finally:
        con.rollback()
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("select pg_advisory_unlock(%s)", [_PUBLISH_LOCK_KEY])
        con.autocommit = autocommit


def publish_schema(
    raw_pg_con,
    *,
    build_schema: str,
    tables: list[str],
    publish_id: str,
    checks_passed: int,
    flagging_checks_failed: int,
    input_fingerprint: str | None,
    raw_files: int,
    raw_fingerprint: str,
) -> PublishRecord:
    """Make the build schema's `tables` the published version, with `publish_log`, in one swap (see the
    module's docstring for what readers see). Missing tables: a RuntimeError, and nothing changes."""
    tables = [t for t in tables if t != "publish_log"]
    record = PublishRecord.now(
        tables,
        publish_id=publish_id,
        raw_files=raw_files,
        raw_fingerprint=raw_fingerprint,
        checks_passed=checks_passed,
        flagging_checks_failed=flagging_checks_failed,
        input_fingerprint=input_fingerprint,
    )
    row = [
        publish_id,
        record.published_at,
        raw_files,
        raw_fingerprint,
        len(record.tables),
        checks_passed,
        flagging_checks_failed,
        input_fingerprint,
    ]
    new_schema = _schema_name(VERSION_PREFIX, publish_id)
    with _transactions(raw_pg_con), raw_pg_con.cursor() as cur:
        _require_stats_reader(cur)
        missing = _missing_tables(cur, build_schema, tables)
        if missing:
            raise RuntimeError(f"cannot publish: the build schema {build_schema} has no table(s) {', '.join(missing)}")
        # 1. the version's publish_log copy (history and this publish), committed before the swap so that
        #    every snapshot taken from the swap on sees the new version whole
        _ensure_log(cur)
        cur.execute(f"drop table if exists {quote_ident(build_schema)}.publish_log")
        cur.execute(
            f"create table {quote_ident(build_schema)}.publish_log as "
            f"select * from {quote_ident(OPS_SCHEMA)}.publish_log"
        )
        _insert_log_row(cur, build_schema, row)
        raw_pg_con.commit()

        # 2. the swap, one transaction: assemble the version, log it, wait for the readers, rename
        cur.execute(f"create schema {quote_ident(new_schema)}")
        _move_tables(cur, record.tables, build_schema, new_schema, wait_limit_s())
        pg_access.apply_access(cur, new_schema)  # grants and row-level security travel with the schema's rename
        _insert_log_row(cur, OPS_SCHEMA, row)
        _wait_for_readers(cur, wait_limit_s())
        cur.execute("select 1 from pg_namespace where nspname = %s", [PUBLISHED_SCHEMA])
        if cur.fetchone() is not None:
            retired = _schema_name(RETIRED_PREFIX, f"{record.published_at:%Y%m%d%H%M%S%f}")
            cur.execute(f"alter schema {quote_ident(PUBLISHED_SCHEMA)} rename to {quote_ident(retired)}")
        cur.execute(f"alter schema {quote_ident(new_schema)} rename to {quote_ident(PUBLISHED_SCHEMA)}")
        raw_pg_con.commit()
    return record


def drop_retired(raw_pg_con) -> list[str]:
    """Drop the retired versions but the newest `RETIRED_KEPT`, and every build schema, each in its own
    transaction with a short lock timeout: a schema whose tables a reader still holds is skipped (and
    dropped by a later refresh), so no reader waits and the refresh does not fail. Refreshes of one
    warehouse take turns (the refresh lock), so a build schema left when a refresh publishes is a
    finished run's. Returns the schemas dropped."""
    _require_idle(raw_pg_con)
    autocommit = raw_pg_con.autocommit
    raw_pg_con.autocommit = False
    dropped = []
    try:
        with raw_pg_con.cursor() as cur:
            cur.execute(
                "select nspname from pg_namespace where starts_with(nspname, %s) order by nspname desc",
                [RETIRED_PREFIX],
            )
            retired = [r[0] for r in cur.fetchall()][RETIRED_KEPT:]
            cur.execute(
                "select nspname from pg_namespace where starts_with(nspname, %s) order by nspname", [BUILD_PREFIX]
            )
            builds = [r[0] for r in cur.fetchall()]
            raw_pg_con.commit()
            for schema in [*retired, *builds]:
                try:
                    cur.execute("select set_config('lock_timeout', %s, true)", [DROP_LOCK_TIMEOUT])
                    cur.execute(f"drop schema if exists {quote_ident(schema)} cascade")
                    raw_pg_con.commit()
                    dropped.append(schema)
                except errors.LockNotAvailable:
                    raw_pg_con.rollback()
    finally:
        raw_pg_con.rollback()
        raw_pg_con.autocommit = autocommit
    return dropped


def last_input_fingerprint(raw_pg_con) -> str | None:
    """`input_fingerprint` of the newest publish (dx_ops.publish_log); None when nothing was published."""
    was_idle = raw_pg_con.info.transaction_status == extensions.TRANSACTION_STATUS_IDLE
    with raw_pg_con.cursor() as cur:
        cur.execute("select to_regclass(%s)", [f"{OPS_SCHEMA}.publish_log"])
        if cur.fetchone()[0] is None:
            row = None
        else:
            cur.execute(
                f"select input_fingerprint from {quote_ident(OPS_SCHEMA)}.publish_log "
                "order by published_at desc limit 1"
            )
            row = cur.fetchone()
    if was_idle and not raw_pg_con.autocommit:
        raw_pg_con.rollback()  # leave no transaction open behind the caller
    return row[0] if row else None
