"""EM that keeps training when a comparison level is empty (Splink's own EM stops at an m of 0)."""

import polars as pl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from joinedup.link.comparisons import person_comparisons, training_blocking_rules
from joinedup.link.features import person_features
from joinedup.link.training import M_FLOOR, train_m


def _word(n: int) -> str:
    # names are letters only (digits are dropped by normalisation)
    return "".join("bcdfghjklmnprstvwz"[int(d)] for d in str(n)) + "a"


def _people() -> pl.DataFrame:
    # 300 people, each twice; no transposed dates, no swapped names anywhere: those levels are empty
    rows = []
    for i in range(300):
        g, f, d = "jo" + _word(i % 97), "ma" + _word(i % 89), f"19{40 + i % 50}-0{1 + i % 9}-1{i % 9}"
        rows.append({"unique_id": f"a{i}", "given_name": g, "family_name": f, "date_of_birth": d, "postcode": f"DY{i % 9} 1AA"})
        rows.append({"unique_id": f"b{i}", "given_name": g + ("x" if i % 5 == 0 else ""), "family_name": f,
                     "date_of_birth": d, "postcode": f"DY{i % 9} 1AA" if i % 3 else None})
    return person_features(pl.DataFrame(rows))


def test_empty_levels_get_a_small_m_and_every_comparison_trains():
    present = {"given_name", "family_name", "dob", "postcode"}
    api = DuckDBAPI()
    table = api.register(_people().to_arrow(), dataset_display_name="people")
    settings = SettingsCreator(link_type="dedupe_only", comparisons=person_comparisons(present),
                               blocking_rules_to_generate_predictions=[block_on("dob")])
    linker = Linker(table, settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e5, seed=1)
    model, report, degenerate = train_m(table, linker.misc.save_model_to_json(), training_blocking_rules(present))
    assert not degenerate
    assert report.trained == present
    assert any("transposed" in lvl for lvl in report.empty_levels)
    for comp in model["comparisons"]:
        ms = [lvl["m_probability"] for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]
        assert all(m >= M_FLOOR * 0.99 for m in ms), comp["output_column_name"]
        assert abs(sum(ms) - 1) < 1e-6
    dob = next(c for c in model["comparisons"] if c["output_column_name"] == "dob")
    exact = dob["comparison_levels"][1]
    assert exact["m_probability"] > 0.9  # every true pair agrees on the date
    # the model scores: a linker built from the trained dictionary predicts the 300 true pairs
    scored = Linker(table, model, log_level=None).inference.predict(threshold_match_probability=0.5)
    pairs = pl.from_arrow(scored.as_pyarrow_table()) if hasattr(scored, "as_pyarrow_table") else \
        pl.from_pandas(scored.as_pandas_dataframe())
    same = (pairs["unique_id_l"].str.slice(1) == pairs["unique_id_r"].str.slice(1)).sum()
    assert same >= 290
