"""Where things live: the raw tree, the warehouse directory and everything in it, the registry,
the suites, the reviewed-values file. Every location the code reads or writes is a function here.

Every path comes from one environment variable with a repository-relative default, so a user
or a test can point the whole pipeline at any raw tree and any warehouse directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
DEFAULT_REGISTRY_DIR = PROJECT_ROOT / "registry"

BUILD_DB_NAME = "build.duckdb"
PUBLISHED_DB_NAME = "dx.duckdb"


def _path_from_env(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


def raw_dir() -> Path:
    """The landing zone (`DX_RAW_DIR`, default `raw/`)."""
    return _path_from_env("DX_RAW_DIR", PROJECT_ROOT / "raw")


def warehouse_dir() -> Path:
    """Build database, published database and run artefacts (`DX_WAREHOUSE_DIR`)."""
    return _path_from_env("DX_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse")


def registry_dir() -> Path:
    """The agency registry (`DX_REGISTRY_DIR`, default `registry/`): `ref_agencies.csv` and
    `ref_agency_aliases.csv`, read by ingestion and by dbt's `ref_agencies`/`ref_agency_aliases` models."""
    return _path_from_env("DX_REGISTRY_DIR", DEFAULT_REGISTRY_DIR)


def expectations_dir() -> Path:
    """Great Expectations suites (`DX_EXPECTATIONS_DIR`, default `expectations/`)."""
    return _path_from_env("DX_EXPECTATIONS_DIR", PROJECT_ROOT / "expectations")


def reviews_path() -> Path:
    """The reviewed-values file (`DX_REVIEWS_FILE`, default `reviews/reviewed_values.csv` in the repo)."""
    return _path_from_env("DX_REVIEWS_FILE", PROJECT_ROOT / "reviews" / "reviewed_values.csv")


def warehouse_url() -> str | None:
    """The warehouse the refresh builds, checks and publishes into, and `dxw status`/`dxw report` read
    (`DX_WAREHOUSE_URL`). `postgresql://user@host:port/db` selects a PostgreSQL server (the password from
    libpq's PGPASSWORD or ~/.pgpass, never from git); unset or empty, the embedded DuckDB files under
    `warehouse_dir()`. Ingestion's own bookkeeping stays in `build.duckdb` either way."""
    value = os.environ.get("DX_WAREHOUSE_URL", "").strip()
    if not value:
        return None
    if not value.startswith(("postgresql://", "postgres://")):
        raise ValueError(f"DX_WAREHOUSE_URL must be a postgresql:// URL or unset, not {value!r}")
    return value


def uses_postgres() -> bool:
    return warehouse_url() is not None


def build_db_path() -> Path:
    return warehouse_dir() / BUILD_DB_NAME


def published_db_path() -> Path:
    return warehouse_dir() / PUBLISHED_DB_NAME


def audit_path(run_id: str) -> Path:
    """The audit a run's checks write and its publish reads (warehouse/audit.py)."""
    return warehouse_dir() / "runs" / run_id / "audit.json"


def data_docs_dir() -> Path:
    """Great Expectations' Data Docs site, rebuilt by every run's checks."""
    return warehouse_dir() / "data_docs"


def reports_dir() -> Path:
    """The leaders' reports: the HTML scorecard, the workbook, the feedback pages, yearly reviews."""
    return warehouse_dir() / "reports"


def logs_dir() -> Path:
    return warehouse_dir() / "logs"


def refresh_log_path() -> Path:
    """One JSON line per refresh run (orchestration/run_summary.py)."""
    return logs_dir() / "refresh.jsonl"


def last_refresh_output_path() -> Path:
    """What dbt printed during the last `dxw refresh`."""
    return logs_dir() / "last_refresh.log"


def export_for_subprocesses() -> None:
    """Pin the resolved locations in the environment so dbt (a subprocess) sees the same ones."""
    os.environ["DX_WAREHOUSE_DIR"] = str(warehouse_dir())
    os.environ["DX_RAW_DIR"] = str(raw_dir())
    os.environ["DX_REGISTRY_DIR"] = str(registry_dir())
    # dbt is installed beside this interpreter; a user need not activate the environment first
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
