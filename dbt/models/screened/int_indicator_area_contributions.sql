-- The area's rows (the registry's agency of type area) gather the rows of the units an indicator applies
-- to, so its value is the sum of their numerators over the sum of their denominators, never a mean of percentages.
with

unit_contributions as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_unit_contributions') }}

),

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

periods as{{ not_materialized() }} (

    select * from {{ ref('ref_periods') }}

),

agencies as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_agencies') }}

),

indicator_levels as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_levels') }}

),

area as (

    select agency_code from agencies
    where indicator_level = 'area'

),

unit_level_indicators as (

    select distinct indicator_code
    from indicator_levels
    where indicator_level in ('town_office', 'commune_unit')

),

area_indicators as (

    select
        indicators.indicator_code,
        indicators.time_aggregation,
        -- an area-only indicator (communes with fibre) counts every reporting unit
        unit_level_indicators.indicator_code is null as counts_every_unit

    from indicators
    inner join indicator_levels
        on indicators.indicator_code = indicator_levels.indicator_code
        and indicator_levels.indicator_level = 'area'
    left join unit_level_indicators
        on indicators.indicator_code = unit_level_indicators.indicator_code

),

unit_rows as (

    select distinct
        agency_code,
        indicator_code,
        period_code

    from unit_contributions

),

members as (

    select
        unit_rows.agency_code,
        unit_rows.indicator_code,
        unit_rows.period_code

    from unit_rows
    inner join area_indicators
        on unit_rows.indicator_code = area_indicators.indicator_code
    inner join agencies
        on unit_rows.agency_code = agencies.agency_code
    inner join periods
        on unit_rows.period_code = periods.period_code
    left join indicator_levels as member_levels
        on unit_rows.indicator_code = member_levels.indicator_code
        and agencies.indicator_level = member_levels.indicator_level
    where
        agencies.indicator_level in ('town_office', 'commune_unit')
        and (
            area_indicators.counts_every_unit
            or member_levels.indicator_code is not null
        )
        -- the units that existed on the period's last day: before July 2025 the old units, from
        -- the straddling year 2025 on the five new ones (a new unit's 2025 row holds its
        -- predecessors' part); for flows also a unit that ceased in the period without a
        -- successor (the town offices' first half of 2025 is in no new unit's row)
        and agencies.valid_from <= periods.period_end
        and (
            coalesce(agencies.valid_to, periods.period_end) >= periods.period_end
            or (
                area_indicators.time_aggregation = 'flow'
                and agencies.successor_code is null
                and agencies.valid_to >= periods.period_start
            )
        )

),

final as (

    select
        area.agency_code,
        unit_contributions.indicator_code,
        unit_contributions.period_code,
        unit_contributions.source_agency_code,
        unit_contributions.source_period_code,
        unit_contributions.source_period_type,
        unit_contributions.numerator,
        unit_contributions.denominator,
        unit_contributions.report_id,
        unit_contributions.file_id,
        unit_contributions.raw_path,
        unit_contributions.is_used,
        unit_contributions.is_withheld

    from unit_contributions
    inner join members
        on unit_contributions.agency_code = members.agency_code
        and unit_contributions.indicator_code = members.indicator_code
        and unit_contributions.period_code = members.period_code
    cross join area

)

select * from final
