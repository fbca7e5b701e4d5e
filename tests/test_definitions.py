"""The Dagster definitions load without touching DuckDB, and show the layers the data team expects:
ingestion upstream of the dbt models, dbt tests as asset checks, the refresh job and the sensor;
every run they launch executes in one process under the refresh lock, and what runs unattended
(the sensors, the daily schedule) is on without anyone switching it on."""

from dagster import AssetKey, DefaultScheduleStatus, DefaultSensorStatus

from dagster_project.transform import prepare_manifest


def test_definitions_wire_ingestion_dbt_and_publish_in_one_lineage(tmp_path, monkeypatch):
    monkeypatch.setenv("DX_WAREHOUSE_DIR", str(tmp_path / "wh"))
    prepare_manifest()
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"ingest_files", "ingest_values", "ingest_reports", "ingest_rejects", "published_warehouse"} <= keys
    assert "stg_reports__dx_quarterly" in keys

    staging = graph.get(AssetKey("stg_reports__dx_quarterly"))
    assert AssetKey("ingest_values") in staging.parent_keys
    assert staging.group_name == "staging"
    assert graph.get(AssetKey("ingest_files")).group_name == "ingest"

    checks = {c.name for c in graph.asset_check_keys}
    assert any(name.startswith("columns_not_null_stg_reports__dx_quarterly") for name in checks)

    assert defs.resolve_job_def("refresh") is not None
    assert defs.resolve_sensor_def("raw_tree_sensor").job_name == "refresh"
    assert not (tmp_path / "wh" / "build.duckdb").exists(), "loading definitions must not open DuckDB"


def test_every_launched_run_executes_in_one_process_under_the_refresh_lock_and_unattended_parts_are_on():
    from dagster_project.definitions import defs
    from dagster_project.executor import refresh_executor

    # the refresh job, and whatever a user materialises from the asset graph (Dagster's implicit job)
    assert defs.resolve_job_def("refresh").executor_def is refresh_executor
    assert defs.resolve_implicit_global_asset_job_def().executor_def is refresh_executor
    sensors = {s.name: s.default_status for s in defs.sensors}
    assert sensors == dict.fromkeys(
        ["raw_tree_sensor", "refresh_summary_on_success", "refresh_summary_on_failure"], DefaultSensorStatus.RUNNING
    )
    assert defs.resolve_schedule_def("daily_refresh").default_status == DefaultScheduleStatus.RUNNING
