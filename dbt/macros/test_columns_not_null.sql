{#-
  One test per model for every column that must not be null, instead of one `not_null` test per
  column: dbt runs each test as its own query with its own start-up, and at 284 `not_null` tests
  that overhead was a third of the refresh's dbt time. Fails with one row per column that holds
  nulls, naming the column and how many rows are null.
  Một phép kiểm tra cho mọi cột không được rỗng của một bảng; khi lỗi, mỗi cột có giá trị rỗng một dòng.
-#}
{% test columns_not_null(model, columns) %}
with counts as (
    select
    {%- for column in columns %}
        count(*) filter (where {{ column }} is null) as {{ adapter.quote('n_' ~ loop.index) }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{% for column in columns %}
select '{{ column }}' as column_name, {{ adapter.quote('n_' ~ loop.index) }} as null_rows
from counts where {{ adapter.quote('n_' ~ loop.index) }} > 0
{{ "union all" if not loop.last }}
{% endfor %}
{% endtest %}
