{#- The agency registry is the folder DX_REGISTRY_DIR names, the same one ingestion resolves agencies
    with (dagster_project/settings.py exports it for dbt). Without it, dbt run by hand from dbt/
    reads the repository's registry/. Rendered when a model compiles, never stored in the manifest.

    registry_csv(file_name, columns) is what a registry model selects from: the file's rows with the
    given column types (a mapping, in the file's column order). DuckDB reads the CSV itself. A server
    warehouse cannot be asked to open a file on the machine that runs dbt: there the loader has copied
    each registry file (COPY from the client) into the target schema as a table of text columns named
    `registry__<file stem>` (dagster_project/warehouse/pg_load.py), and the model casts them. -#}
{% macro registry_csv(file_name, columns) -%}
    {{ return(adapter.dispatch('registry_csv')(file_name, columns)) }}
{%- endmacro %}

{% macro registry_csv_path(file_name) -%}
    {%- set folder = env_var('DX_REGISTRY_DIR', '../registry') -%}
    '{{ (folder.rstrip('/') ~ '/' ~ file_name) | replace("'", "''") }}'
{%- endmacro %}

{% macro duckdb__registry_csv(file_name, columns) -%}
read_csv(
    {{ registry_csv_path(file_name) }},
    header = true,
    auto_detect = false,
    columns = {
    {%- for name, type in columns.items() %}
        '{{ name }}': '{{ type }}'{{ "," if not loop.last }}
    {%- endfor %}
    }
)
{%- endmacro %}

{% macro default__registry_csv(file_name, columns) -%}
(
    select
    {%- for name, type in columns.items() %}
        cast({{ adapter.quote(name) }} as {{ type }}) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ adapter.quote(target.schema) }}.{{ adapter.quote('registry__' ~ file_name.rsplit('.', 1)[0]) }}
) as registry_rows
{%- endmacro %}
