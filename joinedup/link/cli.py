"""Commands of the link stage: `joinedup link` (build the person index), `link evaluate`, `link report`,
`link review`, `link decide` (clerical review), `match`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from joinedup.console import err, out
from joinedup.inputs import MAX_MATCH_BYTES
from joinedup.options import DB, SPARK_MASTER, db_option

__all__ = ["register"]

link_app = typer.Typer(help="Build the person index and families; evaluate and report linkage quality.",
                       no_args_is_help=False)


@link_app.callback(invoke_without_command=True)
def link(
    ctx: typer.Context,
    db: Path = db_option(None),
    incremental: bool = typer.Option(False, "--incremental",
                                     help="Link only records not yet in the index; known persons keep their records."),
    memory_limit: str = typer.Option(None, "--memory-limit",
                                     help="The engine's memory limit, e.g. 4GB (default JOINEDUP_LINK_MEMORY, else JOINEDUP_MEMORY, "
                                          "else 3GB or half the machine's memory); beyond it the engine spills to STORE.tmp."),
    engine: str = typer.Option("duckdb", "--engine",
                               help="The engine that trains, scores and clusters: duckdb (the store file itself) or "
                                    "spark (Splink's Spark backend; local mode unless --spark-master says otherwise). "
                                    "The store file stays the one writer of the link tables."),
    spark_master: str = SPARK_MASTER,
) -> None:
    """Build (or, with --incremental, extend) the person index and the families."""
    if ctx.invoked_subcommand is not None:
        return
    if db is None:
        raise typer.BadParameter("--db is required", param_hint="--db")
    from joinedup.link.index import build_index

    summary = build_index(db, incremental=incremental, memory_limit=memory_limit, engine=engine,
                          spark_master=spark_master)
    out.print(summary.describe(), markup=False, highlight=False)
    out.print("seconds by phase (wall / CPU): " + "; ".join(
        f"{phase} {wall:.1f} / {cpu:.1f}" for phase, (wall, cpu) in summary.timings.items()),
        markup=False, highlight=False)


@link_app.command("evaluate")
def evaluate(
    db: Path = DB,
    truth: Path = typer.Option(..., "--truth", help="The synthetic place's truth folder (DIR/truth)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Pairwise precision, recall and F1 of the person index against the truth, with cluster and family figures."""
    from joinedup.link.evaluate import evaluate_store, format_figures

    figures = evaluate_store(db, truth)
    if as_json:
        print(json.dumps(figures))
    else:
        out.print(format_figures(figures), markup=False, highlight=False)


@link_app.command("report")
def report(
    db: Path = DB,
    out_path: Path = typer.Option(Path("linkage-report.html"), "--out", help="Where to write the HTML report."),
    truth: Path = typer.Option(None, "--truth", help="The truth folder, to add the quality figures."),
) -> None:
    """A self-contained offline HTML report: weights, parameters learnt, examples near the threshold, quality."""
    from joinedup.link.report import write_report

    write_report(db, out_path, truth)
    err.print(f"wrote {out_path}")


@link_app.command("review")
def review(
    db: Path = DB,
    limit: int = typer.Option(20, "--limit", min=1, help="How many pairs to list."),
    as_json: bool = typer.Option(False, "--json", help="Print the pairs as JSON."),
) -> None:
    """List the undecided scored pairs nearest the threshold: record ids, probability, comparison levels."""
    from joinedup.link.index import THRESHOLD
    from joinedup.link.review import format_review, review_pairs

    pairs = review_pairs(db, limit)
    if as_json:
        print(json.dumps(pairs))
    else:
        out.print(format_review(pairs, THRESHOLD), markup=False, highlight=False)


@link_app.command("decide")
def decide(
    record_a: str = typer.Argument(..., metavar="RECORD_A", help="A record id (as `link review` lists it)."),
    record_b: str = typer.Argument(..., metavar="RECORD_B", help="The other record id."),
    db: Path = DB,
    is_match: bool = typer.Option(False, "--match", help="The two records are one person."),
    no_match: bool = typer.Option(False, "--no-match", help="The two records are never one person."),
    note: str = typer.Option(None, "--note", help="Why (free text; no names or other identifiers)."),
    by: str = typer.Option(None, "--by", help="Who decided (default: the login name)."),
) -> None:
    """Record a clerical-review decision on a pair of records; every later link run applies it."""
    from joinedup.errors import UserError
    from joinedup.link.decisions import decide as record

    if is_match == no_match:
        raise UserError("give exactly one of --match and --no-match")
    a, b = record(db, record_a, record_b, "match" if is_match else "no-match", note, by)
    out.print(f"decided {'match' if is_match else 'no-match'}: {a} {b} (applied by the next `joinedup link`)",
              markup=False, highlight=False)


def match(
    file_a: Path = typer.Argument(..., metavar="A.csv", help=f"First file about people (CSV or Parquet, "
                                  f"at most {MAX_MATCH_BYTES // 2**20:,} MB)."),
    file_b: Path = typer.Argument(None, metavar="[B.csv]", help=f"Second file (omit with --dedupe; at most "
                                  f"{MAX_MATCH_BYTES // 2**20:,} MB)."),
    out_path: Path = typer.Option(..., "--out", help="Where to write the scored pairs (CSV: id_a, id_b, match_weight, "
                                  "match_probability, is_link)."),
    dedupe: bool = typer.Option(False, "--dedupe", help="Find the records of one file that are the same person."),
    clusters: Path = typer.Option(None, "--clusters", help="Also write a cluster id per record (CSV: file, id, "
                                  "cluster_id)."),
    id_column: str = typer.Option(None, "--id-column", help="The column holding each file's record id (default: "
                                  "one named id, unique_id, record_id, rec_id...; else the row number)."),
    maps: list[str] = typer.Option([], "--map", help="COLUMN=ROLE (given_name, family_name, full_name, "
                                   "date_of_birth, sex, postcode, address, nhs_number, other_id, evidence, ignore)."),
    truth_column: str = typer.Option(None, "--truth-column", help="A column naming the true entity (evaluation)."),
    threshold: float = typer.Option(0.5, "--threshold", min=0.0, max=1.0, help="Probability that calls a link."),
) -> None:
    """Link two files that describe people, or deduplicate one; write scored pairs (and clusters)."""
    from joinedup.errors import UserError
    from joinedup.link.match import match_files
    from joinedup.link.roles import parse_maps

    if dedupe == (file_b is not None):
        raise UserError("give two files to link, or one file with --dedupe")
    result = match_files(file_a, file_b, out_path, parse_maps(maps), truth_column, threshold, id_col=id_column,
                         clusters_out=clusters)
    kept = [c for c in result.rules if c.kept]
    out.print(f"blocking: {len(kept)} of {len(result.rules)} candidate rules kept "
              f"({sum(c.comparisons for c in kept):,} comparisons); "
              f"{result.rows_with_candidate:.1%} of file A's rows have a candidate", markup=False, highlight=False)
    if "links_found_by_one_rule_only" in result.rule_recall and result.links:
        out.print(f"links found by one blocking rule only: {result.rule_recall['links_found_by_one_rule_only']} "
                  f"of {result.links}", markup=False, highlight=False)
    if result.empty_levels:
        out.print(f"levels no training pair reached (m learnt from the prior): {len(result.empty_levels)}",
                  markup=False, highlight=False)
    out.print(f"pairs written: {result.pairs}  links (p >= {result.threshold}): {result.links}  -> {out_path}",
              markup=False, highlight=False)
    if result.clusters is not None:
        out.print(f"clusters: {result.clusters} -> {clusters}", markup=False, highlight=False)
    if result.f1 is not None:
        out.print(f"precision {result.precision:.4f}  recall {result.recall:.4f}  f1 {result.f1:.4f}",
                  markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add `link` (with evaluate, report, review and decide) and `match` to the front door."""
    app.add_typer(link_app, name="link")
    app.command("match")(match)
