-- Agencies with their validity, successor and the indicator level the rules use.
with

registry as{{ not_materialized() }} (

    select * from {{ ref('ref_agencies') }}

),

indicator_agencies as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_agencies') }}

),

final as (

    select
        registry.agency_code,
        registry.name_vi,
        registry.name_en,
        registry.agency_type,
        registry.level,
        indicator_agencies.indicator_level,
        registry.gso_code,
        registry.valid_from,
        registry.valid_to,
        registry.successor_code

    from registry
    inner join indicator_agencies
        on registry.agency_code = indicator_agencies.agency_code

)

select * from final
