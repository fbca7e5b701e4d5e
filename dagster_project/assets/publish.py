"""The publish asset: the last step of a refresh, making the build visible to analysts."""

from dagster import AssetExecutionContext, MaterializeResult, asset
from dagster_duckdb import DuckDBResource

from dagster_project import settings
from dagster_project.assets.ingest import WRITER_POOL, ingest_raw_files
from dagster_project.assets.transform import dbt_models
from dagster_project.publish import publish_build


@asset(
    deps=[ingest_raw_files, dbt_models],
    group_name="publish",
    pool=WRITER_POOL,
    owners=["team:data-platform"],
    description="The published warehouse `dx.duckdb` that analysts open read-only.",
)
def published_warehouse(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    target = settings.published_db_path()
    with duckdb.get_connection() as con:
        tables = publish_build(con, target)
    context.log.info("published %d tables to %s", len(tables), target)
    return MaterializeResult(metadata={"path": str(target), "tables": len(tables)})
