import json

from place import build_place, make_people, make_records

from joinedup.store.schema import LINK_TABLES
from tests.store_con import connect


def _columns(store, table):
    con = connect(str(store), read_only=True)
    try:
        return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
    finally:
        con.close()


def _query(store, sql):
    con = connect(str(store), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_link_tables_have_the_schema_columns(place):
    for t in LINK_TABLES:
        assert [c[0] for c in _columns(place, t.name)] == t.column_names


def test_every_record_has_one_person(place):
    n_records, n_links, n_distinct = _query(place, """
        SELECT (SELECT count(*) FROM person_record), count(*), count(DISTINCT record_id) FROM person_source_link""")[0]
    assert n_records == n_links == n_distinct
    methods = {r[0] for r in _query(place, "SELECT DISTINCT method FROM person_source_link")}
    assert {"nhs_number", "probabilistic"} <= methods <= {"nhs_number", "upn", "local_id", "probabilistic", "singleton"}


def test_no_identifiers_in_the_store(place):
    tables = [r[0] for r in _query(place, "SELECT table_name FROM information_schema.tables")]
    text = " ".join(str(v) for t in tables for row in _query(place, f"SELECT * FROM {t}") for v in row).lower()
    assert "elizabeth" not in text and "high street" not in text


def test_evaluate_json(place, run_cli):
    code, out, err = run_cli("link", "evaluate", "--db", str(place), "--truth", str(place.parent / "truth"), "--json")
    assert code == 0, err
    f = json.loads(out)
    assert set(f) == {"pairwise", "clusters", "families"}
    assert set(f["pairwise"]) == {"precision", "recall", "f1", "tp", "fp", "fn"}
    assert set(f["clusters"]) == {"true_persons", "found_persons", "split", "merged"}
    assert set(f["families"]) == {"precision", "recall"}
    assert f["pairwise"]["f1"] >= 0.97
    assert f["families"]["precision"] > 0.5 and f["families"]["recall"] > 0.5


def test_report_has_no_identifiers(place, run_cli, tmp_path):
    out = tmp_path / "r.html"
    code, _, err = run_cli("link", "report", "--db", str(place), "--out", str(out), "--truth", str(place.parent / "truth"))
    assert code == 0, err
    html = out.read_text()
    assert "Parameters learnt" in html and "Examples near the threshold" in html and "data:image/png" in html
    assert "pairwise f1" in html
    for word in ("Elizabeth", "Smith", "DY1 ", "High Street"):
        assert word not in html
    assert "http://" not in html and "https://" not in html


def test_rerun_keeps_person_ids(tmp_path, run_cli):
    store = build_place(tmp_path, n=300, seed=3)
    assert run_cli("link", "--db", str(store))[0] == 0
    before = dict(_query(store, "SELECT record_id, person_id FROM person_source_link"))
    code, out, _ = run_cli("link", "--db", str(store))
    assert code == 0 and "person index built" in out
    after = dict(_query(store, "SELECT record_id, person_id FROM person_source_link"))
    assert before == after


def test_incremental_extends_and_keeps_known_ids(tmp_path, run_cli):
    people = make_people(300, 5)
    recs = make_records(people, 5)
    store = build_place(tmp_path, n=300, seed=5, records=recs[: len(recs) - 40])
    assert run_cli("link", "--db", str(store))[0] == 0
    before = dict(_query(store, "SELECT record_id, person_id FROM person_source_link"))
    build_place(tmp_path / "full", n=300, seed=5, records=recs)
    # load the complete place's records into the first store, as a later ingest would
    con = connect(str(store))
    con.execute(f"ATTACH '{tmp_path / 'full' / 'store.duckdb'}' AS f (READ_ONLY)")
    con.execute("INSERT INTO person_record SELECT * FROM f.person_record WHERE record_id NOT IN "
                "(SELECT record_id FROM person_record)")
    con.close()
    con = connect(str(store).replace(".duckdb", ".vault.duckdb"))
    con.execute(f"ATTACH '{tmp_path / 'full' / 'store.vault.duckdb'}' AS f (READ_ONLY)")
    con.execute("INSERT INTO identity SELECT * FROM f.identity WHERE record_id NOT IN (SELECT record_id FROM identity)")
    con.close()
    code, out, err = run_cli("link", "--db", str(store), "--incremental")
    assert code == 0, err
    assert "extended" in out
    after = dict(_query(store, "SELECT record_id, person_id FROM person_source_link"))
    assert len(after) > len(before)
    assert all(after[r] == p for r, p in before.items())


def test_families_have_evidence(place):
    kinds = dict(_query(place, "SELECT kind, count(*) FROM family GROUP BY kind"))
    assert kinds.get("household", 0) > 0 and kinds.get("parent_child", 0) > 0
    evidence = {r[0] for r in _query(place, "SELECT DISTINCT evidence FROM family_member")}
    assert {"shared_address", "csc_family_members"} <= evidence
    roles = {r[0] for r in _query(place, "SELECT DISTINCT role FROM family_member")}
    assert roles <= {"parent", "child", "adult", "member"}


def test_empty_store_is_a_one_line_error(tmp_path, run_cli):
    store = tmp_path / "empty.duckdb"
    connect(str(store)).close()
    connect(str(tmp_path / "empty.vault.duckdb")).close()
    code, out, err = run_cli("link", "--db", str(store))
    assert code == 2 and "nothing ingested" in err and len(err.strip().splitlines()) == 1


def test_missing_store_and_vault(tmp_path, run_cli):
    code, _, err = run_cli("link", "--db", str(tmp_path / "nope.duckdb"))
    assert code == 2 and err.startswith("error:")
    store = tmp_path / "s.duckdb"
    connect(str(store)).close()
    code, _, err = run_cli("link", "--db", str(store))
    assert code == 2 and "vault" in err


def test_truth_that_does_not_match(place, run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("JOINEDUP_KEY", "another-key-entirely-0123456789")
    code, _, err = run_cli("link", "evaluate", "--db", str(place), "--truth", str(place.parent / "truth"))
    assert code == 2 and "does not match" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "t").mkdir()
    code, _, err = run_cli("link", "evaluate", "--db", str(place), "--truth", str(tmp_path / "t"))
    assert code == 2 and "no record truth" in err


def test_link_needs_db(run_cli):
    code, _, err = run_cli("link")
    assert code == 2 and "--db" in err


def test_blocking_recall(place):
    from joinedup.link.blocking import blocking_recall

    b = blocking_recall(place, place.parent / "truth")
    assert b["true_pairs"] > 0 and 0.98 <= b["recall"] <= 1.0


def test_demo_step_links_evaluates_and_reports(place, tmp_path):
    from types import SimpleNamespace

    from joinedup.link.demo import run

    ctx = SimpleNamespace(workspace=tmp_path, place=place.parent, store=place, made={})
    run(ctx)
    assert ctx.made["linkage report"] == tmp_path / "linkage-report.html"
    assert "pairwise f1" in ctx.made["linkage report"].read_text()


def _all_nhs(people, records):
    by_id = {p["person_id"]: p for p in people}
    return [{**r, "nhs_number": by_id[r["person_id"]]["nhs"], "nhs_number_valid": True} for r in records]


def test_tiny_stores_where_every_record_has_an_nhs_number_link(tmp_path, run_cli):
    # one record (no pair to count for the prior), and a few people each with several numbered records
    for n, keep in ((1, 1), (3, None)):
        people = make_people(n, 3)
        recs = _all_nhs(people, make_records(people, 3))[:keep]
        store = build_place(tmp_path / f"p{n}", n=n, seed=3, records=recs)
        code, out, err = run_cli("link", "--db", str(store))
        assert code == 0, err
        persons = {r[0] for r in _query(store, "SELECT person_id FROM person_source_link psl JOIN person_record pr "
                                                "USING (record_id) WHERE pr.nhs_number_pseudo IS NOT NULL")}
        assert len(persons) == len({r["person_id"] for r in recs}), out


def test_a_prior_of_one_is_not_used():
    # every pair meets the rule and the recall is 1: the estimate is 1, whose match weight is undefined
    import duckdb
    import pandas as pd
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    import splink.comparison_library as cl

    from joinedup.link.model import _estimate_prior

    frame = pd.DataFrame({"unique_id": ["a", "b", "c"], "given_name": ["ann"] * 3, "family_name": ["lee"] * 3})
    con = duckdb.connect()
    con.register("people", frame)
    settings = SettingsCreator(link_type="dedupe_only", comparisons=[cl.ExactMatch("given_name")])
    linker = Linker(DuckDBAPI(con).register("people"), settings, log_level=None)
    assert _estimate_prior(linker, [block_on("given_name", "family_name")], recall=1.0) is False
    assert _estimate_prior(linker, [block_on("given_name", "family_name")], recall=0.5) is False  # more than recall allows


def test_a_run_reports_the_seconds_of_each_phase(tmp_path):
    # the benchmark compares joinedup link with a peer that stores no measures' results: the phases say where time went
    from joinedup.link.index import build_index

    store = build_place(tmp_path, n=150, seed=5)
    summary = build_index(store)
    assert list(summary.timings) == ["read records", "exact rules, training and scoring",
                                     "clusters, ids, persons, families, writes",
                                     "measure results (stored for readers)", "publish"]
    assert all(wall > 0 and cpu >= 0 for wall, cpu in summary.timings.values())
    assert summary.timings["exact rules, training and scoring"][1] > 0
