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

from dagster_project import settings

DBT = str(Path(sys.executable).parent / "dbt")


def test_every_dbt_unit_test_passes(published_sample, tmp_path):
    _, _, warehouse, refresh = published_sample
    assert refresh.returncode == 0
    shutil.copyfile(warehouse / "build.duckdb", tmp_path / "build.duckdb")
    project = settings.DBT_PROJECT_DIR
    target = tmp_path / "target"
    env = {
        **os.environ,
        "DX_WAREHOUSE_DIR": str(tmp_path),
        "DX_REGISTRY_DIR": str(settings.registry_dir()),
        "DBT_TARGET_PATH": str(target),
    }
    done = subprocess.run(
        [DBT, "test", "--select", "test_type:unit", "--project-dir", str(project), "--profiles-dir", str(project)],
        check=False,
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    declared = [n for n in json.loads((target / "manifest.json").read_text(encoding="utf-8"))["unit_tests"]]
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
