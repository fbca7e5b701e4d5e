{{ config(materialized='table') }}
-- A stock the survey counts (households, adults, villages, working-age people, SMEs) moving more than the
-- documented share from the unit's own latest trusted value: the latest earlier value that no other rule flagged,
-- so a figure put right after a wrong one (a 1000× count) is not flagged a second time.
with

current_values as{{ not_materialized() }} (

    select * from {{ ref('int_values__current') }}

),

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

periods as{{ not_materialized() }} (

    select * from {{ ref('ref_periods') }}

),

indicator_flags as{{ not_materialized() }} (

    select * from {{ ref('dq_flag_indicators') }}

),

negative_counts as{{ not_materialized() }} (

    select * from {{ ref('dq_flag_negative_counts') }}

),

rules as{{ not_materialized() }} (

    select * from {{ ref('ref_dq_rules') }}

),

-- the survey's populations are the denominators of its stock indicators; the portal's and the quarterly
-- reports' stock denominators (eligible procedures, reporting regimes) are lists an office revises, not populations
stock_items as (

    select distinct
        source_kind,
        denominator_item as item_code

    from indicators
    where
        time_aggregation = 'stock'
        and source_kind = 'society_survey'
        and denominator_item <> 'UNIT_COUNT'

),

stock_values as (

    select
        current_values.report_id,
        current_values.file_id,
        current_values.raw_path,
        current_values.sheet_name,
        current_values.source_row,
        current_values.agency_code,
        current_values.item_code,
        current_values.period_code,
        periods.period_start,
        periods.period_end,
        current_values.value_as_written

    from current_values
    inner join stock_items
        on current_values.report_kind = stock_items.source_kind
        and current_values.item_code = stock_items.item_code
    inner join periods
        on current_values.period_code = periods.period_code
    where current_values.row_role = 'detail'

),

indicator_items as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_item_links') }}

),

suspect_items as (

    select
        indicator_flags.report_id,
        indicator_flags.agency_code,
        indicator_items.item_code

    from indicator_flags
    inner join indicator_items
        on indicator_flags.indicator_code = indicator_items.indicator_code

    union all

    select
        report_id,
        agency_code,
        item_code

    from negative_counts

),

trusted_values as (

    select stock_values.*

    from stock_values
    left join suspect_items
        on stock_values.report_id = suspect_items.report_id
        and stock_values.agency_code = suspect_items.agency_code
        and stock_values.item_code = suspect_items.item_code
    where suspect_items.report_id is null

),

previous_values as (

    select
        stock_values.report_id,
        stock_values.agency_code,
        stock_values.item_code,
        trusted_values.period_code as previous_period_code,
        trusted_values.value_as_written as previous_value,
        row_number() over (
            partition by stock_values.report_id, stock_values.agency_code, stock_values.item_code
            order by trusted_values.period_end desc, trusted_values.period_start desc
        ) as recency

    from stock_values
    inner join trusted_values
        on stock_values.agency_code = trusted_values.agency_code
        and stock_values.item_code = trusted_values.item_code
        and stock_values.period_start > trusted_values.period_end

),

final as (

    select
        'stock_jump' as rule_code,
        stock_values.agency_code,
        cast(null as {{ dbt.type_string() }}) as indicator_code,
        stock_values.item_code,
        stock_values.period_code,
        stock_values.value_as_written as value,
        stock_values.report_id,
        stock_values.file_id,
        stock_values.raw_path,
        stock_values.sheet_name,
        stock_values.source_row,
        true as is_current_version,
        'Mục ' || stock_values.item_code || ' là ' || {{ number_text("stock_values.value_as_written", 2, 'vi') }}
        || ', kỳ ' || previous_values.previous_period_code || ' là '
        || {{ number_text("previous_values.previous_value", 2, 'vi') }} || ': thay đổi '
        || {{ number_text(
            "100.0 * (stock_values.value_as_written - previous_values.previous_value)"
            ~ " / previous_values.previous_value", 1, 'vi'
        ) }}
        || '%, vượt ngưỡng ' || {{ number_text("100 * rules.threshold", 0, 'vi') }} || '%.' as reason_vi,
        'Item ' || stock_values.item_code || ' is ' || {{ number_text("stock_values.value_as_written", 2, 'en') }}
        || ', in ' || previous_values.previous_period_code || ' it was '
        || {{ number_text("previous_values.previous_value", 2, 'en') }} || ': a change of '
        || {{ number_text(
            "100.0 * (stock_values.value_as_written - previous_values.previous_value)"
            ~ " / previous_values.previous_value", 1, 'en'
        ) }}
        || '%, beyond the '
        || {{ number_text("100 * rules.threshold", 0, 'en') }}
        || '% threshold.' as reason_en

    from stock_values
    inner join previous_values
        on stock_values.report_id = previous_values.report_id
        and stock_values.agency_code = previous_values.agency_code
        and stock_values.item_code = previous_values.item_code
        and previous_values.recency = 1
    inner join rules
        on rules.rule_code = 'stock_jump'
    where
        previous_values.previous_value > 0
        and abs(stock_values.value_as_written - previous_values.previous_value)
        > rules.threshold * previous_values.previous_value

)

select * from final
