with

source_reports as{{ not_materialized() }} (

    select * from {{ source('ingest', 'ingest_reports') }}

),

renamed as (

    select
        report_id,
        file_id,
        kind as report_kind,
        sheet as sheet_name,
        agency_written,
        agency_code,
        period_written,
        period_code,
        is_correction,
        cast(arrival_date as date) as arrival_date,
        path as raw_path,
        is_current

    from source_reports

)

select * from renamed
