-- The one place a value is judged against its target: observed values for every period and the
-- scorecard's projections to each horizon, with the comparator compared exactly (macros/comparator_holds.sql).
with

indicator_values as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_values') }}

),

projections as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_projections') }}

),

judged as (

    select
        'observed' as judgement_kind,
        agency_code,
        indicator_code,
        period_code,
        value_pct,
        target_pct,
        comparator

    from indicator_values

    union all

    select
        'projected' as judgement_kind,
        agency_code,
        indicator_code,
        cast(horizon_year as {{ dbt.type_string() }}) as period_code,
        projected_pct as value_pct,
        target_pct,
        comparator

    from projections

),

final as (

    select
        judgement_kind,
        agency_code,
        indicator_code,
        period_code,
        value_pct,
        target_pct,
        comparator,
        -- null without a value or a target: a null side compares to null
        {{ comparator_holds('value_pct', 'comparator', 'target_pct') }} as meets_target,
        value_pct - target_pct as gap_pct

    from judged

)

select * from final
