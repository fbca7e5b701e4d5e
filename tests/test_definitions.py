"""The Dagster definitions load without touching DuckDB, and show the layers the data team expects:
ingestion upstream of the dbt models, dbt tests as asset checks, the refresh job and the sensor;
every run they launch executes in one process under the refresh lock, and what runs unattended
(the sensors, the daily schedule) is on without anyone switching it on."""

from dagster import AssetKey, DefaultScheduleStatus, DefaultSensorStatus

from dagster_project.warehouse.dbt import prepare_manifest


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
    from dagster_project.orchestration.executor import refresh_executor

    # the refresh job, and whatever a user materialises from the asset graph (Dagster's implicit job)
    assert defs.resolve_job_def("refresh").executor_def is refresh_executor
    assert defs.resolve_implicit_global_asset_job_def().executor_def is refresh_executor
    sensors = {s.name: s.default_status for s in defs.sensors}
    assert sensors == dict.fromkeys(
        ["raw_tree_sensor", "refresh_summary_on_success", "refresh_summary_on_failure"], DefaultSensorStatus.RUNNING
    )
    assert defs.resolve_schedule_def("daily_refresh").default_status == DefaultScheduleStatus.RUNNING


def test_processes_loading_the_definitions_together_parse_the_dbt_project_one_at_a_time(tmp_path, monkeypatch):
    """The daemon's and the webserver's code servers load the definitions at the same moment; a stale
    manifest is parsed by one of them at a time, never rewritten while another reads it."""
    import threading
    import time

    from dagster_project.warehouse import dbt

    monkeypatch.setattr(dbt, "_stamp_path", lambda: tmp_path / "prepared_for.json")
    monkeypatch.setattr(dbt.settings, "export_for_subprocesses", lambda: None)
    inside, most = [0], [0]
    guard = threading.Lock()

    def fake_parse(project) -> None:
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.3)
        with guard:
            inside[0] -= 1

    monkeypatch.setattr(dbt.dbt_project.preparer, "prepare", fake_parse)
    loaders = [threading.Thread(target=dbt.prepare_manifest, kwargs={"force": True}) for _ in range(3)]
    for loader in loaders:
        loader.start()
    for loader in loaders:
        loader.join()
    assert most[0] == 1
