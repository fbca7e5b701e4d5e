"""The ingestion assets: a thin Dagster shell around `ingest_raw_tree`.

One multi-asset writes the five ingestion tables together, because one pass over the raw tree
produces all of them consistently.
"""

from collections.abc import Mapping

from dagster import (
    AssetExecutionContext,
    AssetObservation,
    AssetSpec,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from dagster_project import settings
from dagster_project.ingest.run import IngestSummary, ingest_raw_tree
from dagster_project.orchestration.retries import retry_transient_errors
from dagster_project.quality.reviews import load_reviews
from dagster_project.warehouse import fingerprint
from dagster_project.warehouse.status import latest_period_by_unit, markdown_table

WRITER_POOL = "duckdb_writer"

# The run's ingestion counts travel as one structured metadata entry of `ingest_files`: written by
# `ingest_summary_metadata`, read back (by `dxw refresh` and the run summary) by `ingest_summary_from`.
INGEST_SUMMARY_KEY = "ingest_summary"


def ingest_summary_metadata(summary: IngestSummary) -> dict[str, MetadataValue]:
    return {INGEST_SUMMARY_KEY: MetadataValue.json(summary.as_dict())}


def ingest_summary_from(metadata: Mapping[str, MetadataValue]) -> IngestSummary | None:
    """The ingestion counts of a materialisation of `ingest_files`; None for any other metadata."""
    entry = metadata.get(INGEST_SUMMARY_KEY)
    return None if entry is None else IngestSummary(**entry.value)


INGEST_TABLES = {
    "ingest_files": "Every raw file with its content hash, arrival date, kind and end state.",
    "ingest_reports": "Every report in a loaded file (kind × agency × period) and which version is current.",
    "ingest_values": "Long typed rows: file, sheet, row, agency and period as written, item, value, unit.",
    "ingest_rejects": "Every rejected row and quarantined file, with reason code and vi/en sentence.",
    "ingest_sheets": "Every sheet of a workbook with its role (report, instructions, empty…) and its cell tally.",
}

# A few rows per table for the Dagster UI: enough to see what the run did without opening DuckDB.
PREVIEW_SQL = {
    "ingest_files": "select state, kind, count(*) as files from ingest_files group by all order by state, kind",
    "ingest_reports": "select kind, period_code, count(*) as reports from ingest_reports where is_current "
    "group by all order by period_code desc, kind limit 10",
    "ingest_values": "select item_code, count(*) as n_rows from ingest_values group by all order by n_rows desc limit 10",
    "ingest_rejects": "select reason_code, count(*) as n_rows, any_value(message_en) as example from ingest_rejects "
    "group by all order by n_rows desc",
    "ingest_sheets": "select role, count(*) as sheets from ingest_sheets group by all order by sheets desc",
}


def _preview(con, table: str) -> str:
    cursor = con.execute(PREVIEW_SQL[table])
    names = [d[0] for d in cursor.description]
    return markdown_table([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])


class IngestConfig(Config):
    force: bool = False  # rebuild, check and publish even when the inputs equal the last publish's


@multi_asset(
    specs=[
        # skippable: when nothing changed since the last publish no table is materialised, and
        # every step downstream (reviews, dbt, checks, publish, reports) is skipped
        AssetSpec(name, description=desc, group_name="ingest", owners=["team:data-platform"], skippable=True)
        for name, desc in INGEST_TABLES.items()
    ],
    pool=WRITER_POOL,
    can_subset=False,
)
def ingest_raw_files(context: AssetExecutionContext, config: IngestConfig, duckdb: DuckDBResource):
    """Scan the raw tree, parse new and changed files, and write the five ingestion tables in one transaction;
    then stop the run here when its inputs equal the last publish's (fingerprint.py), unless `force`."""
    others = fingerprint.other_inputs()
    with retry_transient_errors(context.retry_number), duckdb.get_connection() as con:
        summary = ingest_raw_tree(con, settings.raw_dir(), settings.registry_dir())
        decision = fingerprint.decide(con, others, force=config.force)
        counts = {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in INGEST_TABLES}
        previews = {table: _preview(con, table) for table in INGEST_TABLES}
        freshness = latest_period_by_unit(con)
    context.log.info(
        "raw tree: %s files seen, %s new, %s changed, %s unchanged, %s removed, %s parsed; states %s",
        summary.files_seen,
        summary.new,
        summary.changed,
        summary.unchanged,
        summary.removed,
        summary.parsed,
        summary.states,
    )
    run_facts = {
        **ingest_summary_metadata(summary),
        "input_fingerprint": MetadataValue.text(decision.fingerprint),
        "up_to_date": MetadataValue.bool(decision.up_to_date),
    }
    if decision.up_to_date:
        context.log.info("already up to date: inputs fingerprint %s, as at the last publish", decision.fingerprint)
        context.log_event(AssetObservation(asset_key="ingest_files", metadata=run_facts))
        return
    for table in INGEST_TABLES:
        metadata = {
            "dagster/row_count": counts[table],
            "preview": MetadataValue.md(previews[table]),
        }
        if table == "ingest_reports":
            metadata["freshness"] = MetadataValue.md(
                "Latest period received per unit and kind (current versions):\n\n"
                + markdown_table(freshness, limit=len(freshness))
            )
        if table == "ingest_files":
            metadata.update(run_facts)
        yield MaterializeResult(asset_key=table, metadata=metadata)


@asset(
    key="dq_reviews",
    # after the ingestion step, which fingerprints the reviews first, and skipped with the rest; on
    # ingest_sheets because ingest_files has a blocking check that itself waits for dbt, and so for this
    deps=["ingest_sheets"],
    group_name="quality",
    pool=WRITER_POOL,
    owners=["team:TX_VHTT"],
    description="Reviewers' decisions on flagged figures (reviews/reviewed_values.csv or $DX_REVIEWS_FILE), "
    "loaded before dbt so an accepted figure flows into the marts on this refresh.",
)
def dq_reviews(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    """Copy the reviewed-values file into the build database as `dq_reviews`."""
    path = settings.reviews_path()
    with duckdb.get_connection() as con:
        n = load_reviews(con, path)
    context.log.info("loaded %d reviews from %s", n, path)
    return MaterializeResult(metadata={"reviews": n, "path": MetadataValue.path(str(path))})
