-- Which observations make up each unit's row for each period, and which of them count: flows sum
-- the finer periods received, stocks take the latest; a unit has own rows only for periods it existed
-- throughout; a unit created by a merger carries its predecessors' series before it existed and
-- blends them with its own in the period straddling its first day. A withheld observation is listed but
-- never counts: for every rule it is as if it had not been received.
with

observations as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_observations_screened') }}

),

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

periods as{{ not_materialized() }} (

    select * from {{ ref('ref_periods') }}

),

agencies as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_agencies') }}

),

-- each period with every period containing it, itself included: a small table the observations join on
-- their period's code (an equality join; a range join of every observation with every period is slow on
-- Postgres). An observation's start and end are its period's (int_indicator_observations).
period_containment as (

    select
        finer.period_code as finer_period_code,
        coarser.period_code,
        coarser.period_start,
        coarser.period_end

    from periods as finer
    inner join periods as coarser
        on finer.period_start >= coarser.period_start
        and finer.period_end <= coarser.period_end

),

-- every observation is received within its own period and every coarser period containing it
received_within as (

    select
        observations.agency_code,
        observations.indicator_code,
        coarser.period_code,
        coarser.period_start,
        coarser.period_end,
        indicators.time_aggregation,
        observations.agency_code as source_agency_code,
        observations.period_code as source_period_code,
        observations.period_type as source_period_type,
        observations.period_start as source_period_start,
        observations.period_end as source_period_end,
        observations.numerator,
        observations.denominator,
        observations.report_id,
        observations.file_id,
        observations.raw_path,
        observations.is_withheld

    from observations
    inner join period_containment as coarser
        on observations.period_code = coarser.finer_period_code
    inner join indicators
        on observations.indicator_code = indicators.indicator_code

),

received_ranked as (

    select
        *,
        -- a stock is the latest finer period received and not withheld (numerator and denominator both from it)
        not is_withheld
        and (
            time_aggregation = 'flow'
            or row_number() over (
                partition by agency_code, indicator_code, period_code
                order by case when is_withheld then 1 else 0 end, source_period_end desc, source_period_start desc
            ) = 1
        ) as is_used

    from received_within

),

-- a unit's own rows: periods it existed for from start to end — and, for a unit that ceased
-- without a successor (the town offices), also the period it ceased in, from what it sent before
-- (no successor row carries that part). Monthly and quarterly series roll up to coarser periods;
-- a survey (half-year or year) stands for the period it reports only.
own_contributions as (

    select received_ranked.*

    from received_ranked
    inner join agencies
        on received_ranked.agency_code = agencies.agency_code
    where
        agencies.valid_from <= received_ranked.period_start
        and (
            coalesce(agencies.valid_to, received_ranked.period_end) >= received_ranked.period_end
            or (
                agencies.successor_code is null
                and agencies.valid_to >= received_ranked.period_start
            )
        )
        and (
            received_ranked.source_period_code = received_ranked.period_code
            or received_ranked.source_period_type in ('month', 'quarter')
        )

),

successions as (

    select
        agency_code as predecessor_code,
        successor_code,
        successor_valid_from

    from agencies
    where successor_code is not null

),

-- before the successor existed its series is the sum of its predecessors' rows
successor_history as (

    select
        successions.successor_code as agency_code,
        own_contributions.indicator_code,
        own_contributions.period_code,
        own_contributions.source_agency_code,
        own_contributions.source_period_code,
        own_contributions.source_period_type,
        own_contributions.numerator,
        own_contributions.denominator,
        own_contributions.report_id,
        own_contributions.file_id,
        own_contributions.raw_path,
        own_contributions.is_used,
        own_contributions.is_withheld

    from own_contributions
    inner join successions
        on own_contributions.agency_code = successions.predecessor_code
    where own_contributions.period_end < successions.successor_valid_from

),

straddled_periods as (

    select distinct
        successions.successor_code,
        periods.period_code

    from successions
    inner join periods
        on successions.successor_valid_from > periods.period_start
        and successions.successor_valid_from <= periods.period_end

),

successor_received_own as (

    select distinct
        received_ranked.agency_code,
        received_ranked.indicator_code,
        received_ranked.period_code

    from received_ranked
    inner join straddled_periods
        on received_ranked.agency_code = straddled_periods.successor_code
        and received_ranked.period_code = straddled_periods.period_code
    where not received_ranked.is_withheld

),

-- the period straddling the successor's first day: a flow is the predecessors' part plus the
-- successor's own; a stock is the successor's own latest value when it has one, else the
-- predecessors' sum (their values stay listed as received either way)
straddle as (

    select
        received_ranked.agency_code,
        received_ranked.indicator_code,
        received_ranked.period_code,
        received_ranked.source_agency_code,
        received_ranked.source_period_code,
        received_ranked.source_period_type,
        received_ranked.numerator,
        received_ranked.denominator,
        received_ranked.report_id,
        received_ranked.file_id,
        received_ranked.raw_path,
        received_ranked.is_used,
        received_ranked.is_withheld

    from received_ranked
    inner join straddled_periods
        on received_ranked.agency_code = straddled_periods.successor_code
        and received_ranked.period_code = straddled_periods.period_code

    union all

    select
        successions.successor_code as agency_code,
        received_ranked.indicator_code,
        received_ranked.period_code,
        received_ranked.source_agency_code,
        received_ranked.source_period_code,
        received_ranked.source_period_type,
        received_ranked.numerator,
        received_ranked.denominator,
        received_ranked.report_id,
        received_ranked.file_id,
        received_ranked.raw_path,
        received_ranked.is_used
        and (received_ranked.time_aggregation = 'flow' or successor_received_own.agency_code is null)
            as is_used,
        received_ranked.is_withheld

    from received_ranked
    inner join successions
        on received_ranked.agency_code = successions.predecessor_code
    inner join straddled_periods
        on successions.successor_code = straddled_periods.successor_code
        and received_ranked.period_code = straddled_periods.period_code
    left join successor_received_own
        on successions.successor_code = successor_received_own.agency_code
        and received_ranked.indicator_code = successor_received_own.indicator_code
        and received_ranked.period_code = successor_received_own.period_code

),

final as (

    select
        agency_code,
        indicator_code,
        period_code,
        source_agency_code,
        source_period_code,
        source_period_type,
        numerator,
        denominator,
        report_id,
        file_id,
        raw_path,
        is_used,
        is_withheld

    from own_contributions

    union all

    select * from successor_history

    union all

    select * from straddle

)

select * from final
