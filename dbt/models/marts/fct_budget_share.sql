-- Digital-transformation share of regular spending per fiscal year, basis and scope, judged against the floor in
-- force, as int_budget_judgement judges it.
with

budget_judgement as{{ not_materialized() }} (

    select * from {{ ref('int_budget_judgement') }}

),

final as (

    select
        fiscal_year,
        basis,
        scope_code,
        scope_type,
        reporting_agency_code,
        dx_spending_vnd,
        regular_spending_vnd,
        share_pct,
        floor_code,
        floor_pct,
        comparator,
        meets_floor,
        is_withheld,
        clerk_total_vnd,
        clerk_total_matches,
        source_file_ids

    from budget_judgement

)

select * from final
