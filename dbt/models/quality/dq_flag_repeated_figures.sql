{{ config(materialized='table') }}
-- A unit's report that repeats its previous report of the same kind verbatim: every item equal, with enough
-- non-zero items that an honest repeat is unlikely. Budget workbooks are left out: an estimate may rightly repeat.
with

current_values as{{ not_materialized() }} (

    select * from {{ ref('int_values__current') }}

),

periods as{{ not_materialized() }} (

    select * from {{ ref('ref_periods') }}

),

rules as{{ not_materialized() }} (

    select * from {{ ref('ref_dq_rules') }}

),

report_items as (

    select
        current_values.report_id,
        current_values.file_id,
        current_values.raw_path,
        current_values.sheet_name,
        current_values.source_row,
        current_values.report_kind,
        current_values.agency_code,
        current_values.period_code,
        periods.period_start,
        periods.period_end,
        current_values.item_code,
        current_values.value_as_written

    from current_values
    inner join periods
        on current_values.period_code = periods.period_code
    where
        current_values.row_role = 'detail'
        and current_values.report_kind <> 'budget'

),

-- a unit's report: for the portal's export, the unit's row of the month
unit_reports as (

    select
        report_id,
        file_id,
        raw_path,
        sheet_name,
        report_kind,
        agency_code,
        period_code,
        period_start,
        period_end,
        min(source_row) as first_row,
        count(*) as n_items,
        sum(case when value_as_written <> 0 then 1 else 0 end) as n_nonzero

    from report_items
    group by
        report_id,
        file_id,
        raw_path,
        sheet_name,
        report_kind,
        agency_code,
        period_code,
        period_start,
        period_end

),

-- the unit's previous report of the kind: its latest earlier period, no overlap (macros/latest_earlier.sql)
{{ latest_earlier(
    'previous_reports',
    rows='unit_reports',
    candidates='unit_reports',
    partition_by=['agency_code', 'report_kind'],
    row_key=['report_id'],
    columns=['report_id', 'period_code', 'n_items'],
    tie_breaker=['report_id'],
) }},

equal_items as (

    select
        previous_reports.report_id,
        previous_reports.agency_code,
        count(*) as n_equal

    from previous_reports
    inner join report_items as this_items
        on previous_reports.report_id = this_items.report_id
        and previous_reports.agency_code = this_items.agency_code
    inner join report_items as previous_items
        on previous_reports.previous_report_id = previous_items.report_id
        and previous_reports.agency_code = previous_items.agency_code
        and this_items.item_code = previous_items.item_code
    where this_items.value_as_written = previous_items.value_as_written
    group by
        previous_reports.report_id,
        previous_reports.agency_code

),

final as (

    select
        'repeated_figures' as rule_code,
        unit_reports.agency_code,
        cast(null as {{ dbt.type_string() }}) as indicator_code,
        cast(null as {{ dbt.type_string() }}) as item_code,
        unit_reports.period_code,
        cast(unit_reports.n_items as double precision) as value,
        unit_reports.report_id,
        unit_reports.file_id,
        unit_reports.raw_path,
        unit_reports.sheet_name,
        unit_reports.first_row as source_row,
        true as is_current_version,
        'Cả ' || {{ number_text("unit_reports.n_items", 2, 'vi') }} || ' mục của báo cáo kỳ '
        || unit_reports.period_code || ' giống hệt báo cáo kỳ ' || previous_reports.previous_period_code
        || ' của đơn vị.' as reason_vi,
        'All ' || {{ number_text("unit_reports.n_items", 2, 'en') }} || ' items of the '
        || unit_reports.period_code || ' report repeat the unit''s ' || previous_reports.previous_period_code
        || ' report verbatim.' as reason_en

    from unit_reports
    inner join previous_reports
        on unit_reports.report_id = previous_reports.report_id
        and unit_reports.agency_code = previous_reports.agency_code
    inner join equal_items
        on unit_reports.report_id = equal_items.report_id
        and unit_reports.agency_code = equal_items.agency_code
    inner join rules
        on rules.rule_code = 'repeated_figures'
    where
        equal_items.n_equal = unit_reports.n_items
        and previous_reports.previous_n_items = unit_reports.n_items
        and unit_reports.n_nonzero >= rules.threshold

)

select * from final
