{#- The four staging models differ only in the kind of file they read: one macro serves all. -#}
{% macro staging_values_of_kind(kind) %}
with

source_values as (

    select * from {{ source('ingest', 'ingest_values') }}

),

renamed as (

    select
        report_id,
        file_id,
        sheet as sheet_name,
        cast(row_number as integer) as source_row,
        row_role,
        section as budget_section,
        agency_written,
        agency_code,
        period_written,
        period_code,
        item_code,
        value_text,
        cast(value as double precision) as value_as_written,
        unit as unit_as_written

    from source_values
    where kind = '{{ kind }}'

)

select * from renamed
{% endmacro %}
