"""The summary of one refresh run — files new, changed and quarantined, figures flagged, published
or not and why — built from the run's own event log and appended as one JSON line to
`DX_WAREHOUSE_DIR/logs/refresh.jsonl`.

`dxw refresh` writes it for the runs it executes; two run-status sensors write it for runs the
daemon starts (schedule, sensor, UI). Appending is idempotent by run id, so a run seen by both
is logged once.
"""

from __future__ import annotations

import datetime as dt

from dagster import (
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    MetadataValue,
    RunStatusSensorContext,
    SkipReason,
    run_status_sensor,
)

from dagster_project import settings
from dagster_project.orchestration.assets_ingest import ingest_summary_from
from dagster_project.orchestration.jobs import REFRESH_JOB
from dagster_project.orchestration.refresh_log import append_run_summary, up_to_date_why
from dagster_project.orchestration.sensors import sensor_interval
from dagster_project.warehouse.audit import AuditMissing, read_audit
from dagster_project.warehouse.build_state import CARRIED_OVER
from dagster_project.warehouse.connection import (
    READ_ERRORS,
    WarehouseUnavailable,
    open_build,
    open_published,
    published_location,
)
from dagster_project.warehouse.status import withheld_figures

PUBLISH_ASSET = "published_warehouse"
SUMMARY_INTERVAL_SECONDS = 30  # Dagster's default for run-status sensors


def _materializations(instance: DagsterInstance, run_id: str) -> dict[str, dict[str, MetadataValue]]:
    """The metadata of every asset this run materialised, by asset; and the ingestion's observation
    when it found nothing to do (of observations, dbt's source tests make others)."""
    found: dict[str, dict[str, MetadataValue]] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not (event.is_step_materialization or event.is_asset_observation):
            continue
        data = event.event_specific_data
        mat = data.materialization if event.is_step_materialization else data.asset_observation
        if event.is_step_materialization or "up_to_date" in mat.metadata:
            found[mat.asset_key.to_user_string()] = dict(mat.metadata)
    return found


def ingest_facts(instance: DagsterInstance, run_id: str) -> dict:
    """What the run's ingestion reported (file counts, states, the inputs' fingerprint)."""
    return _materializations(instance, run_id).get("ingest_files", {})


def _step_failures(instance: DagsterInstance, run_id: str) -> list[str]:
    return [
        f"{entry.dagster_event.step_key}: {entry.dagster_event.event_specific_data.error.message.strip()}"
        for entry in instance.all_logs(run_id)
        if entry.dagster_event is not None
        and entry.dagster_event.is_step_failure
        and entry.dagster_event.event_specific_data is not None
        and entry.dagster_event.event_specific_data.error is not None
    ]


def _run_failure(instance: DagsterInstance, run_id: str) -> str | None:
    """The error that failed the run outside any step (e.g. the refresh lock held too long), if any."""
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is not None and event.is_run_failure and getattr(event.event_specific_data, "error", None):
            return event.event_specific_data.error.message.strip()
    return None


def _step_seconds(instance: DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall seconds of every step that finished (succeeded or failed), from its start and end events."""
    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.is_step_start:
            started[event.step_key] = entry.timestamp
        elif (event.is_step_success or event.is_step_failure) and event.step_key in started:
            seconds[event.step_key] = round(entry.timestamp - started[event.step_key], 3)
    return seconds


def _check_outcomes(instance: DagsterInstance, run_id: str) -> dict[str, dict]:
    """Every asset check this run evaluated (dbt tests and quality gates): passed or not, and for a
    quality gate that failed, which expectations failed (type, columns, level)."""
    found: dict[str, dict] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.event_type_value != "ASSET_CHECK_EVALUATION":
            continue
        evaluation = event.event_specific_data
        failures = evaluation.metadata.get("failures")
        found[evaluation.check_name] = {"passed": evaluation.passed}
        if failures is not None and failures.value:  # the quality gates list their failed expectations
            found[evaluation.check_name]["failed"] = [
                {"expectation": f.get("expectation"), "columns": f.get("columns"), "level": f.get("level")}
                for f in failures.value
            ]
    return found


def _flagged_counts(published: bool, run_id: str) -> dict | None:
    """Flagged and withheld figures of this run's build: from the published warehouse when it was published,
    else from the run's build (build.duckdb if no other process holds it, or its build schema on the server)."""
    try:
        with open_published() if published else open_build(run_id) as con:
            counts = withheld_figures(con, examples=0)
    except (*READ_ERRORS, WarehouseUnavailable):
        return None
    return {"flagged": counts["flagged"], "withheld": counts["withheld"]}


def build_run_summary(instance: DagsterInstance, run_id: str) -> dict:
    record = instance.get_run_record_by_id(run_id)
    run = record.dagster_run if record else None
    mats = _materializations(instance, run_id)
    ingest = ingest_summary_from(mats.get("ingest_files", {}))
    published = PUBLISH_ASSET in mats
    failures = _step_failures(instance, run_id)
    try:
        audit = read_audit(run_id)
    except AuditMissing:
        audit = None
    files = mats.get("ingest_files", {})
    fingerprint = files["input_fingerprint"].value if "input_fingerprint" in files else None
    up_to_date = "up_to_date" in files and bool(files["up_to_date"].value)
    if up_to_date:
        why = up_to_date_why(fingerprint)
    elif published:
        held = audit.expectations_passed if audit else "?"
        why = f"all blocking checks passed ({held} checks held: dbt data tests and GX expectations)"
    elif audit is not None and audit.blocking_failures:
        why = "blocking checks failed: " + "; ".join(audit.blocking_failures)
    elif failures:
        why = "a step failed: " + failures[0].splitlines()[0]
    elif run_failure := _run_failure(instance, run_id):
        why = "the run failed: " + run_failure.splitlines()[0]
    else:
        why = "the publish step did not run in this run"
    return {
        "run_id": run_id,
        "job": run.job_name if run else None,
        "status": run.status.value if run else None,
        "started_at": _iso(record.start_time if record else None),
        "finished_at": _iso(record.end_time if record else None),
        "logged_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": {
            "seen": ingest.files_seen if ingest else None,
            "new": ingest.new if ingest else None,
            "changed": ingest.changed if ingest else None,
            "parsed": ingest.parsed if ingest else None,
            "quarantined": ingest.states.get("quarantined", 0) if ingest else None,
        },
        "figures": _flagged_counts(published or up_to_date, run_id),
        "published": published,
        "up_to_date": up_to_date,
        "input_fingerprint": fingerprint,
        "why": why,
        "published_file": published_location() if published else None,
        "failures": failures,
        # dbt models and seeds kept as built, not rebuilt (warehouse/build_state.py)
        "kept_by_dbt": sorted(key for key, metadata in mats.items() if CARRIED_OVER in metadata),
        "steps": _step_seconds(instance, run_id),
        "checks": _check_outcomes(instance, run_id),
    }


def _iso(timestamp: float | None) -> str | None:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).isoformat(timespec="seconds") if timestamp else None


def _log_finished_refresh(context: RunStatusSensorContext):
    run_id = context.dagster_run.run_id
    if context.dagster_run.job_name != REFRESH_JOB:
        return SkipReason(f"{context.dagster_run.job_name} is not a refresh")
    summary = build_run_summary(context.instance, run_id)
    if not append_run_summary(summary):
        return SkipReason(f"run {run_id} is already in {settings.refresh_log_path()}")
    return SkipReason(f"logged run {run_id}: published={summary['published']} ({summary['why']})")


def _summary_sensor(status: DagsterRunStatus):
    return run_status_sensor(
        name=f"refresh_summary_on_{status.value.lower()}",
        run_status=status,
        minimum_interval_seconds=sensor_interval(SUMMARY_INTERVAL_SECONDS),
        default_status=DefaultSensorStatus.RUNNING,
        description=f"Appends the summary of every refresh run that ends in {status.value} to logs/refresh.jsonl.",
    )(_log_finished_refresh)


refresh_summary_sensors = [_summary_sensor(DagsterRunStatus.SUCCESS), _summary_sensor(DagsterRunStatus.FAILURE)]
