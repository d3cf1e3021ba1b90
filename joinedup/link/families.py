"""Families: households from shared addresses over time, and parent-child (and carer) links that sources state."""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["household_families", "home_addresses", "relation_families", "MAX_HOUSEHOLD", "EVIDENCE_OF_SOURCE",
           "components"]

#: More distinct people than this at one address is a communal establishment (a care home, a block
#: recorded without flat numbers), not one household.
MAX_HOUSEHOLD = 10

#: Source id prefix -> evidence named in family_member.evidence.
EVIDENCE_OF_SOURCE = (("csc.ssda903", "ssda903_mother"), ("csc.cla", "ssda903_mother"),
                      ("csc.", "csc_family_members"), ("education.", "pupil_contacts"), ("asc.", "asc_carer"))
_PARENTAL = {"mother", "father", "parent", "step-parent", "grandparent"}


def _hash_id(prefix: str, text: str) -> str:
    return prefix + hashlib.sha256(f"joinedup-family|{text}".encode()).hexdigest()[:12]


def _evidence(source: str | None) -> str:
    for prefix, evidence in EVIDENCE_OF_SOURCE:
        if source and source.startswith(prefix):
            return evidence
    return "stated_relation"


def household_families(addresses: pl.DataFrame, links: pl.DataFrame, persons: pl.DataFrame,
                       ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """addresses (record_id, address_key, first_seen, last_seen) -> (family, family_member) of kind household.

    The address keys must be homes (postcode and address line, or a UPRN; see `home_addresses`):
    the people who held one home key are one household. A postcode alone is never used: about fifteen
    homes share one, so neighbours would become one household.
    """
    pid = links.select("record_id", "person_id")
    a = (addresses.join(pid, on="record_id")
         .group_by("address_key", "person_id").agg(pl.col("first_seen").min(), pl.col("last_seen").max()))
    # one household per home, never joined through a person who moved: someone who left home for
    # a home of their own sits in both, and their parents never become their partner's household
    a = a.filter(pl.col("person_id").n_unique().over("address_key").is_between(2, MAX_HOUSEHOLD))
    a = a.with_columns(family_id=pl.col("address_key").map_elements(lambda k: _hash_id("H", k), return_dtype=pl.Utf8))
    a = a.join(persons.select("person_id", "birth_year"), on="person_id", how="left").with_columns(
        role=pl.when((pl.col("last_seen").dt.year() - pl.col("birth_year")) < 18).then(pl.lit("child"))
        .otherwise(pl.lit("adult")),
        evidence=pl.lit("shared_address"))
    family = a.group_by("family_id").agg(pl.col("first_seen").min(), pl.col("last_seen").max()).with_columns(
        kind=pl.lit("household"))
    members = a.select("family_id", "person_id", "role", "evidence", "first_seen", "last_seen")
    return family.select("family_id", "kind", "first_seen", "last_seen"), members


def home_addresses(addresses: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """The address keys that name a home: those of records whose source carries an address line.

    Ingest keys a source with an address line by postcode and line, and any other source by its
    postcode alone (joinedup.ingest.loader); only the first kind tells two homes in one postcode apart.
    """
    from joinedup.sources import sources

    with_line = [sid for sid, src in sources().items() if src.role("address") is not None]
    homes = records.filter(pl.col("source").is_in(with_line)).select("record_id")
    return addresses.filter(pl.col("address_key").is_not_null()).join(homes, on="record_id", how="semi")


def _roles(relation: str) -> tuple[str, str]:
    # stated_relation says the stating person is the <relation> of the related person
    if relation in _PARENTAL:
        return "parent", "child"
    if relation == "carer":
        return "adult", "member"
    if relation == "cared_for":
        return "member", "adult"
    return "member", "member"


def relation_families(relations: pl.DataFrame, records: pl.DataFrame, links: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """relations (record_id, relation, related_local_id_pseudo, source) -> families of kind parent_child.

    A family is one child (or person cared for) with the parents and carers stated for them.
    """
    pid = links.select("record_id", "person_id")
    rel = (relations.join(pid, on="record_id")
           .join(records.select("local_id_pseudo", "record_id").rename({"record_id": "rel_record"}),
                 left_on="related_local_id_pseudo", right_on="local_id_pseudo")
           .join(pid.rename({"record_id": "rel_record", "person_id": "related_person"}), on="rel_record")
           .join(records.select("record_id", "first_seen", "last_seen"), on="record_id", how="left")
           .filter(pl.col("person_id") != pl.col("related_person")))
    if rel.height == 0:
        empty = pl.DataFrame(schema={"family_id": pl.Utf8, "kind": pl.Utf8, "first_seen": pl.Date, "last_seen": pl.Date})
        return empty, pl.DataFrame(schema={"family_id": pl.Utf8, "person_id": pl.Utf8, "role": pl.Utf8,
                                           "evidence": pl.Utf8, "first_seen": pl.Date, "last_seen": pl.Date})
    rel = rel.with_columns(
        roles=pl.col("relation").map_elements(lambda r: list(_roles(r or "")), return_dtype=pl.List(pl.Utf8)),
        evidence=pl.col("source").map_elements(_evidence, return_dtype=pl.Utf8))
    # one family per anchor (the child, or the person cared for) with the relatives stated for them,
    # and never the connected component: a parent of two children sits in two families, so the
    # father of one pupil never becomes a parent of another pupil through a third person
    rel = rel.with_columns(anchor=pl.when(pl.col("roles").list.get(0).is_in(["parent", "adult"]))
                           .then(pl.col("related_person")).otherwise(pl.col("person_id")))
    rel = rel.with_columns(family_id=pl.col("anchor").map_elements(lambda p: _hash_id("F", p), return_dtype=pl.Utf8))
    side = [rel.select("family_id", "person_id", role=pl.col("roles").list.get(0), evidence="evidence",
                       first_seen="first_seen", last_seen="last_seen"),
            rel.select("family_id", person_id="related_person", role=pl.col("roles").list.get(1),
                       evidence="evidence", first_seen="first_seen", last_seen="last_seen")]
    members = (pl.concat(side).group_by("family_id", "person_id", "role", "evidence")
               .agg(pl.col("first_seen").min(), pl.col("last_seen").max()))
    family = members.group_by("family_id").agg(pl.col("first_seen").min(), pl.col("last_seen").max()).with_columns(
        kind=pl.lit("parent_child"))
    return family.select("family_id", "kind", "first_seen", "last_seen"), members.select(
        "family_id", "person_id", "role", "evidence", "first_seen", "last_seen")


def components(a: list[str], b: list[str]) -> dict[str, str]:
    """Each node of the edges a[i]-b[i] -> the smallest node of its connected component."""
    # person ids are stable, so family ids (named after the smallest member) are too
    nodes = pl.Series("node", a + b, dtype=pl.Utf8).unique().sort()
    index = {n: i for i, n in enumerate(nodes.to_list())}
    ia = np.fromiter((index[x] for x in a), dtype=np.int64, count=len(a))
    ib = np.fromiter((index[x] for x in b), dtype=np.int64, count=len(b))
    n = len(nodes)
    _, labels = connected_components(coo_matrix((np.ones(len(ia)), (ia, ib)), shape=(n, n)), directed=False)
    # nodes are sorted, so the first node seen with a label is the smallest of its component
    first: dict[int, str] = {}
    for node, label in zip(nodes.to_list(), labels.tolist()):
        first.setdefault(label, node)
    return {node: first[label] for node, label in zip(nodes.to_list(), labels.tolist())}
