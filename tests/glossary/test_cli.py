"""The commands as users run them: explain (txt, md, stdin, docx, pdf), search, show, export, check."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

PAPER = """# Board paper

Delayed discharges (DTOC) rose: 40 patients had no criteria to reside.
Children on CP plans rose after more s47 enquiries; two CiNs were closed.

Numbers on the wheelchair PD diagnosis list.
"""


def _one_line_error(code: int, err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err


def _pdf(text_lines: list[str]) -> bytes:
    """A minimal valid one-page PDF with a text layer (Helvetica), offsets computed for the xref table."""
    stream = "BT /F1 11 Tf 50 750 Td 14 TL " + " ".join(
        "(" + t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for t in text_lines) + " ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.fixture
def paper(tmp_path):
    p = tmp_path / "paper.md"
    p.write_text(PAPER, encoding="utf-8")
    return p


def test_explain_text(run_cli, paper):
    code, out, err = run_cli("explain", str(paper))
    assert code == 0, err
    assert "Delayed discharge (DTOC)" in out and "Section 47 enquiry" in out and "Child in need" in out
    assert re.search(r"DTOC.* at 3:\d+", out)


def test_explain_for_a_sector(run_cli, paper):
    code, out, _ = run_cli("explain", str(paper), "--for", "adult_social_care")
    assert code == 0
    assert "in adult social care, nearest: Section 42 enquiry" in out
    assert "Delayed discharge (DTOC) [your sector]" in out


def test_explain_json_and_markdown(run_cli, paper):
    code, out, _ = run_cli("explain", str(paper), "--format", "json", "--for", "childrens_services")
    report = json.loads(out)
    assert code == 0 and report["for"] == "childrens_services"
    found = {m["term_id"] for m in report["matches"]}
    assert {"delayed_discharge", "no_criteria_to_reside", "child_protection_plan", "section_47", "child_in_need"} <= found
    code, out, _ = run_cli("explain", str(paper), "--format", "markdown")
    assert code == 0 and out.startswith("# Jargon explained") and "| **Section 47 enquiry (s47)** |" in out


def test_explain_html_is_self_contained(run_cli, paper, tmp_path):
    target = tmp_path / "out" / "paper.html"
    code, _, err = run_cli("explain", str(paper), "--format", "html", "--out", str(target))
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert '<abbr class="term" title="Delayed discharge (DTOC): A patient ready' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no external assets
    assert '<abbr class="term ambiguous" title="More than one reading: Physical disability (PD)' in page
    assert "<script" not in page
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) > 3  # anchors unique
    for href in set(re.findall(r'href="#([^"]+)"', page)):
        assert href in ids  # every term link lands on its entry


def test_explain_stdin(run_cli, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("The LAC's review was late; EHCPs are overdue."))
    code, out, _ = run_cli("explain", "-", "--format", "json")
    assert code == 0
    assert [m["term_id"] for m in json.loads(out)["matches"]] == ["child_looked_after", "ehcp"]


def test_explain_docx(run_cli, tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Discharge update")
    d.add_paragraph("Patients with NCTR waited for reablement.")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "ASCOF 2D"
    table.rows[0].cells[1].text = "82%"
    path = tmp_path / "paper.docx"
    d.save(str(path))
    code, out, _ = run_cli("explain", str(path), "--format", "json")
    assert code == 0
    assert [m["term_id"] for m in json.loads(out)["matches"]] == ["no_criteria_to_reside", "reablement", "ascof"]


def test_explain_pdf(run_cli, tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(_pdf(["Children looked after: 571 CLA.", "Section 47 enquiries rose by 12%."]))
    code, out, err = run_cli("explain", str(path), "--format", "json")
    assert code == 0, err
    assert [m["term_id"] for m in json.loads(out)["matches"]] == ["child_looked_after", "child_looked_after", "section_47"]


@pytest.mark.parametrize("make,args,expect", [
    (None, ["explain", "{tmp}/missing.md"], "file not found"),
    ("x.doc", ["explain", "{tmp}/x.doc"], "cannot read .doc files"),
    ("x.docx", ["explain", "{tmp}/x.docx"], "not a readable Word document"),
    ("x.pdf", ["explain", "{tmp}/x.pdf"], "not a readable PDF"),
    ("ok.md", ["explain", "{tmp}/ok.md", "--for", "housing"], "unknown sector 'housing'"),
    ("ok.md", ["explain", "{tmp}/ok.md", "--format", "pdf"], "unknown format 'pdf'"),
    ("ok.md", ["explain", "{tmp}/ok.md", "--glossary", "{tmp}/none"], "glossary folder not found"),
    ("bin.txt", ["explain", "{tmp}/bin.txt"], "not UTF-8"),
    (None, ["glossary", "show", "zzqqxx"], "no glossary term 'zzqqxx'"),
    (None, ["glossary", "show", "DTOC", "--for", "police"], "unknown sector 'police'"),
    (None, ["glossary", "export", "--format", "xml"], "unknown format 'xml'"),
])
def test_bad_input_is_one_line(run_cli, tmp_path, make, args, expect):
    if make:
        p = tmp_path / make
        p.write_bytes(b"\xff\xfe\x00garbage" if make != "ok.md" else b"A DTOC note.")
    code, _, err = run_cli(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    _one_line_error(code, err)
    assert expect in err


def test_pdf_without_text_layer(run_cli, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([]))
    code, _, err = run_cli("explain", str(path))
    _one_line_error(code, err)
    assert "no text layer" in err


def test_search_json(run_cli):
    code, out, _ = run_cli("glossary", "search", "bed blocking", "--json")
    hits = json.loads(out)
    assert code == 0 and hits[0]["id"] == "delayed_discharge" and hits[0]["score"] >= 100


def test_search_text(run_cli):
    code, out, _ = run_cli("glossary", "search", "reablment", "--limit", "2")
    assert code == 0 and out.splitlines()[0].startswith("Reablement (ST-Max)")


def test_show_for_sector(run_cli):
    code, out, _ = run_cli("glossary", "show", "s47", "--for", "adult_social_care")
    assert code == 0
    assert "Section 47 enquiry (s47)" in out and "For adult social care: this is a term of children's services." in out
    assert "- Section 42 enquiry (s42):" in out


def test_show_shared_acronym_lists_each_reading(run_cli):
    code, out, _ = run_cli("glossary", "show", "PD", "--json")
    assert code == 0 and {t["id"] for t in json.loads(out)} == {"physical_disability", "personality_disorder"}


def test_show_by_fuzzy_name(run_cli):
    code, out, _ = run_cli("glossary", "show", "safegarding adults board")
    assert code == 0 and out.startswith("Safeguarding adults board (SAB)")


def test_export_csv_json_skos(run_cli, tmp_path):
    from rdflib import Graph
    from rdflib.namespace import RDF, SKOS

    from joinedup.glossary import load_glossary

    n = len(load_glossary())
    code, out, _ = run_cli("glossary", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == n and rows[0]["definition"]
    code, out, _ = run_cli("glossary", "export", "--format", "json")
    assert code == 0 and len(json.loads(out)["terms"]) == n
    target = tmp_path / "g.ttl"
    code, _, _ = run_cli("glossary", "export", "--format", "skos", "--out", str(target))
    g = Graph().parse(str(target), format="turtle")
    assert code == 0 and len(set(g.subjects(RDF.type, SKOS.Concept))) == n
    dd = next(s for s in g.subjects(SKOS.prefLabel, None) if str(s).endswith(":delayed_discharge"))
    assert {str(o) for o in g.objects(dd, SKOS.altLabel)} >= {"DTOC", "bed blocking"}


def test_council_glossary_in_commands(run_cli, tmp_path):
    d = tmp_path / "ours"
    d.mkdir()
    (d / "terms.yaml").write_text(
        "sector: local_government\nterms:\n  - id: dudley_people_board\n    term: People Services Board\n"
        "    acronyms: [PSB]\n    definition: \"Dudley's joint board of council and NHS leaders for people services.\"\n"
        "    source: \"Dudley Council constitution\"\n", encoding="utf-8")
    code, out, _ = run_cli("glossary", "search", "PSB", "--glossary", str(d), "--json")
    assert code == 0 and json.loads(out)[0]["id"] == "dudley_people_board"
    paper = tmp_path / "p.txt"
    paper.write_text("The PSB noted the DTOC figures.", encoding="utf-8")
    code, out, _ = run_cli("explain", str(paper), "--glossary", str(d), "--format", "json")
    assert [m["term_id"] for m in json.loads(out)["matches"]] == ["dudley_people_board", "delayed_discharge"]
    code, out, _ = run_cli("glossary", "check", "--glossary", str(d))
    assert code == 0 and "terms valid" in out
