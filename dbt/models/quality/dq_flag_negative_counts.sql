{{ config(materialized='table') }}
-- A negative figure in any value row of a current report: counts and spending are never below 0.
with

current_values as{{ not_materialized() }} (

    select * from {{ ref('int_values__current') }}

),

rules as{{ not_materialized() }} (

    select * from {{ ref('ref_dq_rules') }}

),

final as (

    select
        'negative_count' as rule_code,
        current_values.agency_code,
        cast(null as {{ dbt.type_string() }}) as indicator_code,
        current_values.item_code,
        current_values.period_code,
        current_values.value_as_written as value,
        current_values.report_id,
        current_values.file_id,
        current_values.raw_path,
        current_values.sheet_name,
        current_values.source_row,
        true as is_current_version,
        'Số âm ' || {{ number_text("current_values.value_as_written", 2, 'vi') }} || ' ở mục '
        || current_values.item_code || '.' as reason_vi,
        'Negative figure ' || {{ number_text("current_values.value_as_written", 2, 'en') }} || ' in item '
        || current_values.item_code || '.' as reason_en

    from current_values
    inner join rules
        on rules.rule_code = 'negative_count'
    where current_values.value_as_written < rules.threshold

)

select * from final
