"""The quality gates as Dagster asset checks: one check per suite in `expectations/`, on its table.

Blocking suites are blocking checks (a failure keeps the publish from running); the flagging
suite only warns. `blocking_failures` gives the publish step the same verdict in plain lines.
"""

from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    DagsterEventType,
    MetadataValue,
    multi_asset_check,
)
from dagster_duckdb import DuckDBResource

from dagster_project import settings
from dagster_project.orchestration.assets_ingest import WRITER_POOL
from dagster_project.orchestration.resources import checked_build
from dagster_project.quality.gx_runner import BLOCKING, ExpectationOutcome, SuiteResult, load_suites
from dagster_project.quality.resource import GreatExpectationsRunner
from dagster_project.warehouse.audit import Audit, write_audit

CHECK_PREFIX = "gx_"


def _check_name(suite_name: str) -> str:
    return CHECK_PREFIX + suite_name


def quality_check_specs(expectations_dir: Path | None = None) -> list[AssetCheckSpec]:
    """One check per suite file, on the asset named like its table (dbt model or ingestion table)."""
    return [
        AssetCheckSpec(
            _check_name(suite.name),
            asset=AssetKey(suite.table),
            blocking=suite.level == BLOCKING,
            description=suite.document.get("notes"),
            metadata={"level": suite.level, "suite_file": str(suite.path)},
        )
        for suite in load_suites(expectations_dir or settings.expectations_dir())
    ]


@multi_asset_check(
    name="great_expectations_suites",
    specs=quality_check_specs(),
    description="Runs the Great Expectations suites of expectations/ on the build (the build database, or the run's "
    "build schema on PostgreSQL) and rebuilds the Data Docs.",
    pool=WRITER_POOL,
)
def great_expectations_suites(
    context: AssetCheckExecutionContext, duckdb: DuckDBResource, great_expectations: GreatExpectationsRunner
):
    with checked_build(duckdb, context.run.run_id) as con:
        results = great_expectations.run(con)
    failures = blocking_failures(results)
    for line in failures:
        context.log.error(line)
    write_audit(
        Audit(
            run_id=context.run.run_id,
            # dbt's data tests (the structure) and the suites' expectations that held in this run
            expectations_passed=_dbt_tests_passed(context) + sum(len(r.expectations) - len(r.failed) for r in results),
            blocking_failures=failures,
            flagging_failures=sum(o.level != BLOCKING for r in results for o in r.failed),
            data_docs_index=str(great_expectations.data_docs_index),
        )
    )
    for result in results:
        yield check_result(result, great_expectations)


def _dbt_tests_passed(context: AssetCheckExecutionContext) -> int:
    """dbt data tests that passed earlier in this run: dagster-dbt reports each as an asset check evaluation."""
    records = context.instance.all_logs(context.run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    return sum(bool(record.dagster_event.event_specific_data.passed) for record in records)


def check_result(result: SuiteResult, runner: GreatExpectationsRunner) -> AssetCheckResult:
    """A suite's result as an asset-check result: failed expectations, counts, samples, Data Docs links."""
    failed = result.failed
    blocking_failed = [o for o in failed if o.level == BLOCKING]
    page = result.data_docs_page or runner.data_docs_index
    metadata = {
        "level": result.level,
        "expectations": len(result.expectations),
        "failed_expectations": len(failed),
        "failed_blocking": len(blocking_failed),
        "row_count": result.row_count if result.row_count is not None else -1,
        "failures": MetadataValue.json([_failure_record(o) for o in failed]),
        "data_docs": MetadataValue.path(str(page)),
        "data_docs_url": MetadataValue.url(page.resolve().as_uri()),
        "data_docs_index": MetadataValue.path(str(runner.data_docs_index)),
    }
    return AssetCheckResult(
        asset_key=AssetKey(result.table),
        check_name=_check_name(result.suite),
        passed=not failed,
        severity=_severity(result, blocking_failed),
        metadata=metadata,
        description=_describe(result),
    )


def _severity(result: SuiteResult, blocking_failed: list[ExpectationOutcome]) -> AssetCheckSeverity:
    """ERROR for a blocking suite, unless only its flagging expectations failed; WARN for a flagging suite."""
    if blocking_failed or (result.level == BLOCKING and not result.failed):
        return AssetCheckSeverity.ERROR
    return AssetCheckSeverity.WARN


def blocking_failures(results: list[SuiteResult]) -> list[str]:
    """One readable line per failed blocking expectation; an empty list means the build may be published."""
    return [_failure_line(o) for result in results for o in result.failed if o.level == BLOCKING]


def _failure_line(outcome: ExpectationOutcome) -> str:
    columns = f" on {', '.join(outcome.columns)}" if outcome.columns else ""
    if outcome.problem:
        found = f": {outcome.problem}"
    else:
        found = f": {outcome.unexpected_count} rows break it, e.g. {outcome.unexpected_sample}"
    return f"{outcome.table} — {outcome.expectation_type}{columns}{found}. Promise: {outcome.promise}"


def _failure_record(outcome: ExpectationOutcome) -> dict:
    return {
        "expectation": outcome.expectation_type,
        "columns": list(outcome.columns),
        "level": outcome.level,
        "unexpected_count": outcome.unexpected_count,
        "sample": outcome.unexpected_sample,
        "count_per_value": outcome.unexpected_value_counts,
        "problem": outcome.problem,
        "promise": outcome.promise,
        "promise_vi": outcome.promise_vi,
    }


def _describe(result: SuiteResult) -> str:
    failed = result.failed
    if not failed:
        return f"{result.table}: all {len(result.expectations)} expectations of {result.suite} hold."
    return f"{result.table}: {len(failed)} of {len(result.expectations)} expectations of {result.suite} fail ({result.level})."
