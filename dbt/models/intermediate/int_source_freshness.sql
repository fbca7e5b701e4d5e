-- Per unit and kind of report owed: the latest period received, the latest period owed by the as-of
-- date, how many owed periods are missing, and whether the source is stale. The one home of staleness,
-- read from the submission status that fct_submissions publishes, so the two always agree.
with

submissions as (

    select * from {{ ref('int_submission_status') }}

),

by_source as (

    select
        agency_code,
        report_kind,
        arg_max(period_code, period_end) filter (where status <> 'missing') as latest_received,
        arg_max(period_code, period_end) as latest_expected,
        count(*) filter (where status = 'missing') as periods_missing

    from submissions
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
