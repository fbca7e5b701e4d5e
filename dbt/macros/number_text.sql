{#
    A number written for a person inside a reason sentence, in the sentence's language:
    lang 'vi' writes Vietnamese separators (10.389; 1,16), lang 'en' English ones (10,389; 1.16).
    The value is rounded to `decimals` and trailing zeros are dropped, so 40.0 reads 40 and 1.10 reads 1,1;
    the same figure therefore reads the same on every adapter, never as a float's default text (10389.0).
    The Python side of the same rule is dagster_project/reports/vn_format.py.
#}
{% macro number_text(expr, decimals=0, lang='vi') -%}
    {{ return(adapter.dispatch('number_text')(expr, decimals, lang)) }}
{%- endmacro %}

{% macro default__number_text(expr, decimals, lang) -%}
    {%- set english -%}
        format('{:,.{{ decimals }}f}', cast({{ expr }} as double))
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
