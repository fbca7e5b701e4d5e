"""A sensor on the raw tree: start a refresh when a file arrives or changes, and not otherwise.

It is RUNNING as soon as the daemon loads the definitions (nobody has to switch it on in the UI),
like the run-status sensors that log each run (run_summary.py) and the daily schedule.
"""

from __future__ import annotations

import hashlib
import os

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from dagster_project import settings
from dagster_project.ingest.scan import scan_raw_tree
from dagster_project.orchestration.jobs import REFRESH_JOB


def raw_tree_fingerprint() -> str | None:
    """Digest of every file's path, size and modification time: cheap, and changes on any arrival.
    None for a tree that holds no file yet."""
    digest, files = hashlib.sha256(), 0
    for f in scan_raw_tree(settings.raw_dir()):
        digest.update(f"{f.path}\0{f.size_bytes}\0{f.mtime_ns}\n".encode())
        files += 1
    return digest.hexdigest() if files else None


RAW_TREE_INTERVAL_SECONDS = 60


def sensor_interval(default: int) -> int:
    """Seconds between two evaluations of a sensor: `DX_SENSOR_INTERVAL_SECONDS` when set (the
    end-to-end test sets a few seconds), else the sensor's own default."""
    value = os.environ.get("DX_SENSOR_INTERVAL_SECONDS")
    if not value:
        return default
    try:
        return max(1, int(value))
    except ValueError:
        raise ValueError(f"DX_SENSOR_INTERVAL_SECONDS must be a whole number of seconds, not {value!r}") from None


@sensor(
    job_name=REFRESH_JOB,
    minimum_interval_seconds=sensor_interval(RAW_TREE_INTERVAL_SECONDS),
    default_status=DefaultSensorStatus.RUNNING,
    description="Starts a refresh when a file arrives in or changes under the raw tree ($DX_RAW_DIR).",
)
def raw_tree_sensor(context: SensorEvaluationContext):
    if not settings.raw_dir().is_dir():
        return SkipReason(f"raw tree {settings.raw_dir()} does not exist")
    fingerprint = raw_tree_fingerprint()
    if fingerprint is None:
        return SkipReason(f"raw tree {settings.raw_dir()} holds no file yet")
    if fingerprint == context.cursor:
        return SkipReason("no file arrived or changed")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)
