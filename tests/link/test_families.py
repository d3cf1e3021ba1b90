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


def test_a_link_run_never_chains_a_family_through_a_third_person(tmp_path):
    """On a hand-made store, a man stated as father of two children in two other homes joins each
    child's family (beside that child's mother), and nothing more: the children and their mothers stay apart."""
    from place import build_place, make_people, pseudo

    from joinedup.link.index import build_index
    from tests.store_con import connect

    n, seed = 80, 21
    store = build_place(tmp_path, n=n, seed=seed)
    people = make_people(n, seed)
    kids = [p for p in people if p["mother"] and p["upn"]]
    c1 = kids[0]
    c2 = next(p for p in kids if p["household"] != c1["household"])
    x = next(p for p in people if not p["child"] and p["household"] not in (c1["household"], c2["household"]))
    truth = pl.read_csv(tmp_path / "truth" / "records.csv")
    x_gp = truth.filter((pl.col("person_id") == x["person_id"]) & (pl.col("source") == "nhs.gp_appointments"))
    if x_gp.height == 0:  # the stating record: the man's own GP registration, as a case system would hold him
        x = next(p for p in people if not p["child"] and p["household"] not in (c1["household"], c2["household"])
                 and truth.filter((pl.col("person_id") == p["person_id"])
                                  & (pl.col("source") == "nhs.gp_appointments")).height)
    x_record = pseudo("nhs.gp_appointments", f"G{x['person_id']:06d}")
    con = connect(store)
    con.execute("INSERT INTO stated_relation (record_id, relation, related_system, related_local_id_pseudo, source) "
                "VALUES (?, 'father', 'education.pupil', ?, 'csc.family_members'), "
                "(?, 'father', 'education.pupil', ?, 'csc.family_members')",
                [x_record, pseudo("education.pupil", c1["upn"]), x_record, pseudo("education.pupil", c2["upn"])])
    con.close()
    build_index(store)

    con = connect(store, read_only=True)
    links = dict(con.execute("SELECT record_id, person_id FROM person_source_link").fetchall())
    members = pl.DataFrame(con.execute("SELECT family_id, person_id, role FROM family_member").fetchall(),
                           schema=["family_id", "person_id", "role"], orient="row")
    con.close()
    true_of = {links[pseudo(r["source"], r["local_id"])]: r["person_id"]
               for r in truth.iter_rows(named=True) if pseudo(r["source"], r["local_id"]) in links}
    pairs = {frozenset((true_of[a], true_of[b])) for a, b in _pairs(members) if a in true_of and b in true_of
             and true_of[a] != true_of[b]}
    m1, m2 = c1["mother"], c2["mother"]
    X, C1, C2 = x["person_id"], c1["person_id"], c2["person_id"]
    assert frozenset((X, C1)) in pairs and frozenset((X, C2)) in pairs          # stated: joined
    assert frozenset((m1, C1)) in pairs and frozenset((m2, C2)) in pairs
    for a, b in ((m1, C2), (m2, C1), (C1, C2), (m1, m2)):                        # through X only: never
        assert frozenset((a, b)) not in pairs, (a, b)
    # and every pair in any family shares a true home, a stated relation, or a child both are stated
    # parents of (one family per child): no chains anywhere
    home = {p["person_id"]: p["household"] for p in people}
    stated = {frozenset((p["mother"], p["person_id"])) for p in people if p["mother"]}
    stated |= {frozenset((X, C1)), frozenset((X, C2)), frozenset((X, m1)), frozenset((X, m2))}
    assert all(home[a] == home[b] or frozenset((a, b)) in stated for a, b in map(tuple, pairs))
