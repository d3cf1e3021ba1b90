"""`joinedup glossary suggest`: what a paper uses that the glossary lacks, and the draft file that fills the gap."""

from __future__ import annotations

import json

import yaml

from joinedup.glossary.annotate import annotator_for
from joinedup.glossary.suggest import suggest

PAPER = """# Transformation update

The Hospital Flow Programme (HFP) met twice. QWIXs were reviewed by the board; the QWIX findings and the
TWIG (team with integrated governance) both need work. Delayed discharges (DTOC) fell. The Hospital Flow Programme
reports in March, with the HFP dashboard. EXECUTIVE SUMMARY OF THE REVIEW. Section IV covers the UK picture.
"""


def test_unknown_abbreviations_and_terms_with_counts_and_expansions():
    found = {s.text: s for s in suggest(PAPER, annotator_for(()))}
    assert found["QWIX"].count == 2 and found["QWIX"].kind == "abbreviation"  # QWIXs and QWIX are one
    assert found["HFP"].expansion == "Hospital Flow Programme" and found["HFP"].count == 2
    assert found["TWIG"].expansion == "team with integrated governance"
    assert "Hospital Flow Programme" not in found  # listed once, as the long form of HFP
    for known in ("DTOC", "UK", "IV", "EXECUTIVE", "SUMMARY"):
        assert known not in found, known
    assert (found["QWIX"].line, found["QWIX"].column) == (3, 46)
    assert "delayed_discharge" in found["QWIX"].near


def test_repeated_capitalised_term_listed(tmp_path):
    text = "We launched Kinship Connect this year. Kinship Connect supports carers. Members welcomed it."
    found = {s.text: s for s in suggest(text, annotator_for(()))}
    assert found["Kinship Connect"].kind == "term" and found["Kinship Connect"].count == 2
    assert "Members" not in found


def test_cli_lists_and_exports_a_file_glossary_loads(run_cli, tmp_path):
    paper = tmp_path / "paper.md"
    paper.write_text(PAPER, encoding="utf-8")
    code, out, _ = run_cli("glossary", "suggest", str(paper))
    assert code == 0 and "3 unknown abbreviations" in out and "QWIX" in out and "= Hospital Flow Programme" in out
    code, out, _ = run_cli("glossary", "suggest", str(paper), "--json")
    data = json.loads(out)
    assert {s["text"] for s in data["suggestions"]} >= {"QWIX", "HFP", "TWIG"}
    draft = tmp_path / "ours.yaml"
    code, _, err = run_cli("glossary", "suggest", str(paper), "--out", str(draft), "--sector", "nhs")
    assert code == 0 and "draft terms" in err
    body = yaml.safe_load(draft.read_text(encoding="utf-8"))
    hfp = next(t for t in body["terms"] if t.get("acronyms") == ["HFP"])
    assert hfp["term"] == "Hospital Flow Programme" and hfp["sectors"] == ["nhs"] and "DRAFT" in hfp["definition"]
    code, out, _ = run_cli("glossary", "check", "--glossary", str(draft))
    assert code == 0 and "terms valid" in out
    code, out, _ = run_cli("explain", str(paper), "--format", "json", "--glossary", str(draft))
    ids = {m["term_id"] for m in json.loads(out)["matches"]}
    assert {hfp["id"], "delayed_discharge"} <= ids
    code, out, _ = run_cli("glossary", "suggest", str(paper), "--glossary", str(draft))
    assert code == 0 and "0 unknown abbreviations" in out  # once added, no longer suggested


def test_cli_errors_are_one_line(run_cli, tmp_path):
    paper = tmp_path / "plain.md"
    paper.write_text("Delayed discharges (DTOC) fell.", encoding="utf-8")
    code, _, err = run_cli("glossary", "suggest", str(paper), "--sector", "bogus")
    assert code == 2 and err.strip().startswith("error:") and "--sector" in err
    code, _, err = run_cli("glossary", "suggest", str(paper), "--out", str(tmp_path / "x.yaml"))
    assert code == 2 and "nothing to export" in err and not (tmp_path / "x.yaml").exists()
    code, _, err = run_cli("glossary", "suggest", str(tmp_path / "missing.md"))
    assert code == 2 and "file not found" in err



def test_plain_names_are_known_and_count_as_neighbours():
    paper = ("Care Homes and Scrutiny Committee\n\n"
             "The Scrutiny Committee asked about Care Homes. Care Homes in the east joined the Hospital Flow Programme (HFP).\n")
    found = {s.text: s for s in suggest(paper, annotator_for(()))}
    assert "HFP" in found and not {"Care Homes", "Scrutiny Committee"} & set(found)
    assert "care_home" in found["HFP"].near  # a plain name is still a known term beside the new one


def test_abbreviation_spelled_out_with_a_glossary_name_is_not_suggested():
    """'Attendance Support Team (AST)': explain reads AST as that term in the paper, so nothing is left to add."""
    paper = "The Attendance Support Team (AST) called families. AST staff and the QWIX board met. QWIX again."
    found = {s.text for s in suggest(paper, annotator_for(()), min_count=1)}
    assert "QWIX" in found and "AST" not in found


def test_names_held_for_search_only_and_the_nhs_are_not_suggested():
    """GP is a search-only name of a shipped term and NHS is everyday: a council cannot add either, so neither is
    suggested; an unknown abbreviation beside them still is."""
    paper = "The GP and the NHS trust met. The GPs asked the NHS about the QWIX. The QWIX is new."
    found = {s.text for s in suggest(paper, annotator_for(()))}
    assert "QWIX" in found
    assert not found & {"GP", "GPs", "NHS"}, found
