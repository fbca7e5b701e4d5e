"""Shared fixtures: the default sample world generated once per session, and its ingestion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from dagster_project.ingest.run import ingest_raw_tree
from sample_world import generate


@pytest.fixture(scope="session")
def sample_world(tmp_path_factory) -> tuple[Path, dict]:
    """The shipped sample world (default arguments) in a temporary raw tree, with its manifest."""
    base = tmp_path_factory.mktemp("world")
    raw, manifest_path = base / "raw", base / "manifest.json"
    generate(raw, manifest_path)
    return raw, json.loads(manifest_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ingested_sample(sample_world, tmp_path_factory) -> Path:
    """A build database holding one ingestion pass over the sample world."""
    raw, _ = sample_world
    db = tmp_path_factory.mktemp("ingest") / "build.duckdb"
    with duckdb.connect(str(db)) as con:
        ingest_raw_tree(con, raw, settings.DEFAULT_REGISTRY_DIR)
    return db


def table_checksums(con: duckdb.DuckDBPyConnection, tables: list[str] | None = None) -> dict[str, str]:
    """Content checksum per table: the same rows in any order give the same digest."""
    if tables is None:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables order by 1").fetchall()]
    return {
        t: con.execute(
            f"select md5(coalesce(string_agg(cast(x as varchar), chr(10) order by cast(x as varchar)), '')) from \"{t}\" as x"
        ).fetchone()[0]
        for t in tables
    }


DXW = str(Path(sys.executable).parent / "dxw")

# A test that needs a generated world, its ingestion or a published warehouse runs the pipeline: it is left
# out of the fast lane (`make test-fast`, `pytest -m "not pipeline"`). Modules that run the pipeline some
# other way say so themselves with `pytestmark = pytest.mark.pipeline`.
PIPELINE_FIXTURES = {"sample_world", "ingested_sample", "published_sample"}


def pytest_collection_modifyitems(items):
    for item in items:
        if PIPELINE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pipeline)


def run_dxw(*args: str, raw: Path, warehouse: Path, **env_overrides: str) -> subprocess.CompletedProcess:
    """`dxw` as a user runs it, in a subprocess, pointed at the given raw tree and warehouse."""
    env = {**os.environ, "DX_RAW_DIR": str(raw), "DX_WAREHOUSE_DIR": str(warehouse), **env_overrides}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run([DXW, *args], env=env, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="session")
def published_sample(sample_world, tmp_path_factory):
    """One `dxw refresh --json` of the sample world: (raw, manifest, warehouse dir, completed process)."""
    raw, manifest = sample_world
    warehouse = tmp_path_factory.mktemp("warehouse")
    return raw, manifest, warehouse, run_dxw("refresh", "--json", raw=raw, warehouse=warehouse)
