"""One way to run SQL on either warehouse: the embedded DuckDB or the PostgreSQL server (`DX_WAREHOUSE_URL`).

The code that reads tables (status, reports, the quality suites' frames) was written against DuckDB's
connection: `con.execute(sql, params)` with `?` placeholders, then `fetchone()`, `fetchall()`,
`description` or `df()`. `PostgresConnection` gives a psycopg2 connection the same face, so that code runs
unchanged on both, as long as its SQL is portable. `READ_ERRORS` is what a failed query raises on either.
`open_published()` and `open_build()` are how readers reach whichever warehouse is configured.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd
import psycopg2

from dagster_project import settings
from dagster_project.warehouse import pg

READ_ERRORS: tuple[type[Exception], ...] = (duckdb.Error, psycopg2.Error)
CONNECT_TIMEOUT_SECONDS = 10  # a reader names an unreachable server instead of waiting on it


class WarehouseUnavailable(RuntimeError):
    """The published warehouse cannot be read; the message says where it was looked for and what to do."""


class PublishedMissing(WarehouseUnavailable):
    """Nothing is published yet: no dx.duckdb, or no `published` schema with a publish_log on the server."""


class WarehouseUnreachable(WarehouseUnavailable):
    """The server of DX_WAREHOUSE_URL refused or did not answer the connection."""


def _placeholders(sql: str) -> str:
    """DuckDB's `?` as psycopg2's `%s` (a literal `%` doubled). Our SQL holds no `?` but placeholders."""
    return sql.replace("%", "%%").replace("?", "%s")


# Postgres type oids → the pandas dtype DuckDB's `df()` gives the same SQL type, (without nulls, with nulls):
# DuckDB hands DECIMAL over as float64 and DATE as datetime64[us], and makes an integer or boolean column
# with a null a nullable one. Frames from either warehouse then format to the same text.
_FRAME_DTYPES = {
    16: ("bool", "boolean"),
    21: ("int16", "Int16"),
    23: ("int32", "Int32"),
    20: ("int64", "Int64"),
    700: ("float32", "float32"),
    701: ("float64", "float64"),
    1700: ("float64", "float64"),
}
_DATE_OIDS = {1082, 1114}  # date, timestamp
_TIMESTAMPTZ_OID = 1184


def _frame_column(values: pd.Series, type_code: int) -> pd.Series:
    if type_code in _FRAME_DTYPES:
        plain, nullable = _FRAME_DTYPES[type_code]
        return values.astype(nullable if values.isna().any() else plain)
    if type_code in _DATE_OIDS:
        return pd.to_datetime(values).astype("datetime64[us]")
    if type_code == _TIMESTAMPTZ_OID:
        return pd.to_datetime(values, utc=True).astype("datetime64[us, UTC]")
    return values


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
        """The rows as DuckDB's `df()` gives them: the same column dtypes for the same SQL types."""
        columns = self._cursor.description or []
        frame = pd.DataFrame.from_records(self._cursor.fetchall(), columns=[c.name for c in columns])
        for position, column in enumerate(columns):
            frame.isetitem(position, _frame_column(frame.iloc[:, position], column.type_code))
        return frame


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


Connection = duckdb.DuckDBPyConnection | PostgresConnection  # what every reader takes


def server_address(url: str) -> str:
    """`host:port` of a postgresql:// URL, as an error names the server."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def redacted_url(url: str) -> str:
    """The URL without its password (if it carries one), fit for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"{user}{parts.hostname}{port}").geturl()


def published_location(path: Path | None = None) -> str:
    """Where the published warehouse is read from: the dx.duckdb file, or the server's `published` schema."""
    url = None if path is not None else settings.warehouse_url()
    if url is None:
        return str(path or settings.published_db_path())
    return f"{redacted_url(url)} (schema {pg.PUBLISHED_SCHEMA})"


def _connect_server(url: str, schema: str) -> PostgresConnection:
    """A read-only REPEATABLE READ session on `schema`, or WarehouseUnreachable naming the server."""
    try:
        raw = pg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    except psycopg2.OperationalError as exc:
        why = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise WarehouseUnreachable(
            f"cannot reach the warehouse server at {server_address(url)} (DX_WAREHOUSE_URL={redacted_url(url)}): {why}"
        ) from None
    raw.set_session(isolation_level="REPEATABLE READ", readonly=True)
    return PostgresConnection(raw, schema=schema)


@contextlib.contextmanager
def _server_session(url: str, schema: str) -> Iterator[PostgresConnection]:
    con = _connect_server(url, schema)
    try:
        yield con
    finally:
        with contextlib.suppress(psycopg2.Error):  # a broken connection has no transaction left to end
            con.raw.rollback()
        con.close()


@contextlib.contextmanager
def open_published(path: Path | None = None) -> Iterator[Connection]:
    """The published warehouse, read-only: `dx.duckdb` (or the DuckDB file `path`), or the server's `published`
    schema in one read-only REPEATABLE READ transaction, so every query of one reader sees the same whole
    version. Raises PublishedMissing when nothing is published there, WarehouseUnreachable when the server
    does not answer."""
    url = None if path is not None else settings.warehouse_url()
    if url is None:
        path = path or settings.published_db_path()
        if not path.exists():
            raise PublishedMissing(f"no published warehouse at {path}: run `dxw refresh` first")
        with duckdb.connect(str(path), read_only=True) as con:
            yield con
        return
    with _server_session(url, pg.PUBLISHED_SCHEMA) as con:
        # the publish writes the version's own publish_log copy: without one, nothing was published here
        found = con.execute("select to_regclass(?)", [f"{pg.PUBLISHED_SCHEMA}.publish_log"]).fetchone()[0]
        if found is None:
            raise PublishedMissing(
                f"no published warehouse at {published_location()}: no publish_log there; run `dxw refresh` first"
            )
        yield con


@contextlib.contextmanager
def reading_published(source: Connection | Path | None = None) -> Iterator[Connection]:
    """What a loader reads from: `source` itself when it is an open connection (a caller reading several
    things from one version), else `open_published(source)` — the configured warehouse, or the DuckDB file."""
    if isinstance(source, duckdb.DuckDBPyConnection | PostgresConnection):
        yield source
        return
    with open_published(source) as con:
        yield con


@contextlib.contextmanager
def open_build(run_id: str) -> Iterator[Connection]:
    """The build of run `run_id`, read-only: `build.duckdb`, or the run's build schema on the server (gone once
    published or dropped: its queries then raise one of READ_ERRORS)."""
    url = settings.warehouse_url()
    if url is None:
        with duckdb.connect(str(settings.build_db_path()), read_only=True) as con:
            yield con
        return
    with _server_session(url, pg.build_schema(run_id)) as con:
        yield con
