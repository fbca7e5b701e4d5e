-- The warehouse's "today": the latest arrival date of any report in the raw tree, never the clock, so reruns agree.
-- The one place it is computed; the submissions owed and the scorecard both read it.
with

reports as{{ not_materialized() }} (

    select * from {{ ref('stg_ingest__reports') }}

),

final as (

    select max(arrival_date) as as_of_date
    from reports

)

select * from final
