"""The refresh's dbt run parses the project partially instead of from scratch.

dbt keeps `partial_parse.msgpack` only while the profile is the one it was parsed with, and the
profile's DuckDB path names DX_WAREHOUSE_DIR: a manifest prepared for another warehouse made every
refresh parse the whole project again. `prepare_manifest` now parses again when the warehouse
differs, once, so the runs after it reuse the parse.
"""

from __future__ import annotations

import json

from dagster_project import settings
from dagster_project.warehouse.dbt import manifest_is_stale, prepare_manifest


def test_a_manifest_prepared_for_another_warehouse_is_stale(tmp_path, monkeypatch):
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(tmp_path / "a"))
    prepare_manifest()
    assert not manifest_is_stale()
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(tmp_path / "b"))
    assert manifest_is_stale()
    prepare_manifest()
    assert not manifest_is_stale()


def test_the_refresh_dbt_run_reuses_the_parse(published_sample):
    refresh = published_sample[3]
    assert refresh.returncode == 0
    run_id = json.loads(refresh.stdout)["run_id"]
    logs = sorted((settings.DBT_PROJECT_DIR / "target").glob(f"dbt_models-{run_id[:7]}-*/dbt.log"))
    assert logs, "the refresh left no dbt log"
    text = logs[-1].read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in text
    assert "Partial parsing enabled" in text
