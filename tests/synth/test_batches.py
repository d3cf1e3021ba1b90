"""A place written in household batches: parts per extract, ids unique across batches, place-wide entities shared."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from joinedup.errors import UserError
from joinedup.sources import source
from joinedup.synth.batches import BATCH_ENV, batch_people, batch_seed, batch_sizes
from joinedup.synth.place import synthesise

PEOPLE = 2_000


@pytest.fixture(scope="module")
def batched(tmp_path_factory) -> Path:
    """A 2,000-person place forced into two batches of 1,000 residents."""
    out = tmp_path_factory.mktemp("batched") / "place"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(BATCH_ENV, "1000")
        synthesise(PEOPLE, 4, out)
    return out


def _manifest(place: Path) -> dict:
    return json.loads((place / "manifest.json").read_text())


def _frame(place: Path, entries: list[dict]) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(place / e["path"]) for e in entries], how="vertical_relaxed")


def _truth(place: Path, name: str) -> pl.DataFrame:
    m = _manifest(place)
    return _frame(place, [t for t in m["truth"] if Path(t["path"]).parent.name == name])


def test_batch_sizes_split_evenly_and_the_size_is_configurable(monkeypatch):
    assert batch_sizes(1_000_000, 250_000) == [250_000] * 4
    big = batch_sizes(5_000_001, 250_000)
    assert len(big) == 21 and sum(big) == 5_000_001 and max(big) - min(big) == 1 and max(big) <= 250_000
    assert batch_sizes(320_000, 250_000) == [160_000, 160_000]
    assert batch_sizes(2_000, 250_000) == [2_000]
    assert batch_seed(9, 0) == 9 and batch_seed(9, 1) != batch_seed(9, 2) != 9
    monkeypatch.setenv(BATCH_ENV, "1,000")
    assert batch_people() == 1_000
    monkeypatch.setenv(BATCH_ENV, "few")
    with pytest.raises(UserError, match=BATCH_ENV):
        batch_people()


def test_every_person_extract_is_written_as_one_part_per_batch(batched):
    m = _manifest(batched)
    assert m["batches"] == {"count": 2, "residents": [1_000, 1_000]}
    by_source: dict[str, list[dict]] = {}
    for e in m["files"]:
        by_source.setdefault(e["source"], []).append(e)
    for sid, entries in by_source.items():
        if sid == "ons.population_estimates":  # counts per cell: summed over the batches, one file
            assert [e["path"] for e in entries] == ["ons/population_estimates.parquet"]
            continue
        assert [e["part"] for e in entries] == [0, 1], sid
        assert [Path(e["path"]).name for e in entries] == ["part-00000.parquet", "part-00001.parquet"]
        for e in entries:
            assert pl.read_parquet(batched / e["path"]).height == e["rows"]
    for name in ("records", "people", "households", "residence", "relations"):
        assert sorted(p.name for p in (batched / "truth" / name).iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    assert m["people_ever"] == _truth(batched, "people").height


def test_identifiers_stay_unique_across_batches(batched):
    people = _truth(batched, "people")
    for col in ("person_id", "nhs_number", "upn", "ni_number"):
        values = people[col].drop_nulls()
        assert values.n_unique() == values.len(), col
    hh = _truth(batched, "households")
    assert hh["household_id"].n_unique() == hh.height
    assert hh.select("address", "postcode").n_unique() == hh.height  # one address per household, place-wide
    # each batch's people are its own: relations and residence point inside the batch's id range
    parts = [pl.read_parquet(batched / "truth" / "people" / f"part-0000{b}.parquet") for b in (0, 1)]
    assert parts[0]["person_id"].max() < parts[1]["person_id"].min()
    rel = _truth(batched, "relations")
    assert rel.join(people.select("person_id"), on="person_id", how="anti").height == 0
    records = _truth(batched, "records").drop_nulls("local_id").select("source", "local_id", "person_id").unique()
    shared = records.group_by("source", "local_id").agg(pl.col("person_id").n_unique().alias("k")).filter(pl.col("k") > 1)
    assert shared.height == 0, shared.head()
    m = _manifest(batched)
    for sid in sorted({e["source"] for e in m["files"]} - {"workforce.asc_wds"}):  # asc_wds: rows per job change
        key = source(sid).record_key
        df = _frame(batched, [e for e in m["files"] if e["source"] == sid])
        if key and df.height:
            assert df.select(key).n_unique() == df.height, sid


def test_place_wide_entities_are_built_once(batched):
    m = _manifest(batched)
    files = {(e["source"], e.get("part")): e for e in m["files"]}
    census = [pl.read_parquet(batched / files[("education.school_census", b)]["path"]) for b in (0, 1)]
    # the schools: one set for the place (each LAEstab one URN), and pupils of both batches in them
    both = pl.concat(census).select("LAEstab", "URN").unique()
    assert both["LAEstab"].n_unique() == both.height
    assert set(census[1]["LAEstab"]) <= set(census[0]["LAEstab"]) | set(census[1]["LAEstab"])
    assert len(set(census[0]["LAEstab"]) & set(census[1]["LAEstab"])) > 0
    practices = [set(pl.read_parquet(batched / files[("nhs.gp_appointments", b)]["path"])["Practice_Code"]) for b in (0, 1)]
    assert practices[0] == practices[1]
    fostering = [pl.read_parquet(batched / files[("csc.fostering_households", b)]["path"]) for b in (0, 1)]
    assert fostering[0].height > 0 and fostering[1].height == 0
    # population estimates: every cell once, the two batches' residents summed
    ons = pl.read_parquet(batched / "ons/population_estimates.parquet")
    assert ons.select("Mid_Year", "LSOA21CD", "Sex", "Age").n_unique() == ons.height
    first = ons.filter(pl.col("Mid_Year") == ons["Mid_Year"].min())["Population"].sum()
    assert 0.95 * PEOPLE < first < 1.1 * PEOPLE


def test_returns_are_written_from_the_parts(batched):
    m = _manifest(batched)
    forms = {r["form"] for r in m["returns"]}
    assert {"ssda903", "cin_census", "asc_cld", "school_census", "fhir_gp_appointments"} <= forms
    cld_rows = sum(e["rows"] for e in m["files"] if e["source"] == "asc.client_level_data")
    assert cld_rows > 0


def test_link_reads_a_truth_folder_of_parts(batched):
    from joinedup.link.truth import read_truth

    truth = read_truth(batched / "truth")
    records = _truth(batched, "records").drop_nulls(["local_id", "person_id"]).unique(["source", "local_id"])
    assert truth.records.height == records.height
    residence = _truth(batched, "residence")
    assert truth.households is not None and truth.households.height == residence.height
    assert truth.relations is not None and truth.relations.height == _truth(batched, "relations").height


def test_size_settings_are_read_alike_by_synth_and_the_memory_limits(monkeypatch):
    # one reader of the environment (store.memory.env_value): a variable set to spaces is unset for both
    from joinedup.store.memory import MEMORY_ENV, engine_memory_limit, env_value, limit_origin

    monkeypatch.delenv("JOINEDUP_LINK_MEMORY", raising=False)
    monkeypatch.setenv(BATCH_ENV, "  ")
    monkeypatch.setenv(MEMORY_ENV, "  ")
    assert env_value(BATCH_ENV) is None and batch_people() == 250_000
    assert limit_origin("JOINEDUP_LINK_MEMORY") == "default"
    monkeypatch.setenv(BATCH_ENV, " 2000 ")
    monkeypatch.setenv(MEMORY_ENV, " 2GB ")
    assert env_value("JOINEDUP_UNSET_HERE", BATCH_ENV) == (BATCH_ENV, "2000") and batch_people() == 2_000
    assert engine_memory_limit("JOINEDUP_LINK_MEMORY") == "2GB" and limit_origin("JOINEDUP_LINK_MEMORY") == MEMORY_ENV
