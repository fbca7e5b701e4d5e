-- One row per report owed (agency × kind × period that ended by the as-of date), with when it came and whether on
-- time, as int_submission_status decides it.
with

submission_status as{{ not_materialized() }} (

    select * from {{ ref('int_submission_status') }}

),

final as (

    select
        agency_code,
        report_kind,
        period_code,
        period_end,
        due_date,
        first_arrival_date,
        latest_arrival_date,
        n_versions,
        status,
        days_late

    from submission_status

)

select * from final
