"""The raw-tree sensor starts a refresh when a file arrives or changes, and not otherwise (nor for a
tree that holds no file yet)."""

from __future__ import annotations

import pytest
from dagster import RunRequest, SkipReason, build_sensor_context

from dagster_project.orchestration.sensors import RAW_TREE_INTERVAL_SECONDS, raw_tree_sensor, sensor_interval


def test_sensor_requests_a_run_for_a_new_or_changed_file_and_skips_an_unchanged_tree(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "2024-10-05").mkdir(parents=True)
    monkeypatch.setenv("DX_RAW_DIR", str(raw))
    (raw / "README.md").write_text("the landing zone", encoding="utf-8")
    empty = raw_tree_sensor(build_sensor_context(cursor=None))
    assert isinstance(empty, SkipReason) and "holds no file yet" in empty.skip_message

    report = raw / "2024-10-05" / "bao cao.xlsx"
    report.write_bytes(b"first version")

    first = raw_tree_sensor(build_sensor_context(cursor=None))
    assert isinstance(first, RunRequest)
    cursor = first.run_key

    unchanged = raw_tree_sensor(build_sensor_context(cursor=cursor))
    assert isinstance(unchanged, SkipReason)

    (raw / "2024-10-05" / "thong_ke_dvc_2024_09.csv").write_bytes(b"new arrival")
    arrived = raw_tree_sensor(build_sensor_context(cursor=cursor))
    assert isinstance(arrived, RunRequest) and arrived.run_key != cursor

    report.write_bytes(b"second version, longer")
    changed = raw_tree_sensor(build_sensor_context(cursor=arrived.run_key))
    assert isinstance(changed, RunRequest) and changed.run_key != arrived.run_key


def test_the_sensor_interval_is_its_default_unless_dx_sensor_interval_seconds_says_otherwise(monkeypatch):
    monkeypatch.delenv("DX_SENSOR_INTERVAL_SECONDS", raising=False)
    assert raw_tree_sensor.minimum_interval_seconds == sensor_interval(RAW_TREE_INTERVAL_SECONDS) == 60
    monkeypatch.setenv("DX_SENSOR_INTERVAL_SECONDS", "2")
    assert sensor_interval(RAW_TREE_INTERVAL_SECONDS) == 2
    monkeypatch.setenv("DX_SENSOR_INTERVAL_SECONDS", "soon")
    with pytest.raises(ValueError, match="DX_SENSOR_INTERVAL_SECONDS"):
        sensor_interval(RAW_TREE_INTERVAL_SECONDS)
