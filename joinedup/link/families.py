"""Families: households from shared addresses over time, and parent-child (and carer) links that sources state."""

from __future__ import annotations

import polars as pl
from sqlglot import exp

from joinedup.link.sql import aliased, as_, case, col, concat, count, not_null, number, ref, text, union_all, with_

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


def _first(value: exp.Expression, n: int) -> exp.Substring:
    """The first n characters of a text."""
    return exp.Substring(this=value, start=number(1), length=number(n))


def _family_id(letter: str, key: exp.Expression) -> exp.Expression:
    """letter + the first 12 hex characters of sha256('joinedup-family|' + key)."""
    return concat(text(letter), _first(exp.SHA2(this=concat(text("joinedup-family|"), key), length=number(256)), 12))


def _in(value: exp.Expression, values: list[str]) -> exp.In:
    """value IN ('a', 'b', ...) (IN (NULL), true for nothing, when there are none)."""
    return value.isin(*(map(text, values) if values else [exp.Null()]))


def home_sql(addresses: exp.Table | exp.Query, records: exp.Table | exp.Query) -> exp.Select:
    """The address rows (record_id, address_key, first_seen, last_seen) whose keys name a home (see `home_addresses`)."""
    homes = exp.select(col("record_id")).from_(aliased(records, "r")).where(_in(col("source"), home_sources()))
    return (exp.select(*(col(c, "a") for c in ("record_id", "address_key", "first_seen", "last_seen")))
            .from_(aliased(addresses, "a"))
            .where(exp.and_(not_null(col("address_key", "a")), col("record_id", "a").isin(query=homes))))


def household_sql(homes: exp.Table | exp.Query, links: exp.Table | exp.Query, persons: exp.Table | exp.Query) -> exp.Select:
    """Household members (family_id, person_id, role, evidence, first_seen, last_seen, kind) as a query."""
    a = (exp.select(col("address_key", "h"), col("person_id", "l"), as_(exp.Min(this=col("first_seen", "h")), "first_seen"),
                    as_(exp.Max(this=col("last_seen", "h")), "last_seen"))
         .from_(aliased(homes, "h")).join(aliased(links, "l"), on=col("record_id", "l").eq(col("record_id", "h")))
         .group_by(col("address_key", "h"), col("person_id", "l")))
    # one household per home, never joined through a person who moved: someone who left home for
    # a home of their own sits in both, and their parents never become their partner's household
    shared = (exp.select(col("address_key")).from_(ref("a")).group_by(col("address_key"))
              .having(exp.Between(this=count(col("person_id"), distinct=True), low=number(2), high=number(MAX_HOUSEHOLD))))
    age = exp.Sub(this=exp.Year(this=col("last_seen", "a")), expression=col("birth_year", "p"))
    role = case([(exp.LT(this=exp.Paren(this=age), expression=number(18)), text("child"))], text("adult"))
    members = (exp.select(as_(_family_id("H", col("address_key", "a")), "family_id"), col("person_id", "a"), as_(role, "role"),
                          as_(text("shared_address"), "evidence"), col("first_seen", "a"), col("last_seen", "a"),
                          as_(text("household"), "kind"))
               .from_(ref("a")).join(ref("homes"), on=col("address_key", "homes").eq(col("address_key", "a")))
               .join(aliased(persons, "p"), on=col("person_id", "p").eq(col("person_id", "a")), join_type="left"))
    return with_(members, ("a", a), ("homes", shared))


def relation_sql(relations: exp.Table | exp.Query, records: exp.Table | exp.Query, links: exp.Table | exp.Query) -> exp.Select:
    """Parent-child members (family_id, person_id, role, evidence, first_seen, last_seen, kind) as a query.

    relations (record_id, relation, related_local_id_pseudo, source): the stating record says its
    person is the <relation> of the person whose record has that local id.
    """
    parental = sorted(_PARENTAL)
    relation = col("relation", "x")
    first = case([(_in(relation, parental), text("parent")), (relation.eq(text("carer")), text("adult"))], text("member"))
    second = case([(_in(relation.copy(), parental), text("child")), (relation.eq(text("cared_for")), text("adult"))],
                  text("member"))
    evidence = case([(_first(col("source", "x"), len(prefix)).eq(text(prefix)), text(ev)) for prefix, ev in EVIDENCE_OF_SOURCE],
                    text("stated_relation"))
    rel = (exp.select(col("person_id", "l"), as_(col("person_id", "l2"), "related_person"), as_(first, "role_a"),
                      as_(second, "role_b"), as_(evidence, "evidence"), col("first_seen", "r"), col("last_seen", "r"))
           .from_(aliased(relations, "x"))
           .join(aliased(links, "l"), on=col("record_id", "l").eq(col("record_id", "x")))
           .join(aliased(records, "rr"), on=col("local_id_pseudo", "rr").eq(col("related_local_id_pseudo", "x")))
           .join(aliased(links, "l2"), on=col("record_id", "l2").eq(col("record_id", "rr")))
           .join(aliased(records, "r"), on=col("record_id", "r").eq(col("record_id", "x")), join_type="left")
           .where(exp.NEQ(this=col("person_id", "l"), expression=col("person_id", "l2"))))
    # one family per anchor (the child, or the person cared for) with the relatives stated for them,
    # and never the connected component: a parent of two children sits in two families, so the
    # father of one pupil never becomes a parent of another pupil through a third person
    anchor = case([(_in(col("role_a"), ["parent", "adult"]), col("related_person"))], col("person_id"))
    anchored = exp.select(exp.Star(), as_(_family_id("F", anchor), "family_id")).from_(ref("rel"))
    rest = ("evidence", "first_seen", "last_seen")
    sides = union_all(exp.select(col("family_id"), col("person_id"), as_(col("role_a"), "role"), *map(col, rest)).from_(ref("anchored")),
                      exp.select(col("family_id"), as_(col("related_person"), "person_id"), as_(col("role_b"), "role"),
                                 *map(col, rest)).from_(ref("anchored")))
    keys = ("family_id", "person_id", "role", "evidence")
    members = (exp.select(*map(col, keys), as_(exp.Min(this=col("first_seen")), "first_seen"),
                          as_(exp.Max(this=col("last_seen")), "last_seen"), as_(text("parent_child"), "kind"))
               .from_(ref("sides")).group_by(*map(col, keys)))
    return with_(members, ("rel", rel), ("anchored", anchored), ("sides", sides))


def family_sql(members: exp.Table | exp.Query) -> exp.Select:
    """The family table (family_id, kind, first_seen, last_seen) from members (a table or query with kind)."""
    return (exp.select(col("family_id"), col("kind"), as_(exp.Min(this=col("first_seen")), "first_seen"),
                       as_(exp.Max(this=col("last_seen")), "last_seen"))
            .from_(aliased(members, "m")).group_by(col("family_id"), col("kind")))


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
        family = link.fetch(family_sql(ref(members))).select(list(_FAMILY)).cast(_FAMILY)
        return family, link.fetch(exp.select(exp.Star()).from_(ref(members))).select(list(_MEMBER)).cast(_MEMBER)
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
    return _run(frames, lambda n: household_sql(ref(n["homes"]), ref(n["links"]), ref(n["persons"])))


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
    return _run(frames, lambda n: relation_sql(ref(n["relations"]), ref(n["records"]), ref(n["links"])))

