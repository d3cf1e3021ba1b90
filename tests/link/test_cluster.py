import polars as pl

from joinedup.link.cluster import cluster_records
from joinedup.link.ids import assign_ids
from tests.link.cluster_frames import edges as _edges, records as _records



def test_connected_components():
    c = cluster_records(_records([None] * 4), _edges([("0", "1", 0.99, "probabilistic"),
                                                      ("1", "2", 0.95, "probabilistic")]))
    labels = dict(zip(c["unique_id"], c["cluster"]))
    assert labels["0"] == labels["1"] == labels["2"] != labels["3"]


def test_chain_of_two_nhs_numbers_breaks_at_weakest_edge():
    # 0 and 3 hold different verified NHS numbers; the chain 0-1-2-3 must break at 1-2 (the weakest)
    recs = _records(["n1", None, None, "n2"])
    c = cluster_records(recs, _edges([("0", "1", 0.99, "probabilistic"), ("1", "2", 0.91, "probabilistic"),
                                      ("2", "3", 0.98, "probabilistic")]))
    labels = dict(zip(c["unique_id"], c["cluster"]))
    assert labels["0"] == labels["1"] and labels["2"] == labels["3"] and labels["1"] != labels["2"]


def test_two_local_ids_of_one_system_are_two_people():
    recs = pl.DataFrame({"unique_id": ["0", "1"], "nhs_key": [None, None], "system": ["csc", "csc"],
                         "local_id_pseudo": ["a", "b"]}, schema={"unique_id": pl.Utf8, "nhs_key": pl.Utf8,
                                                                 "system": pl.Utf8, "local_id_pseudo": pl.Utf8})
    c = cluster_records(recs, _edges([("0", "1", 0.97, "probabilistic")]), guard_local_ids=True)
    assert c["cluster"].n_unique() == 2
    # by default a system's duplicate registrations (two ids, one person) may be joined
    c = cluster_records(recs, _edges([("0", "1", 0.97, "probabilistic")]))
    assert c["cluster"].n_unique() == 1


def test_ids_are_kept_by_maximum_overlap():
    first = assign_ids(pl.DataFrame({"unique_id": ["a", "b", "c"], "cluster": [0, 0, 1]}), None)
    prev = first.rename({"unique_id": "record_id"})
    again = assign_ids(pl.DataFrame({"unique_id": ["a", "b", "c", "d"], "cluster": [5, 5, 6, 7]}), prev)
    old, new = dict(zip(first["unique_id"], first["person_id"])), dict(zip(again["unique_id"], again["person_id"]))
    assert new["a"] == old["a"] and new["c"] == old["c"] and new["d"] not in old.values()
    assert all(p.startswith("P") and len(p) == 13 for p in new.values())


def test_incremental_keeps_known_records_where_they_were():
    prev = pl.DataFrame({"record_id": ["a", "b"], "person_id": ["P1", "P2"]})
    out = assign_ids(pl.DataFrame({"unique_id": ["a", "b", "c"], "cluster": [0, 0, 0]}), prev, incremental=True)
    got = dict(zip(out["unique_id"], out["person_id"]))
    assert got["a"] == "P1" and got["b"] == "P2" and got["c"] in {"P1", "P2"}


def test_ties_break_by_record_id_whatever_order_the_edges_come_in():
    # a chain n1 - x - y - n2 of equally strong exact links must break, and break at the same link, on every run
    recs = _records(["n1", None, None, "n2", None])
    rows = [("0", "1", 1.0, "nhs_number"), ("1", "2", 1.0, "nhs_number"), ("2", "3", 1.0, "nhs_number"),
            ("3", "4", 1.0, "nhs_number")]
    seen = set()
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]):
        for rec_order in (list(range(5)), [4, 2, 0, 3, 1]):
            c = cluster_records(recs[rec_order], _edges([rows[k] for k in order])).sort("unique_id")
            seen.add(tuple(c["cluster"].to_list()))
    assert len(seen) == 1
    labels = seen.pop()
    assert labels[0] != labels[3]
