-- Every spelling of an agency, read from DX_REGISTRY_DIR (see macros/registry_csv.sql).
select *
from {{ registry_csv('ref_agency_aliases.csv', {
    'alias': 'varchar',
    'agency_code': 'varchar',
    'alias_type': 'varchar'
}) }}
