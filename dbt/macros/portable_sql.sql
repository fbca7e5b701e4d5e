{#-
    Expressions that DuckDB and PostgreSQL write differently, one dispatched macro each: the DuckDB
    implementation keeps DuckDB's faster form, the default one is standard SQL that PostgreSQL runs.
    Biểu thức viết khác nhau giữa DuckDB và PostgreSQL: mỗi biểu thức một macro, chọn theo adapter.
-#}

{#- The distinct non-null values of `expr` in a group, sorted by their bytes (code points), joined
    with `separator`. DuckDB sorts one list per group, much cheaper than an ordered string_agg over
    the area rows' thousands of files; Postgres orders its string_agg with the C collation, so both
    sort the same whatever the database's locale. -#}
{% macro sorted_distinct_text(expr, separator=',') -%}
    {{ return(adapter.dispatch('sorted_distinct_text')(expr, separator)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_text(expr, separator) -%}
    array_to_string(list_sort(list_distinct(list({{ expr }}))), '{{ separator }}')
{%- endmacro %}

{% macro default__sorted_distinct_text(expr, separator) -%}
    string_agg(distinct {{ expr }} collate "C", '{{ separator }}' order by {{ expr }} collate "C")
{%- endmacro %}

{#- number_text (macros/number_text.sql) on PostgreSQL, where format() knows no '{:,.2f}'. DuckDB's
    text is the double's exact binary value rounded half to even, with the sign of a negative value
    even when it rounds to zero (-0); Postgres would round a numeric of 15 digits half away from zero
    (2.675 reads 2,68 there and 2,67 on DuckDB). So the same is done exactly: |v| = m / 2^k with m an
    integer (scaling a double by a power of two loses nothing), m·10^decimals divided by 2^k in
    numeric, the remainder deciding the rounding, the sign taken from the double's own text. Then
    English separators (1,234.5), Vietnamese ones by swapping them (1.234,5), trailing zeros dropped,
    as number_text promises. -#}
{% macro postgres__number_text(expr, decimals, lang) -%}
    {%- set pattern = 'FM999,999,999,999,999,999,990' ~ ('.' ~ '0' * decimals if decimals > 0 else '') -%}
    {%- set unit = '1' if decimals == 0 else '0.' ~ '0' * (decimals - 1) ~ '1' -%}
    {%- set english -%}
        (
            select
                case when cast(v as text) like '-%' then '-' else '' end
                || to_char(
                    (whole + case when 2 * (q - whole * p) > p or (2 * (q - whole * p) = p and mod(whole, 2) = 1)
                        then 1 else 0 end) * {{ unit }},
                    '{{ pattern }}'
                )
            from (
                select v, q, p, div(q, p) as whole
                from (
                    select
                        v,
                        cast(cast(abs(v) * power(cast(2 as double precision), k) as bigint) as numeric)
                        * {{ 10 ** decimals }} as q,
                        power(cast(2 as numeric), k) as p
                    from (
                        select
                            v,
                            case when v = 0 then 0 else greatest(53 - cast(floor(ln(abs(v)) / ln(2)) as integer), 0)
                            end as k
                        from (select cast({{ expr }} as double precision) as v) as given
                    ) as scaled
                ) as exact_value
            ) as divided
        )
    {%- endset -%}
    {%- if decimals > 0 -%}
        {%- set english = "regexp_replace(regexp_replace(" ~ english ~ ", '0+$', ''), '\\.$', '')" -%}
    {%- endif -%}
    {%- if lang == 'vi' -%}
        translate({{ english }}, ',.', '.,')
    {%- else -%}
        {{ english }}
    {%- endif -%}
{%- endmacro %}
