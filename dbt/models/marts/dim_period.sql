-- Reporting periods, 2024-01 to 2030-12, with the coarser periods that contain them.
with

periods as{{ not_materialized() }} (

    select * from {{ ref('ref_periods') }}

),

final as (

    select
        period_code,
        period_type,
        year,
        period_start,
        period_end,
        quarter_code,
        half_code,
        year_code

    from periods

)

select * from final
