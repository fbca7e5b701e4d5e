"""`dxw`, the data team's command line: run the pipeline non-interactively and ask where it stands.

Exit codes scripts can trust: 0 success, 1 the run failed, 2 usage or missing-warehouse errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path

import click
import duckdb

from dagster_project import settings
from dagster_project.audit import AuditMissing, read_audit


@click.group()
@click.option(
    "--raw-dir", type=click.Path(file_okay=False, path_type=Path), help="Raw tree (default $DX_RAW_DIR or raw/)."
)
@click.option(
    "--warehouse-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Warehouse directory (default $DX_WAREHOUSE_DIR or warehouse/).",
)
def main(raw_dir: Path | None, warehouse_dir: Path | None) -> None:
    """Đức Phổ digital-transformation indicator warehouse."""
    if raw_dir is not None:
        os.environ["DX_RAW_DIR"] = str(raw_dir.resolve())
    if warehouse_dir is not None:
        os.environ["DX_WAREHOUSE_DIR"] = str(warehouse_dir.resolve())


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def refresh(as_json: bool) -> None:
    """Ingest new and changed raw files, build every model and publish dx.duckdb."""
    from dagster import DagsterInstance

    from dagster_project.transform import prepare_manifest

    if not settings.raw_dir().is_dir():
        raise click.UsageError(f"raw tree {settings.raw_dir()} does not exist (set DX_RAW_DIR or --raw-dir)")
    prepare_manifest()
    from dagster_project.definitions import defs

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    with _stdout_to_stderr():
        result = defs.resolve_job_def("refresh").execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    ingest_meta: dict = {}
    for event in result.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        if mat.asset_key.to_user_string() == "ingest_files":
            ingest_meta = {k: v.value for k, v in mat.metadata.items()}
    failures = [
        f"{event.step_key}: {event.event_specific_data.error.message.strip()}"
        for event in result.all_events
        if event.is_step_failure and event.event_specific_data is not None
    ]
    try:
        audit = read_audit(result.run_id)
        checks = {
            "expectations_passed": audit.expectations_passed,
            "blocking_failures": audit.blocking_failures,
            "flagging_failures": audit.flagging_failures,
            "data_docs": audit.data_docs_index,
        }
    except AuditMissing:
        checks = None
    outcome = {
        "success": result.success,
        "checks": checks,
        "run_id": result.run_id,
        "published": str(settings.published_db_path()) if result.success else None,
        "ingest": ingest_meta,
        "failures": failures,
    }
    if as_json:
        click.echo(json.dumps(outcome, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(_refresh_text(outcome))
    sys.exit(0 if result.success else 1)


@contextlib.contextmanager
def _stdout_to_stderr():
    """Send the run's chatter (Dagster and dbt logs, subprocesses included) to stderr, so stdout
    carries only our result and `--json` output parses."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _refresh_text(outcome: dict) -> str:
    ingest = outcome["ingest"]
    lines = [
        "refresh " + ("succeeded" if outcome["success"] else "FAILED") + f" (run {outcome['run_id']})",
        "  files: {seen} seen, {new} new, {changed} changed, {parsed} parsed".format(
            seen=ingest.get("files_files_seen", "?"),
            new=ingest.get("files_new", "?"),
            changed=ingest.get("files_changed", "?"),
            parsed=ingest.get("files_parsed", "?"),
        ),
        "  states: " + ", ".join(f"{k[6:]} {v}" for k, v in sorted(ingest.items()) if k.startswith("state_")),
    ]
    if outcome["published"]:
        lines.append(f"  published: {outcome['published']}")
    checks = outcome["checks"]
    if checks is not None:
        lines.append(
            f"  checks: {checks['expectations_passed']} expectations passed, "
            f"{len(checks['blocking_failures'])} blocking failed, {checks['flagging_failures']} flagging failed"
            f" (Data Docs: {checks['data_docs']})"
        )
        lines += [f"  BLOCKING: {line}" for line in checks["blocking_failures"]]
    if not outcome["success"] and outcome["published"] is None:
        lines.append("  not published: dx.duckdb still holds the previous publish")
    lines += [f"  failed step {f}" for f in outcome["failures"]]
    return "\n".join(lines)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """What the published warehouse holds: when, file states, rejects, latest period per unit."""
    path = settings.published_db_path()
    if not path.exists():
        click.echo(f"no published warehouse at {path}: run `dxw refresh` first", err=True)
        sys.exit(2)
    with duckdb.connect(str(path), read_only=True) as con:
        report = {
            "published_file": str(path),
            "published_at": dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).isoformat(),
            "files_by_state": dict(
                con.execute("select state, count(*) from ingest_files group by 1 order by 1").fetchall()
            ),
            "rejects_by_reason": dict(
                con.execute("select reason_code, count(*) from ingest_rejects group by 1 order by 2 desc, 1").fetchall()
            ),
            "latest_period_by_unit": [
                {"kind": k, "agency_code": a, "latest_period": p}
                for k, a, p in con.execute(
                    "select kind, agency_code, max(period_code) from ingest_reports "
                    "where is_current group by 1, 2 order by 1, 2"
                ).fetchall()
            ],
        }
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    last = report["last_publish"]
    click.echo(f"published {last['published_at']} UTC by run {last['publish_id']}  ({path})")
    click.echo("files: " + ", ".join(f"{k} {v}" for k, v in report["files_by_state"].items()))
    click.echo("rejects: " + (", ".join(f"{k} {v}" for k, v in report["rejects_by_reason"].items()) or "none"))
    click.echo("latest period received per unit:")
    for row in report["latest_period_by_unit"]:
        click.echo(f"  {row['kind']:<15} {row['agency_code']:<24} {row['latest_period']}")


@main.command()
@click.argument("flag_id")
@click.option("--by", "reviewed_by", required=True, help="Who reviewed the figure (name or e-mail).")
@click.option("--note", required=True, help="Why the figure is right as reported.")
def accept(flag_id: str, reviewed_by: str, note: str) -> None:
    """Accept a flagged figure (a flag_id from dq_flagged_values); it counts again after the next refresh."""
    from dagster_project.reviews import accept_flag, reviews_path

    path = settings.published_db_path()
    if path.exists():
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute(
                "select agency_code, coalesce(indicator_code, item_code), period_code, value, rule_code "
                "from dq_flagged_values where flag_id = ?",
                [flag_id],
            ).fetchone()
        if found is None:
            click.echo(
                f"no flagged figure {flag_id!r} in {path}: see `select flag_id from dq_flagged_values`", err=True
            )
            sys.exit(2)
        click.echo("accepting {} {} {} = {} (flagged by {})".format(*found))
    try:
        review = accept_flag(flag_id, reviewed_by, note)
    except ValueError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"recorded in {reviews_path()} at {review.reviewed_at}; run `dxw refresh` to apply it")


def _last_publish(con: duckdb.DuckDBPyConnection) -> dict:
    row = con.execute(
        "select publish_id, published_at, raw_files, checks_passed, flagging_checks_failed "
        "from publish_log order by published_at desc limit 1"
    ).fetchone()
    keys = ("publish_id", "published_at", "raw_files", "checks_passed", "flagging_checks_failed")
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in zip(keys, row, strict=True)}


if __name__ == "__main__":
    main()
