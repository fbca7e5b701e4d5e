"""The publish asset: the last step of a refresh, making the build visible to analysts."""

from dagster import AssetExecutionContext, Failure, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from dagster_project import settings
from dagster_project.orchestration.assets_dbt import dbt_models
from dagster_project.orchestration.assets_ingest import WRITER_POOL, ingest_raw_files
from dagster_project.orchestration.retries import retry_transient_errors
from dagster_project.warehouse.audit import AuditMissing, read_audit
from dagster_project.warehouse.dbt import dbt_project
from dagster_project.warehouse.publish import public_tables, publish_build
from dagster_project.warehouse.status import markdown_table, source_freshness, withheld_figures

# Row counts shown in the UI for the tables analysts use most.
COUNTED_TABLES = ("fct_indicator_values", "fct_budget_share", "fct_submissions", "mart_scorecard", "dq_flagged_values")


@asset(
    deps=[ingest_raw_files, dbt_models],
    group_name="publish",
    pool=WRITER_POOL,
    owners=["team:data-platform"],
    description="The published warehouse `dx.duckdb` that analysts open read-only: replaced atomically, "
    "and only by a run whose blocking checks all passed.",
)
def published_warehouse(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    try:
        audit = read_audit(context.run.run_id)
    except AuditMissing as exc:
        raise Failure(str(exc), allow_retries=False) from exc
    if not audit.passed:
        # a verdict on the data, not an accident: never retried
        raise Failure(
            "not published: blocking checks failed; dx.duckdb keeps the previous publish.\n"
            + "\n".join(audit.blocking_failures),
            allow_retries=False,
        )
    target = settings.published_db_path()
    with retry_transient_errors(context.retry_number), duckdb.get_connection() as con:
        record = publish_build(
            con,
            target,
            tables=public_tables(dbt_project.manifest_path),
            publish_id=context.run.run_id,
            checks_passed=audit.expectations_passed,
            flagging_checks_failed=audit.flagging_failures,
        )
        counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in COUNTED_TABLES}
        freshness = source_freshness(con)
        flags = withheld_figures(con)
    stale = [row for row in freshness if row["is_stale"]]
    context.log.info("published %d tables to %s", len(record.tables), target)
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(target)),
            "tables": len(record.tables),
            "raw_files": record.raw_files,
            "expectations_passed": record.checks_passed,
            "flagging_expectations_failed": record.flagging_checks_failed,
            "data_docs": MetadataValue.path(audit.data_docs_index),
            "row_counts": MetadataValue.md(markdown_table([{"table": t, "rows": n} for t, n in counts.items()])),
            "figures_flagged": flags["flagged"],
            "figures_withheld": flags["withheld"],
            "withheld_preview": MetadataValue.md(markdown_table(flags["examples"])),
            "stale_sources": len(stale),
            "source_freshness": MetadataValue.md(
                "Latest period received and owed per unit and kind (stale = behind what it owed):\n\n"
                + markdown_table(freshness, limit=len(freshness))
            ),
        }
    )
