-- The target that judges each indicator, level and calendar year, as the rules decide it once
-- (int_indicator_targets_by_year); published so reports can set a year's figures beside the 2025 and 2030 targets.
with

targets as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_targets_by_year') }}

),

final as (

    select
        indicator_code,
        indicator_level,
        year,
        target_year,
        target_pct,
        comparator,
        rule,
        plan_text_vi

    from targets

)

select * from final
