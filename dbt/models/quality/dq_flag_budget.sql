{{ config(materialized='table') }}
-- Budget sheets: a unit line whose digital-transformation spending is above the documented share of its
-- regular spending (every sheet version received: the ratio of one row needs no context, and a superseded
-- sheet's implausible line is still news to the finance office), and a clerk's sum that disagrees with its rows.
with

budget_values as{{ not_materialized() }} (

    select * from {{ ref('stg_finance__budget') }}

),

reports as{{ not_materialized() }} (

    select * from {{ ref('stg_ingest__reports') }}

),

clerk_checks as{{ not_materialized() }} (

    select * from {{ ref('int_budget_clerk_checks') }}

),

budget_rows as{{ not_materialized() }} (

    select * from {{ ref('int_budget_rows_vnd') }}

),

budget_items as{{ not_materialized() }} (

    select * from {{ ref('int_budget_items') }}

),

rules as{{ not_materialized() }} (

    select * from {{ ref('ref_dq_rules') }}

),

-- both items of a basis share the row and its unit, so their ratio needs no conversion
unit_lines as (

    select
        budget_values.report_id,
        budget_values.file_id,
        budget_values.sheet_name,
        budget_values.source_row,
        budget_values.agency_code,
        budget_values.period_code,
        reports.raw_path,
        reports.is_current,
        budget_items.basis,
        max(case when budget_items.measure = 'dx' then budget_values.item_code end) as dx_item_code,
        sum(case when budget_items.measure = 'dx' then budget_values.value_as_written end) as dx_value,
        sum(case when budget_items.measure = 'regular' then budget_values.value_as_written end) as regular_value

    from budget_values
    inner join reports
        on budget_values.report_id = reports.report_id
    inner join budget_items
        on budget_values.item_code = budget_items.item_code
    where
        budget_values.row_role = 'detail'
        and coalesce(budget_values.agency_code, '') <> ''
    group by
        budget_values.report_id,
        budget_values.file_id,
        budget_values.sheet_name,
        budget_values.source_row,
        budget_values.agency_code,
        budget_values.period_code,
        reports.raw_path,
        reports.is_current,
        budget_items.basis

),

budget_share_ceiling as (

    select
        'budget_share_ceiling' as rule_code,
        unit_lines.agency_code,
        cast(null as {{ dbt.type_string() }}) as indicator_code,
        unit_lines.dx_item_code as item_code,
        unit_lines.period_code,
        100.0 * unit_lines.dx_value / unit_lines.regular_value as value,
        unit_lines.report_id,
        unit_lines.file_id,
        unit_lines.raw_path,
        unit_lines.sheet_name,
        unit_lines.source_row,
        unit_lines.is_current as is_current_version,
        'Chi chuyển đổi số (' || unit_lines.dx_item_code || ') bằng '
        || {{ number_text("100.0 * unit_lines.dx_value / unit_lines.regular_value", 2, 'vi') }}
        || '% chi thường xuyên của dòng, vượt mức trần '
        || {{ number_text("rules.threshold", 2, 'vi') }} || '%.' as reason_vi,
        'Digital-transformation spending (' || unit_lines.dx_item_code || ') is '
        || {{ number_text("100.0 * unit_lines.dx_value / unit_lines.regular_value", 2, 'en') }}
        || '% of the line''s regular spending, above the ceiling of '
        || {{ number_text("rules.threshold", 2, 'en') }} || '%.' as reason_en

    from unit_lines
    inner join rules
        on rules.rule_code = 'budget_share_ceiling'
    where
        unit_lines.regular_value > 0
        and 100.0 * unit_lines.dx_value > rules.threshold * unit_lines.regular_value

),

-- the threshold is in units of the sheet (half a unit is rounding), so it scales with the sheet's unit
clerk_total_mismatch as (

    select
        'clerk_total_mismatch' as rule_code,
        clerk_checks.reporting_agency_code as agency_code,
        cast(null as {{ dbt.type_string() }}) as indicator_code,
        clerk_checks.item_code,
        cast(clerk_checks.fiscal_year as {{ dbt.type_string() }}) as period_code,
        clerk_rows.value_as_written as value,
        clerk_checks.report_id,
        clerk_checks.file_id,
        clerk_rows.raw_path,
        clerk_checks.sheet_name,
        clerk_checks.source_row,
        true as is_current_version,
        'Dòng '
        || case
            when clerk_checks.row_role = 'total' then 'tổng cộng' else 'cộng mục ' || clerk_checks.budget_section
        end
        || ' (' || clerk_checks.item_code || ') ghi '
        || {{ number_text("clerk_rows.value_as_written", 2, 'vi') }} || ' ' || clerk_rows.unit_as_written
        || ', tổng các dòng là '
        || {{ number_text("clerk_checks.recomputed_value_vnd / clerk_rows.unit_factor", 2, 'vi') }}
        || ' ' || clerk_rows.unit_as_written || '.' as reason_vi,
        'The clerk''s '
        || case when clerk_checks.row_role = 'total' then 'total' else 'subtotal ' || clerk_checks.budget_section end
        || ' (' || clerk_checks.item_code || ') says '
        || {{ number_text("clerk_rows.value_as_written", 2, 'en') }} || ' ' || clerk_rows.unit_as_written
        || '; its rows sum to '
        || {{ number_text("clerk_checks.recomputed_value_vnd / clerk_rows.unit_factor", 2, 'en') }}
        || ' ' || clerk_rows.unit_as_written || '.' as reason_en

    from clerk_checks
    inner join budget_rows as clerk_rows
        on clerk_checks.report_id = clerk_rows.report_id
        and clerk_checks.source_row = clerk_rows.source_row
        and clerk_checks.item_code = clerk_rows.item_code
    inner join rules
        on rules.rule_code = 'clerk_total_mismatch'
    where abs(clerk_checks.difference_vnd) > rules.threshold * clerk_rows.unit_factor

),

final as (

    select * from budget_share_ceiling
    union all
    select * from clerk_total_mismatch

)

select * from final
