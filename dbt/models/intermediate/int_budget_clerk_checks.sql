-- Every clerk subtotal (Cộng I, Cộng II) and total (TỔNG CỘNG) of a current sheet, against the sum we recompute from
-- its rows.
-- Tolerance: half of the sheet's unit, so a figure the clerk rounded to the unit still matches; anything more is a
-- wrong sum.
with

budget_rows as{{ not_materialized() }} (

    select * from {{ ref('int_budget_rows_vnd') }}

),

clerk_rows as (

    select * from budget_rows
    where row_role in ('subtotal', 'total')

),

recomputed as (

    -- A subtotal sums its section's detail rows; the total sums every detail row and the
    -- unallocated line.
    select
        clerk_rows.report_id,
        clerk_rows.source_row,
        clerk_rows.item_code,
        coalesce(sum(budget_rows.value_vnd), 0) as recomputed_value_vnd

    from clerk_rows
    left join budget_rows
        on
        clerk_rows.report_id = budget_rows.report_id
        and clerk_rows.item_code = budget_rows.item_code
        and (
            (
                clerk_rows.row_role = 'subtotal'
                and budget_rows.row_role = 'detail'
                and clerk_rows.budget_section = budget_rows.budget_section
            )
            or (
                clerk_rows.row_role = 'total'
                and budget_rows.row_role in ('detail', 'unallocated')
            )
        )
    group by
        clerk_rows.report_id,
        clerk_rows.source_row,
        clerk_rows.item_code

),

final as (

    select
        clerk_rows.report_id,
        clerk_rows.file_id,
        clerk_rows.sheet_name,
        clerk_rows.source_row,
        clerk_rows.reporting_agency_code,
        clerk_rows.fiscal_year,
        clerk_rows.row_role,
        clerk_rows.budget_section,
        clerk_rows.item_code,
        clerk_rows.basis,
        clerk_rows.measure,
        clerk_rows.unit_as_written,
        clerk_rows.value_vnd as clerk_value_vnd,
        recomputed.recomputed_value_vnd,
        clerk_rows.value_vnd - recomputed.recomputed_value_vnd as difference_vnd,
        clerk_rows.half_unit_vnd as tolerance_vnd,
        abs(clerk_rows.value_vnd - recomputed.recomputed_value_vnd) <= clerk_rows.half_unit_vnd as matches

    from clerk_rows
    inner join recomputed
        on
        clerk_rows.report_id = recomputed.report_id
        and clerk_rows.source_row = recomputed.source_row
        and clerk_rows.item_code = recomputed.item_code

)

select * from final
