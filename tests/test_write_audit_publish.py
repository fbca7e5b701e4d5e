"""Write–audit–publish: a build whose blocking checks fail is never published — the previous
`dx.duckdb` stays byte for byte, the run is red, and `dxw refresh` exits non-zero naming the
failed expectation; a publish without an audit in the same run publishes nothing."""

import hashlib
import json
import shutil

import duckdb
import pytest
from dagster import materialize

from dagster_project import settings
from tests.conftest import run_dxw


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def warehouse_copy(published_sample, tmp_path):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0
    copy = tmp_path / "wh"
    copy.mkdir()
    for name in ("build.duckdb", "dx.duckdb"):
        shutil.copyfile(warehouse / name, copy / name)
    return copy


def test_a_failed_blocking_expectation_keeps_the_previous_publish_and_names_the_expectation(
    published_sample, warehouse_copy, tmp_path
):
    raw, _, _, _ = published_sample
    suites = tmp_path / "expectations"
    shutil.copytree(settings.expectations_dir(), suites)
    suite_file = suites / "fct_indicator_values.json"
    suite = json.loads(suite_file.read_text(encoding="utf-8"))
    suite["expectations"].append(
        {
            "type": "expect_table_row_count_to_be_between",
            "kwargs": {"min_value": 0, "max_value": 1},
            "meta": {
                "level": "blocking",
                "promise": "A promise this build cannot keep.",
                "promise_vi": "Không giữ được.",
            },
        }
    )
    suite_file.write_text(json.dumps(suite), encoding="utf-8")
    published = warehouse_copy / "dx.duckdb"
    before = _digest(published)

    result = run_dxw("refresh", "--json", raw=raw, warehouse=warehouse_copy, DX_EXPECTATIONS_DIR=str(suites))

    assert result.returncode == 1, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    assert outcome["success"] is False and outcome["published"] is None
    assert any(
        "fct_indicator_values" in line and "expect_table_row_count_to_be_between" in line
        for line in outcome["checks"]["blocking_failures"]
    )
    assert _digest(published) == before
    assert not published.with_name("dx.duckdb.publishing").exists()


def test_publishing_without_an_audit_in_the_same_run_publishes_nothing(warehouse_copy, monkeypatch):
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(warehouse_copy))
    from dagster_project.orchestration.assets_publish import published_warehouse
    from dagster_project.orchestration.resources import build_resources

    published = warehouse_copy / "dx.duckdb"
    before = _digest(published)
    result = materialize([published_warehouse], resources=build_resources(), raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "no audit" in failure.event_specific_data.error.message
    assert _digest(published) == before


def test_the_published_file_has_no_write_ahead_log_and_a_publish_log_row(published_sample):
    _, _, warehouse, first = published_sample
    assert first.returncode == 0
    assert not (warehouse / "dx.duckdb.wal").exists()
    with duckdb.connect(str(warehouse / "dx.duckdb"), read_only=True) as con:
        raw_files, checks_passed = con.execute(
            "select raw_files, checks_passed from publish_log order by published_at desc limit 1"
        ).fetchone()
        n_files = con.execute("select count(*) from ingest_files").fetchone()[0]
    assert raw_files == n_files
    assert checks_passed > 50
