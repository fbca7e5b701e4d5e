-- Where each agency's series is heading: compound growth of value_pct between the first and the
-- latest observation of the indicator's scorecard period type, projected to each target horizon.
with

indicator_values as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_values') }}

),

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

targets_by_year as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_targets_by_year') }}

),

periods as{{ not_materialized() }} (

    select * from {{ ref('ref_periods') }}

),

horizons as (

    select distinct
        periods.year as horizon_year,
        periods.period_end as horizon_end

    from periods
    inner join targets_by_year
        on periods.year = targets_by_year.target_year
    where periods.period_type = 'year'

),

series as (

    select
        indicator_values.agency_code,
        indicator_values.indicator_code,
        indicator_values.indicator_level,
        indicator_values.period_code,
        indicator_values.period_end,
        indicator_values.value_pct,
        row_number() over (
            partition by indicator_values.agency_code, indicator_values.indicator_code
            order by indicator_values.period_end
        ) as position_from_first,
        row_number() over (
            partition by indicator_values.agency_code, indicator_values.indicator_code
            order by indicator_values.period_end desc
        ) as position_from_latest

    from indicator_values
    inner join indicators
        on indicator_values.indicator_code = indicators.indicator_code
        and indicator_values.period_type = indicators.scorecard_period_type
    where indicator_values.value_pct is not null

),

endpoints as (

    select
        latest.agency_code,
        latest.indicator_code,
        latest.indicator_level,
        latest.period_code as latest_period_code,
        latest.period_end as latest_period_end,
        latest.value_pct as latest_value_pct,
        previous.period_code as previous_period_code,
        previous.value_pct as previous_value_pct,
        first_observation.value_pct as first_value_pct,
        {{ dbt.datediff('first_observation.period_end', 'latest.period_end', 'month') }} / 12.0  -- noqa: LT05
            as years_observed

    from series as latest
    inner join series as first_observation
        on latest.agency_code = first_observation.agency_code
        and latest.indicator_code = first_observation.indicator_code
        and first_observation.position_from_first = 1
    left join series as previous
        on latest.agency_code = previous.agency_code
        and latest.indicator_code = previous.indicator_code
        and previous.position_from_latest = 2
    where latest.position_from_latest = 1

),

growth as (

    select
        *,
        case
            when previous_period_code is not null and first_value_pct > 0 and years_observed > 0
                then power(latest_value_pct / first_value_pct, 1.0 / years_observed) - 1
        end as annual_growth_rate

    from endpoints

),

-- a horizon already reached by the series takes the value observed at (or last before) its end
observed_at_horizon as (

    select
        series.agency_code,
        series.indicator_code,
        horizons.horizon_year,
        series.value_pct,
        row_number() over (
            partition by series.agency_code, series.indicator_code, horizons.horizon_year
            order by series.period_end desc
        ) as recency_rank

    from series
    inner join horizons
        on series.period_end <= horizons.horizon_end

),

projected as (

    select
        growth.agency_code,
        growth.indicator_code,
        growth.indicator_level,
        horizons.horizon_year,
        growth.latest_period_code,
        growth.latest_value_pct,
        growth.previous_period_code,
        growth.previous_value_pct,
        growth.latest_value_pct - growth.previous_value_pct as change_pct_points,
        growth.annual_growth_rate,
        case
            when growth.latest_period_end >= horizons.horizon_end then observed_at_horizon.value_pct
            when growth.annual_growth_rate is not null
                then least(
                    100.0,
                    growth.latest_value_pct * power(
                        1 + growth.annual_growth_rate,
                        {{ dbt.datediff('growth.latest_period_end', 'horizons.horizon_end', 'month') }} / 12.0  -- noqa: LT05
                    )
                )
        end as projected_pct

    from growth
    cross join horizons
    left join observed_at_horizon
        on growth.agency_code = observed_at_horizon.agency_code
        and growth.indicator_code = observed_at_horizon.indicator_code
        and horizons.horizon_year = observed_at_horizon.horizon_year
        and observed_at_horizon.recency_rank = 1

),

final as (

    select
        projected.*,
        targets_by_year.target_pct,
        targets_by_year.comparator

    from projected
    left join targets_by_year
        on projected.indicator_code = targets_by_year.indicator_code
        and projected.indicator_level = targets_by_year.indicator_level
        and projected.horizon_year = targets_by_year.year

)

select * from final
