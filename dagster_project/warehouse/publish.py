"""Write–audit–publish, last step: copy the audited build's public tables into a fresh file and
swap it in for `dx.duckdb` atomically.

Readers never see a half-written file and never wait on the refresh: the copy is finished,
checkpointed and closed (no write-ahead log left) before `os.replace` moves it over the
published name, and readers that still hold the old file keep reading it undisturbed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.sql import quote_ident, quote_literal
from dagster_project.warehouse import fingerprint

_PUBLISHED_ALIAS = "published"
# The storage format `dx.duckdb` is written in. Analysts open it with whatever DuckDB their tools
# bundle, mostly 1.x, which refuses 2.0's format; v1.0.0 is read by every DuckDB from 0.10 on and
# holds every type the public tables use. The build database stays in the newest format.
PUBLISHED_STORAGE_VERSION = "v1.0.0"
# Ingestion tables analysts see beside the marts: what arrived, and what was refused and why.
PUBLISHED_INGEST_TABLES = ("ingest_files", "ingest_rejects", "ingest_reports", "ingest_sheets")
# dbt folders whose models are public (everything else is the build's business).
PUBLIC_MODEL_FOLDERS = ("marts", "quality")

PUBLISH_LOG_DDL = """
    create table if not exists publish_log (
        publish_id varchar primary key,
        published_at timestamp not null,
        raw_files integer not null,
        raw_fingerprint varchar not null,
        tables_published integer not null,
        checks_passed integer not null,
        flagging_checks_failed integer not null,
        input_fingerprint varchar
    )"""


@dataclass(frozen=True)
class PublishRecord:
    publish_id: str
    published_at: dt.datetime
    raw_files: int
    raw_fingerprint: str
    tables: list[str]
    checks_passed: int
    flagging_checks_failed: int
    input_fingerprint: str | None = None

    @classmethod
    def now(cls, tables: list[str], **fields) -> PublishRecord:
        """The record of a publish happening now: `tables` plus `publish_log`, stamped in UTC."""
        published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        return cls(published_at=published_at, tables=[*tables, "publish_log"], **fields)


def public_tables(manifest_path: Path) -> list[str]:
    """The tables a publish copies: ingestion's record of files and rejects, the marts, the flags."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    models = sorted(
        node["alias"] or node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and len(node["fqn"]) > 2 and node["fqn"][1] in PUBLIC_MODEL_FOLDERS
    )
    return [*PUBLISHED_INGEST_TABLES, *models]


def raw_record(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """What a publish logs of the raw tree, from the build database's `ingest_files` (on either warehouse):
    how many files, and the digest of their paths and content hashes."""
    return con.execute(
        "select count(*), coalesce(md5(string_agg(path || ':' || coalesce(content_hash, ''), '|' order by path)), '') "
        "from ingest_files"
    ).fetchone()


def publish_build(
    con: duckdb.DuckDBPyConnection,
    target: Path,
    *,
    tables: list[str],
    publish_id: str,
    checks_passed: int,
    flagging_checks_failed: int = 0,
) -> PublishRecord:
    """Copy `tables` plus `publish_log` from the build (the connection) into `target`, atomically."""
    build_catalog = con.execute("select current_database()").fetchone()[0]
    present = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_catalog = ? and table_schema = 'main'",
            [build_catalog],
        ).fetchall()
    }
    missing = [t for t in tables if t not in present]
    if missing:
        raise RuntimeError(f"cannot publish: the build has no table(s) {', '.join(missing)}")

    raw_files, raw_fingerprint = raw_record(con)
    record = PublishRecord.now(
        tables,
        publish_id=publish_id,
        raw_files=raw_files,
        raw_fingerprint=raw_fingerprint,
        checks_passed=checks_passed,
        flagging_checks_failed=flagging_checks_failed,
        input_fingerprint=fingerprint.recorded(con),
    )
    con.execute(PUBLISH_LOG_DDL)
    # the fingerprint of the publish's inputs (fingerprint.py); a build logged before it existed gains it
    con.execute("alter table publish_log add column if not exists input_fingerprint varchar")
    con.execute(
        "insert or replace into publish_log (publish_id, published_at, raw_files, raw_fingerprint, tables_published, "
        "checks_passed, flagging_checks_failed, input_fingerprint) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            publish_id,
            record.published_at,
            raw_files,
            raw_fingerprint,
            len(record.tables),
            checks_passed,
            flagging_checks_failed,
            record.input_fingerprint,
        ],
    )
    try:
        _copy_and_swap(con, build_catalog, record.tables, target)
    except BaseException:
        # the previous dx.duckdb stays as it was, so the log must not claim this publish
        con.execute("delete from publish_log where publish_id = ?", [publish_id])
        raise
    return record


def _copy_and_swap(con: duckdb.DuckDBPyConnection, build_catalog: str, tables: list[str], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".publishing")
    wal = tmp.with_name(tmp.name + ".wal")
    for leftover in (tmp, wal):
        leftover.unlink(missing_ok=True)
    con.execute(
        f"attach {quote_literal(str(tmp))} as {_PUBLISHED_ALIAS} "
        f"(storage_version {quote_literal(PUBLISHED_STORAGE_VERSION)})"
    )
    try:
        for name in tables:
            con.execute(
                f"create table {_PUBLISHED_ALIAS}.main.{quote_ident(name)} as "
                f"select * from {quote_ident(build_catalog)}.main.{quote_ident(name)}"
            )
        con.execute(f"checkpoint {_PUBLISHED_ALIAS}")
    finally:
        con.execute(f"detach {_PUBLISHED_ALIAS}")
    if wal.exists():
        raise RuntimeError(f"publish left a write-ahead log behind at {wal}; not swapping it in")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # make the rename itself durable
    finally:
        os.close(dir_fd)
