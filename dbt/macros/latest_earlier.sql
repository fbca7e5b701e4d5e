{#-
  Each row's latest earlier period, the one rule behind a unit's previous share (dq_flag_indicators) and
  its previous report of a kind (dq_flag_repeated_figures): among the `candidates` of the row's partition
  that ended before the row starts (no overlap), the one ending last and, of two ending the same day, the
  later-starting one (then `tie_breaker`'s columns). Both relations carry period_start and period_end.

  Written as with-list entries: `<name>__candidates` numbers the candidates in that order;
  `<name>__timeline` puts candidates on their end day and rows on their start day (on the same day the row
  comes first, since a candidate ending the day it starts overlaps it), where a running max() of the
  numbers gives each row its candidate; `<name>` holds one row per row that has one, its `partition_by`
  and `row_key` columns and the candidate's `columns` as `previous_<column>`. One ordered pass: pairing
  each row with every earlier one, as before, was 1.4 million rows on the nation world and most of the
  models' time on Postgres. `row_key` columns are text.
  Kỳ trước gần nhất, không chồng lấn, của mỗi dòng: một quy tắc cho cả hai phép kiểm tra dùng nó.
-#}
{% macro latest_earlier(name, rows, candidates, partition_by, row_key, columns, tie_breaker=[]) -%}
{%- set partition = partition_by | join(', ') -%}
{{ name }}__candidates as (

    select
        {{ partition }},
        period_end,
        {{ columns | join(', ') }},
        row_number() over (
            partition by {{ partition }}
            order by period_end, period_start{% for column in tie_breaker %}, {{ column }}{% endfor %}
        ) as candidate_seq

    from {{ candidates }}

),

{{ name }}__timeline as (

    select
        {{ partition }},
        {%- for column in row_key %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        period_end as event_day,
        1 as event_order,
        candidate_seq

    from {{ name }}__candidates

    union all

    select distinct
        {{ partition }},
        {{ row_key | join(', ') }},
        period_start as event_day,
        0 as event_order,
        cast(null as bigint) as candidate_seq

    from {{ rows }}

),

{{ name }}__latest as (

    select
        {{ partition }},
        {{ row_key | join(', ') }},
        event_order,
        max(candidate_seq) over (
            partition by {{ partition }}
            order by event_day, event_order
            rows between unbounded preceding and current row
        ) as previous_seq

    from {{ name }}__timeline

),

{{ name }} as (

    select
        {%- for column in partition_by + row_key %}
        {{ name }}__latest.{{ column }},
        {%- endfor %}
        {%- for column in columns %}
        {{ name }}__candidates.{{ column }} as previous_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}

    from {{ name }}__latest
    inner join {{ name }}__candidates
        on {{ name }}__latest.previous_seq = {{ name }}__candidates.candidate_seq
        {%- for column in partition_by %}
        and {{ name }}__latest.{{ column }} = {{ name }}__candidates.{{ column }}
        {%- endfor %}
    where {{ name }}__latest.event_order = 0

)
{%- endmacro %}
