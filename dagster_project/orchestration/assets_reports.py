"""The leaders' reports as a Dagster asset: regenerated from the published file after each publish."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from dagster_project import settings
from dagster_project.orchestration.assets_publish import published_warehouse
from dagster_project.reports import build_reports


@asset(
    deps=[published_warehouse],
    group_name="publish",
    owners=["team:TX_VHTT"],
    description="The HTML scorecard (charts, status against targets with comparators, budget floor, the 2025 "
    "reorganisation, withheld figures) and the Excel workbook for officials, made from the published dx.duckdb "
    "opened read-only, under $DX_WAREHOUSE_DIR/reports/.",
)
def scorecard_reports(context: AssetExecutionContext) -> MaterializeResult:
    reports = build_reports(settings.published_db_path())
    context.log.info("reports written: %s, %s", reports.html, reports.workbook)
    return MaterializeResult(
        metadata={
            "html_scorecard": MetadataValue.path(str(reports.html)),
            "excel_workbook": MetadataValue.path(str(reports.workbook)),
            "html_url": MetadataValue.url(reports.html.resolve().as_uri()),
        }
    )
