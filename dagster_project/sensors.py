"""A sensor on the raw tree: start a refresh when a file arrives or changes, and not otherwise."""

from __future__ import annotations

import hashlib

from dagster import RunRequest, SensorEvaluationContext, SkipReason, sensor

from dagster_project import settings
from dagster_project.ingest.scan import scan_raw_tree


def raw_tree_fingerprint() -> str:
    """Digest of every file's path, size and modification time: cheap, and changes on any arrival."""
    digest = hashlib.sha256()
    for f in scan_raw_tree(settings.raw_dir()):
        digest.update(f"{f.path}\0{f.size_bytes}\0{f.mtime_ns}\n".encode())
    return digest.hexdigest()


@sensor(job_name="refresh", minimum_interval_seconds=60)
def raw_tree_sensor(context: SensorEvaluationContext):
    if not settings.raw_dir().is_dir():
        return SkipReason(f"raw tree {settings.raw_dir()} does not exist")
    fingerprint = raw_tree_fingerprint()
    if fingerprint == context.cursor:
        return SkipReason("no file arrived or changed")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)
