"""Copy the build database's tables into a fresh file and swap it in for `dx.duckdb` atomically.

Readers never see a half-written file: the copy is finished, checkpointed and closed before
`os.replace` moves it over the published name.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

_PUBLISHED_ALIAS = "published"


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish_build(con: duckdb.DuckDBPyConnection, target: Path) -> list[str]:
    """Materialise every table and view of the build's main schema into `target`; return their names."""
    tmp = target.with_name(target.name + ".publishing")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    build_catalog = con.execute("select current_database()").fetchone()[0]
    names = [
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = ? and table_schema = 'main' order by table_name",
            [build_catalog],
        ).fetchall()
    ]
    con.execute(f"attach {_quote_literal(str(tmp))} as {_PUBLISHED_ALIAS}")
    try:
        for name in names:
            con.execute(
                f"create table {_PUBLISHED_ALIAS}.main.{_quote_ident(name)} as "
                f"select * from {_quote_ident(build_catalog)}.main.{_quote_ident(name)}"
            )
        con.execute(f"checkpoint {_PUBLISHED_ALIAS}")
    finally:
        con.execute(f"detach {_PUBLISHED_ALIAS}")
    wal = tmp.with_name(tmp.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"publish left a write-ahead log behind at {wal}; not swapping it in")
    os.replace(tmp, target)
    return names
