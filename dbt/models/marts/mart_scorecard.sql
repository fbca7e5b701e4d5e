-- Where the area and every unit existing on the as-of date stand on each indicator that applies to
-- them (int_scorecard_rows): latest value, change, target status and projections to 2025 and 2030.
with

scorecard_rows as{{ not_materialized() }} (

    select * from {{ ref('int_scorecard_rows') }}

),

projections as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_projections') }}

),

attainment as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_attainment') }}

),

series_2025 as (

    select * from projections
    where horizon_year = 2025

),

series_2030 as (

    select * from projections
    where horizon_year = 2030

),

final as (

    select
        scorecard_rows.agency_code,
        scorecard_rows.indicator_code,
        series_2025.latest_period_code,
        series_2025.latest_value_pct as value_pct,
        series_2025.previous_period_code,
        series_2025.previous_value_pct,
        series_2025.change_pct_points,
        latest.target_pct,
        latest.comparator,
        latest.meets_target,
        series_2025.annual_growth_rate,
        series_2025.projected_pct as projected_2025_pct,
        series_2030.projected_pct as projected_2030_pct,
        on_track_2025.meets_target as on_track_2025,
        on_track_2030.meets_target as on_track_2030

    from scorecard_rows
    left join series_2025
        on scorecard_rows.agency_code = series_2025.agency_code
        and scorecard_rows.indicator_code = series_2025.indicator_code
    left join series_2030
        on scorecard_rows.agency_code = series_2030.agency_code
        and scorecard_rows.indicator_code = series_2030.indicator_code
    left join attainment as latest
        on series_2025.agency_code = latest.agency_code
        and series_2025.indicator_code = latest.indicator_code
        and series_2025.latest_period_code = latest.period_code
        and latest.judgement_kind = 'observed'
    left join attainment as on_track_2025
        on scorecard_rows.agency_code = on_track_2025.agency_code
        and scorecard_rows.indicator_code = on_track_2025.indicator_code
        and on_track_2025.period_code = '2025'
        and on_track_2025.judgement_kind = 'projected'
    left join attainment as on_track_2030
        on scorecard_rows.agency_code = on_track_2030.agency_code
        and scorecard_rows.indicator_code = on_track_2030.indicator_code
        and on_track_2030.period_code = '2030'
        and on_track_2030.judgement_kind = 'projected'

)

select * from final
