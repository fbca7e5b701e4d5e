-- The budget workbook's items: which basis (estimate or actual) and which measure (regular or
-- digital-transformation spending) each item code carries. The one home of that mapping: the budget
-- rows (int_budget_rows_vnd) and the budget flags (dq_flag_budget) both read it.
with

final as (

    select
        'REG_EST' as item_code,
        'estimate' as basis,
        'regular' as measure
    union all
    select
        'DX_EST' as item_code,
        'estimate' as basis,
        'dx' as measure
    union all
    select
        'REG_ACT' as item_code,
        'actual' as basis,
        'regular' as measure
    union all
    select
        'DX_ACT' as item_code,
        'actual' as basis,
        'dx' as measure

)

select * from final
