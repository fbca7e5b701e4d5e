-- Each indicator observation with its withholding mark: an observation is withheld while a figure it is read
-- from carries a plausibility flag no reviewer has accepted (docs/indicator-rules.md, "Withheld figures").
with

observations as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_observations') }}

),

flagged_values as{{ not_materialized() }} (

    select * from {{ ref('dq_flagged_values') }}

),

indicator_items as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_item_links') }}

),

withheld_flags as (

    select * from flagged_values
    where is_withheld

),

-- a flag names the observation (indicator rules), an item it reads (item rules) or the whole report
withheld_observations as (

    select distinct
        observations.report_id,
        observations.agency_code,
        observations.indicator_code

    from observations
    inner join withheld_flags
        on observations.report_id = withheld_flags.report_id
        and observations.agency_code = withheld_flags.agency_code
    left join indicator_items
        on observations.indicator_code = indicator_items.indicator_code
        and withheld_flags.item_code = indicator_items.item_code
    where
        observations.indicator_code = withheld_flags.indicator_code
        or (withheld_flags.indicator_code is null and indicator_items.item_code is not null)
        or (withheld_flags.indicator_code is null and withheld_flags.item_code is null)

),

final as (

    select
        observations.*,
        withheld_observations.report_id is not null as is_withheld

    from observations
    left join withheld_observations
        on observations.report_id = withheld_observations.report_id
        and observations.agency_code = withheld_observations.agency_code
        and observations.indicator_code = withheld_observations.indicator_code

)

select * from final
