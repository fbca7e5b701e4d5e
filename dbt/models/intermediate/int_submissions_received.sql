-- Every report received, all versions: when the first and the latest arrived and how many versions came.
-- Superseded versions count here: punctuality is judged by the first version, not the current one.
with

reports as{{ not_materialized() }} (

    select * from {{ ref('stg_ingest__reports') }}

),

final as (

    select
        agency_code,
        report_kind,
        period_code,
        min(arrival_date) as first_arrival_date,
        max(arrival_date) as latest_arrival_date,
        count(*) as n_versions

    from reports
    group by
        agency_code,
        report_kind,
        period_code

)

select * from final
