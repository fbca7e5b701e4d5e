-- The agency registry in the words the indicator rules use: each unit's indicator level
-- (town_office, commune_unit, area) and, for merged units, when their successor began.
with

agencies as{{ not_materialized() }} (

    select * from {{ ref('ref_agencies') }}

),

successors as (

    select
        agency_code,
        valid_from

    from agencies

),

final as (

    select
        agencies.agency_code,
        agencies.agency_type,
        case
            when agencies.agency_type = 'town_office' then 'town_office'
            when agencies.agency_type in ('ward', 'commune') then 'commune_unit'
            when agencies.agency_type = 'area' then 'area'
        end as indicator_level,
        agencies.valid_from,
        agencies.valid_to,
        agencies.successor_code,
        successors.valid_from as successor_valid_from

    from agencies
    left join successors
        on agencies.successor_code = successors.agency_code

)

select * from final
