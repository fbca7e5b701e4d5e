-- One row per agency × indicator × period with at least one report received: value, target, status, lineage.
with

indicator_values as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_values') }}

),

attainment as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_attainment') }}

),

final as (

    select
        indicator_values.agency_code,
        indicator_values.indicator_code,
        indicator_values.period_code,
        indicator_values.period_type,
        indicator_values.period_start,
        indicator_values.period_end,
        indicator_values.numerator,
        indicator_values.denominator,
        indicator_values.value_pct,
        indicator_values.target_year,
        indicator_values.target_pct,
        indicator_values.comparator,
        attainment.meets_target,
        attainment.gap_pct,
        indicator_values.is_area_total,
        indicator_values.is_successor_rollup,
        indicator_values.period_complete,
        indicator_values.n_source_reports,
        indicator_values.n_withheld,
        indicator_values.source_file_ids,
        indicator_values.source_paths

    from indicator_values
    inner join attainment
        on indicator_values.agency_code = attainment.agency_code
        and indicator_values.indicator_code = attainment.indicator_code
        and indicator_values.period_code = attainment.period_code
        and attainment.judgement_kind = 'observed'

)

select * from final
