-- Per unit and kind of report owed: the latest period received, the latest period owed by the as-of
-- date, how many owed periods are missing, and whether the source is stale. The one home of staleness,
-- read from the submission status that fct_submissions publishes, so the two always agree.
with

submissions as{{ not_materialized() }} (

    select * from {{ ref('int_submission_status') }}

),

-- each owed period's place among the unit's periods of that kind, latest first: among all of them,
-- and among those received (arg_max in portable SQL)
ranked as (

    select
        agency_code,
        report_kind,
        period_code,
        status,
        row_number() over (
            partition by agency_code, report_kind
            order by period_end desc, period_code desc
        ) as recency_owed,
        row_number() over (
            partition by agency_code, report_kind, status = 'missing'
            order by period_end desc, period_code desc
        ) as recency_in_status

    from submissions

),

by_source as (

    select
        agency_code,
        report_kind,
        max(period_code) filter (where status <> 'missing' and recency_in_status = 1) as latest_received,
        max(period_code) filter (where recency_owed = 1) as latest_expected,
        count(*) filter (where status = 'missing') as periods_missing

    from ranked
    group by agency_code, report_kind

),

final as (

    select
        agency_code,
        report_kind,
        latest_received,
        latest_expected,
        periods_missing,
        -- stale: the latest period received (none at all counts) is not the latest one owed
        coalesce(latest_received <> latest_expected, true) as is_stale

    from by_source

)

select * from final
