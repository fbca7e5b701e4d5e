"""The leaders' reports as a Dagster asset: regenerated from the published warehouse after each publish."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from dagster_project.orchestration.assets_publish import published_warehouse
from dagster_project.reports import build_reports
from dagster_project.warehouse.connection import published_location


@asset(
    deps=[published_warehouse],
    group_name="publish",
    owners=["team:TX_VHTT"],
    description="The HTML scorecard (charts, status against targets with comparators, budget floor, the 2025 "
    "reorganisation, withheld figures) and the Excel workbook for officials, made from the published warehouse "
    "(dx.duckdb opened read-only, or the server's published schema in one read-only transaction), under "
    "$DX_WAREHOUSE_DIR/reports/.",
)
def scorecard_reports(context: AssetExecutionContext) -> MaterializeResult:
    reports = build_reports()
    context.log.info("reports written from %s: %s, %s", published_location(), reports.html, reports.workbook)
    return MaterializeResult(
        metadata={
            "html_scorecard": MetadataValue.path(str(reports.html)),
            "excel_workbook": MetadataValue.path(str(reports.workbook)),
            "html_url": MetadataValue.url(reports.html.resolve().as_uri()),
        }
    )
