-- Flagged figures no reviewer has accepted yet, one row per flag: the unit, which figure (the indicator,
-- else the item), the period, the value, the rule and where it was written. The one home of "withheld";
-- published as mart_withheld_figures.
with

flags as{{ not_materialized() }} (

    select * from {{ ref('dq_flagged_values') }}

),

agencies as{{ not_materialized() }} (

    select * from {{ ref('ref_agencies') }}

),

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

final as (

    select
        flags.flag_id,
        flags.agency_code,
        agencies.name_vi as agency_name_vi,
        coalesce(flags.indicator_code, flags.item_code) as figure,
        coalesce(indicators.name_vi, flags.item_code) as figure_name_vi,
        flags.indicator_code,
        flags.item_code,
        flags.period_code,
        flags.value,
        flags.rule_code,
        flags.reason_vi,
        flags.reason_en,
        flags.report_id,
        flags.raw_path,
        flags.sheet_name,
        flags.source_row

    from flags
    left join agencies
        on flags.agency_code = agencies.agency_code
    left join indicators
        on flags.indicator_code = indicators.indicator_code
    where flags.is_withheld

)

select * from final
