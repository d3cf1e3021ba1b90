import polars as pl
from hypothesis import HealthCheck, given, settings, strategies as st

from joinedup.link.cluster import METHOD_RANK, cluster_records
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


# -- the guarded clustering in SQL against a loop written here ----------------------------------------
def reference_guarded(recs: pl.DataFrame, edges: pl.DataFrame, apart: list[tuple[str, str]],
                      guard_local_ids: bool) -> dict[str, int]:
    """Each record's cluster by a loop: edges strongest first, each merge refused if it joins two values of one kind.

    Kinds: the NHS number, (with the guard) each system's local id, and each no-match pair (its two
    records hold two values). A component with no conflict is never refused a merge, so this one loop
    is both the plain connected components and the guard's split. Clusters are numbered 0, 1... by
    their smallest record id.
    """
    keys: dict[str, dict[str, set[str]]] = {u: {} for u in recs["unique_id"]}
    for u, nhs, system, local in recs.iter_rows():
        if nhs is not None:
            keys[u].setdefault("nhs", set()).add(nhs)
        if guard_local_ids and system is not None and local is not None:
            keys[u].setdefault(f"system {system}", set()).add(local)
    for a, b in apart:
        keys[a].setdefault(f"apart {a} {b}", set()).add(a)
        keys[b].setdefault(f"apart {a} {b}", set()).add(b)
    root = {u: u for u in keys}

    def find(x: str) -> str:
        while root[x] != x:
            x = root[x]
        return x

    order = sorted(edges.iter_rows(), key=lambda e: (-e[2], -METHOD_RANK[e[3]], min(e[0], e[1]), max(e[0], e[1])))
    for a, b, _, _ in order:
        ra, rb = find(a), find(b)
        if ra == rb or any(k in keys[rb] and not keys[ra][k] & keys[rb][k] for k in keys[ra]):
            continue
        root[rb] = ra
        for k, v in keys.pop(rb).items():
            keys[ra].setdefault(k, set()).update(v)
    firsts = {u: min(x for x in root if find(x) == find(u)) for u in root}
    rank = {f: i for i, f in enumerate(sorted(set(firsts.values())))}
    return {u: rank[f] for u, f in firsts.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_guarded_clusters_are_the_loops(data):
    n = data.draw(st.integers(1, 14))
    # ids whose text order is not their number's (r10 before r2)
    uids = [f"r{i}" for i in range(n)]
    recs = pl.DataFrame({"unique_id": uids,
                         "nhs_key": [data.draw(st.sampled_from([None, None, "n1", "n2", "n3"])) for _ in uids],
                         "system": [data.draw(st.sampled_from([None, "gp", "csc"])) for _ in uids],
                         "local_id_pseudo": [data.draw(st.sampled_from([None, "a", "b"])) for _ in uids]},
                        schema={"unique_id": pl.Utf8, "nhs_key": pl.Utf8, "system": pl.Utf8, "local_id_pseudo": pl.Utf8})
    pair = st.tuples(st.sampled_from(uids), st.sampled_from(uids)).filter(lambda e: e[0] != e[1])
    rows = data.draw(st.lists(st.tuples(pair, st.sampled_from([0.9, 0.95, 1.0]), st.sampled_from(sorted(METHOD_RANK))),
                              max_size=3 * n)) if n > 1 else []
    edges = _edges([(a, b, p, m) for (a, b), p, m in rows])
    apart = data.draw(st.lists(pair, max_size=2, unique=True)) if n > 1 else []
    guard_local_ids = data.draw(st.booleans())
    got = cluster_records(recs, edges, guard_local_ids=guard_local_ids,
                          cannot_link=pl.DataFrame({"uid_l": [a for a, _ in apart], "uid_r": [b for _, b in apart]},
                                                   schema={"uid_l": pl.Utf8, "uid_r": pl.Utf8}))
    assert dict(zip(got["unique_id"], got["cluster"])) == reference_guarded(recs, edges, apart, guard_local_ids)
