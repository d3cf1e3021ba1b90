"""docs/glossary.md cannot drift: its counts and corpus figures are the ones the code gives today."""

from __future__ import annotations

import json

import pytest
from pathlib import Path

from joinedup.glossary import SECTORS, load_glossary
from joinedup.glossary.annotate import Annotator
from joinedup.glossary.evaluate import load_corpus, score
from joinedup.glossary.heldout import load_heldout, score_heldout
from joinedup.glossary.load import shipped_files

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")


def test_term_counts_match():
    g = load_glossary()
    assert f"{len(g)} terms valid" in DOC and f"\n{len(g)} terms in {len(shipped_files())} YAML files" in "\n" + DOC
    for f in shipped_files():
        assert f.name in DOC or f.stem in ("nhs", "adult_social_care", "childrens_services", "public_health",
                                            "education", "local_government", "data_governance"), f.name
    for s in SECTORS:
        assert f"`{s}`" in DOC


def test_corpus_figures_match():
    g = load_glossary()
    passages = load_corpus(ROOT / "tests" / "glossary" / "corpus")
    s = score(passages, Annotator(g).annotate)
    assert f"| joinedup explain | {s.recall:.1%} | {s.precision:.1%} |" in DOC
    assert f"corpus in `tests/glossary/corpus/` ({len(passages)} passages" in DOC
    assert f"{s.gold} terms marked by hand" in DOC


def test_every_command_is_documented():
    for cmd in ("glossary search", "glossary show", "glossary export", "glossary check", "glossary suggest",
                "joinedup explain", "--glossary", "--for", "--format", "--out", "--sector", "--min-count",
                "benchmarks/glossary.py --held-out"):
        assert cmd in DOC, cmd


def test_sector_counts_match():
    g = load_glossary()
    flat = " ".join(DOC.split())
    for s in SECTORS:
        name = {"nhs": "nhs", "adult_social_care": "adult social care", "childrens_services": "children's services",
                "public_health": "public health", "education": "education", "local_government": "local government",
                "data_governance": "data governance"}[s]
        assert f"{name} {len(g.in_sector(s))}" in flat, s
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{len(g)} cross-sector terms" in readme


def test_link_counts_match():
    g = load_glossary()
    cross = sum(1 for t in g if any(set(g.terms[r].sectors) - set(t.sectors) for r in t.equivalents + t.related))
    eq = sum(1 for t in g if t.equivalents)
    flat = " ".join(DOC.split())
    assert all(t.equivalents or t.related for t in g)
    assert f"{cross} link into another sector, and {eq} name a nearest equivalent" in flat


def test_held_out_figures_match():
    g = load_glossary()
    total, per = score_heldout(load_heldout(ROOT / "tests" / "glossary" / "heldout" / "passages"), Annotator(g).annotate, g)
    assert (f"held-out summary: span recall {total.recall:.1%}, precision {total.precision:.1%}; "
            f"meaning recall {total.meaning_recall:.1%}, precision {total.meaning_precision:.1%}") in DOC
    current = DOC[DOC.index("<!-- current -->"):DOC.index("<!-- /current -->")]
    for name, s in per.items():
        assert f"| {name[:-3]} | {s.marks} | {s.recall:.1%} | {s.precision:.1%} |" in current, name


def test_second_held_out_runs_are_in_the_docs():
    first = json.loads((ROOT / "tests" / "glossary" / "heldout2" / "first_run.json").read_text())
    blind = json.loads((ROOT / "tests" / "glossary" / "heldout2" / "blind_run.json").read_text())
    for name, b in blind["passages"].items():
        f = first["passages"][name]
        assert (f"| {name[:-3]} | {b['marks']} | {f['recall']:.1%} | {f['precision']:.1%} | {b['recall']:.1%} | "
                f"{b['precision']:.1%} |") in DOC, name


def test_third_held_out_runs_are_in_the_docs():
    first = json.loads((ROOT / "tests" / "glossary" / "heldout3" / "first_run.json").read_text())
    blind = json.loads((ROOT / "tests" / "glossary" / "heldout3" / "blind_run.json").read_text())
    assert first["commit"] == "190ff09" and first["total"]["marks"] == 600 and blind["commit"] == "6444b52"
    for name, f in first["passages"].items():
        b = blind["passages"][name]
        assert (f"| {name[:-3]} | {f['marks']} | {f['recall']:.1%} | {f['precision']:.1%} | {b['recall']:.1%} | "
                f"{b['precision']:.1%} | {b['meaning_recall']:.1%} | {b['meaning_precision']:.1%} |") in DOC, name
    t, bt = first["total"], blind["total"]
    assert (f"| **all 15** | 600 | **{t['recall']:.1%}** | **{t['precision']:.1%}** | **{bt['recall']:.1%}** | "
            f"**{bt['precision']:.1%}** |") in DOC


def test_second_held_out_current_figures_match():
    """The tuned-on figures of the second corpus in the docs are the ones the code gives today."""
    g = load_glossary()
    total, per = score_heldout(load_heldout(ROOT / "tests" / "glossary" / "heldout2" / "passages"),
                               Annotator(g).annotate, g)
    current = DOC[DOC.index("<!-- current2 -->"):DOC.index("<!-- /current2 -->")]
    assert (f"held-out 2 summary (tuned-on): span recall {total.recall:.1%}, precision {total.precision:.1%}; "
            f"meaning recall {total.meaning_recall:.1%}, precision {total.meaning_precision:.1%}") in current
    for name, s in per.items():
        assert f"| {name[:-3]} | {s.marks} | {s.recall:.1%} | {s.precision:.1%} |" in current, name
    assert "The second held-out corpus is now a tuned-on corpus" in DOC
    assert f"<!-- n -->{len(g)}<!-- /n -->" in DOC


@pytest.mark.parametrize("folder, marks, first_commit, blind_commit", [
    ("heldout4", 877, "bd392e0", "41249ec"),
    ("heldout5", 814, "a5b06ad", "c34859f"),
    ("heldout6", 1217, "b8e5c17", "f05b6d9"),
    ("heldout7", 604, "4037cc3", "f05b6d9"),
])
def test_a_blind_corpus_first_and_blind_runs_are_in_the_docs(folder, marks, first_commit, blind_commit):
    first = json.loads((ROOT / "tests" / "glossary" / folder / "first_run.json").read_text())
    blind = json.loads((ROOT / "tests" / "glossary" / folder / "blind_run.json").read_text())
    assert (first["commit"], blind["commit"], first["total"]["marks"]) == (first_commit, blind_commit, marks)
    for name, f in first["passages"].items():
        b = blind["passages"][name]
        assert (f"| {name[:-3]} | {f['marks']} | {f['recall']:.1%} | {f['precision']:.1%} | "
                f"{f['meaning_recall']:.1%} | {f['meaning_precision']:.1%} | {b['recall']:.1%} | {b['precision']:.1%} | "
                f"{b['meaning_recall']:.1%} | {b['meaning_precision']:.1%} |") in DOC, name
    t, bt = first["total"], blind["total"]
    assert (f"| **all 15** | {marks} | **{t['recall']:.1%}** | **{t['precision']:.1%}** | "
            f"{t['meaning_recall']:.1%} | {t['meaning_precision']:.1%} | **{bt['recall']:.1%}** | **{bt['precision']:.1%}** |") in DOC


def _benchmark(name: str):
    """benchmarks/glossary.py loaded as a module under `name` (its DEVELOPMENT set and HELD_OUT_CORPORA)."""
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "glossary.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.parametrize("folder, marker", [("heldout3", "dev3"), ("heldout4", "dev4"), ("heldout5", "dev5"),
                                            ("heldout6", "dev6"), ("heldout7", "dev7"), ("heldout8", "dev8"),
                                            ("heldout9", "dev9"), ("heldout10", "dev10")])
def test_development_corpus_figures_match(folder, marker):
    """Each development corpus's tuned-on table in the docs is the one the code gives today."""
    g = load_glossary()
    total, per = score_heldout(load_heldout(ROOT / "tests" / "glossary" / folder / "passages"), Annotator(g).annotate, g)
    table = DOC[DOC.index(f"<!-- {marker} -->"):DOC.index(f"<!-- /{marker} -->")]
    for name, s in per.items():
        assert (f"| {name[:-3]} | {s.marks} | {s.recall:.1%} | {s.precision:.1%} | {s.meaning_recall:.1%} | "
                f"{s.meaning_precision:.1%} |") in table, name
    assert f"span recall {total.recall:.1%}, precision {total.precision:.1%}" in table


def test_the_fifth_corpus_is_a_development_corpus():
    """From the sixth round the fifth corpus is tuned on: the benchmark says so, and its recorded runs stay as they were."""
    bench = _benchmark("bench_glossary")
    assert {"heldout", "heldout2", "heldout3", "heldout4", "heldout5"} <= bench.DEVELOPMENT
    assert "`DEVELOPMENT` in `benchmarks/glossary.py` now holds `heldout`" in " ".join(DOC.split())


def test_the_sixth_corpus_is_a_development_corpus():
    """From the seventh round the sixth corpus is tuned on; the seventh stays blind and its recorded runs stay as they were."""
    bench = _benchmark("bench_glossary_7")
    assert "heldout6" in bench.DEVELOPMENT
    assert "`DEVELOPMENT` in `benchmarks/glossary.py` now holds `heldout` to `heldout6`" in " ".join(DOC.split())
    blind = json.loads((ROOT / "tests" / "glossary" / "heldout6" / "blind_run.json").read_text())
    assert (blind["commit"], blind["glossary_terms"]) == ("f05b6d9", 1646)


def test_the_seventh_round_blind_run_on_the_seventh_corpus_is_in_the_docs():
    """The seventh corpus's second blind run (the seventh round, which never saw it) is the one quoted in the docs."""
    b = json.loads((ROOT / "tests" / "glossary" / "heldout7" / "blind_run_round7.json").read_text())
    assert (b["commit"], b["glossary_terms"], b["total"]["marks"]) == ("ae6af99", 1701, 604)
    t = b["total"]
    assert (f"recall **{t['recall']:.1%}**, precision **{t['precision']:.1%}**, meaning recall {t['meaning_recall']:.1%} "
            f"(meaning precision {t['meaning_precision']:.1%})") in " ".join(DOC.split())


@pytest.mark.parametrize("folder, marks, first_commit", [
    ("heldout8", 805, "fc88b65"),
    ("heldout9", 1028, "a8c0833"),
    ("heldout10", 960, "d780db0"),
    ("heldout11", 925, "11844dc"),
    ("heldout12", 914, "76ad704"),
    ("heldout13", 984, "0232797"),
    ("heldout14", 1167, "3024b9a"),
])
def test_a_blind_corpus_first_run_is_in_the_docs(folder, marks, first_commit):
    """Each passage's first-run figures, and the total, stand in docs/glossary.md as first_run.json recorded them."""
    first = json.loads((ROOT / "tests" / "glossary" / folder / "first_run.json").read_text())
    assert (first["commit"], first["total"]["marks"]) == (first_commit, marks)
    for name, f in first["passages"].items():
        assert (f"| {name[:-3]} | {f['marks']} | {f['recall']:.1%} | {f['precision']:.1%} | "
                f"{f['meaning_recall']:.1%} | {f['meaning_precision']:.1%} |") in DOC, name
    t = first["total"]
    assert (f"| **all 15** | {marks:,} | **{t['recall']:.1%}** | **{t['precision']:.1%}** | "
            f"{t['meaning_recall']:.1%} | {t['meaning_precision']:.1%} |") in DOC


@pytest.mark.parametrize("folder", ["heldout7", "heldout8", "heldout9"])
def test_the_ninth_round_blind_runs_are_in_the_docs(folder):
    """The ninth round's blind run on each blind corpus stands in docs/glossary.md beside its first run."""
    first = json.loads((ROOT / "tests" / "glossary" / folder / "first_run.json").read_text())["total"]
    blind = json.loads((ROOT / "tests" / "glossary" / folder / "blind_run_round9.json").read_text())
    bt = blind["total"]
    assert (f"| {bt['marks']:,} | {first['recall']:.1%} / {first['precision']:.1%} | {bt['recall']:.1%} / "
            f"{bt['precision']:.1%} | {bt['meaning_recall']:.1%} / {bt['meaning_precision']:.1%} |") in DOC
    assert f"(commit {blind['commit']}, {blind['glossary_terms']:,} terms)" in DOC


@pytest.mark.parametrize("folder", ["heldout7", "heldout8", "heldout9", "heldout10"])
@pytest.mark.parametrize("round_", [10, 11])
def test_the_tenth_and_later_rounds_blind_runs_are_in_the_docs(folder, round_):
    """Each round's blind run (from the tenth) on each blind corpus stands in docs/glossary.md beside its first run."""
    first = json.loads((ROOT / "tests" / "glossary" / folder / "first_run.json").read_text())["total"]
    blind = json.loads((ROOT / "tests" / "glossary" / folder / f"blind_run_round{round_}.json").read_text())
    bt = blind["total"]
    assert (f"| {bt['marks']:,} | {first['recall']:.1%} / {first['precision']:.1%} | ") in DOC
    assert (f" | {bt['recall']:.1%} / {bt['precision']:.1%} | {bt['meaning_recall']:.1%} / "
            f"{bt['meaning_precision']:.1%} |") in DOC
    assert f"(commit {blind['commit']}, {blind['glossary_terms']:,} terms)" in DOC


def test_the_eleventh_round_file_and_blind_runs_are_listed():
    """The benchmark scores each blind corpus's eleventh-round run, and the docs name the round's vocabulary file."""
    bench = _benchmark("bench_glossary_11")
    listed = {p.parent.name for _, _, runs in bench.HELD_OUT_CORPORA for p in runs if p.name == "blind_run_round11.json"}
    assert listed == {"heldout7", "heldout8", "heldout9", "heldout10"}
    assert "`eleventh_round_vocabulary.yaml`" in DOC


def test_the_two_markers_agreement_is_in_the_docs():
    """The second marking of the ninth corpus: the agreement docs/glossary.md quotes is the one its files give."""
    import runpy
    markers = runpy.run_path(str(ROOT / "benchmarks" / "glossary_markers.py"))
    first, second = load_heldout(markers["FIRST"]), load_heldout(markers["SECOND"])
    assert [p.text for p in first] == [p.text for p in second]  # the same passages, marked twice
    one, two, both = markers["agreement"](first, second)
    assert f"| marked also by the other marker | **{one:.1%}** | **{two:.1%}** |" in DOC
    assert f"({both} marks made by both)" in DOC and 0.8 < one < 1 and 0.8 < two < 1


def test_the_blind_corpus_marked_twice_is_in_the_docs():
    """The second marking of the eleventh (blind) corpus: the agreement docs/glossary.md quotes is what its files give."""
    import runpy
    markers = runpy.run_path(str(ROOT / "benchmarks" / "glossary_markers.py"))
    first_dir, second_dir = markers["MARKED_TWICE"]["11"]
    first, second = load_heldout(first_dir), load_heldout(second_dir)
    assert [p.text for p in first] == [p.text for p in second]
    assert sum(len(p.marks) for p in second) == 808
    one, two, both = markers["agreement"](first, second)
    section = DOC[DOC.index("## The eleventh corpus marked twice"):DOC.index("## Limits")]
    assert f"| marked also by the other marker | **{one:.1%}** | **{two:.1%}** |" in section
    assert f"the {both} marks both markers made" in " ".join(section.split())


def test_corpora_7_to_10_are_development_corpora_from_the_twelfth_round():
    """From the twelfth round corpora 7 to 10 are tuned on (corpus 11 was written blind for the next fair figure);
    every blind run recorded on them stays listed and unedited, and the docs say when and why they changed."""
    bench = _benchmark("bench_glossary_12")
    assert {"heldout7", "heldout8", "heldout9", "heldout10"} <= bench.DEVELOPMENT
    runs = {p.parent.name: {q.name for q in rs} for _, _, rs in bench.HELD_OUT_CORPORA for p in rs}
    assert runs["heldout7"] >= {"blind_run.json", "blind_run_round7.json", "blind_run_round9.json",
                                "blind_run_round10.json", "blind_run_round11.json"}
    assert runs["heldout10"] >= {"blind_run_round10.json", "blind_run_round11.json"}
    for folder in ("heldout8", "heldout9"):
        assert runs[folder] >= {"blind_run_round9.json", "blind_run_round10.json", "blind_run_round11.json"}
    flat = " ".join(DOC.split())
    assert "## Twelfth round" in DOC
    assert "From 7 December 2026 (evening) corpora 7 to 10 are development corpora" in flat


@pytest.mark.parametrize("folder, n, round_", [("heldout11", 11, 12), ("heldout11", 11, 13), ("heldout12", 12, 13),
                                                   ("heldout13", 13, 14)])
def test_the_twelfth_and_later_rounds_blind_runs_are_in_the_docs(folder, n, round_):
    """Each round's blind run (from the twelfth) on each blind corpus stands in docs/glossary.md beside its first run,
    and the benchmark lists it (both became development corpora only after these runs: see the next test)."""
    path = ROOT / "tests" / "glossary" / folder
    first = json.loads((path / "first_run.json").read_text())["total"]
    blind = json.loads((path / f"blind_run_round{round_}.json").read_text())
    bt = blind["total"]
    assert (f"| {n} | {bt['marks']:,} | {first['recall']:.1%} / {first['precision']:.1%} | {bt['recall']:.1%} / "
            f"{bt['precision']:.1%} | {bt['meaning_recall']:.1%} / {bt['meaning_precision']:.1%} |") in DOC
    assert f"(commit {blind['commit']}, {blind['glossary_terms']:,} terms)" in DOC
    bench = _benchmark(f"bench_glossary_{round_}_{n}")
    assert any(p == path / f"blind_run_round{round_}.json" for _, _, runs in bench.HELD_OUT_CORPORA for p in runs)


def test_corpora_11_and_12_are_development_corpora_from_the_fourteenth_round():
    """From the fourteenth round corpora 11 and 12 are tuned on (corpus 13 was written blind for the next fair
    figure); their first and blind runs stay recorded, and the docs say when and why they changed."""
    bench = _benchmark("bench_glossary_14")
    assert {"heldout11", "heldout12"} <= bench.DEVELOPMENT
    runs = {p.parent.name: {q.name for q in rs} for _, _, rs in bench.HELD_OUT_CORPORA for p in rs}
    assert runs["heldout11"] >= {"blind_run_round12.json", "blind_run_round13.json"}
    assert runs["heldout12"] >= {"blind_run_round13.json"}
    assert "From 7 December 2026 (night) corpora 11 and 12 are development corpora" in " ".join(DOC.split())


def test_the_development_flag_scores_no_blind_corpus(capsys):
    """`--held-out --development` prints every development corpus and no blind one, so a tuner may run it."""
    bench = _benchmark("bench_glossary_dev")
    bench.main(["--held-out", "--development"])
    out = capsys.readouterr().out
    scored = {line.split()[2].rstrip(":") for line in out.splitlines() if line.startswith("held-out corpus ")}
    assert scored == set(bench.DEVELOPMENT)
    assert "blind corpus" not in out
    with pytest.raises(SystemExit):
        bench.main(["--held-out", "--development", "--record-blind-run", "x.json"])

