-- The indicator catalogue as analysts read it.
with

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

final as (

    select
        indicator_code,
        pillar,
        name_vi,
        name_en,
        source_kind,
        numerator_item,
        denominator_item,
        denominator_minus_item,
        unit,
        direction,
        time_aggregation,
        unit_aggregation,
        applies_to,
        scorecard_period_type,
        owner_agency_code,
        plan_text_vi

    from indicators

)

select * from final
