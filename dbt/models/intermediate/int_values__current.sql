-- Every value row of the current version of each report, from all four kinds of file, with the
-- report's kind, arrival and raw path. Superseded versions and agency-less detail rows drop out here, once.
with

dx_quarterly as{{ not_materialized() }} (

    select * from {{ ref('stg_reports__dx_quarterly') }}

),

dvc_monthly as{{ not_materialized() }} (

    select * from {{ ref('stg_portal__dvc_monthly') }}

),

society_survey as{{ not_materialized() }} (

    select * from {{ ref('stg_survey__society') }}

),

budget as{{ not_materialized() }} (

    select * from {{ ref('stg_finance__budget') }}

),

reports as{{ not_materialized() }} (

    select * from {{ ref('stg_ingest__reports') }}

),

all_values as (

    select * from dx_quarterly
    union all
    select * from dvc_monthly
    union all
    select * from society_survey
    union all
    select * from budget

),

current_reports as (

    select
        report_id,
        report_kind,
        arrival_date,
        raw_path

    from reports
    where is_current

),

final as (

    select
        all_values.report_id,
        all_values.file_id,
        all_values.sheet_name,
        all_values.source_row,
        all_values.row_role,
        all_values.budget_section,
        all_values.agency_written,
        all_values.agency_code,
        all_values.period_written,
        all_values.period_code,
        all_values.item_code,
        all_values.value_text,
        all_values.value_as_written,
        all_values.unit_as_written,
        current_reports.report_kind,
        current_reports.arrival_date,
        current_reports.raw_path

    from all_values
    inner join current_reports
        on all_values.report_id = current_reports.report_id
    -- budget unallocated, subtotal and total rows name no agency by design; a detail row must
    where
        all_values.row_role <> 'detail'
        or coalesce(all_values.agency_code, '') <> ''

)

select * from final
