{{ config(materialized='table') }}
-- The reviewers' acceptances, from the reviewed-values file the review step copied into the build database.
{#- A build database the review step has not written yet (a bare `dbt build`) holds no reviews. -#}
{%- set reviews_relation = source('reviews', 'dq_reviews') -%}
{%- set reviews_exist = not execute or adapter.get_relation(
    database=reviews_relation.database, schema=reviews_relation.schema, identifier=reviews_relation.identifier
) is not none %}

with

reviews as (

    {%- if reviews_exist %}

    select * from {{ reviews_relation }}
{%- else %}

        select
            cast(null as {{ dbt.type_string() }}) as flag_id,
            cast(null as {{ dbt.type_string() }}) as reviewed_by,
            cast(null as {{ dbt.type_timestamp() }}) as reviewed_at,
            cast(null as {{ dbt.type_string() }}) as decision,
            cast(null as {{ dbt.type_string() }}) as note
        where 1 = 0
    {%- endif %}

),

final as (

    select
        flag_id,
        reviewed_by,
        reviewed_at,
        note

    from reviews
    where decision = 'accept'

)

select * from final
