-- Regular and digital-transformation spending per fiscal year, basis and scope, from the detail and unallocated rows
-- only.
-- The clerk's subtotal and total rows never enter here: they are only checked, in int_budget_clerk_checks.
with

budget_rows as{{ not_materialized() }} (

    select * from {{ ref('int_budget_rows_vnd') }}

),

agencies as{{ not_materialized() }} (

    select * from {{ ref('ref_agencies') }}

),

-- the town itself: the registry's agency of type area
area as (

    select agency_code from agencies
    where agency_type = 'area'

),

workbooks as (

    -- A workbook kept by a town office is the town budget (scope: the area); a unit's own
    -- workbook (from 2026) is that unit's budget.
    select distinct
        budget_rows.report_id,
        case
            when agencies.agency_type = 'town_office' then area.agency_code
            else budget_rows.reporting_agency_code
        end as workbook_scope_code,
        case
            when agencies.agency_type = 'town_office' then 'town_budget'
            else 'unit_budget'
        end as workbook_scope_type

    from budget_rows
    cross join area
    left join agencies
        on budget_rows.reporting_agency_code = agencies.agency_code

),

spending_rows as (

    select
        budget_rows.report_id,
        budget_rows.file_id,
        budget_rows.reporting_agency_code,
        budget_rows.fiscal_year,
        budget_rows.row_role,
        budget_rows.agency_code,
        budget_rows.basis,
        budget_rows.measure,
        budget_rows.value_vnd,
        workbooks.workbook_scope_code,
        workbooks.workbook_scope_type

    from budget_rows
    inner join workbooks
        on budget_rows.report_id = workbooks.report_id
    where budget_rows.row_role in ('detail', 'unallocated')

),

workbook_scope as (

    -- The whole workbook: every detail row plus the unallocated line for regular spending,
    -- detail rows only for digital-transformation spending.
    select
        fiscal_year,
        basis,
        workbook_scope_code as scope_code,
        workbook_scope_type as scope_type,
        reporting_agency_code,
        {{ dbt.listagg('distinct file_id', "','", 'order by file_id') }} as source_file_ids,
        sum(case when measure = 'dx' and row_role = 'detail' then value_vnd else 0 end) as dx_spending_vnd,
        sum(case when measure = 'regular' then value_vnd else 0 end) as regular_spending_vnd

    from spending_rows
    group by
        fiscal_year,
        basis,
        workbook_scope_code,
        workbook_scope_type,
        reporting_agency_code

),

unit_lines as (

    -- Each agency's own line inside a workbook kept for a wider scope: no unallocated share.
    select
        fiscal_year,
        basis,
        agency_code as scope_code,
        'unit_budget' as scope_type,
        reporting_agency_code,
        {{ dbt.listagg('distinct file_id', "','", 'order by file_id') }} as source_file_ids,
        sum(case when measure = 'dx' then value_vnd else 0 end) as dx_spending_vnd,
        sum(case when measure = 'regular' then value_vnd else 0 end) as regular_spending_vnd

    from spending_rows
    where
        row_role = 'detail'
        and agency_code <> workbook_scope_code
    group by
        fiscal_year,
        basis,
        agency_code,
        reporting_agency_code

),

final as (

    select * from workbook_scope
    union all
    select * from unit_lines

)

select * from final
