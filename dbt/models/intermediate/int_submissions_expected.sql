-- Every report someone owes: for each rule of ref_submission_rules, each period of its type that ended by the as-of
-- date × each sender that existed then.
-- The as-of date is int_as_of_date's.
with

as_of as{{ not_materialized() }} (

    select * from {{ ref('int_as_of_date') }}

),

agencies as{{ not_materialized() }} (

    select * from {{ ref('ref_agencies') }}

),

periods as{{ not_materialized() }} (

    select * from {{ ref('ref_periods') }}

),

rules as{{ not_materialized() }} (

    select * from {{ ref('ref_submission_rules') }}

),

rule_periods as (

    select
        rules.report_kind,
        rules.sender_agency_types,
        rules.sender_agency_code,
        rules.sender_must_exist,
        periods.period_code,
        periods.period_type,
        periods.period_start,
        periods.period_end,
        cast({{ dbt.dateadd('day', 'rules.due_days_after_period_end', 'periods.period_end') }} as date) as due_date,
        as_of.as_of_date

    from rules
    inner join periods
        on
        rules.period_type = periods.period_type
        and rules.valid_from <= periods.period_start
        and (rules.valid_to is null or rules.valid_to >= periods.period_end)
    cross join as_of
    where periods.period_end <= as_of.as_of_date

),

senders as (

    select
        agency_code,
        agency_type,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to

    from agencies

),

final as (

    select
        senders.agency_code,
        rule_periods.report_kind,
        rule_periods.period_code,
        rule_periods.period_type,
        rule_periods.period_start,
        rule_periods.period_end,
        rule_periods.due_date,
        rule_periods.as_of_date

    from rule_periods
    inner join senders
        on
        {{ dbt.concat(["'|'", "rule_periods.sender_agency_types", "'|'"]) }}
        like {{ dbt.concat(["'%|'", "senders.agency_type", "'|%'"]) }}
        and (rule_periods.sender_agency_code is null or rule_periods.sender_agency_code = senders.agency_code)
        -- at_period_end: the sender exists on the period's last day; in_period: on any day of it
        and (senders.valid_from is null or rule_periods.period_end >= senders.valid_from)
        and (
            senders.valid_to is null
            or senders.valid_to >= case
                when rule_periods.sender_must_exist = 'in_period' then rule_periods.period_start
                else rule_periods.period_end
            end
        )

)

select * from final
