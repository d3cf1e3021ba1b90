"""Write the hostile-input corpus kept in tests/reliability/corpus/ (run it to regenerate the files).

Each file is a small, deliberately broken input for one command (ingest, match, explain,
simulate, measures). tests/reliability/test_hostile.py names what each one must produce: exit 2,
one `error:` line naming the file (and the row and field where there is one), nothing written.
Inputs that cannot be files in a repository (a FIFO, an endless device, a 50 MB field) are made
by the test itself.

    python -m tests.reliability.make_corpus
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tests.ingest.place import make_rows

__all__ = ["CORPUS", "write_corpus", "good_rows", "DEATHS"]

CORPUS = Path(__file__).resolve().parent / "corpus"
DEATHS = "nhs.deaths"


def good_rows(n: int = 4) -> tuple[list[str], list[dict]]:
    """A valid header and rows of the NHS deaths source (the base most ingest cases break)."""
    rows = make_rows(DEATHS, n, seed=7)[:n]
    return list(rows[0]), rows


def _csv(header: list[str], rows: list[dict | list], newline: str = "\n") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    for r in rows:
        w.writerow([r[h] for h in header] if isinstance(r, dict) else r)
    return buf.getvalue()


def _ingest(d: Path) -> None:
    header, rows = good_rows()
    good = _csv(header, rows)
    (d / "empty.csv").write_bytes(b"")
    (d / "binary.csv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 200)
    (d / "zip_named_csv.csv").write_bytes(_zip({"a.txt": "hello"}))
    (d / "utf16.csv").write_bytes(good.encode("utf-16"))
    (d / "utf16le_no_bom.csv").write_bytes(good.encode("utf-16-le"))
    (d / "latin1_row.csv").write_bytes(good.encode() + ("DR9," + "é" * 3 + "\n").encode("latin-1"))
    (d / "nul_in_row.csv").write_bytes(good.encode() + b"DR9,\x00\x00,x\n")
    (d / "duplicated_header.csv").write_text(_csv(header + ["DEC_SURNAME"], [list(r.values()) + ["x"] for r in rows]))
    (d / "blank_header_name.csv").write_text(_csv(header[:-1] + [""], [list(r.values()) for r in rows]))
    (d / "missing_required_column.csv").write_text(
        _csv([h for h in header if h != "DATE_OF_DEATH"], [{k: v for k, v in r.items()} for r in rows]))
    lines = good.splitlines()
    (d / "extra_fields.csv").write_text("\n".join(lines[:2] + [lines[2] + ",extra,fields"] + lines[3:]) + "\n")
    (d / "unterminated_quote.csv").write_text("\n".join(lines[:3] + ['"DR9,' + lines[3]]) + "\n")
    (d / "unrecognised.csv").write_text("colour,flavour\nred,sweet\n")
    (d / "header_only_garbage.csv").write_text("\ufeff;;;;\n1;2;3;4;5\n")
    (d / "cr_only_lines.csv").write_text(good.replace("\n", "\r"))
    # Parquet: truncated, CSV bytes under a Parquet name, a struct column, a list column
    pq.write_table(pa.table({h: [r[h] for r in rows] for h in header}), d / "truncated.parquet")
    (d / "truncated.parquet").write_bytes((d / "truncated.parquet").read_bytes()[:-40])
    (d / "csv_named_parquet.parquet").write_text(good)
    cols = {h: [r[h] for r in rows] for h in header}
    cols["DEC_FORENAMES"] = [{"a": 1}] * len(rows)
    pq.write_table(pa.table(cols), d / "struct_column.parquet")
    cols = {h: [r[h] for r in rows] for h in header}
    cols["DEC_SURNAME"] = [["x", "y"]] * len(rows)
    pq.write_table(pa.table(cols), d / "list_column.parquet")
    # FHIR JSON and NDJSON
    depth = 20_000
    (d / "deeply_nested.json").write_text("[" * depth + "]" * depth)
    (d / "deeply_nested_object.json").write_text('{"resourceType": "Bundle", "entry": ' + '{"a":' * depth + "1"
                                                 + "}" * depth + "}")
    (d / "deeply_nested_line.ndjson").write_text('{"resourceType": "Patient", "id": "p1"}\n' + "[" * depth
                                                 + "]" * depth + "\n")
    (d / "not_json.json").write_text('{"resourceType": "Bundle", "entry": [\n')
    (d / "json_number.json").write_text("42\n")
    (d / "bundle_entry_not_object.json").write_text(json.dumps({"resourceType": "Bundle", "entry": [1, "x"]}))
    (d / "ndjson_bad_line.ndjson").write_text('{"resourceType": "Patient", "id": "p1"}\n{oops\n')
    (d / "huge_number.json").write_text('{"resourceType": "Patient", "id": "p1", "x": 1' + "0" * 5000 + "}")
    # manifests: paths outside the folder, unknown source, missing file, bad JSON, wrong row count
    for name, entries in {
        "manifest_parent_path": [{"path": "../outside.csv", "source": DEATHS}],
        "manifest_absolute_path": [{"path": "/etc/hostname", "source": DEATHS}],
        "manifest_unknown_source": [{"path": "deaths.csv", "source": "nhs.unicorns"}],
        "manifest_missing_file": [{"path": "nowhere.csv", "source": DEATHS}],
        "manifest_wrong_rows": [{"path": "deaths.csv", "source": DEATHS, "rows": 999}],
        "manifest_rows_not_number": [{"path": "deaths.csv", "source": DEATHS, "rows": "four"}],
        "manifest_entry_not_object": ["deaths.csv"],
    }.items():
        sub = d / name
        sub.mkdir(exist_ok=True)
        (sub / "deaths.csv").write_text(good)
        (sub / "manifest.json").write_text(json.dumps({"files": entries}, indent=1))
    sub = d / "manifest_not_json"
    sub.mkdir(exist_ok=True)
    (sub / "deaths.csv").write_text(good)
    (sub / "manifest.json").write_text("{files: [")


def _zip(members: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _match(d: Path) -> None:
    (d / "people.csv").write_text("given_name,family_name,date_of_birth,postcode\n"
                                  "Amelia,Smithson,1970-01-02,DY1 1AA\nOliver,Khanum,1980-03-04,DY2 2BB\n"
                                  "Isla,Oduya,1990-05-06,DY3 3CC\n")
    (d / "binary.csv").write_bytes(b"\x00\x01\x02PK\x03\x04" * 200)
    (d / "empty.csv").write_bytes(b"")
    (d / "no_person_columns.csv").write_text("colour,flavour\nred,sweet\nblue,sour\n")
    (d / "utf16.csv").write_bytes((d / "people.csv").read_text().encode("utf-16"))
    (d / "ragged.csv").write_text("given_name,family_name,date_of_birth\nAmelia,Smithson\nOliver,Khanum,1980,x,y\n")
    (d / "header_only.csv").write_text("given_name,family_name,date_of_birth,postcode\n")
    (d / "truncated.parquet").write_bytes(b"PAR1" + b"\x00" * 30)


def _explain(d: Path) -> None:
    (d / "corrupt.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (d / "docx_not_zip.docx").write_text("this is plain text wearing a .docx name\n")
    (d / "docx_missing_document.docx").write_bytes(_zip({"[Content_Types].xml": "<Types/>", "word/other.xml": "x"}))
    (d / "docx_bad_xml.docx").write_bytes(_zip({
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Default Extension="xml" ContentType="application/xml"/>'
                               '<Override PartName="/word/document.xml" ContentType="application/vnd.'
                               'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                       '</Relationships>',
        "word/document.xml": "<w:document><unclosed>"}))
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    (d / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 100)
    (d / "latin1.md").write_bytes("Caf\u00e9 and CHC\n".encode("latin-1"))
    (d / "unknown_type.xlsx").write_bytes(_zip({"x": "y"}))


_SCENARIO_OK = ("name: bad\ntitle: t\nquestion: q\nchanges:\n  - lever: workforce.reablement_share\n"
                "    by: 0.2\n")


def _simulate(d: Path) -> None:
    (d / "not_yaml.yaml").write_text("name: [unclosed\n  title: :\n")
    (d / "a_list.yaml").write_text("- one\n- two\n")
    (d / "unknown_field.yaml").write_text(_SCENARIO_OK + "colour: red\n")
    (d / "unknown_lever.yaml").write_text(_SCENARIO_OK.replace("workforce.reablement_share", "discharge.unicorns"))
    (d / "both_to_and_by.yaml").write_text(_SCENARIO_OK + "    to: 3\n")
    (d / "no_changes.yaml").write_text("name: bad\ntitle: t\nquestion: q\nchanges: []\n")
    (d / "alias_bomb.yaml").write_text(_alias_bomb())
    (d / "not_utf8.yaml").write_bytes("name: caf\u00e9\n".encode("latin-1"))
    (d / "deeply_nested.yaml").write_text("name: " + "[" * 5000 + "]" * 5000 + "\n")


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghijk":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 12) + "]")
        prev = name
    return "\n".join(lines) + "\n"


def _measures(d: Path) -> None:
    base = ("id: {id}\ntitle: t\ndescription: d\nsectors: [nhs]\nkind: process\nperiod: financial_year\n"
            "unit: percent\npolarity: higher_is_better\ncounts: rows\n"
            "definition:\n  name: a test measure\n  citation: {{document: a test document, version: '2024-25', section: a test section}}\n"
            "  reference: https://example.org/\n"
            "denominator:\n  from: encounter\n  where: {where}\nnumerator:\n  where: ed_minutes <= 240\n")
    cases = {
        "not_yaml": "id: [unclosed\n",
        "a_list": "- id: x\n",
        "unknown_field": base.format(id="unknown_field", where="kind = 'ed_attendance'") + "colour: red\n",
        "sql_injection": base.format(id="sql_injection", where="1=1; DROP TABLE encounter"),
        "unknown_column": base.format(id="unknown_column", where="no_such_column = 1"),
        "unknown_table": base.replace("from: encounter", "from: unicorns").format(id="unknown_table", where="1=1"),
        "subquery_to_vault": base.format(id="subquery_to_vault",
                                         where="person_id IN (SELECT record_id FROM vault.identity)"),
        "alias_bomb": _alias_bomb(),
    }
    for name, text in cases.items():
        sub = d / name
        sub.mkdir(exist_ok=True)
        (sub / f"{name}.yaml").write_text(text)


def write_corpus(root: Path = CORPUS) -> Path:
    """Write every file of the corpus under root."""
    for name, fn in (("ingest", _ingest), ("match", _match), ("explain", _explain), ("simulate", _simulate),
                     ("measures", _measures)):
        (root / name).mkdir(parents=True, exist_ok=True)
        fn(root / name)
    return root


if __name__ == "__main__":
    print(write_corpus())
