{#-
    The one comparator rule: whether `lhs` stands in the relation the comparator column names to `rhs`
    ('>' strictly above, '>=' at least), compared exactly as written (80.0 fails > 80 and meets >= 80).
    Null when either side or the comparator is null, or the comparator is one the rules do not know.
    Target attainment (int_indicator_attainment) and the budget floor (int_budget_judgement) both use it.
-#}
{% macro comparator_holds(lhs, comparator, rhs) -%}
    case
        when {{ comparator }} = '>' then {{ lhs }} > {{ rhs }}
        when {{ comparator }} = '>=' then {{ lhs }} >= {{ rhs }}
    end
{%- endmacro %}
