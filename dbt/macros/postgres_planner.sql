{#-
    Planner statistics on PostgreSQL (issue 15): a table made by `create table as` or filled by COPY has
    none until autovacuum comes round, and without them Postgres guesses every row count. Its guesses
    for window-result filters and range joins turned the nation build's hash joins into nested loops
    (335 s for one model). So every table the build reads is analyzed before it is read: the sources by
    the loader that COPYs them in (dagster_project/warehouse/pg_load.py), each seed and model table right
    after it is built (their post-hook, below). DuckDB keeps its statistics as it writes: a no-op there.
    The planner settings every session of the build runs with (no JIT, no nested loops or merge joins,
    room to sort in memory) are not here: a data test has no hook, so they are the sessions' own options
    (dagster_project/warehouse/pg.py, BUILD_SETTINGS).
    Thống kê cho bộ lập kế hoạch của PostgreSQL: phân tích mỗi bảng ngay sau khi tạo; trên DuckDB không làm gì.
-#}

{#- The statement that analyzes `relation` once it is built; empty (no statement: dbt skips an empty
    hook) on DuckDB and for views, which hold no rows of their own. -#}
{% macro analyze_built(relation) -%}
    {{ return(adapter.dispatch('analyze_built')(relation)) }}
{%- endmacro %}

{% macro default__analyze_built(relation) -%}
{%- endmacro %}

{% macro postgres__analyze_built(relation) -%}
    {%- if model.config.materialized != 'view' -%}
        analyze {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- Written after `as` in a model's import CTEs (`name as{{ not_materialized() }} (select * from ref)`). Postgres
    materializes a CTE named more than once, and a materialized CTE has no statistics: every join on it is
    guessed (a 1-row guess for 828,000 rows made int_indicator_area_contributions rescan 4,422 agencies per
    row). Inlined, it reads the table and its statistics. DuckDB plans them itself: empty there. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro postgres__not_materialized() -%}
    {{ ' not materialized' }}
{%- endmacro %}
