"""Families: households from shared addresses over time, and parent-child (and carer) links that sources state."""

from __future__ import annotations

import polars as pl

__all__ = ["household_families", "home_addresses", "relation_families", "MAX_HOUSEHOLD", "EVIDENCE_OF_SOURCE",
           "home_sql", "household_sql", "relation_sql", "family_sql", "home_sources"]

#: More distinct people than this at one address is a communal establishment (a care home, a block
#: recorded without flat numbers), not one household.
MAX_HOUSEHOLD = 10

#: Source id prefix -> evidence named in family_member.evidence.
EVIDENCE_OF_SOURCE = (("csc.ssda903", "ssda903_mother"), ("csc.cla", "ssda903_mother"),
                      ("csc.", "csc_family_members"), ("education.", "pupil_contacts"), ("asc.", "asc_carer"))
_PARENTAL = {"mother", "father", "parent", "step-parent", "grandparent"}


def home_sources() -> list[str]:
    """Source ids whose records carry an address line (their address keys name a home)."""
    from joinedup.sources import sources

    return sorted(sid for sid, src in sources().items() if src.role("address") is not None)


def _quoted(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "NULL"


def home_sql(addresses: str, records: str) -> str:
    """The address rows (record_id, address_key, first_seen, last_seen) whose keys name a home (see `home_addresses`)."""
    return (f"SELECT a.record_id, a.address_key, a.first_seen, a.last_seen FROM {addresses} AS a "
            f"WHERE a.address_key IS NOT NULL AND a.record_id IN (SELECT record_id FROM {records} "
            f"WHERE source IN ({_quoted(home_sources())}))")


def household_sql(homes: str, links: str, persons: str) -> str:
    """Household members (family_id, person_id, role, evidence, first_seen, last_seen, kind) as a query."""
    return f"""
    WITH a AS (
        SELECT h.address_key, l.person_id, MIN(h.first_seen) AS first_seen, MAX(h.last_seen) AS last_seen
        FROM ({homes}) AS h JOIN {links} AS l ON l.record_id = h.record_id GROUP BY h.address_key, l.person_id),
    homes AS (
        -- one household per home, never joined through a person who moved: someone who left home for
        -- a home of their own sits in both, and their parents never become their partner's household
        SELECT address_key FROM a GROUP BY address_key HAVING COUNT(DISTINCT person_id) BETWEEN 2 AND {MAX_HOUSEHOLD})
    SELECT 'H' || SUBSTR(SHA256('joinedup-family|' || a.address_key), 1, 12) AS family_id, a.person_id,
           CASE WHEN (YEAR(a.last_seen) - p.birth_year) < 18 THEN 'child' ELSE 'adult' END AS role,
           'shared_address' AS evidence, a.first_seen, a.last_seen, 'household' AS kind
    FROM a JOIN homes ON homes.address_key = a.address_key LEFT JOIN {persons} AS p ON p.person_id = a.person_id"""


def relation_sql(relations: str, records: str, links: str) -> str:
    """Parent-child members (family_id, person_id, role, evidence, first_seen, last_seen, kind) as a query.

    relations (record_id, relation, related_local_id_pseudo, source): the stating record says its
    person is the <relation> of the person whose record has that local id.
    """
    parental = _quoted(sorted(_PARENTAL))
    first = f"CASE WHEN x.relation IN ({parental}) THEN 'parent' WHEN x.relation = 'carer' THEN 'adult' ELSE 'member' END"
    second = f"CASE WHEN x.relation IN ({parental}) THEN 'child' WHEN x.relation = 'cared_for' THEN 'adult' ELSE 'member' END"
    evidence = " ".join(f"WHEN SUBSTR(x.source, 1, {len(prefix)}) = '{prefix}' THEN '{ev}'" for prefix, ev in EVIDENCE_OF_SOURCE)
    return f"""
    WITH rel AS (
        SELECT l.person_id, l2.person_id AS related_person, {first} AS role_a, {second} AS role_b,
               CASE {evidence} ELSE 'stated_relation' END AS evidence, r.first_seen, r.last_seen
        FROM {relations} AS x JOIN {links} AS l ON l.record_id = x.record_id
        JOIN {records} AS rr ON rr.local_id_pseudo = x.related_local_id_pseudo
        JOIN {links} AS l2 ON l2.record_id = rr.record_id
        LEFT JOIN {records} AS r ON r.record_id = x.record_id
        WHERE l.person_id <> l2.person_id),
    anchored AS (
        -- one family per anchor (the child, or the person cared for) with the relatives stated for them,
        -- and never the connected component: a parent of two children sits in two families, so the
        -- father of one pupil never becomes a parent of another pupil through a third person
        SELECT *, 'F' || SUBSTR(SHA256('joinedup-family|' ||
                  CASE WHEN role_a IN ('parent', 'adult') THEN related_person ELSE person_id END), 1, 12) AS family_id
        FROM rel),
    sides AS (
        SELECT family_id, person_id, role_a AS role, evidence, first_seen, last_seen FROM anchored
        UNION ALL SELECT family_id, related_person AS person_id, role_b AS role, evidence, first_seen, last_seen FROM anchored)
    SELECT family_id, person_id, role, evidence, MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen,
           'parent_child' AS kind
    FROM sides GROUP BY family_id, person_id, role, evidence"""


def family_sql(members: str) -> str:
    """The family table (family_id, kind, first_seen, last_seen) from a members query with kind."""
    return (f"SELECT family_id, kind, MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen "
            f"FROM ({members}) AS m GROUP BY family_id, kind")


_FAMILY = {"family_id": pl.Utf8, "kind": pl.Utf8, "first_seen": pl.Date, "last_seen": pl.Date}
_MEMBER = {"family_id": pl.Utf8, "person_id": pl.Utf8, "role": pl.Utf8, "evidence": pl.Utf8,
           "first_seen": pl.Date, "last_seen": pl.Date}


def _run(frames: dict[str, pl.DataFrame], build) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Copy frames into a scratch DuckDB, run a members query built from their table names: (family, members)."""
    from joinedup.link.sql import LinkSQL
    from joinedup.store import Store

    scratch = Store.memory()
    try:
        link = LinkSQL(scratch.backend)
        names = {k: link.put(k, f) for k, f in frames.items()}
        members = link.table("members", build(names))
        family = link.fetch(family_sql(f"SELECT * FROM {members}")).select(list(_FAMILY)).cast(_FAMILY)
        return family, link.fetch(f"SELECT * FROM {members}").select(list(_MEMBER)).cast(_MEMBER)
    finally:
        scratch.close()


def household_families(addresses: pl.DataFrame, links: pl.DataFrame, persons: pl.DataFrame,
                       ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """addresses (record_id, address_key, first_seen, last_seen) -> (family, family_member) of kind household.

    The address keys must be homes (postcode and address line, or a UPRN; see `home_addresses`):
    the people who held one home key are one household. A postcode alone is never used: about fifteen
    homes share one, so neighbours would become one household. (The link run uses `household_sql` in the store.)
    """
    frames = {"homes": addresses.select("record_id", "address_key", "first_seen", "last_seen"),
              "links": links.select("record_id", "person_id"), "persons": persons.select("person_id", "birth_year")}
    return _run(frames, lambda n: household_sql(f"SELECT * FROM {n['homes']}", n["links"], n["persons"]))


def home_addresses(addresses: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """The address keys that name a home: those of records whose source carries an address line.

    Ingest keys a source with an address line by postcode and line, and any other source by its
    postcode alone (joinedup.ingest.loader); only the first kind tells two homes in one postcode apart.
    """
    homes = records.filter(pl.col("source").is_in(home_sources())).select("record_id")
    return addresses.filter(pl.col("address_key").is_not_null()).join(homes, on="record_id", how="semi")


def relation_families(relations: pl.DataFrame, records: pl.DataFrame, links: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """relations (record_id, relation, related_local_id_pseudo, source) -> families of kind parent_child.

    A family is one child (or person cared for) with the parents and carers stated for them.
    (The link run uses `relation_sql` in the store.)
    """
    frames = {"relations": relations.select("record_id", "relation", "related_local_id_pseudo", "source"),
              "records": records.select("record_id", "local_id_pseudo", "first_seen", "last_seen"),
              "links": links.select("record_id", "person_id")}
    return _run(frames, lambda n: relation_sql(n["relations"], n["records"], n["links"]))

