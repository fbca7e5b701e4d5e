-- The scorecard's rows: the area and every unit existing on the as-of date, each with every indicator that applies
-- to its level (int_indicator_levels). mart_scorecard sets each row's figures beside it.
with

agencies as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_agencies') }}

),

indicator_levels as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_levels') }}

),

as_of as{{ not_materialized() }} (

    select * from {{ ref('int_as_of_date') }}

),

final as (

    select
        agencies.agency_code,
        indicator_levels.indicator_code

    from agencies
    cross join as_of
    inner join indicator_levels
        on agencies.indicator_level = indicator_levels.indicator_level
    where
        agencies.valid_from <= as_of.as_of_date
        and coalesce(agencies.valid_to, as_of.as_of_date) >= as_of.as_of_date

)

select * from final
