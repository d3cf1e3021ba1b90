"""Families: one household per home, one family per child, never chained through a third person."""

from datetime import date

import polars as pl

from joinedup.link.families import home_addresses, household_families, relation_families

D0, D1 = date(2023, 1, 1), date(2024, 1, 1)


def _pairs(members: pl.DataFrame) -> set[frozenset]:
    out = set()
    for ids in members.group_by("family_id").agg(pl.col("person_id")).get_column("person_id").to_list():
        out |= {frozenset((a, b)) for a in ids for b in ids if a < b}
    return out


def test_father_of_two_children_never_joins_their_mothers():
    # the father (F) is stated for child C1 (mother M1) and child C2 (mother M2)
    records = pl.DataFrame({"record_id": ["rF", "rM1", "rM2", "rC1", "rC2"],
                            "local_id_pseudo": ["lF", "lM1", "lM2", "lC1", "lC2"],
                            "first_seen": [D0] * 5, "last_seen": [D1] * 5})
    links = pl.DataFrame({"record_id": ["rF", "rM1", "rM2", "rC1", "rC2"], "person_id": ["F", "M1", "M2", "C1", "C2"]})
    relations = pl.DataFrame({"record_id": ["rF", "rM1", "rF", "rM2"], "relation": ["father", "mother", "father", "mother"],
                              "related_local_id_pseudo": ["lC1", "lC1", "lC2", "lC2"],
                              "source": ["csc.family_members"] * 4})
    family, members = relation_families(relations, records, links)
    pairs = _pairs(members)
    assert frozenset(("F", "C1")) in pairs and frozenset(("F", "C2")) in pairs and frozenset(("M1", "C1")) in pairs
    assert frozenset(("M1", "C2")) not in pairs and frozenset(("M2", "C1")) not in pairs
    assert frozenset(("M1", "M2")) not in pairs and frozenset(("C1", "C2")) not in pairs
    assert family.height == 2 and (family["kind"] == "parent_child").all()
    roles = dict(zip(members["person_id"], members["role"]))
    assert roles["F"] == "parent" and roles["C1"] == "child"


def test_one_household_per_home_and_no_postcode_households():
    # A moved out of home H1 (with parents P1, P2) to home H2 (with partner Q); N lives next door to H1
    addresses = pl.DataFrame({
        "record_id": ["a1", "a2", "p1", "p2", "q", "n", "g1", "g2"],
        "address_key": ["H1", "H2", "H1", "H1", "H2", "H1next", "PC", "PC"],
        "first_seen": [D0] * 8, "last_seen": [D1] * 8})
    records = pl.DataFrame({"record_id": ["a1", "a2", "p1", "p2", "q", "n", "g1", "g2"],
                            "source": ["nhs.gp_appointments"] * 6 + ["nhs.ed_attendances"] * 2})
    links = pl.DataFrame({"record_id": ["a1", "a2", "p1", "p2", "q", "n", "g1", "g2"],
                          "person_id": ["A", "A", "P1", "P2", "Q", "N", "G1", "G2"]})
    persons = pl.DataFrame({"person_id": ["A", "P1", "P2", "Q", "N", "G1", "G2"], "birth_year": [2000] + [1970] * 6})
    homes = home_addresses(addresses, records)
    assert set(homes["record_id"]) == {"a1", "a2", "p1", "p2", "q", "n"}  # ED records key a postcode only
    family, members = household_families(homes, links, persons)
    pairs = _pairs(members)
    assert pairs == {frozenset(p) for p in (("A", "P1"), ("A", "P2"), ("P1", "P2"), ("A", "Q"))}
    assert (family["kind"] == "household").all()
