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

-- a coarser period is complete when every finer period of one type within it was received (the three
-- months of a quarter, or its quarter report). Each period's finer periods, itself included, are
-- numbered 0, 1, … within it (at most 19: 12 months, 4 quarters, 2 halves, the year), so the finer
-- periods a row received make a bit mask, a plain aggregate (bit_or) with no distinct count to sort for
period_bits as (

    select
        coarser.period_code,
        finer.period_code as finer_period_code,
        finer.period_type as finer_period_type,
        cast(
            row_number() over (partition by coarser.period_code order by finer.period_type, finer.period_start) - 1
            as integer
        ) as finer_bit

    from periods as coarser
    inner join periods as finer
        on coarser.period_start <= finer.period_start
        and coarser.period_end >= finer.period_end

),

-- the mask of every finer period of one type within the period
type_masks as (

    select
        period_code,
        finer_period_type,
        bit_or(1 << finer_bit) as full_mask

    from period_bits
    group by
        period_code,
        finer_period_type

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

all_contributions as{{ not_materialized() }} (

    select * from applicable_unit_contributions
    union all
    select
        area_contributions.*,
        true as is_area_total
    from area_contributions

),

-- a source period always lies within the row's period (received_within, the area's members)
contributions as (

    select
        all_contributions.*,
        period_bits.finer_bit

    from all_contributions
    left join period_bits
        on all_contributions.period_code = period_bits.period_code
        and all_contributions.source_period_code = period_bits.finer_period_code

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
        count(distinct case when is_withheld then source_agency_code || '|' || source_period_code end) as n_withheld,
        -- the files and paths behind the row, sorted and comma-separated (macros/portable_sql.sql)
        {{ sorted_distinct_text('case when is_used then file_id end') }} as source_file_ids,
        {{ sorted_distinct_text('case when is_used then raw_path end') }} as source_paths,
        -- the finer periods received (withheld ones are not)
        bit_or(case when not is_withheld then 1 << finer_bit end) as received_mask

    from contributions
    group by
        agency_code,
        indicator_code,
        period_code,
        is_area_total
    -- a row made only of withheld observations is not received
    having max(case when is_used then 1 else 0 end) = 1

),

completeness as (

    select
        summed.agency_code,
        summed.indicator_code,
        summed.period_code,
        max(case when (summed.received_mask & type_masks.full_mask) = type_masks.full_mask then 1 else 0 end) = 1
            as period_complete

    from summed
    inner join type_masks
        on summed.period_code = type_masks.period_code
    group by
        summed.agency_code,
        summed.indicator_code,
        summed.period_code

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
        summed.source_file_ids,
        summed.source_paths

    from summed
    inner join periods
        on summed.period_code = periods.period_code
    inner join agencies
        on summed.agency_code = agencies.agency_code
    inner join completeness
        on summed.agency_code = completeness.agency_code
        and summed.indicator_code = completeness.indicator_code
        and summed.period_code = completeness.period_code
    left join targets_by_year
        on summed.indicator_code = targets_by_year.indicator_code
        and case when summed.is_area_total then 'area' else agencies.indicator_level end
        = targets_by_year.indicator_level
        and periods.year = targets_by_year.year

)

select * from final
