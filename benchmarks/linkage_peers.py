"""The peer: Splink configured as a competent user would for each labelled set (read it, argue with it).

Each configuration follows Splink's own examples for that kind of data (the FEBRL4 example for
FEBRL, the deduplication tutorial for fake_1000), with blocking rules and comparisons written for
the columns the set has. On the perturbed sets the user is given the same files as joinedup and
prepares them as a careful analyst would without a name parser: lower case, and where a row has
only the full-name column, its first word as first name and its last word as surname ("Surname,
Given" read the other way round).
"""

from __future__ import annotations

import polars as pl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

__all__ = ["PEER_SETTINGS", "run_peer", "THRESHOLD"]

#: Both contenders call a pair a link at this probability (the Fellegi-Sunter break-even).
THRESHOLD = 0.5


def _febrl(link_type: str) -> dict:
    return {
        "columns": {"given_name": "first_name", "surname": "surname", "date_of_birth": "dob",
                    "soc_sec_id": "soc_sec_id", "street_number": "street_number", "postcode": "postcode",
                    "address_1": "address_1", "state": "state"},
        "settings": dict(
            link_type=link_type,
            blocking_rules_to_generate_predictions=[
                block_on("first_name", "surname"),
                "l.first_name = r.surname AND l.surname = r.first_name",
                block_on("dob"),
                block_on("soc_sec_id"),
                block_on("state", "address_1"),
                block_on("street_number", "address_1"),
                block_on("postcode"),
            ],
            comparisons=[
                cl.NameComparison("first_name"),
                cl.NameComparison("surname"),
                cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y%m%d"),
                cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
                cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            ],
            retain_intermediate_calculation_columns=False,
        ),
        "prior_rules": [block_on("first_name", "surname", "dob"), block_on("soc_sec_id")],
        "em_rules": [block_on("dob"), block_on("first_name", "surname")],
    }


def _fake_1000() -> dict:
    return {
        "columns": {"first_name": "first_name", "surname": "surname", "dob": "dob", "city": "city", "email": "email"},
        "settings": dict(
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=[
                block_on("first_name", "surname"),
                block_on("surname", "dob"),
                block_on("first_name", "dob"),
                block_on("email"),
                block_on("first_name", "city"),
                block_on("surname", "city"),
            ],
            comparisons=[
                cl.NameComparison("first_name"),
                cl.NameComparison("surname"),
                cl.DateOfBirthComparison("dob", input_is_string=True),
                cl.ExactMatch("city").configure(term_frequency_adjustments=True),
                cl.EmailComparison("email"),
            ],
        ),
        "prior_rules": [block_on("first_name", "surname", "dob"), block_on("email")],
        "em_rules": [block_on("first_name", "surname"), block_on("dob")],
    }


#: Set name (without _perturbed) -> the peer's columns, settings, prior rules and EM rules.
PEER_SETTINGS = {"febrl1": lambda: _febrl("dedupe_only"), "febrl2": lambda: _febrl("dedupe_only"),
                 "febrl3": lambda: _febrl("dedupe_only"), "febrl4": lambda: _febrl("link_only"),
                 "fake_1000": _fake_1000}


def _prepare(df: pl.DataFrame, columns: dict[str, str], id_col: str) -> pl.DataFrame:
    out = df.select(pl.col(id_col).alias("unique_id"),
                    *[pl.col(src).str.to_lowercase().str.strip_chars().alias(dst) for src, dst in columns.items()])
    if "name" in df.columns:  # a perturbed set: split the full name where it is the only name
        full = df["name"].str.to_lowercase()
        comma = full.str.contains(",")
        words = full.str.replace_all(",", " ").str.split(" ").list.eval(pl.element().filter(pl.element() != ""))
        fn = next(d for s, d in columns.items() if d == "first_name")
        out = out.with_columns(pl.Series("_w", words), pl.Series("_c", comma)).with_columns(
            pl.when(pl.col(fn).is_null()).then(pl.when(pl.col("_c")).then(pl.col("_w").list.last())
                                               .otherwise(pl.col("_w").list.first())).otherwise(pl.col(fn)).alias(fn),
            pl.when(pl.col("surname").is_null()).then(pl.when(pl.col("_c")).then(pl.col("_w").list.first())
                                                      .otherwise(pl.col("_w").list.last()))
            .otherwise(pl.col("surname")).alias("surname")).drop("_w", "_c")
    return out


def run_peer(set_name: str, files: list, id_col: str) -> pl.DataFrame:
    """Splink on the set's files; the pairs it calls links (id_a, id_b)."""
    config = PEER_SETTINGS[set_name.removesuffix("_perturbed")]()
    frames = [_prepare(pl.read_csv(p, infer_schema=False), config["columns"], id_col) for p in files]
    api = DuckDBAPI()
    tables = [api.register(f.to_arrow(), dataset_display_name=f"file_{i}") for i, f in enumerate(frames)]
    linker = Linker(tables if len(tables) > 1 else tables[0], SettingsCreator(**config["settings"]), log_level=None)
    linker.training.estimate_probability_two_random_records_match(config["prior_rules"], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in config["em_rules"]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pairs = linker.inference.predict(threshold_match_probability=THRESHOLD)
    found = pl.from_arrow(pairs.as_pyarrow_table()) if hasattr(pairs, "as_pyarrow_table") else \
        pl.from_pandas(pairs.as_pandas_dataframe())
    return found.select(id_a=pl.col("unique_id_l").cast(pl.Utf8), id_b=pl.col("unique_id_r").cast(pl.Utf8))
