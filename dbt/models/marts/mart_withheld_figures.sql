-- Flagged figures no reviewer has accepted yet, as int_withheld_figures selects them. They are kept out of
-- attainment until a reviewer accepts them; `dxw status`, `dxw accept`, the reports and the notebook read
-- this table.
with

withheld_figures as{{ not_materialized() }} (

    select * from {{ ref('int_withheld_figures') }}

),

final as (

    select
        flag_id,
        agency_code,
        agency_name_vi,
        figure,
        figure_name_vi,
        indicator_code,
        item_code,
        period_code,
        value,
        rule_code,
        reason_vi,
        reason_en,
        report_id,
        raw_path,
        sheet_name,
        source_row

    from withheld_figures

)

select * from final
