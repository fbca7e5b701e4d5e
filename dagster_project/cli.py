"""`dxw`, the data team's command line: run the pipeline non-interactively and ask where it stands.

Exit codes scripts can trust: 0 success, 1 the run failed, 2 usage or missing-warehouse errors.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
from pathlib import Path

import click
import duckdb

from dagster_project import settings

EXIT_CODES = """\b
Exit codes:
  0  success
  1  the run failed (a step failed or blocking checks failed; the published warehouse keeps the previous publish)
  2  usage error, or nothing to work on (no raw tree, no published warehouse or its server unreachable,
     unknown period or flag)
"""


@click.group(epilog=EXIT_CODES)
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


def _fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)


# -- refresh and backfill: one Dagster run of the `refresh` job ----------------------------------------


class _Progress:
    """One line on stderr per step started, finished or failed, read from the run's own events."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.t0 = time.monotonic()

    def __call__(self, entry) -> None:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            return
        step, now = event.step_key, time.monotonic()
        if event.is_step_start:
            self.started[step] = now
            line = f"▶ {step} …"
        elif event.is_step_success:
            line = f"✔ {step} done in {now - self.started.get(step, now):.1f} s"
        elif event.is_step_failure:
            line = f"✘ {step} FAILED"
        elif event.is_step_skipped:
            line = f"– {step} skipped"
        elif event.is_step_up_for_retry:
            line = f"↻ {step} will be retried (transient error)"
        else:
            return
        click.echo(f"[{now - self.t0:6.1f} s] {line}", err=True)


@contextlib.contextmanager
def _one_refresh_at_a_time():
    """Hold the warehouse's refresh lock (see warehouse/locking.py), or exit 1 saying who holds it."""
    from dagster_project.warehouse.locking import RefreshLocked, refresh_lock

    try:
        with refresh_lock(settings.warehouse_dir()):
            yield
    except RefreshLocked as exc:
        _fail(f"refresh refused: {exc}", code=1)


def _execute_refresh(as_json: bool, force: bool = False) -> dict:
    """Run the `refresh` job in this process; returns the outcome scripts and people read.

    The caller holds the refresh lock (`_one_refresh_at_a_time`). Unless `force`, a refresh whose
    inputs are the last publish's stops after ingestion (warehouse/fingerprint.py), and before Dagster
    even starts when ingestion has nothing to read."""
    if not settings.raw_dir().is_dir():
        raise click.UsageError(f"raw tree {settings.raw_dir()} does not exist (set DX_RAW_DIR or --raw-dir)")
    if not force and (outcome := _up_to_date_without_dagster()) is not None:
        return outcome
    from dagster import DagsterInstance

    from dagster_project.orchestration.assets_ingest import ingest_summary_from
    from dagster_project.orchestration.jobs import REFRESH_JOB
    from dagster_project.orchestration.run_summary import append_run_summary, build_run_summary, ingest_facts
    from dagster_project.warehouse.audit import AuditMissing, read_audit
    from dagster_project.warehouse.dbt import prepare_manifest

    prepare_manifest()
    from dagster_project.definitions import defs

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    run_id = str(uuid.uuid4())
    if not as_json:
        instance.add_event_listener(run_id, _Progress())
    chatter = settings.last_refresh_output_path()
    chatter.parent.mkdir(parents=True, exist_ok=True)
    with _stdout_to_stderr(), chatter.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        result = defs.resolve_job_def(REFRESH_JOB).execute_in_process(
            instance=instance,
            run_id=run_id,
            raise_on_error=False,
            run_config={
                "loggers": {"console": {"config": {"log_level": "ERROR" if as_json else "WARNING"}}},
                "ops": {"ingest_raw_files": {"config": {"force": force}}},
            },
        )
    ingest = ingest_summary_from(ingest_facts(instance, run_id))  # a materialisation, or the no-change observation
    try:
        audit = read_audit(run_id)
        checks = {
            "expectations_passed": audit.expectations_passed,
            "blocking_failures": audit.blocking_failures,
            "flagging_failures": audit.flagging_failures,
            "data_docs": audit.data_docs_index,
        }
    except AuditMissing:
        checks = None
    summary = build_run_summary(instance, run_id)
    append_run_summary(summary)
    return {
        "success": result.success,
        "checks": checks,
        "run_id": run_id,
        "published": summary["published_file"],
        "ingest": ingest.as_dict() if ingest else {},
        "summary": summary,
        "reports": _report_paths() if result.success else None,
        "failures": summary["failures"],
        "log": str(chatter),
    }


def _up_to_date_without_dagster() -> dict | None:
    """The outcome of a refresh with nothing to do, when that is known without ingesting: every raw
    file is recorded as it is and the inputs' fingerprint is the last publish's. None otherwise."""
    from dagster_project.orchestration.refresh_log import append_run_summary, up_to_date_summary
    from dagster_project.warehouse import fingerprint

    decision = fingerprint.check_without_ingesting()
    if decision is None or not decision.up_to_date:
        return None
    summary = up_to_date_summary(decision.fingerprint)
    append_run_summary(summary)
    return {
        "success": True,
        "checks": None,
        "run_id": summary["run_id"],
        "published": None,
        "ingest": {"new": 0, "changed": 0, "parsed": 0},
        "summary": summary,
        "reports": None,
        "failures": [],
        "log": None,
    }


def _report_paths() -> dict[str, str]:
    from dagster_project.reports import FEEDBACK_DIR, HTML_NAME, XLSX_NAME

    return {
        "html": str(settings.reports_dir() / HTML_NAME),
        "workbook": str(settings.reports_dir() / XLSX_NAME),
        "feedback": str(settings.reports_dir() / FEEDBACK_DIR / "index.html"),
    }


@contextlib.contextmanager
def _stdout_to_stderr():
    """Send whatever subprocesses print to stderr, so stdout carries only our result and `--json`
    output parses (dbt's own lines, written through Python, go to logs/last_refresh.log)."""
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
    summary = outcome["summary"]
    if summary.get("up_to_date"):
        return (
            f"refresh succeeded: already up to date, nothing rebuilt (run {outcome['run_id']})\n"
            f"  inputs fingerprint {summary['input_fingerprint']} equals the last publish's; "
            "the published warehouse and the reports are as they were (`dxw refresh --force` rebuilds anyway)"
        )
    files, figures = summary["files"], summary["figures"] or {}
    lines = [
        "refresh " + ("succeeded" if outcome["success"] else "FAILED") + f" (run {outcome['run_id']})",
        "  files: {seen} seen, {new} new, {changed} changed, {parsed} parsed, {quarantined} quarantined".format(
            **{k: ("?" if v is None else v) for k, v in files.items()}
        ),
        "  states: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome["ingest"].get("states", {}).items())),
        f"  figures: {figures.get('flagged', '?')} flagged, {figures.get('withheld', '?')} withheld until reviewed",
    ]
    if summary.get("kept_by_dbt"):
        lines.append(
            f"  dbt: kept {len(summary['kept_by_dbt'])} models and seeds as built (they depend on neither the new "
            "files nor the reviews); rebuilt the rest"
        )
    checks = outcome["checks"]
    if checks is not None:
        lines.append(
            f"  checks: {checks['expectations_passed']} checks passed (dbt data tests and GX expectations), "
            f"{len(checks['blocking_failures'])} blocking failed, {checks['flagging_failures']} flagging failed"
            f" (Data Docs: {checks['data_docs']})"
        )
        lines += [f"  BLOCKING: {line}" for line in checks["blocking_failures"]]
    if summary["published"]:
        lines.append(f"  published: {outcome['published']} — {summary['why']}")
    else:
        from dagster_project.warehouse.connection import published_location

        lines.append(f"  NOT published ({summary['why']}): {published_location()} still holds the previous publish")
    if outcome["reports"]:
        lines.append(f"  reports: {outcome['reports']['html']}, {outcome['reports']['workbook']}")
    lines += [f"  failed step {f}" for f in outcome["failures"]]
    lines.append(f"  dbt log: {outcome['log']}; run summaries: logs/refresh.jsonl")
    return "\n".join(lines)


def _print_outcome(outcome: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(outcome, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(_refresh_text(outcome))
    sys.exit(0 if outcome["success"] else 1)


@main.command(epilog=EXIT_CODES)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout (no progress lines).")
@click.option(
    "--force", is_flag=True, help="Rebuild, check and publish even when nothing changed since the last publish."
)
def refresh(as_json: bool, force: bool) -> None:
    """Ingest new and changed raw files, build every model, check, publish dx.duckdb and regenerate the reports.

    When the inputs (raw files, registry, reviews, dbt project, suites, code) are those of the last
    publish, it stops after ingestion and says "already up to date"; --force rebuilds anyway.
    Progress goes to stderr, the summary to stdout; the summary is also appended to
    <warehouse>/logs/refresh.jsonl.
    """
    with _one_refresh_at_a_time():
        outcome = _execute_refresh(as_json, force)
    _print_outcome(outcome, as_json)


@main.command(epilog=EXIT_CODES)
@click.argument("period")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout (no progress lines).")
def backfill(period: str, as_json: bool) -> None:
    """Re-parse every raw file holding a report for PERIOD, then rebuild, check and publish.

    PERIOD is a period code: 2024, 2024-H1, 2024-Q3 or 2024-07. A file counts when one of its
    reports is for a period inside PERIOD (2024-Q3 takes the July–September monthly exports too).
    Those files are forgotten by the build database and parsed again from raw/ — use it after a
    parser or registry fix; the raw files are never touched. Quarantined files hold no report and
    are retried by every refresh anyway. Then the whole refresh runs (dbt, checks, publish, reports).
    """
    with _one_refresh_at_a_time():
        files = _forget_files_of_period(period)
        if not as_json:
            click.echo(f"backfill {period}: parsing {len(files)} raw files again", err=True)
        outcome = _execute_refresh(as_json, force=True)  # asked for by name: rebuilt whatever the fingerprint
    outcome["backfill"] = {"period": period, "files": files}
    _print_outcome(outcome, as_json)


def _forget_files_of_period(period: str) -> list[str]:
    from dagster_project.ingest import store

    build = settings.build_db_path()
    if not build.exists():
        _fail(f"no build database at {build}: run `dxw refresh` before a backfill")
    try:
        con = duckdb.connect(str(build))
    except duckdb.IOException as exc:
        _fail(f"the build database {build} is busy (a refresh is running?): {exc}", code=1)
    with con:
        bounds = con.execute(
            "select period_start, period_end from dim_period where period_code = ?", [period]
        ).fetchone()
        if bounds is None:
            _fail(f"unknown period {period!r}: use a code like 2024, 2024-H1, 2024-Q3 or 2024-07 (see dim_period)")
        rows = con.execute(
            """
            select distinct r.file_id, r.path
            from ingest_reports as r
            inner join dim_period as p on p.period_code = r.period_code
            where p.period_start >= ? and p.period_end <= ?
            order by r.path
            """,
            list(bounds),
        ).fetchall()
        if not rows:
            _fail(f"no raw file holds a report for {period}: nothing to backfill")
        con.execute("begin transaction")
        store.delete_files(con, [file_id for file_id, _ in rows])
        con.execute("commit")
    return [path for _, path in rows]


# -- status, report, feedback, review, accept: read the published warehouse (dx.duckdb or the server) ------


@contextlib.contextmanager
def _reading_published():
    """Exit 2 with the reason when the published warehouse cannot be read: nothing published yet, or the
    server of DX_WAREHOUSE_URL unreachable (one line naming it, no traceback)."""
    from dagster_project.warehouse.connection import WarehouseUnavailable

    try:
        yield
    except WarehouseUnavailable as exc:
        _fail(str(exc))


@main.command(epilog=EXIT_CODES)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--all-sources", is_flag=True, help="List every unit and kind, not only the stale ones.")
def status(as_json: bool, all_sources: bool) -> None:
    """Where the published warehouse stands: last publish, stale sources, quarantined files, withheld figures."""
    from dagster_project.warehouse.connection import open_published, published_location
    from dagster_project.warehouse.status import warehouse_status

    with _reading_published(), open_published() as con:
        report = {"published_file": published_location(), **warehouse_status(con)}
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(_status_text(report, all_sources))


def _status_text(report: dict, all_sources: bool) -> str:
    from dagster_project.reports import vn_format
    from dagster_project.reports.data import flagged_value_text

    last = report["last_publish"]
    lines = [
        f"published {vn_format.timestamp(last['published_at'])} by run {last['publish_id']} "
        f"from {last['raw_files']} raw files, "
        f"{last['checks_passed']} checks passed  ({report['published_file']})"
        if last
        else f"{report['published_file']} has no publish_log",
        "files: " + ", ".join(f"{k} {v}" for k, v in report["files_by_state"].items()),
        "rejects: " + (", ".join(f"{k} {v}" for k, v in report["rejects_by_reason"].items()) or "none"),
    ]
    sources = report["source_freshness"] if all_sources else report["stale_sources"]
    title = (
        "sources (latest received / latest owed)" if all_sources else "stale sources (latest received / latest owed)"
    )
    lines.append(f"{title}: {len(sources)}" + ("" if sources else " — every unit is up to date"))
    lines += [
        f"  {'STALE ' if s['is_stale'] else '      '}{s['report_kind']:<15} {s['agency_code']:<24} "
        f"{s['latest_received'] or 'nothing'} / {s['latest_expected']}  ({s['periods_missing']} missing)"
        for s in sources
    ]
    quarantined = report["quarantined_files"]
    lines.append(f"quarantined files: {quarantined['count']}")
    lines += [f"  {q['path']}  ({q['reason_code']})" for q in quarantined["examples"]]
    withheld = report["withheld_figures"]
    lines.append(
        f"figures withheld until reviewed: {withheld['withheld']} (of {withheld['flagged']} flagged); "
        "accept one with `dxw accept FLAG_ID --by NAME --note WHY`"
    )
    lines += [
        f"  {w['flag_id']}  {w['agency_code']} {w['figure']} {w['period_code']} = "
        f"{flagged_value_text(w['value'], w['rule_code'])}  ({w['rule_code']})"
        for w in withheld["examples"]
    ]
    return "\n".join(lines)


@main.command(epilog=EXIT_CODES)
@click.option("--json", "as_json", is_flag=True, help="Print the report paths as JSON.")
def report(as_json: bool) -> None:
    """Regenerate the HTML scorecard and the Excel workbook from the published warehouse into <warehouse>/reports/."""
    from dagster_project.reports import build_reports

    with _reading_published():
        reports = build_reports()
    paths = {"html": str(reports.html), "workbook": str(reports.workbook)}
    if as_json:
        click.echo(json.dumps(paths, ensure_ascii=False, indent=2))
    else:
        click.echo(f"scorecard: {paths['html']}\nworkbook:  {paths['workbook']}")


@main.command(epilog=EXIT_CODES)
@click.option("--agency", help="Only this unit (an agency_code of dim_agency).")
@click.option("--period", help="Only reports, files and flags of this period (2025, 2025-H1, 2025-Q3, 2025-07).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def feedback(agency: str | None, period: str | None, as_json: bool) -> None:
    """Write each unit's feedback (phiếu phản hồi) from the published warehouse: one HTML page and one Excel
    sheet per unit in <warehouse>/reports/feedback/ (a period's in feedback/<period>/): files received,
    refused files and rows with file, sheet and row, figures awaiting confirmation, reports owed."""
    from dagster_project.reports import FEEDBACK_DIR
    from dagster_project.reports.feedback import UnknownAgency, build_feedback

    try:
        with _reading_published():
            run = build_feedback(None, settings.reports_dir() / FEEDBACK_DIR, agency=agency, period=period)
    except (UnknownAgency, ValueError) as exc:
        _fail(str(exc))
    result = {"out_dir": str(run.out_dir), "units": run.units, "written": run.written}
    if agency is None:
        result["index"] = str(run.index)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(f"feedback for {run.units} units written to {run.out_dir}")


@main.command(epilog=EXIT_CODES)
@click.option("--year", type=int, required=True, help="The year reviewed (sơ kết), e.g. 2025.")
@click.option("--agency", help="Only this unit (an agency_code of dim_agency); default the area and every unit.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the .docx.")
def review(year: int, agency: str | None, out_path: Path | None) -> None:
    """Write the yearly review draft (báo cáo sơ kết) as an editable .docx from the published warehouse:
    each indicator against the year's and the 2025/2030 targets, the budget share against its floor,
    the submissions record and the withheld figures, with marked places for the office's prose."""
    from dagster_project.reports.review import UnknownAgency, write_review

    path = out_path or settings.reports_dir() / (f"so_ket_{year}" + (f"_{agency}" if agency else "") + ".docx")
    try:
        with _reading_published():
            written = write_review(None, path, year=year, agency=agency)
    except (UnknownAgency, ValueError) as exc:
        _fail(str(exc))
    click.echo(f"yearly review {year}: {written}")


@main.command(epilog=EXIT_CODES)
@click.argument("flag_id")
@click.option("--by", "reviewed_by", required=True, help="Who reviewed the figure (name or e-mail).")
@click.option("--note", required=True, help="Why the figure is right as reported.")
def accept(flag_id: str, reviewed_by: str, note: str) -> None:
    """Accept a flagged figure (a flag_id from dq_flagged_values); it counts again after the next refresh.
    An impossible figure (a part above its whole, a negative count) cannot be accepted: the unit resends."""
    from dagster_project.quality.reviews import accept_flag
    from dagster_project.warehouse.connection import (
        PublishedMissing,
        WarehouseUnavailable,
        open_published,
        published_location,
    )

    try:
        with open_published() as con:
            withheld = con.execute(
                "select agency_code, figure, period_code, value, rule_code from mart_withheld_figures where flag_id = ?",
                [flag_id],
            ).fetchone()
            flag = con.execute(
                "select rule_code, may_be_accepted from dq_flagged_values where flag_id = ?", [flag_id]
            ).fetchone()
    except PublishedMissing:
        pass  # nothing published yet to look the flag up in: the review is recorded for the first refresh
    except WarehouseUnavailable as exc:
        _fail(str(exc))
    else:
        if flag is None:
            _fail(
                f"no flagged figure {flag_id!r} in {published_location()}: see `select flag_id from dq_flagged_values`"
            )
        if not flag[1]:
            _fail(
                f"flag {flag_id} ({flag[0]}) marks an impossible figure: no review can make it right, only a "
                "corrected report from the unit (ref_dq_rules.reviewer_may_accept) / số liệu không thể đúng: "
                "không chấp nhận được, đơn vị cần gửi lại báo cáo đã sửa"
            )
        if withheld is None:
            click.echo(
                f"reviewing {flag_id} again: it is not withheld now (already accepted, or its report superseded)"
            )
        else:
            click.echo("accepting {} {} {} = {} (flagged by {})".format(*withheld))
    try:
        review = accept_flag(flag_id, reviewed_by, note)
    except ValueError as exc:
        _fail(str(exc))
    click.echo(f"recorded in {settings.reviews_path()} at {review.reviewed_at}; run `dxw refresh` to apply it")


if __name__ == "__main__":
    main()
