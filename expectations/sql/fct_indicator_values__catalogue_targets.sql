-- The indicator mart's rows with the target the catalogue sets for each: catalogue_target_pct and
-- catalogue_has_target, from int_indicator_targets_by_year for the row's indicator, the agency's
-- indicator_level (dim_agency) and the calendar year of period_start. The catalogue is aggregated to one
-- row per indicator × level × year first, so the join never adds rows: one row per fct_indicator_values row.
with

catalogue as (

    select
        indicator_code,
        indicator_level,
        year,
        min(target_pct) as target_pct,
        count(*) as n_targets
    from int_indicator_targets_by_year
    group by
        indicator_code,
        indicator_level,
        year

)

select
    facts.*,
    catalogue.target_pct as catalogue_target_pct,
    coalesce(catalogue.n_targets, 0) > 0 as catalogue_has_target
from fct_indicator_values as facts
left join dim_agency as agencies
    on facts.agency_code = agencies.agency_code
left join catalogue
    on
    facts.indicator_code = catalogue.indicator_code
    and agencies.indicator_level = catalogue.indicator_level
    and extract(year from facts.period_start) = catalogue.year
