-- Quarterly digital-transformation report values (báo cáo kết quả chuyển đổi số quý), renamed and cast; nothing else.
{{ staging_values_of_kind('dx_quarterly') }}
