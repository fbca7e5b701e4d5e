"""The dbt project as Dagster sees it: one DbtProject, its manifest prepared once, never at import.

`dxw refresh`, `make install` and `dagster dev` prepare the manifest (dbt parse) before definitions
load, and again only when a file of the dbt project is newer than the manifest.
"""

from __future__ import annotations

from dagster_dbt import DbtProject

from dagster_project import settings

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)

_PROJECT_SOURCES = ("models", "seeds", "macros", "tests", "dbt_project.yml", "profiles.yml")


def manifest_is_stale() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _PROJECT_SOURCES:
        source = settings.DBT_PROJECT_DIR / name
        paths = [source] if source.is_file() else source.rglob("*") if source.is_dir() else []
        if any(p.stat().st_mtime > built for p in paths):
            return True
    return False


def prepare_manifest(force: bool = False) -> None:
    """Run `dbt parse` when the manifest is missing or older than the project, so definitions load."""
    if force or manifest_is_stale():
        settings.export_for_subprocesses()
        dbt_project.preparer.prepare(dbt_project)
