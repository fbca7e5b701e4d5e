"""The unattended daily refresh: a schedule at 06:00 Đức Phổ time, one DuckDB writer at a time,
retries only for transient errors, and a summary line per run."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, RunRequest, asset, build_schedule_context, materialize

from dagster_project import settings
from dagster_project.orchestration import retries
from dagster_project.orchestration.retries import is_transient, retry_transient_errors
from dagster_project.orchestration.run_summary import append_run_summary
from dagster_project.warehouse.dbt import prepare_manifest


@pytest.fixture(scope="module")
def defs():
    prepare_manifest()
    from dagster_project.definitions import defs

    return defs


def test_the_daily_schedule_runs_the_refresh_at_six_in_the_morning_ho_chi_minh_time(defs):
    schedule = defs.resolve_schedule_def("daily_refresh")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "Asia/Ho_Chi_Minh"
    assert schedule.job_name == "refresh"
    requests = list(schedule.evaluate_tick(build_schedule_context()).run_requests or [])
    assert len(requests) == 1 and isinstance(requests[0], RunRequest)
    assert defs.resolve_sensor_def("raw_tree_sensor").job_name == "refresh"
    assert {"refresh_summary_on_success", "refresh_summary_on_failure"} <= {s.name for s in defs.sensors}


def test_the_reports_asset_follows_the_publish_and_every_asset_is_described(defs):
    graph = defs.resolve_asset_graph()
    reports = graph.get(AssetKey("scorecard_reports"))
    assert AssetKey("published_warehouse") in reports.parent_keys
    assert AssetKey("scorecard_reports") in defs.resolve_job_def("refresh").asset_layer.executable_asset_keys
    undescribed = [k.to_user_string() for k in graph.get_all_asset_keys() if not graph.get(k).description]
    assert undescribed == []


def test_the_dagster_yaml_template_allows_one_duckdb_writer_run_at_a_time(tmp_path):
    shutil.copy(settings.PROJECT_ROOT / "deploy" / "dagster.yaml", tmp_path / "dagster.yaml")
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
        assert config.pool_config.default_pool_limit == 1
        assert config.pool_config.pool_granularity.value == "run"
        assert instance.event_log_storage.get_concurrency_info("duckdb_writer").limit == 1


def test_a_lock_held_by_another_process_is_retried_and_a_real_error_is_not(monkeypatch):
    monkeypatch.setattr(retries, "FIRST_WAIT_SECONDS", 0)
    attempts = {"locked": 0, "broken": 0}

    @asset
    def locked_once(context) -> None:
        attempts["locked"] += 1
        with retry_transient_errors(context.retry_number):
            if context.retry_number == 0:
                raise duckdb.IOException('IO Error: Could not set lock on file "build.duckdb": Conflicting lock')

    @asset
    def broken(context) -> None:
        attempts["broken"] += 1
        with retry_transient_errors(context.retry_number):
            raise ValueError("the registry has no agency XA_UNKNOWN")

    assert materialize([locked_once]).success
    assert attempts["locked"] == 2
    assert not materialize([broken], raise_on_error=False).success
    assert attempts["broken"] == 1
    assert is_transient(OSError(11, "Resource temporarily unavailable"))
    assert not is_transient(RuntimeError("not published: blocking checks failed"))


def test_the_run_summary_is_appended_once_per_run(tmp_path):
    log = tmp_path / "logs" / "refresh.jsonl"
    summary = {"run_id": "r1", "published": False, "why": "blocking checks failed: x"}
    assert append_run_summary(summary, log) is True
    assert append_run_summary(summary, log) is False
    assert append_run_summary({**summary, "run_id": "r2"}, log) is True
    assert [json.loads(line)["run_id"] for line in log.read_text(encoding="utf-8").splitlines()] == ["r1", "r2"]
