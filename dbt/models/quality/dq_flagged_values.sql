{{ config(materialized='table') }}
-- One row per flagged figure, with the rule, a reason in Vietnamese and English, the file and row to look at,
-- and the reviewer's decision: a figure flagged and not accepted is withheld from the marts.
with

indicator_flags as{{ not_materialized() }} (

    select * from {{ ref('dq_flag_indicators') }}

),

negative_counts as{{ not_materialized() }} (

    select * from {{ ref('dq_flag_negative_counts') }}

),

stock_jumps as{{ not_materialized() }} (

    select * from {{ ref('dq_flag_stock_jumps') }}

),

repeated_figures as{{ not_materialized() }} (

    select * from {{ ref('dq_flag_repeated_figures') }}

),

budget_flags as{{ not_materialized() }} (

    select * from {{ ref('dq_flag_budget') }}

),

accepted as{{ not_materialized() }} (

    select * from {{ ref('dq_reviews_accepted') }}

),

rules as{{ not_materialized() }} (

    select * from {{ ref('ref_dq_rules') }}

),

flags as (

    select * from indicator_flags
    union all
    select * from negative_counts
    union all
    select * from stock_jumps
    union all
    select * from repeated_figures
    union all
    select * from budget_flags

),

identified as (

    select
        {{ dbt.hash(dbt.concat([
            "rule_code", "'|'", "agency_code", "'|'", "coalesce(indicator_code, '')", "'|'",
            "coalesce(item_code, '')", "'|'", "period_code", "'|'", "file_id", "'|'",
            "coalesce(sheet_name, '')", "'|'",
            "coalesce(cast(source_row as " ~ dbt.type_string() ~ "), '')",
        ])) }} as flag_id,
        flags.*

    from flags

),

final as (

    select
        identified.flag_id,
        identified.agency_code,
        identified.indicator_code,
        identified.item_code,
        identified.period_code,
        cast(identified.value as double precision) as value,
        identified.rule_code,
        identified.reason_vi,
        identified.reason_en,
        identified.report_id,
        identified.file_id,
        identified.raw_path,
        identified.sheet_name,
        identified.source_row,
        identified.is_current_version,
        rules.reviewer_may_accept as may_be_accepted,
        accepted.flag_id is not null as is_reviewed,
        accepted.reviewed_by,
        accepted.reviewed_at,
        accepted.note as review_note,
        -- a superseded version never reaches the marts, so there is nothing to withhold; an impossible
        -- figure stays withheld whoever accepts it, until the unit sends a corrected report
        identified.is_current_version
        and (accepted.flag_id is null or not rules.reviewer_may_accept) as is_withheld

    from identified
    left join accepted
        on identified.flag_id = accepted.flag_id
    inner join rules
        on identified.rule_code = rules.rule_code

)

select * from final
