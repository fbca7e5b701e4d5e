-- One numerator and denominator per agency, indicator and reported period, read from the current
-- report through the catalogue's item codes: a new catalogue row needs no change here.
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

indicator_items as (

    select
        indicators.indicator_code,
        indicators.numerator_item,
        indicators.denominator_item,
        indicators.denominator_minus_item,
        current_values.agency_code,
        current_values.period_code,
        current_values.report_id,
        current_values.file_id,
        current_values.raw_path,
        current_values.item_code,
        current_values.value_as_written

    from current_values
    inner join indicators
        on current_values.report_kind = indicators.source_kind
        and current_values.item_code in (
            indicators.numerator_item,
            indicators.denominator_item,
            indicators.denominator_minus_item
        )
    where current_values.row_role = 'detail'

),

per_report as (

    select
        indicator_code,
        agency_code,
        period_code,
        report_id,
        file_id,
        raw_path,
        denominator_item,
        denominator_minus_item,
        sum(case when item_code = numerator_item then value_as_written end) as numerator_value,
        sum(case when item_code = denominator_item then value_as_written end) as denominator_value,
        sum(case when item_code = denominator_minus_item then value_as_written end) as excluded_value

    from indicator_items
    group by
        indicator_code,
        agency_code,
        period_code,
        report_id,
        file_id,
        raw_path,
        denominator_item,
        denominator_minus_item

),

measured as (

    select
        indicator_code,
        agency_code,
        period_code,
        report_id,
        file_id,
        raw_path,
        denominator_minus_item,
        excluded_value,
        numerator_value as numerator,
        -- UNIT_COUNT: each reporting unit's report counts once (communes with fibre / communes)
        case
            when denominator_item = 'UNIT_COUNT' then 1.0
            else denominator_value - coalesce(excluded_value, 0)
        end as denominator

    from per_report

),

final as (

    select
        measured.agency_code,
        measured.indicator_code,
        measured.period_code,
        periods.period_type,
        periods.period_start,
        periods.period_end,
        measured.numerator,
        measured.denominator,
        measured.report_id,
        measured.file_id,
        measured.raw_path

    from measured
    inner join periods
        on measured.period_code = periods.period_code
    -- a value rejected at ingestion is unknown, not 0: without every item it needs, the
    -- indicator was not received for that unit and period
    where
        measured.numerator is not null
        and measured.denominator is not null
        and (measured.denominator_minus_item is null or measured.excluded_value is not null)

)

select * from final
