-- Budget workbook rows of current sheets only, converted to VND, with the basis and measure each item carries
-- (int_budget_items).
-- The unit factor lives here and nowhere else; an unknown unit leaves value_vnd null and fails its test.
with

budget_values as{{ not_materialized() }} (

    select * from {{ ref('stg_finance__budget') }}

),

reports as{{ not_materialized() }} (

    select * from {{ ref('stg_ingest__reports') }}

),

budget_items as{{ not_materialized() }} (

    select * from {{ ref('int_budget_items') }}

),

current_sheets as (

    select
        report_id,
        agency_code as reporting_agency_code,
        arrival_date,
        raw_path

    from reports
    where is_current

),

converted as (

    select
        budget_values.report_id,
        budget_values.file_id,
        budget_values.sheet_name,
        budget_values.source_row,
        current_sheets.reporting_agency_code,
        cast(budget_values.period_code as integer) as fiscal_year,
        budget_values.row_role,
        budget_values.budget_section,
        nullif(budget_values.agency_code, '') as agency_code,
        budget_values.item_code,
        budget_items.basis,
        budget_items.measure,
        budget_values.value_as_written,
        budget_values.unit_as_written,
        case budget_values.unit_as_written
            when 'đồng' then 1
            when 'nghìn đồng' then 1000
            when 'triệu đồng' then 1000000
        end as unit_factor,
        current_sheets.arrival_date,
        current_sheets.raw_path

    from budget_values
    inner join current_sheets
        on budget_values.report_id = current_sheets.report_id
    left join budget_items
        on budget_values.item_code = budget_items.item_code

),

final as (

    select
        report_id,
        file_id,
        sheet_name,
        source_row,
        reporting_agency_code,
        fiscal_year,
        row_role,
        budget_section,
        agency_code,
        item_code,
        basis,
        measure,
        value_as_written,
        unit_as_written,
        unit_factor,
        -- decimal, not double: sums and the floor comparison must be exact
        cast(value_as_written as decimal(38, 6)) * unit_factor as value_vnd,
        cast(0.5 as decimal(38, 6)) * unit_factor as half_unit_vnd,
        arrival_date,
        raw_path

    from converted
    where row_role <> 'detail' or agency_code is not null

)

select * from final
