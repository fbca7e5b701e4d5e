{#- The agency registry is the folder DX_REGISTRY_DIR names, the same one ingestion resolves agencies
    with (dagster_project/settings.py exports it for dbt). Without it, dbt run by hand from dbt/
    reads the repository's registry/. Rendered when a model compiles, never stored in the manifest. -#}
{% macro registry_csv(file_name) -%}
    {%- set folder = env_var('DX_REGISTRY_DIR', '../registry') -%}
    '{{ (folder.rstrip('/') ~ '/' ~ file_name) | replace("'", "''") }}'
{%- endmacro %}
