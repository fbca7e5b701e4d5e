-- Staleness per unit and kind of report owed, as int_source_freshness decides it.
with

source_freshness as{{ not_materialized() }} (

    select * from {{ ref('int_source_freshness') }}

),

final as (

    select
        agency_code,
        report_kind,
        latest_received,
        latest_expected,
        periods_missing,
        is_stale

    from source_freshness

)

select * from final
