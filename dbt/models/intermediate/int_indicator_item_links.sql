-- Which ingested items each indicator reads (numerator, denominator, subtracted item), one row each:
-- a flag on an item reaches every indicator that reads it.
with

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

final as (

    select
        indicator_code,
        numerator_item as item_code
    from indicators
    union all
    select
        indicator_code,
        denominator_item as item_code
    from indicators
    union all
    select
        indicator_code,
        denominator_minus_item as item_code
    from indicators
    where denominator_minus_item is not null

)

select * from final
