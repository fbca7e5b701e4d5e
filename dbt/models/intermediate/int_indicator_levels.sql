-- The indicator × level bridge: one row for each indicator level (town_office, commune_unit, area) an
-- indicator applies to, read from the catalogue's `applies_to` list ("town_office|commune_unit").
-- The one place that list is read: every model asking "does this indicator apply here" joins this.
with

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

agencies as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_agencies') }}

),

levels as (

    select distinct indicator_level
    from agencies
    where indicator_level is not null

),

final as (

    select
        indicators.indicator_code,
        levels.indicator_level

    from indicators
    inner join levels
        on
        {{ dbt.concat(["'|'", "indicators.applies_to", "'|'"]) }}
        like {{ dbt.concat(["'%|'", "levels.indicator_level", "'|%'"]) }}

)

select * from final
