-- The agency registry, read from DX_REGISTRY_DIR (see macros/registry_csv.sql) with the types the
-- ingestion contract gives each column: gso_code stays text, leading zeros kept.
select *
from {{ registry_csv('ref_agencies.csv', {
    'agency_code': 'varchar',
    'name_vi': 'varchar',
    'name_en': 'varchar',
    'agency_type': 'varchar',
    'level': 'varchar',
    'gso_code': 'varchar',
    'valid_from': 'date',
    'valid_to': 'date',
    'successor_code': 'varchar'
}) }}
