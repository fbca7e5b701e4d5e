"""The DuckDB clients analysts really have open the published file: the registry's `duckdb-cli` and a
`duckdb<2` Python package (both 1.x, which cannot read DuckDB 2.0's storage format), installed by
`make analyst-clients` into their own environment, run the README's example queries on `dx.duckdb` and
get exactly the rows DuckDB 2.x gets."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from bench.readme_queries import readme_queries
from dagster_project import settings
from dagster_project.warehouse.publish import PUBLISHED_STORAGE_VERSION

CLIENTS = settings.PROJECT_ROOT / ".tools" / "analyst-clients"

# Run by the duckdb<2 interpreter: every README query, its column names and rows, as JSON.
PYTHON_CLIENT = """
import json, sys
import duckdb
db, queries = json.load(sys.stdin)
con = duckdb.connect(db, read_only=True)
results = []
for query in queries:
    cursor = con.execute(query)
    results.append([[c[0] for c in cursor.description], [list(row) for row in cursor.fetchall()]])
print(json.dumps({"version": duckdb.__version__, "results": results}, default=str))
"""


def _client(name: str) -> Path:
    path = CLIENTS / "bin" / name
    if not path.exists():
        pytest.fail(f"the analysts' DuckDB clients are not installed ({path} is missing): run `make analyst-clients`")
    return path


def _as_json(value):
    """A value as the clients print it in JSON: decimals as their text, the rest as JSON has them."""
    return str(value) if isinstance(value, Decimal) else value


def _reference(db: Path, queries: list[str]) -> list[list]:
    """Column names and rows of each query, read by this environment's DuckDB 2.x."""
    results = []
    with duckdb.connect(str(db), read_only=True) as con:
        for query in queries:
            cursor = con.execute(query)
            rows = [[_as_json(v) for v in row] for row in cursor.fetchall()]
            results.append([[c[0] for c in cursor.description], rows])
    return results


@pytest.fixture(scope="module")
def published(published_sample):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0, first.stderr[-2000:]
    db = warehouse / "dx.duckdb"
    queries = readme_queries()
    reference = _reference(db, queries)
    assert all(rows for _, rows in reference), "every README query returns rows on the sample"
    return db, queries, reference


def test_the_published_file_is_written_in_the_old_storage_version_and_the_build_is_not(published):
    db, _, _ = published
    con = duckdb.connect()
    con.execute(f"attach '{db}' as published (read_only)")
    con.execute(f"attach '{db.with_name('build.duckdb')}' as build (read_only)")
    versions = dict(
        con.execute(
            "select database_name, tags['storage_version'] from duckdb_databases() where database_name in ('published', 'build')"
        ).fetchall()
    )
    assert versions["published"].removesuffix("+") == PUBLISHED_STORAGE_VERSION
    assert versions["build"] != versions["published"]


def test_the_registry_duckdb_cli_runs_the_readme_queries_and_gets_the_same_rows(published):
    db, queries, reference = published
    cli = _client("duckdb")
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert version.startswith("v1."), f"make analyst-clients should install a 1.x CLI, found {version}"
    for query, (columns, rows) in zip(queries, reference, strict=True):
        proc = subprocess.run(
            [cli, "-readonly", "-json", str(db), "-c", query], capture_output=True, text=True, timeout=60, check=False
        )
        assert proc.returncode == 0, f"duckdb CLI {version} failed on {db}:\n{proc.stderr}\n{query}"
        got = json.loads(proc.stdout)
        assert [list(r) for r in got] == [columns] * len(got), f"CLI {version} columns differ:\n{query}"
        assert [list(r.values()) for r in got] == rows, f"CLI {version} rows differ from DuckDB 2.x:\n{query}"


def test_a_duckdb_1x_python_package_runs_the_readme_queries_and_gets_the_same_rows(published):
    db, queries, reference = published
    proc = subprocess.run(
        [_client("python"), "-c", PYTHON_CLIENT],
        input=json.dumps([str(db), queries]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"the duckdb<2 Python package failed on {db}:\n{proc.stderr}"
    got = json.loads(proc.stdout)
    assert got["version"].startswith("1."), f"make analyst-clients should install duckdb<2, found {got['version']}"
    for query, mine, theirs in zip(queries, reference, got["results"], strict=True):
        assert theirs == mine, f"duckdb {got['version']} differs from DuckDB 2.x:\n{query}"
