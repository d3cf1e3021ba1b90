"""`joinedup match`: link two files about people (or deduplicate one), writing scored pairs and clusters.

Pairs carry each file's own record ids; every pair above the floor is written (many-to-many) with
whether it is a link at the threshold; `--clusters` writes a cluster id per record (connected
components of the links). Blocking rules are chosen from measured comparison counts
(`joinedup.link.candidates`), and m is learnt by an EM that keeps empty levels
(`joinedup.link.training`). The clusters are computed in the engine that scored the pairs (Splink's
connected components, `cluster_links`: the link stage's clustering, `joinedup.link.cluster.components`,
with no guard), so no table of links comes back to Python to be clustered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from splink import block_on
from sqlglot import exp

from joinedup.errors import UserError
from joinedup.inputs import MAX_MATCH_BYTES
from joinedup.link.candidates import RuleChoice, choose_rules, rule_recall
from joinedup.link.cluster import components
from joinedup.link.comparisons import NAME_SHAPES
from joinedup.link.engine import Engine
from joinedup.link.features import person_features
from joinedup.link.match_input import id_column, read_people_file, role_frame
from joinedup.link.model import fit_and_score
from joinedup.link.roles import recognise
from joinedup.link.sql import LinkSQL, as_, asc, cast, col, concat, over, ref, text

__all__ = ["MatchResult", "match_files", "cluster_links", "read_people_file", "DEFAULT_THRESHOLD", "name_shapes", "MAX_INPUT_BYTES"]

#: The largest input file (stated in `joinedup match --help`).
MAX_INPUT_BYTES = MAX_MATCH_BYTES

#: Probability at or above which a pair is called a link (justified in docs/linkage.md).
DEFAULT_THRESHOLD = 0.5

_FEATURES_FOR_ROLE = {"given_name": "given_name", "family_name": "family_name", "date_of_birth": "dob",
                      "sex": "sex", "postcode": "postcode", "address": "address", "nhs_number": "nhs_number",
                      "other_id": "other_id"}


@dataclass
class MatchResult:
    """What a match run found: pairs, links, rows with a candidate, the rules, and quality against a truth column."""

    pairs: int
    links: int
    threshold: float
    records: int = 0
    rows_with_candidate: float = 0.0
    clusters: int | None = None
    rules: list[RuleChoice] = field(default_factory=list)
    rule_recall: dict = field(default_factory=dict)
    empty_levels: list[str] = field(default_factory=list)
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None


def name_shapes(frames: list[pl.DataFrame]) -> set[str]:
    """The name shapes the files show: initials, middle names, multi-part family names (comparisons.NAME_SHAPES)."""
    out: set[str] = set()
    for f in frames:
        if f["given_name"].str.len_chars().eq(1).any():
            out.add("initials")
        if f["given_all"].list.len().gt(1).any():
            out.add("middle_names")
        if f["family_parts"].list.len().gt(1).any() or (f["family_key"] != f["family_name"]).any():
            out.add("multipart_family")
    return out & set(NAME_SHAPES)


def _read(paths: list[Path], maps: dict[str, str], truth_column: str | None, id_col: str | None):
    frames, roles_seen, ids = [], [], []
    for path, prefix in zip(paths, ("a", "b")):
        df = read_people_file(path)
        if truth_column and truth_column not in df.columns:
            raise UserError(f"no column '{truth_column}' for --truth-column", file=str(path))
        own = id_column(df, id_col, file=str(path))
        exclude = tuple(c for c in (truth_column, own) if c)
        roles = recognise(df.columns, maps, file=str(path), exclude=exclude)
        roles_seen.append(roles)
        frame = role_frame(df, roles, prefix)
        if frame.height == 0:
            raise UserError("nothing to match: the file has no data rows", file=str(path))
        extra = {"_truth": df[truth_column]} if truth_column else {}
        frames.append(frame.with_columns(**extra))
        ids.append(frame.select("unique_id", id=(df[own] if own else pl.int_range(1, frame.height + 1)).cast(pl.Utf8),
                                file=pl.lit(prefix)))
    return frames, roles_seen, pl.concat(ids)


def match_files(a: Path, b: Path | None, out: Path, maps: dict[str, str], truth_column: str | None = None,
                threshold: float = DEFAULT_THRESHOLD, *, id_col: str | None = None,
                clusters_out: Path | None = None) -> MatchResult:
    """Link file A to file B (or, with b None, deduplicate A); write pairs (and clusters) with the files' own ids."""
    paths = [a] if b is None else [a, b]
    frames, roles_seen, ids = _read(paths, maps, truth_column, id_col)
    common = set.intersection(*[set(r) for r in roles_seen])
    if "full_name" in common or any("full_name" in r for r in roles_seen):
        # a full name on one side and given + family names on the other compare as names
        named = [bool({"full_name", "given_name", "family_name"} & set(r)) for r in roles_seen]
        if all(named):
            common |= {"given_name", "family_name"}
    present = {_FEATURES_FOR_ROLE[r] for r in common if r in _FEATURES_FOR_ROLE}
    evidence = tuple(sorted(set.intersection(*[{c for c in f.columns if c.startswith("ev_")} for f in frames])))
    if not present & {"given_name", "family_name", "dob", "nhs_number", "other_id"}:
        raise UserError("the files share no person column (name, date of birth or identifier) to compare")
    feats = [person_features(f.drop("_truth") if "_truth" in f.columns else f) for f in frames]
    present = {p for p in present if any(f[p].null_count() < f.height for f in feats)}
    present |= name_shapes(feats)
    link_type = "dedupe_only" if b is None else "link_only"
    records = sum(f.height for f in feats)
    engine = Engine()
    try:
        tables = [engine.register(f, n) for f, n in zip(feats, ("file_a", "file_b"))]
        rules, choices = choose_rules(tables, link_type, present, evidence, records)
        if not rules:
            raise UserError("no blocking rule finds candidate pairs within the budget: the files share too little")
        # the prior comes from pairs a careful clerk would call the same person outright: the same
        # names and date of birth, or the same identifier
        sure = [block_on(*[c for c in ("given_name", "family_name", "dob") if c in present])]
        sure += [block_on(c) for c in ("nhs_number", "other_id") if c in present]
        run = fit_and_score(tables, present, link_type, rules=rules, evidence_columns=evidence, deterministic=sure)
        scored = run.predictions.physical_name
        link = LinkSQL(engine.store.backend, engine.api)
        pairs = link.fetch(exp.select(*map(col, ("unique_id_l", "unique_id_r", "match_weight", "match_probability")))
                           .from_(ref(scored)))
        clusters = None
        if clusters_out is not None:
            nodes = link.put("match_ids", ids.with_row_index("ord").select("unique_id", pl.col("ord").cast(pl.Int64)))
            at_least = exp.GTE(this=col("match_probability"), expression=exp.Literal.number(repr(float(threshold))))
            edges = link.table("match_links", exp.select(col("unique_id_l"), col("unique_id_r")).from_(ref(scored))
                               .where(at_least))
            named = link.put("match_names", ids.select("unique_id", "file", "id"))
            out_table = cluster_links(link, nodes, edges)
            # the written file itself (one row per input record) is the only thing fetched
            clusters = link.fetch(exp.select(col("file", "n"), col("id", "n"), col("cluster_id", "c"))
                                  .from_(ref(out_table, "c"))
                                  .join(ref(named, "n"), on=col("unique_id", "n").eq(col("unique_id", "c")))
                                  .order_by(asc(col("ord", "c"))))
    finally:
        engine.close()
    pairs = pairs.with_columns(is_link=pl.col("match_probability") >= threshold)
    result = MatchResult(pairs=pairs.height, links=int(pairs["is_link"].sum()), threshold=threshold, records=records,
                         rules=choices, empty_levels=run.training.empty_levels if run.training else [])
    seen = pl.concat([pairs["unique_id_l"], pairs["unique_id_r"]]).unique()
    result.rows_with_candidate = feats[0]["unique_id"].is_in(seen.implode()).mean() if pairs.height else 0.0
    all_feats = pl.concat(feats, how="diagonal_relaxed")
    links = pairs.filter("is_link").join(all_feats, left_on="unique_id_l", right_on="unique_id").join(
        all_feats, left_on="unique_id_r", right_on="unique_id", suffix="_r")
    links = links.rename({c: f"{c}_l" for c in all_feats.columns if c != "unique_id" and c in links.columns})
    result.rule_recall = rule_recall(links, choices)
    truth = pl.concat([f.select("unique_id", "_truth") for f in frames]) if truth_column else None
    if truth is not None:
        pairs = _with_truth(pairs, truth)
        _score(result, pairs, truth, dedupe=b is None)
    if clusters is not None and clusters_out is not None:
        result.clusters = clusters["cluster_id"].n_unique()
        clusters_out.parent.mkdir(parents=True, exist_ok=True)
        clusters.select("file", "id", "cluster_id").write_csv(clusters_out)
    named = ids.select("unique_id", "id")
    pairs = (pairs.join(named.rename({"id": "id_a"}), left_on="unique_id_l", right_on="unique_id")
             .join(named.rename({"id": "id_b"}), left_on="unique_id_r", right_on="unique_id")
             .sort("match_probability", "id_a", "id_b", descending=[True, False, False]))
    cols = ["id_a", "id_b", "match_weight", "match_probability", "is_link"] + (["truth_match"] if truth is not None else [])
    out.parent.mkdir(parents=True, exist_ok=True)
    pairs.select(cols).write_csv(out)
    return result


def _with_truth(pairs: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    t = truth.rename({"_truth": "t"})
    return (pairs.join(t.rename({"unique_id": "unique_id_l", "t": "tl"}), on="unique_id_l", how="left")
            .join(t.rename({"unique_id": "unique_id_r", "t": "tr"}), on="unique_id_r", how="left")
            .with_columns(truth_match=(pl.col("tl") == pl.col("tr")).fill_null(False)).drop("tl", "tr"))


def _score(result: MatchResult, pairs: pl.DataFrame, truth: pl.DataFrame, *, dedupe: bool) -> None:
    t = truth.drop_nulls("_truth")
    if dedupe:
        sizes = t.group_by("_truth").len()["len"]
        true_pairs = int((sizes * (sizes - 1) // 2).sum())
    else:
        side = t.with_columns(side=pl.col("unique_id").str.slice(0, 1))
        a = side.filter(pl.col("side") == "a").group_by("_truth").len()
        b = side.filter(pl.col("side") == "b").group_by("_truth").len()
        true_pairs = int(a.join(b, on="_truth").select(pl.col("len") * pl.col("len_right")).sum().item() or 0)
    tp = int(pairs.filter(pl.col("is_link") & pl.col("truth_match")).height)
    precision = tp / result.links if result.links else 0.0
    recall = tp / true_pairs if true_pairs else 0.0
    result.precision, result.recall = precision, recall
    result.f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def cluster_links(link: LinkSQL, nodes: str, edges: str) -> str:
    """Tables in the link engine -> a table (unique_id, ord, cluster_id): the connected components of the links.

    nodes (unique_id, ord): every record, ord its place in the files (file A's rows, then file B's);
    edges (unique_id_l, unique_id_r): the links. Components are Splink's own, found by the clustering
    the link stage uses (`joinedup.link.cluster.components`) with no guard; a cluster is named C1,
    C2... in the order its first record comes in the files, so the names depend only on the files
    and the links, never on the engine or the order edges came in.
    """
    first = components(link, nodes, edges, left="unique_id_l", right="unique_id_r", order="ord")
    name = concat(text("C"), cast(over(exp.DenseRank(), order_by=(asc(col("first")),)), "varchar"))
    out = link.table("match_clusters", exp.select(col("unique_id"), col("ord"), as_(name, "cluster_id")).from_(ref(first)))
    link.drop(first)
    return out
