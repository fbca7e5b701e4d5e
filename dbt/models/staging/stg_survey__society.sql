-- Annual digital society and economy survey values (báo cáo số liệu xã hội số, kinh tế số), renamed and cast; nothing
-- else.
{{ staging_values_of_kind('society_survey') }}
