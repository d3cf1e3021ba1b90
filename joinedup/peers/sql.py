"""Every SQL statement of the peers stage, in one place (run through the store's backend)."""

from __future__ import annotations

__all__ = [
    "SCHEMA", "TABLES", "LAIT_VALUES", "LAIT_MEASURES", "ASC_VALUES", "ASC_MEDIANS", "ASC_MEASURES",
    "AREAS", "MEASURE", "MEASURES", "NEIGHBOURS", "VALUES_FOR", "OFSTED", "REQUIRED",
]

TABLES = ("peer_area", "peer_measure", "peer_value", "peer_neighbours", "peer_ofsted", "peer_import")

SCHEMA = """
CREATE OR REPLACE TABLE peer_area (
    area_code VARCHAR PRIMARY KEY, la_number SMALLINT, area_name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, region VARCHAR, former VARCHAR[], abolished SMALLINT);
CREATE OR REPLACE TABLE peer_measure (
    id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, topic VARCHAR, polarity VARCHAR NOT NULL,
    unit VARCHAR, description VARCHAR, year_type VARCHAR, denominator VARCHAR,
    scheme VARCHAR NOT NULL, england_basis VARCHAR NOT NULL, source VARCHAR NOT NULL);
CREATE OR REPLACE TABLE peer_value (
    measure_id VARCHAR NOT NULL, period VARCHAR NOT NULL, period_end SMALLINT,
    area_code VARCHAR NOT NULL, la_number SMALLINT, area_name VARCHAR NOT NULL,
    value DOUBLE, status VARCHAR NOT NULL, reason VARCHAR, polarity VARCHAR NOT NULL,
    unit VARCHAR, source VARCHAR NOT NULL);
CREATE OR REPLACE TABLE peer_neighbours (
    scheme VARCHAR NOT NULL, area_code VARCHAR NOT NULL, la_number SMALLINT,
    neighbour_code VARCHAR NOT NULL, neighbour_la_number SMALLINT, rank SMALLINT, closeness VARCHAR);
CREATE OR REPLACE TABLE peer_ofsted (
    area_code VARCHAR NOT NULL, la_number SMALLINT, area_name VARCHAR, overall VARCHAR,
    impact_of_leaders VARCHAR, help_and_protection VARCHAR, in_care VARCHAR, care_leavers VARCHAR,
    framework VARCHAR, inspection_start VARCHAR, inspection_end VARCHAR, publication_date VARCHAR,
    link VARCHAR);
CREATE OR REPLACE TABLE peer_import (
    file VARCHAR NOT NULL, target VARCHAR NOT NULL, rows_read BIGINT NOT NULL,
    rows_written BIGINT NOT NULL, imported_at TIMESTAMP NOT NULL);
"""

# _vmap, _pmap, _areas and _dict are small tables registered from Python (parsed value marks,
# period ends, the area list and the normalised dictionary).
LAIT_VALUES = """
INSERT INTO peer_value
SELECT l.measure_code, l.period, p.period_end, a.area_code, l.la_number, a.area_name,
       v.value, v.status, v.reason, coalesce(d.polarity, 'none'), d.unit, 'DfE LAIT'
FROM read_parquet(?) l
JOIN _areas a ON a.la_number = l.la_number
JOIN _vmap v ON v.text = l.value
JOIN _pmap p ON p.period = l.period
LEFT JOIN _dict d ON d.id = l.measure_code
"""

LAIT_MEASURES = """
INSERT INTO peer_measure
SELECT id, coalesce(title, id), topic, polarity, unit, description, year_type, NULL,
       'dfe_children_2025', 'England', 'DfE LAIT'
FROM _dict WHERE id IN (SELECT DISTINCT measure_id FROM peer_value WHERE source = 'DfE LAIT')
"""

ASC_VALUES = """
INSERT INTO peer_value
SELECT o.measure_code, o.financial_year, p.period_end, o.area_code, a.la_number,
       coalesce(a.area_name, o.area_name), o.value,
       CASE WHEN o.value IS NULL THEN 'missing' ELSE 'value' END,
       CASE WHEN o.value IS NULL THEN 'blank in the source' END,
       m.polarity, m.unit, 'Oflog ASC'
FROM _asc o
JOIN _pmap p ON p.period = o.financial_year
JOIN _ascm m ON m.id = o.measure_code
LEFT JOIN _codes a ON a.code = o.area_code
"""

# Oflog's file carries the median of councils on every row; it stands in for England.
ASC_MEDIANS = """
INSERT INTO peer_value
SELECT o.measure_code, o.financial_year, any_value(p.period_end), 'E92000001', 970,
       'England (median of councils)', any_value(o.median), 'value', NULL,
       any_value(m.polarity), any_value(m.unit), 'Oflog ASC'
FROM _asc o JOIN _pmap p ON p.period = o.financial_year JOIN _ascm m ON m.id = o.measure_code
WHERE o.median IS NOT NULL
GROUP BY o.measure_code, o.financial_year
"""

ASC_MEASURES = """
INSERT INTO peer_measure
SELECT id, title, 'Adult social care', polarity, unit, description, 'Financial Year', NULL,
       'asc_nearest_15', 'median of councils', 'Oflog ASC'
FROM _ascm
"""

#: The tables `peers compare` cannot work without.
REQUIRED = ("peer_value", "peer_area", "peer_measure", "peer_neighbours")

AREAS = "SELECT area_code, la_number, area_name, kind, region, former, abolished FROM peer_area ORDER BY kind <> 'council', la_number"

MEASURE = "SELECT id, title, topic, polarity, unit, description, denominator, scheme, england_basis, source FROM peer_measure WHERE id = ?"

MEASURES = "SELECT id, title, topic, polarity, unit, scheme, source FROM peer_measure ORDER BY source, topic, id"

NEIGHBOURS = """
SELECT n.neighbour_code, coalesce(a.area_name, n.neighbour_code), n.neighbour_la_number, n.rank, n.closeness
FROM peer_neighbours n LEFT JOIN peer_area a ON a.area_code = n.neighbour_code
WHERE n.scheme = ? AND n.area_code = ?
ORDER BY n.rank NULLS LAST, n.neighbour_code
"""

VALUES_FOR = """
SELECT measure_id, area_code, period, period_end, value, status, reason
FROM peer_value
WHERE measure_id IN (SELECT unnest(?::VARCHAR[])) AND area_code IN (SELECT unnest(?::VARCHAR[]))
ORDER BY measure_id, area_code, period_end
"""

OFSTED = """
SELECT area_name, overall, impact_of_leaders, help_and_protection, in_care, care_leavers,
       framework, inspection_start, inspection_end, publication_date, link
FROM peer_ofsted WHERE area_code = ?
"""
