"""One table's rows on DuckDB and on Postgres, reduced to a digest that ignores row order and the driver: a
number is tagged with its kind (exact decimal, double, integer) and written canonically, so 40 and 40.000000
agree as decimals, and a double that differs in its last bit does not."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib


def _canonical(value) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, float):
        return "f" + repr(value)
    if isinstance(value, decimal.Decimal):
        return "d" + (format(value.normalize(), "f") if value != 0 else "0")
    if isinstance(value, int):
        return "i" + str(value)
    if isinstance(value, dt.datetime | dt.date):
        return type(value).__name__ + value.isoformat()
    return type(value).__name__ + str(value)


def rows_digest(rows) -> tuple[int, str]:
    lines = sorted("|".join(_canonical(v) for v in row) for row in rows)
    return len(lines), hashlib.md5("\n".join(lines).encode("utf-8")).hexdigest()


def duckdb_digest(con, table: str, columns: list[str]) -> tuple[int, str]:
    select = ", ".join(f'"{c}"' for c in columns)
    return rows_digest(con.execute(f'select {select} from main."{table}"').fetchall())


def postgres_digest(pg, table: str, columns: list[str]) -> tuple[int, str]:
    select = ", ".join(f'"{c}"' for c in columns)
    with pg.cursor() as cur:
        cur.execute(f'select {select} from main."{table}"')
        return rows_digest(cur.fetchall())
