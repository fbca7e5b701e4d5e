"""The publish asset: the last step of a refresh, making the build visible to analysts.

On the embedded DuckDB it swaps a fresh `dx.duckdb` in; on PostgreSQL (`DX_WAREHOUSE_URL`) it moves the run's
build schema's public tables into `published` by renaming schemas in one transaction (warehouse/pg_publish.py),
then drops what earlier publishes retired.
"""

import contextlib

import psycopg2
from dagster import AssetExecutionContext, Failure, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from dagster_project import settings
from dagster_project.orchestration.assets_dbt import dbt_models
from dagster_project.orchestration.assets_ingest import WRITER_POOL, ingest_raw_files
from dagster_project.orchestration.retries import retry_transient_errors
from dagster_project.warehouse import fingerprint, pg, pg_publish
from dagster_project.warehouse.audit import Audit, AuditMissing, read_audit
from dagster_project.warehouse.connection import open_published, published_location
from dagster_project.warehouse.dbt import dbt_project
from dagster_project.warehouse.publish import PublishRecord, public_tables, publish_build, raw_record
from dagster_project.warehouse.status import markdown_table, source_freshness, withheld_figures

# Row counts shown in the UI for the tables analysts use most.
COUNTED_TABLES = ("fct_indicator_values", "fct_budget_share", "fct_submissions", "mart_scorecard", "dq_flagged_values")


@asset(
    deps=[ingest_raw_files, dbt_models],
    group_name="publish",
    pool=WRITER_POOL,
    owners=["team:data-platform"],
    description="The published warehouse analysts read: `dx.duckdb`, opened read-only, or the server's `published` "
    "schema when DX_WAREHOUSE_URL names one; replaced atomically, and only by a run whose blocking checks all passed.",
)
def published_warehouse(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    try:
        audit = read_audit(context.run.run_id)
    except AuditMissing as exc:
        raise Failure(str(exc), allow_retries=False) from exc
    if not audit.passed:
        # a verdict on the data, not an accident: never retried
        raise Failure(
            f"not published: blocking checks failed; {_published_name()} keeps the previous publish.\n"
            + "\n".join(audit.blocking_failures),
            allow_retries=False,
        )
    tables = public_tables(dbt_project.manifest_path)
    with retry_transient_errors(context.retry_number):
        if settings.uses_postgres():
            record = _publish_on_postgres(context, duckdb, audit, tables)
            with open_published() as con:
                counts, freshness, flags = _published_facts(con)
        else:
            with duckdb.get_connection() as con:
                record = publish_build(
                    con,
                    settings.published_db_path(),
                    tables=tables,
                    publish_id=context.run.run_id,
                    checks_passed=audit.expectations_passed,
                    flagging_checks_failed=audit.flagging_failures,
                )
                counts, freshness, flags = _published_facts(con)
    stale = [row for row in freshness if row["is_stale"]]
    context.log.info("published %d tables to %s", len(record.tables), _published_name())
    return MaterializeResult(
        metadata={
            **_location(),
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


def _publish_on_postgres(
    context: AssetExecutionContext, build_db: DuckDBResource, audit: Audit, tables: list[str]
) -> PublishRecord:
    """Publish the run's build schema; what the log records of the inputs comes from the build database, as on
    DuckDB. Dropping retired schemas comes after the swap has committed and is never worth failing a publish."""
    with build_db.get_connection() as build:
        raw_files, raw_fingerprint = raw_record(build)
        input_fingerprint = fingerprint.recorded(build)
    with contextlib.closing(pg.connect()) as server:
        record = pg_publish.publish_schema(
            server,
            build_schema=pg.build_schema(context.run.run_id),
            tables=tables,
            publish_id=context.run.run_id,
            checks_passed=audit.expectations_passed,
            flagging_checks_failed=audit.flagging_failures,
            input_fingerprint=input_fingerprint,
            raw_files=raw_files,
            raw_fingerprint=raw_fingerprint,
        )
        try:
            dropped = pg_publish.drop_retired(server)
        except psycopg2.Error as exc:
            context.log.warning("published; retired schemas are left for the next publish to drop: %s", exc)
        else:
            context.log.info("dropped retired schemas: %s", ", ".join(dropped) or "none")
    return record


def _published_facts(con) -> tuple[dict[str, int], list[dict], dict]:
    """Row counts of the most used tables, freshness of every source, flagged and withheld figures."""
    counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in COUNTED_TABLES}
    return counts, source_freshness(con), withheld_figures(con)


def _published_name() -> str:
    return published_location() if settings.uses_postgres() else settings.published_db_path().name


def _location() -> dict[str, MetadataValue]:
    if settings.uses_postgres():
        return {"warehouse": MetadataValue.text(published_location())}
    return {"path": MetadataValue.path(str(settings.published_db_path()))}
