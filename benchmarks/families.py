"""Families against the truth: family precision and recall, and the family measure on found vs true families.

    python benchmarks/families.py --people 30000          # synth, ingest, link a place, then measure
    python benchmarks/families.py --db STORE --truth DIR/truth

`ju_cin_parent_asc` (children in need living with a parent who receives adult social care) is
computed twice on the same person index: with the families `joinedup link` found, and with the
true families (the truth's households and parent-child relations, put on the same persons). The
difference is what family building alone costs the measure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MEASURE = "ju_cin_parent_asc"


def _run(cmd: list[str]) -> str:
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True, text=True).stdout


def true_families(db: Path, truth_dir: Path) -> pl.DataFrame:
    """family_member rows built from the truth, on the persons of the store's index."""
    from joinedup.link.engine import Engine
    from joinedup.link.tables import read_table
    from joinedup.link.truth import read_truth, record_ids

    truth = read_truth(truth_dir)
    e = Engine(db, store_read_only=True)
    try:
        links = read_table(e, "person_source_link")
        persons = read_table(e, "person")
    finally:
        e.close()
    t = record_ids(db, truth.records)
    # each true person stands for the person of the index holding most of their records
    main = (links.select("record_id", "person_id").join(t.select("record_id", true_id="person_id"), on="record_id")
            .group_by("true_id", "person_id").len().sort("len", descending=True).group_by("true_id").first()
            .select("true_id", "person_id"))
    born = persons.select("person_id", "birth_year")
    hh = (truth.households.drop_nulls().rename({"person_id": "true_id"}).join(main, on="true_id")
          .join(born, on="person_id", how="left")
          .select(family_id=pl.lit("TH") + pl.col("household_id"), person_id="person_id",
                  # under 18 at the end of 2024-25, the period the measure reports by default
                  role=pl.when(pl.col("birth_year") >= 2007).then(pl.lit("child")).otherwise(pl.lit("adult"))))
    rel = truth.relations.rename({"person_id": "true_id"}).join(main, on="true_id").join(
        main.rename({"true_id": "related_person_id", "person_id": "child"}), on="related_person_id")
    pc = pl.concat([rel.select(family_id=pl.lit("TR") + pl.col("child"), person_id="person_id", role=pl.lit("parent")),
                    rel.select(family_id=pl.lit("TR") + pl.col("child"), person_id="child", role=pl.lit("child"))])
    return pl.concat([hh, pc]).unique().with_columns(evidence=pl.lit("truth"), first_seen=pl.lit(None, pl.Date),
                                                     last_seen=pl.lit(None, pl.Date))


def measure(db: Path, period: str | None) -> dict:
    """The family measure's numerator and denominator, unsuppressed (an evaluation, not a publication)."""
    cmd = [sys.executable, "-m", "joinedup", "measures", "run", "--db", str(db), "--measure", MEASURE,
           "--suppress-below", "0", "--json"] + (["--period", period] if period else [])
    rows = json.loads(_run(cmd))
    return next(r for r in rows if r["breakdown"] == "all")


def main() -> None:
    """Build or reuse a place, then print family figures and the measure on found vs true families."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=30_000)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--work", type=Path, default=ROOT / "bench-families")
    p.add_argument("--db", type=Path)
    p.add_argument("--truth", type=Path)
    p.add_argument("--period")
    a = p.parse_args()
    if a.db is None:
        a.work.mkdir(parents=True, exist_ok=True)
        place, db = a.work / f"place-{a.people}-{a.seed}", a.work / f"store-{a.people}-{a.seed}.duckdb"
        if not (place / "manifest.json").exists():
            _run([sys.executable, "-m", "joinedup", "synth", "--people", str(a.people), "--seed", str(a.seed),
                  "--out", str(place), "--force"])
        if not db.exists():
            _run([sys.executable, "-m", "joinedup", "ingest", str(place), "--db", str(db)])
            _run([sys.executable, "-m", "joinedup", "link", "--db", str(db)])
        truth = place / "truth"
    else:
        db, truth = a.db, a.truth
    from joinedup.link.evaluate import evaluate_store

    fam = evaluate_store(db, truth)["families"]
    print(f"families: precision {fam['precision']:.4f}  recall {fam['recall']:.4f}")
    found = measure(db, a.period)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / db.name
        for suffix in ("", ".vault", ".key"):
            src = db.with_name(db.name.removesuffix(".duckdb") + suffix + ".duckdb") if suffix != ".key" else \
                db.with_name(db.name.removesuffix(".duckdb") + ".key")
            if src.exists():
                shutil.copy(src, Path(tmp) / src.name)
        from joinedup.link.engine import Engine

        e = Engine(copy)
        try:
            e.write(true_families(db, truth), "family_member")
        finally:
            e.close()
        true = measure(copy, a.period)
    for name, r in (("found families", found), ("true families", true)):
        print(f"{MEASURE} with {name}: {r.get('numerator')}/{r.get('denominator')} ({r.get('period')})")


if __name__ == "__main__":
    main()
