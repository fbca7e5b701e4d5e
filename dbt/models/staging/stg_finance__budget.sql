-- Budget workbook values: regular and digital-transformation spending, estimate and actual (dự toán, thực hiện chi
-- thường xuyên), renamed and cast; nothing else.
{{ staging_values_of_kind('budget') }}
