-- One row per report owed (agency × kind × period that ended by the as-of date), with when it came and whether on time.
-- on_time: first version arrived on or before the due day; late: after it; missing: none arrived by the as-of date.
-- The one place submission status is decided; fct_submissions publishes it.
with

expected as{{ not_materialized() }} (

    select * from {{ ref('int_submissions_expected') }}

),

received as{{ not_materialized() }} (

    select * from {{ ref('int_submissions_received') }}

),

matched as (

    select
        expected.agency_code,
        expected.report_kind,
        expected.period_code,
        expected.period_end,
        expected.due_date,
        expected.as_of_date,
        received.first_arrival_date,
        received.latest_arrival_date,
        coalesce(received.n_versions, 0) as n_versions

    from expected
    left join received
        on
        expected.agency_code = received.agency_code
        and expected.report_kind = received.report_kind
        and expected.period_code = received.period_code

),

judged as (

    select
        *,
        case
            when first_arrival_date is null then 'missing'
            when first_arrival_date <= due_date then 'on_time'
            else 'late'
        end as status,
        -- days past the due day to the first arrival, or to the as-of date while still missing
        -- (a whole number of days as bigint on every adapter: Postgres's datediff gives an integer)
        cast(
            {{ dbt.datediff('due_date', 'coalesce(first_arrival_date, as_of_date)', 'day') }} as bigint  -- noqa: LT05
        ) as days_past_due

    from matched

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
        case when days_past_due > 0 then days_past_due else 0 end as days_late

    from judged

)

select * from final
