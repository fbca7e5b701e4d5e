-- One row per agency, indicator and period where at least one report was received: numerator and
-- denominator summed from the contributions that count, value_pct, the target of the year, lineage.
with

unit_contributions as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_unit_contributions') }}

),

area_contributions as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_area_contributions') }}

),

indicator_levels as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_levels') }}

),

periods as{{ not_materialized() }} (

    select * from {{ ref('ref_periods') }}

),

agencies as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_agencies') }}

),

targets_by_year as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_targets_by_year') }}

),

-- unit rows only where the indicator applies to the unit's level
applicable_unit_contributions as (

    select
        unit_contributions.*,
        false as is_area_total

    from unit_contributions
    inner join agencies
        on unit_contributions.agency_code = agencies.agency_code
    inner join indicator_levels
        on unit_contributions.indicator_code = indicator_levels.indicator_code
        and agencies.indicator_level = indicator_levels.indicator_level

),

contributions as (

    select * from applicable_unit_contributions
    union all
    select
        area_contributions.*,
        true as is_area_total
    from area_contributions

),

summed as (

    select
        agency_code,
        indicator_code,
        period_code,
        is_area_total,
        sum(case when is_used then numerator end) as numerator,
        sum(case when is_used then denominator end) as denominator,
        -- a new unit's row whose figures all come from its predecessors
        not is_area_total
        and max(case when is_used and source_agency_code = agency_code then 1 else 0 end) = 0
            as is_successor_rollup,
        count(distinct case when is_used then report_id end) as n_source_reports,
        -- withheld observations behind the row: each (unit, reported period) once
        count(distinct case when is_withheld then source_agency_code || '|' || source_period_code end) as n_withheld

    from contributions
    group by
        agency_code,
        indicator_code,
        period_code,
        is_area_total
    -- a row made only of withheld observations is not received
    having max(case when is_used then 1 else 0 end) = 1

),

-- a coarser period is complete when every finer period of the source's grain was received
finer_periods_expected as (

    select
        coarser.period_code,
        finer.period_type as source_period_type,
        count(*) as n_expected

    from periods as coarser
    inner join periods as finer
        on coarser.period_start <= finer.period_start
        and coarser.period_end >= finer.period_end
    group by
        coarser.period_code,
        finer.period_type

),

finer_periods_received as (

    select
        agency_code,
        indicator_code,
        period_code,
        source_period_type,
        count(distinct source_period_code) as n_received

    from contributions
    where not is_withheld
    group by
        agency_code,
        indicator_code,
        period_code,
        source_period_type

),

completeness as (

    select
        finer_periods_received.agency_code,
        finer_periods_received.indicator_code,
        finer_periods_received.period_code,
        max(
            case when finer_periods_received.n_received = finer_periods_expected.n_expected then 1 else 0 end
        ) = 1 as period_complete

    from finer_periods_received
    inner join finer_periods_expected
        on finer_periods_received.period_code = finer_periods_expected.period_code
        and finer_periods_received.source_period_type = finer_periods_expected.source_period_type
    group by
        finer_periods_received.agency_code,
        finer_periods_received.indicator_code,
        finer_periods_received.period_code

),

-- the files and paths behind each row, sorted and comma-separated (macros/portable_sql.sql)
lineage as (

    select
        agency_code,
        indicator_code,
        period_code,
        {{ sorted_distinct_text('file_id') }} as source_file_ids,
        {{ sorted_distinct_text('raw_path') }} as source_paths

    from contributions
    where is_used
    group by
        agency_code,
        indicator_code,
        period_code

),

final as (

    select
        summed.agency_code,
        summed.indicator_code,
        summed.period_code,
        periods.period_type,
        periods.period_start,
        periods.period_end,
        periods.year,
        summed.numerator,
        summed.denominator,
        -- multiply first so that exact boundaries (4 of 5 = 80.0) stay exact
        case
            when summed.denominator <> 0 then 100.0 * summed.numerator / summed.denominator
        end as value_pct,
        case when summed.is_area_total then 'area' else agencies.indicator_level end as indicator_level,
        targets_by_year.target_year,
        targets_by_year.target_pct,
        targets_by_year.comparator,
        summed.is_area_total,
        summed.is_successor_rollup,
        completeness.period_complete,
        summed.n_source_reports,
        summed.n_withheld,
        lineage.source_file_ids,
        lineage.source_paths

    from summed
    inner join periods
        on summed.period_code = periods.period_code
    inner join agencies
        on summed.agency_code = agencies.agency_code
    inner join completeness
        on summed.agency_code = completeness.agency_code
        and summed.indicator_code = completeness.indicator_code
        and summed.period_code = completeness.period_code
    inner join lineage
        on summed.agency_code = lineage.agency_code
        and summed.indicator_code = lineage.indicator_code
        and summed.period_code = lineage.period_code
    left join targets_by_year
        on summed.indicator_code = targets_by_year.indicator_code
        and case when summed.is_area_total then 'area' else agencies.indicator_level end
        = targets_by_year.indicator_level
        and periods.year = targets_by_year.year

)

select * from final
