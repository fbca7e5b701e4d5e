-- The budget judgement: digital-transformation share of regular spending per fiscal year, basis and scope, judged
-- against the floor in force (macros/comparator_holds.sql), with the scopes withheld by an unaccepted ceiling flag
-- and the clerk's totals. The floor comparison is exact (100 × dx against floor × regular, both decimals), so 0.5%
-- exactly meets ">= 0.5". fct_budget_share publishes it.
with

budget_spending as{{ not_materialized() }} (

    select * from {{ ref('int_budget_spending') }}

),

clerk_checks as{{ not_materialized() }} (

    select * from {{ ref('int_budget_clerk_checks') }}

),

floors as{{ not_materialized() }} (

    select * from {{ ref('ref_budget_floors') }}

),

flagged_values as{{ not_materialized() }} (

    select * from {{ ref('dq_flagged_values') }}

),

budget_rows as{{ not_materialized() }} (

    select * from {{ ref('int_budget_rows_vnd') }}

),

-- a unit line whose share is above the ceiling and not accepted by a reviewer: it is withheld from the
-- floor judgement of its own line and of the workbook that sums it (docs/indicator-rules.md, "Withheld figures")
withheld_lines as (

    select distinct
        budget_rows.reporting_agency_code,
        budget_rows.fiscal_year,
        budget_rows.basis,
        budget_rows.agency_code

    from flagged_values
    inner join budget_rows
        on flagged_values.report_id = budget_rows.report_id
        and flagged_values.source_row = budget_rows.source_row
        and flagged_values.item_code = budget_rows.item_code
    where
        flagged_values.rule_code = 'budget_share_ceiling'
        and flagged_values.is_withheld

),

withheld_scopes as (

    select distinct
        spending.fiscal_year,
        spending.basis,
        spending.scope_code

    from budget_spending as spending
    inner join withheld_lines
        on spending.reporting_agency_code = withheld_lines.reporting_agency_code
        and spending.fiscal_year = withheld_lines.fiscal_year
        and spending.basis = withheld_lines.basis
        and (spending.scope_code = withheld_lines.agency_code or spending.scope_type = 'town_budget')

),

spending as (

    select
        *,
        cast({{ dbt.concat(["cast(fiscal_year as " ~ dbt.type_string() ~ ")", "'-01-01'"]) }} as date)
            as fiscal_year_start,
        cast({{ dbt.concat(["cast(fiscal_year as " ~ dbt.type_string() ~ ")", "'-12-31'"]) }} as date)
            as fiscal_year_end

    from budget_spending

),

evaluated_floors as (

    select
        floor_code,
        scope_type,
        floor_pct,
        comparator,
        valid_from,
        valid_to

    from floors
    where evaluated

),

clerk_by_workbook as (

    -- The clerk's TỔNG CỘNG for regular spending, and whether every clerk sum of the basis
    -- (subtotals and total, regular and DX) agrees with the rows.
    select
        reporting_agency_code,
        fiscal_year,
        basis,
        sum(case when row_role = 'total' and measure = 'regular' then clerk_value_vnd end) as clerk_total_vnd,
        min(case when matches then 1 else 0 end) = 1 as clerk_total_matches

    from clerk_checks
    group by
        reporting_agency_code,
        fiscal_year,
        basis

),

judged as (

    select
        spending.fiscal_year,
        spending.basis,
        spending.scope_code,
        spending.scope_type,
        spending.reporting_agency_code,
        spending.dx_spending_vnd,
        spending.regular_spending_vnd,
        -- divided as doubles, DuckDB's rule for decimals, spelled out: Postgres would divide numerics to 16 digits
        cast(100.0 * spending.dx_spending_vnd as double precision)
        / cast(nullif(spending.regular_spending_vnd, 0) as double precision) as share_pct,
        evaluated_floors.floor_code,
        evaluated_floors.floor_pct,
        evaluated_floors.comparator,
        withheld_scopes.scope_code is not null as is_withheld,
        -- no verdict without a floor (the comparator is then null), without regular spending or while withheld
        case
            when spending.regular_spending_vnd = 0 or withheld_scopes.scope_code is not null then null
            else {{ comparator_holds(
                '100 * spending.dx_spending_vnd',
                'evaluated_floors.comparator',
                'evaluated_floors.floor_pct * spending.regular_spending_vnd'
            ) }}
        end as meets_floor,
        -- the clerk's sums are reported on town rows only (docs/indicator-rules.md, mart columns)
        case when spending.scope_type = 'town_budget' then clerk_by_workbook.clerk_total_vnd end as clerk_total_vnd,
        case when spending.scope_type = 'town_budget' then clerk_by_workbook.clerk_total_matches end
            as clerk_total_matches,
        spending.source_file_ids

    from spending
    left join evaluated_floors
        on
        spending.scope_type = evaluated_floors.scope_type
        -- a floor in force on any day of the fiscal year judges it; two such evaluated floors
        -- for one scope type would duplicate the row and fail the key test
        and spending.fiscal_year_end >= evaluated_floors.valid_from
        and (evaluated_floors.valid_to is null or spending.fiscal_year_start <= evaluated_floors.valid_to)
    left join clerk_by_workbook
        on
        spending.reporting_agency_code = clerk_by_workbook.reporting_agency_code
        and spending.fiscal_year = clerk_by_workbook.fiscal_year
        and spending.basis = clerk_by_workbook.basis
    left join withheld_scopes
        on
        spending.fiscal_year = withheld_scopes.fiscal_year
        and spending.basis = withheld_scopes.basis
        and spending.scope_code = withheld_scopes.scope_code

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

    from judged

)

select * from final
