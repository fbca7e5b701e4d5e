"""One way to run SQL on either warehouse: the embedded DuckDB or the PostgreSQL server (`DX_WAREHOUSE_URL`).

The code that reads tables (status, reports, the quality suites' frames) was written against DuckDB's
connection: `con.execute(sql, params)` with `?` placeholders, then `fetchone()`, `fetchall()`,
`description` or `df()`. `PostgresConnection` gives a psycopg2 connection the same face, so that code runs
unchanged on both, as long as its SQL is portable. `READ_ERRORS` is what a failed query raises on either.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb
import pandas as pd
import psycopg2

from dagster_project import settings
from dagster_project.warehouse import pg

READ_ERRORS: tuple[type[Exception], ...] = (duckdb.Error, psycopg2.Error)


def _placeholders(sql: str) -> str:
    """DuckDB's `?` as psycopg2's `%s` (a literal `%` doubled). Our SQL holds no `?` but placeholders."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresCursor:
    """The result of `PostgresConnection.execute`: DuckDB's fetch methods over a psycopg2 cursor."""

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    @property
    def description(self):
        return self._cursor.description

    def fetchone(self):
        return self._cursor.fetchone()

    def fetchall(self):
        return self._cursor.fetchall()

    def df(self) -> pd.DataFrame:
        names = [d[0] for d in self._cursor.description or []]
        return pd.DataFrame.from_records(self._cursor.fetchall(), columns=names)


class PostgresConnection:
    """A psycopg2 connection with DuckDB's `execute(sql, params)`; `schema` is put first on the search path."""

    def __init__(self, raw, schema: str | None = None) -> None:
        self.raw = raw
        if schema is not None:
            with raw.cursor() as cur:
                cur.execute("select set_config('search_path', %s, false)", [schema])

    def execute(self, sql: str, params=None) -> PostgresCursor:
        cursor = self.raw.cursor()
        if params:
            cursor.execute(_placeholders(sql), list(params))
        else:
            cursor.execute(sql)
        return PostgresCursor(cursor)

    def commit(self) -> None:
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()


@contextlib.contextmanager
def open_published() -> Iterator[duckdb.DuckDBPyConnection | PostgresConnection]:
    """The published warehouse, read-only: `dx.duckdb`, or the server's `published` schema in one read-only
    REPEATABLE READ transaction, so every query of one reader sees the same whole version."""
    if not settings.uses_postgres():
        with duckdb.connect(str(settings.published_db_path()), read_only=True) as con:
            yield con
        return
    raw = pg.connect()
    try:
        raw.set_session(isolation_level="REPEATABLE READ", readonly=True)
        yield PostgresConnection(raw, schema=pg.PUBLISHED_SCHEMA)
    finally:
        raw.rollback()
        raw.close()
