"""dbt's unit tests (the SQL of the indicator and budget rules on fixed fixtures) pass.

The refresh leaves them out (`dbt build --exclude-resource-type unit_test`): their inputs are
fixtures, so running them on every refresh would check nothing new. They run here instead, against
a copy of a built warehouse (dbt needs the models' parents to exist to know their column types).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from dagster_project import settings

DBT = str(Path(sys.executable).parent / "dbt")


def _dbt_test(warehouse: Path, target: Path, *select: str) -> subprocess.CompletedProcess:
    project = settings.DBT_PROJECT_DIR
    env = {
        **os.environ,
        "DX_WAREHOUSE_DIR": str(warehouse),
        "DX_REGISTRY_DIR": str(settings.registry_dir()),
        "DBT_TARGET_PATH": str(target),
    }
    return subprocess.run(
        [DBT, "test", "--select", *select, "--project-dir", str(project), "--profiles-dir", str(project)],
        check=False,
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
    )


def test_every_dbt_unit_test_passes(published_sample, tmp_path):
    _, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0
    shutil.copyfile(warehouse / "build.duckdb", tmp_path / "build.duckdb")
    target = tmp_path / "target"
    done = _dbt_test(tmp_path, target, "test_type:unit")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    declared = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["unit_tests"]
    assert len(unit_tests) == len(declared) >= 20
    assert {r["status"] for r in unit_tests} == {"pass"}


def test_the_refresh_runs_the_data_tests_but_not_the_unit_tests(published_sample):
    refresh = published_sample[3]
    assert refresh.returncode == 0
    summary = json.loads(refresh.stdout)
    runs = sorted((settings.DBT_PROJECT_DIR / "target").glob(f"dbt_models-{summary['run_id'][:7]}-*/run_results.json"))
    assert runs, "the refresh left no dbt run_results.json"
    kinds = {r["unique_id"].split(".")[0] for r in json.loads(runs[-1].read_text(encoding="utf-8"))["results"]}
    assert "test" in kinds and "model" in kinds and "unit_test" not in kinds


def test_a_null_in_a_required_column_fails_the_models_columns_not_null_test(published_sample, tmp_path):
    """One `columns_not_null` test per model stands for a `not_null` test per column: it must still
    fail on a single null and name the column."""
    _, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0
    shutil.copyfile(warehouse / "build.duckdb", tmp_path / "build.duckdb")
    select = ("fct_indicator_values,test_name:columns_not_null",)
    passed = _dbt_test(tmp_path, tmp_path / "target-ok", *select)
    assert passed.returncode == 0, passed.stdout[-3000:]
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        con.execute(
            "update fct_indicator_values set denominator = null where rowid = (select min(rowid) from fct_indicator_values)"
        )
    failed = _dbt_test(tmp_path, tmp_path / "target-null", *select)
    assert failed.returncode == 1
    results = json.loads((tmp_path / "target-null" / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert [(r["status"], r["failures"]) for r in results] == [("fail", 1)]
    assert "columns_not_null" in results[0]["unique_id"]
