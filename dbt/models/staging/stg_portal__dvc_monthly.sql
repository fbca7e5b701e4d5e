-- Monthly online-public-services export values from the provincial portal (thống kê DVC trực tuyến hằng tháng),
-- renamed and cast; nothing else.
{{ staging_values_of_kind('dvc_monthly') }}
