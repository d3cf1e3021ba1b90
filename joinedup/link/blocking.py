"""Blocking recall against the truth: the share of true record pairs that the index ever compares.

A true pair is compared when an exact rule joins its records (same exact cluster) or when the
blocking rules put their identity rows side by side. A pair never compared can never be linked,
so this bounds the recall of the whole index.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from splink import Linker, SettingsCreator
from sqlglot import exp

from joinedup.link.comparisons import blocking_rules, person_comparisons
from joinedup.link.engine import Engine
from joinedup.link.records import put_features
from joinedup.link.rows import exact_rows
from joinedup.link.sql import LinkSQL, as_, col, ref
from joinedup.link.truth import read_truth, record_ids

__all__ = ["blocking_recall"]


def blocking_recall(store: Path, truth_dir: Path) -> dict:
    """{"true_pairs", "compared", "recall", "blocked_pairs"} for the store's records against the truth."""
    truth = record_ids(store, read_truth(truth_dir).records)
    engine = Engine(store, vault=True, store_read_only=True)
    try:
        link = LinkSQL(engine.store.backend, engine.api)
        put = put_features(link, engine, str(store))
        present = set(put.present)
        made = exact_rows(link, put.name)
        clusters = link.fetch(exp.select(col("unique_id"), col("cluster")).from_(ref(made.clusters)))
        table = engine.api.register(made.rows, dataset_display_name="records_for_blocking")
        settings = SettingsCreator(link_type="dedupe_only", unique_id_column_name="unique_id",
                                   comparisons=person_comparisons(present),
                                   blocking_rules_to_generate_predictions=blocking_rules(present, "exact_cluster"))
        linker = Linker(table, settings, log_level=None)
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        pairs = engine.query(exp.select(as_(col("join_key_l"), "a"), as_(col("join_key_r"), "b")).from_(ref(blocked.physical_name)))
        rows = link.fetch(exp.select(col("unique_id"), col("exact_cluster")).from_(ref(made.rows)))
    finally:
        engine.close()
    # Records joined by an exact rule share one fate, so a true pair counts as compared when its two
    # exact clusters had any pair of their identity rows blocked together (or they are one cluster).
    row_cluster = rows.select(row="unique_id", c="exact_cluster")
    cp = (pairs.join(row_cluster.rename({"row": "a", "c": "ca"}), on="a")
          .join(row_cluster.rename({"row": "b", "c": "cb"}), on="b")
          .select(ca=pl.min_horizontal("ca", "cb"), cb=pl.max_horizontal("ca", "cb")).unique()
          .with_columns(hit=pl.lit(True)))
    t = truth.select(unique_id="record_id", true_id="person_id").join(clusters, on="unique_id")
    tp = t.join(t, on="true_id", suffix="_r").filter(pl.col("unique_id") < pl.col("unique_id_r"))
    tp = tp.select(ca=pl.min_horizontal("cluster", "cluster_r"), cb=pl.max_horizontal("cluster", "cluster_r"))
    hit = tp.join(cp, on=["ca", "cb"], how="left")["hit"].fill_null(False) | (tp["ca"] == tp["cb"])
    compared = int(hit.sum())
    return {"true_pairs": tp.height, "compared": compared,
            "recall": compared / tp.height if tp.height else 1.0, "blocked_pairs": pairs.height}
