{{ config(materialized='table') }}
-- Plausibility of each indicator observation (agency × indicator × reported period of a current report):
-- a numerator above its denominator, a percentage typed where a count was asked, an outlier among peers.
with

observations as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_observations') }}

),

current_values as{{ not_materialized() }} (

    select * from {{ ref('int_values__current') }}

),

indicators as{{ not_materialized() }} (

    select * from {{ ref('ref_indicators') }}

),

agencies as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_agencies') }}

),

indicator_levels as{{ not_materialized() }} (

    select * from {{ ref('int_indicator_levels') }}

),

rules as{{ not_materialized() }} (

    select * from {{ ref('ref_dq_rules') }}

),

-- each observation with its share, its peer group (same-level units) and the numerator's row, which
-- is where a reviewer looks first; the reason names the denominator too
observed as (

    select
        observations.agency_code,
        observations.indicator_code,
        observations.period_code,
        observations.period_start,
        observations.period_end,
        observations.numerator,
        observations.denominator,
        case when observations.denominator <> 0 then 100.0 * observations.numerator / observations.denominator end
            as value_pct,
        agencies.indicator_level,
        indicator_levels.indicator_code is not null as applies_to_level,
        indicators.source_kind,
        indicators.numerator_item,
        observations.report_id,
        observations.file_id,
        observations.raw_path,
        numerator_rows.sheet_name,
        numerator_rows.source_row

    from observations
    inner join indicators
        on observations.indicator_code = indicators.indicator_code
    inner join agencies
        on observations.agency_code = agencies.agency_code
    left join indicator_levels
        on observations.indicator_code = indicator_levels.indicator_code
        and agencies.indicator_level = indicator_levels.indicator_level
    left join current_values as numerator_rows
        on observations.report_id = numerator_rows.report_id
        and observations.agency_code = numerator_rows.agency_code
        and observations.period_code = numerator_rows.period_code
        and indicators.numerator_item = numerator_rows.item_code
        and numerator_rows.row_role = 'detail'

),

peer_medians as (

    select
        indicator_code,
        period_code,
        indicator_level,
        count(*) as n_peers,
        percentile_cont(0.5) within group (order by value_pct) as median_pct

    from observed
    where value_pct is not null
    group by
        indicator_code,
        period_code,
        indicator_level

),

peer_deviations as (

    select
        observed.agency_code,
        observed.indicator_code,
        observed.period_code,
        observed.indicator_level,
        observed.value_pct,
        peer_medians.n_peers,
        peer_medians.median_pct,
        abs(observed.value_pct - peer_medians.median_pct) as absolute_deviation

    from observed
    inner join peer_medians
        on observed.indicator_code = peer_medians.indicator_code
        and observed.period_code = peer_medians.period_code
        and observed.indicator_level = peer_medians.indicator_level
    where observed.value_pct is not null

),

peer_spreads as (

    select
        indicator_code,
        period_code,
        indicator_level,
        percentile_cont(0.5) within group (order by absolute_deviation) as median_absolute_deviation,
        avg(absolute_deviation) as mean_absolute_deviation

    from peer_deviations
    group by
        indicator_code,
        period_code,
        indicator_level

),

-- Iglewicz–Hoaglin: 0.6745·(x − median)/MAD; when more than half the peers share one value MAD is 0
-- and the mean absolute deviation scaled to the same units (1.253314) takes its place; when that is 0
-- too every peer has the same value and nothing is an outlier
scored as (

    select
        peer_deviations.*,
        peer_spreads.median_absolute_deviation,
        case
            when peer_spreads.median_absolute_deviation > 0
                then
                    0.6745 * (peer_deviations.value_pct - peer_deviations.median_pct)
                    / peer_spreads.median_absolute_deviation
            when peer_spreads.mean_absolute_deviation > 0
                then
                    (peer_deviations.value_pct - peer_deviations.median_pct)
                    / (1.253314 * peer_spreads.mean_absolute_deviation)
        end as modified_z

    from peer_deviations
    inner join peer_spreads
        on peer_deviations.indicator_code = peer_spreads.indicator_code
        and peer_deviations.period_code = peer_spreads.period_code
        and peer_deviations.indicator_level = peer_spreads.indicator_level

),

-- the shares observed, each a candidate for a later observation's previous share
shares_reported as (

    select * from observed
    where value_pct is not null

),

-- the share the unit itself reported last time: its latest earlier period, no overlap (macros/latest_earlier.sql)
{{ latest_earlier(
    'own_previous',
    rows='observed',
    candidates='shares_reported',
    partition_by=['agency_code', 'indicator_code'],
    row_key=['period_code'],
    columns=['value_pct'],
) }},

expected_shares as (

    select
        observed.agency_code,
        observed.indicator_code,
        observed.period_code,
        coalesce(own_previous.previous_value_pct, peer_medians.median_pct) as expected_pct,
        case
            when own_previous.previous_value_pct is not null then 'own_previous' else 'peer_median'
        end as expected_from

    from observed
    left join own_previous
        on observed.agency_code = own_previous.agency_code
        and observed.indicator_code = own_previous.indicator_code
        and observed.period_code = own_previous.period_code
    left join peer_medians
        on observed.indicator_code = peer_medians.indicator_code
        and observed.period_code = peer_medians.period_code
        and observed.indicator_level = peer_medians.indicator_level

),

numerator_above_denominator as (

    select
        'numerator_above_denominator' as rule_code,
        observed.*,
        observed.value_pct as flagged_value,
        'Tử số ' || {{ number_text("observed.numerator", 2, 'vi') }}
        || ' lớn hơn mẫu số ' || {{ number_text("observed.denominator", 2, 'vi') }}
        || ' của chỉ tiêu ' || observed.indicator_code || '.' as reason_vi,
        'Numerator ' || {{ number_text("observed.numerator", 2, 'en') }}
        || ' is above the denominator ' || {{ number_text("observed.denominator", 2, 'en') }}
        || ' of indicator ' || observed.indicator_code || '.' as reason_en

    from observed
    inner join rules
        on rules.rule_code = 'numerator_above_denominator'
    where observed.numerator > observed.denominator + rules.threshold

),

percent_as_count as (

    select
        'percent_as_count' as rule_code,
        observed.*,
        observed.numerator as flagged_value,
        'Số ' || {{ number_text("observed.numerator", 2, 'vi') }} || ' ở mục ' || observed.numerator_item
        || ' chỉ bằng ' || {{ number_text("observed.value_pct", 2, 'vi') }}
        || '% mẫu số ' || {{ number_text("observed.denominator", 2, 'vi') }}
        || ', trong khi tỷ lệ kỳ vọng ('
        || case
            when expected_shares.expected_from = 'own_previous' then 'kỳ trước của đơn vị' else
                'trung vị đơn vị cùng cấp'
        end
        || ') là ' || {{ number_text("expected_shares.expected_pct", 1, 'vi') }}
        || '%: có thể đã nhập tỷ lệ phần trăm thay cho số lượng.' as reason_vi,
        'The figure ' || {{ number_text("observed.numerator", 2, 'en') }} || ' in ' || observed.numerator_item
        || ' is only ' || {{ number_text("observed.value_pct", 2, 'en') }}
        || '% of the denominator ' || {{ number_text("observed.denominator", 2, 'en') }}
        || ' where the expected share ('
        || case
            when expected_shares.expected_from = 'own_previous' then 'the unit''s previous report' else
                'the peers'' median'
        end
        || ') is ' || {{ number_text("expected_shares.expected_pct", 1, 'en') }}
        || '%: a percentage was probably typed where a count was asked.' as reason_en

    from observed
    inner join expected_shares
        on observed.agency_code = expected_shares.agency_code
        and observed.indicator_code = expected_shares.indicator_code
        and observed.period_code = expected_shares.period_code
    inner join rules
        on rules.rule_code = 'percent_as_count'
    where
        observed.numerator >= 1
        and observed.numerator <= rules.threshold_2
        and observed.value_pct < rules.threshold * expected_shares.expected_pct

),

peer_outlier as (

    select
        'peer_outlier' as rule_code,
        observed.*,
        observed.value_pct as flagged_value,
        'Giá trị ' || {{ number_text("observed.value_pct", 2, 'vi') }} || '% của chỉ tiêu '
        || observed.indicator_code || ' lệch xa ' || {{ number_text("scored.n_peers", 2, 'vi') }}
        || ' đơn vị cùng cấp trong kỳ (trung vị ' || {{ number_text("scored.median_pct", 2, 'vi') }}
        || '%, z cải tiến ' || {{ number_text("scored.modified_z", 1, 'vi') }} || ').' as reason_vi,
        'Value ' || {{ number_text("observed.value_pct", 2, 'en') }} || '% of indicator '
        || observed.indicator_code || ' lies far from the ' || {{ number_text("scored.n_peers", 2, 'en') }}
        || ' same-level units of the period (median ' || {{ number_text("scored.median_pct", 2, 'en') }}
        || '%, modified z ' || {{ number_text("scored.modified_z", 1, 'en') }} || ').' as reason_en

    from observed
    inner join scored
        on observed.agency_code = scored.agency_code
        and observed.indicator_code = scored.indicator_code
        and observed.period_code = scored.period_code
    inner join rules
        on rules.rule_code = 'peer_outlier'
    -- the survey's shares of populations only, where the indicator applies to the unit's level: process
    -- indicators (a quarter's inspections, records, connected reports) are shares of a handful of cases or of
    -- one office's workload and differ between units for honest reasons; an area-only indicator's unit
    -- figures are yes/no answers
    where
        observed.source_kind = 'society_survey'
        and observed.applies_to_level
        and scored.n_peers >= rules.threshold_2
        and abs(scored.modified_z) > rules.threshold

),

flagged as (

    select * from numerator_above_denominator
    union all
    select * from percent_as_count
    union all
    select * from peer_outlier

),

final as (

    select
        rule_code,
        agency_code,
        indicator_code,
        numerator_item as item_code,
        period_code,
        flagged_value as value,
        report_id,
        file_id,
        raw_path,
        sheet_name,
        source_row,
        true as is_current_version,
        reason_vi,
        reason_en

    from flagged

)

select * from final
