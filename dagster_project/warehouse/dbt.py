"""The dbt project as Dagster sees it: one DbtProject, its manifest prepared only when stale.

`make install` prepares the manifest (dbt parse); loading the definitions (`dxw refresh`, `dagster dev`,
the daemon, the webserver, a run worker) prepares it again only when a file of the dbt project is
newer than the manifest or the manifest was parsed for another warehouse. The second rule keeps
dbt's partial parsing working: each run copies `target/partial_parse.msgpack`, and dbt throws it
away ("profile has changed") when the profile — whose path names `DX_WAREHOUSE_DIR` — differs from
the one it was parsed with, then parses the whole project again inside every refresh (about 3 s of
dbt's 5.7 s start-up at nation scale). The target is part of the stamp: switching between the embedded
DuckDB (`build`) and a PostgreSQL server (`postgres`, when `DX_WAREHOUSE_URL` is set) parses again.

On PostgreSQL every run builds into a schema of its own, which is part of the profile: dbt parses the
whole project in every run there (docs/postgres.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import json

from dagster_dbt import DbtProject

from dagster_project import settings
from dagster_project.warehouse.fingerprint import DBT_PROJECT_SOURCES

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)

DUCKDB_TARGET = "build"
POSTGRES_TARGET = "postgres"


def dbt_target() -> str:
    """The target of dbt/profiles.yml the refresh builds with: `postgres` when `DX_WAREHOUSE_URL` is set."""
    return POSTGRES_TARGET if settings.uses_postgres() else DUCKDB_TARGET


def _prepared_for() -> dict[str, str]:
    """What the profile depends on: its target, and the warehouse directory its DuckDB path is in."""
    return {"warehouse": str(settings.warehouse_dir()), "target": dbt_target()}


def _stamp_path():
    return dbt_project.manifest_path.with_name("prepared_for.json")


def manifest_is_stale() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    try:
        if json.loads(_stamp_path().read_text(encoding="utf-8")) != _prepared_for():
            return True
    except (OSError, ValueError):
        return True
    built = manifest.stat().st_mtime
    for name in DBT_PROJECT_SOURCES:
        source = settings.DBT_PROJECT_DIR / name
        paths = [source] if source.is_file() else source.rglob("*") if source.is_dir() else []
        if any(p.stat().st_mtime > built for p in paths):
            return True
    return False


def prepare_manifest(force: bool = False) -> None:
    """Run `dbt parse` when the manifest is missing, older than the project or parsed for another
    warehouse or target, so definitions load and the refresh's dbt run can parse partially."""
    with _one_preparer():
        if force or manifest_is_stale():
            settings.export_for_subprocesses()
            # the same project and manifest path, parsed with the target the refresh will run
            project = DbtProject(
                project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR, target=dbt_target()
            )
            dbt_project.preparer.prepare(project)
            _stamp_path().write_text(json.dumps(_prepared_for()), encoding="utf-8")


@contextlib.contextmanager
def _one_preparer():
    """One `dbt parse` at a time: the daemon's and the webserver's code servers load the definitions
    together, and a second parse would rewrite the manifest while the first process reads it."""
    target = dbt_project.manifest_path.parent
    target.mkdir(parents=True, exist_ok=True)
    with (target / ".prepare.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield
