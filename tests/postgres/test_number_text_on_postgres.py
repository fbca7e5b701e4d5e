"""number_text (dbt/macros/number_text.sql) writes a figure the same on PostgreSQL as on DuckDB, the rounding of
ties and near-ties included: a reason sentence must not read 2,68 on one warehouse and 2,67 on the other."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from tests.postgres.conftest import dbt_env

pytestmark = pytest.mark.pipeline  # runs dbt

DBT = str(Path(sys.executable).parent / "dbt")
PROJECT = settings.DBT_PROJECT_DIR

# exact ties (0.125, 2.5), doubles just under or over a tie (2.675, 0.005, 1.005), negatives that round to zero,
# thousands separators, a long fraction, and null
VALUES = [0.0, -0.0, 40.0, 10389.0, 1.16, 1.1, 2.675, -2.675, 0.125, 0.375, 2.5, 3.5, -1.5, -7.25, 99.995,
          1234567.891, 1e9 + 0.5, -0.001, 0.005, 1.005, 0.045, 1.115, 8.345, 4.35, 123456789012.345, 0.1 + 0.2,
          1 / 3, 2 / 3, 1e-7, 2.0**53 + 2, 1e17, None]  # fmt: skip
FORMS = [(decimals, lang) for decimals in (0, 1, 2, 3) for lang in ("vi", "en")]


def _inline_query() -> str:
    rows = ", ".join(f"(cast({'null' if v is None else repr(v)} as double precision))" for v in VALUES)
    texts = ", ".join(f"{{{{ number_text('x', {d}, '{lang}') }}}} as t_{d}_{lang}" for d, lang in FORMS)
    return f"select x, {texts} from (values {rows}) as given (x)"


def _compiled(env: dict[str, str], target: str) -> str:
    command = [DBT, "--quiet", "compile", "--inline", _inline_query(), "--target", target]
    command += ["--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT)]
    done = subprocess.run(command, env=env, cwd=PROJECT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout.strip()


def test_number_text_reads_the_same_on_postgres_as_on_duckdb(pg_database, tmp_path):
    server, name = pg_database
    env = dbt_env(server, name, tmp_path / "target-pg")
    on_postgres_sql = _compiled(env, "postgres")
    on_duckdb_sql = _compiled(
        {**env, "DX_WAREHOUSE_DIR": str(tmp_path), "DBT_TARGET_PATH": str(tmp_path / "t")}, "build"
    )
    assert "format('{:," in on_duckdb_sql and "format('{:," not in on_postgres_sql
    on_duckdb = duckdb.connect().execute(on_duckdb_sql).fetchall()
    with server.connect(user=name, dbname=name) as pg, pg.cursor() as cur:
        cur.execute(on_postgres_sql)
        on_postgres = cur.fetchall()
    assert len(on_duckdb) == len(VALUES)
    assert on_postgres == on_duckdb
    as_read = {row[0]: dict(zip(FORMS, row[1:], strict=True)) for row in on_duckdb if row[0] is not None}
    assert as_read[10389.0][(0, "vi")] == "10.389" and as_read[10389.0][(0, "en")] == "10,389"
    assert as_read[2.675][(2, "vi")] == "2,67" and as_read[0.005][(2, "en")] == "0.01"
    assert as_read[0.125][(2, "en")] == "0.12" and as_read[40.0][(2, "vi")] == "40"
