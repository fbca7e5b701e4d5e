-- The registry names exactly one reporting area (agency_type 'area'): the town whose plan this warehouse
-- follows. A town office's budget workbook is that area's budget and the area rows sum its units, so a
-- second area (or none) would make them ambiguous: the build stops here, before any mart is published.
select count(*) as areas
from {{ ref('ref_agencies') }}
where agency_type = 'area'
having count(*) <> 1
