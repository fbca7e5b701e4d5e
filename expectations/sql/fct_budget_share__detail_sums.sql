-- The budget mart's rows with their spending recomputed from the converted rows of int_budget_rows_vnd,
-- independently of int_budget_spending: detail_regular_vnd and detail_dx_vnd.
-- A whole workbook (the area's scope for a workbook a town office sends, else the sending unit's own
-- workbook) sums every detail and unallocated row for regular spending and the detail rows for DX; a unit
-- line inside a wider workbook sums that unit's detail rows. A mart row with no detail rows gets nulls.
-- One row per fct_budget_share row. The area is the registry's agency of type 'area', never named here.
with

detail_rows as (

    select
        reporting_agency_code,
        fiscal_year,
        basis,
        row_role,
        agency_code,
        measure,
        value_vnd
    from int_budget_rows_vnd
    where row_role in ('detail', 'unallocated')

),

scopes as (

    select distinct
        shares.fiscal_year,
        shares.basis,
        shares.scope_code,
        shares.reporting_agency_code,
        shares.scope_code = case
            when senders.agency_type = 'town_office'
                then (
                    select area.agency_code from dim_agency as area
                    where area.agency_type = 'area'
                )
            else shares.reporting_agency_code
        end as is_whole_workbook
    from fct_budget_share as shares
    left join dim_agency as senders
        on shares.reporting_agency_code = senders.agency_code

),

detail_sums as (

    select
        scopes.fiscal_year,
        scopes.basis,
        scopes.scope_code,
        scopes.reporting_agency_code,
        sum(case when detail_rows.measure = 'regular' then detail_rows.value_vnd else 0 end) as detail_regular_vnd,
        sum(
            case
                when detail_rows.measure = 'dx' and detail_rows.row_role = 'detail' then detail_rows.value_vnd
                else 0
            end
        ) as detail_dx_vnd
    from scopes
    inner join detail_rows
        on
        scopes.reporting_agency_code = detail_rows.reporting_agency_code
        and scopes.fiscal_year = detail_rows.fiscal_year
        and scopes.basis = detail_rows.basis
        and (
            scopes.is_whole_workbook
            or (detail_rows.row_role = 'detail' and scopes.scope_code = detail_rows.agency_code)
        )
    group by
        scopes.fiscal_year,
        scopes.basis,
        scopes.scope_code,
        scopes.reporting_agency_code

)

select
    shares.*,
    detail_sums.detail_regular_vnd,
    detail_sums.detail_dx_vnd
from fct_budget_share as shares
left join detail_sums
    on
    shares.fiscal_year = detail_sums.fiscal_year
    and shares.basis = detail_sums.basis
    and shares.scope_code = detail_sums.scope_code
    and shares.reporting_agency_code = detail_sums.reporting_agency_code
