"""A link run works inside the engine memory limit it is given (option, environment or default)."""

from __future__ import annotations

from place import build_place

from joinedup.link.engine import Engine
from joinedup.link.index import MEMORY_ENV
from joinedup.store.memory import engine_memory_limit


def test_limit_comes_from_the_option_then_the_environment_then_the_default(monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    default = engine_memory_limit(MEMORY_ENV)
    assert default.endswith("MB") and 512 <= int(default[:-2]) <= 4096
    monkeypatch.setenv(MEMORY_ENV, "3GB")
    assert engine_memory_limit(MEMORY_ENV) == "3GB"
    assert engine_memory_limit(MEMORY_ENV, "700MB") == "700MB"


def test_link_runs_inside_a_small_limit_and_spills_to_the_stores_temp_folder(tmp_path, run_cli):
    store = build_place(tmp_path, n=150, seed=5)
    with Engine(store, store_read_only=True, memory_limit="300MB") as engine:
        (limit, temp), = engine.store.fetchall("SELECT current_setting('memory_limit'), current_setting('temp_directory')")
    assert limit in ("300.0 MB", "286.1 MiB") and temp.endswith(".tmp")
    code, out, err = run_cli("link", "--db", str(store), "--memory-limit", "300MB")
    assert code == 0, err
    with Engine(store, store_read_only=True) as engine:
        (persons,), = engine.store.fetchall("SELECT COUNT(*) FROM store.person")
    assert 100 <= persons <= 200


def test_a_limit_not_understood_is_one_line(tmp_path, run_cli):
    store = build_place(tmp_path, n=50, seed=6)
    code, _, err = run_cli("link", "--db", str(store), "--memory-limit", "lots")
    assert code == 2 and err.strip().startswith("error:") and "lots" in err and len(err.strip().splitlines()) == 1


def test_features_computed_in_batches_are_those_of_one_batch(tmp_path):
    # records stream from the engine in batches and each batch's features are computed alone: the
    # features of every record must not depend on the batch it came in
    import polars as pl

    from joinedup.link.records import feature_batches

    store = build_place(tmp_path, n=150, seed=5)
    engine = Engine(store, vault=True)
    try:
        whole = pl.concat(list(feature_batches(engine, str(store), batch_rows=1_000_000)))
        batched = pl.concat(list(feature_batches(engine, str(store), batch_rows=37)))
    finally:
        engine.close(publish=False)
    assert whole.height > 3 * 37 and whole["unique_id"].n_unique() == whole.height
    assert batched.sort("unique_id").equals(whole.sort("unique_id"))
