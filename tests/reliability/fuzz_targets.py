"""The parsers the fuzz tests (and scripts/fuzz_parsers.py) drive: name -> (file suffix, target, seeds).

A target takes the path of one input file and parses it the way joinedup does; it returns or raises
`UserError`. Seeds are valid inputs that mutations start from.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "joinedup"


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue().encode()


def csv_seeds() -> list[bytes]:
    """A small valid extract of deaths (and the same with LF line ends)."""
    from joinedup.sources import source
    from tests.ingest.place import make_rows

    data = _csv(make_rows("nhs.deaths", 4), source("nhs.deaths").columns)
    return [data, data.replace(b"\r\n", b"\n")]


def _parquet_seed() -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"a": ["x", "y"], "b": [1, 2]}), sink)
    return sink.getvalue()


_PATIENT = (b'{"resourceType": "Patient", "id": "p1", "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number",'
            b' "value": "9434765919"}], "name": [{"family": "Smith", "given": ["Ann"]}], "birthDate": "1950-02-03",'
            b' "gender": "female", "address": [{"postalCode": "B62 2GB"}]}')
_ENCOUNTER = (b'{"resourceType": "Encounter", "id": "e1", "status": "finished", "class": {"code": "EMER"},'
              b' "subject": {"reference": "Patient/p1"}, "period": {"start": "2024-01-02T10:00:00Z",'
              b' "end": "2024-01-02T13:00:00Z"}}')
_BUNDLE = b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": ' + _PATIENT + \
          b'}, {"resource": ' + _ENCOUNTER + b'}]}'

_CIN = b"""<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year>
<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source><LEA>330</LEA></Source></Header>
<Children><Child><ChildIdentifiers><LAchildID>C0001</LAchildID><UPN>A123456789012</UPN>
<PersonBirthDate>2015-06-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
<CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>1A</ReferralSource>
<PrimaryNeedCode>N1</PrimaryNeedCode></CINdetails></Child></Children></Message>
"""

_903_HEADER = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n1001,1,01/06/2015,WBRI,A123456789012,,\r\n"
_903_EPISODES = (b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"
                 b"1001,01/04/2023,S,C2,N1,U1,PR1,,,,B62,B63,SC123456\r\n")

_MANIFEST = b'{"files": [{"path": "nhs.deaths.csv", "source": "nhs.deaths", "format": "csv"}]}'


def _docx_seed() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Delayed transfers of care and reablement at 91 days.")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "DToC", "CHC"
    sink = io.BytesIO()
    d.save(sink)
    return sink.getvalue()


def _pdf_seed() -> bytes:
    """A one-page PDF with a text layer, written object by object with its cross-reference table."""
    text = b"BT /F1 12 Tf 20 100 Td (Delayed transfers of care at 91 days) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _first(folder: Path, pattern: str) -> bytes:
    return sorted(folder.glob(pattern))[0].read_bytes()


# -- targets ----------------------------------------------------------------------------------------
def _csv_header(p: Path) -> object:
    from joinedup.ingest.readers import csv_header
    return csv_header(p)


def _parquet(p: Path) -> object:
    from joinedup.ingest.readers import parquet_columns
    return parquet_columns(p)


def _plan(p: Path) -> object:
    from joinedup.ingest.detect import plan_paths
    return plan_paths([p])


def _manifest(p: Path) -> object:
    from joinedup.ingest.detect import plan_paths
    (p.parent / "nhs.deaths.csv").write_bytes(csv_seeds()[0])
    p.rename(p.parent / "manifest.json")
    return plan_paths([p.parent])


def _fhir(fmt: str) -> Callable[[Path], object]:
    def run(p: Path) -> object:
        from joinedup.ingest import fhir
        patients = fhir.collect_patients([p])
        return fhir.read_parts(p, fmt, patients)
    return run


def _cin(p: Path) -> object:
    from joinedup.ingest import cin_census
    return cin_census.read_parts(p)


def _ssda903(table: str, other: bytes) -> Callable[[Path], object]:
    def run(p: Path) -> object:
        from joinedup.ingest import ssda903
        year = p.parent / "903" / "2024"
        year.mkdir(parents=True)
        (year / f"{table}.csv").write_bytes(p.read_bytes())
        (year / ("header.csv" if table == "episodes" else "episodes.csv")).write_bytes(other)
        return ssda903.read_parts(p.parent / "903")
    return run


def _spec(loader: str) -> Callable[[Path], object]:
    def run(p: Path) -> object:
        module, name = loader.rsplit(".", 1)
        fn = getattr(__import__(module, fromlist=[name]), name)
        if name == "load_params":  # needs the model it parameterises
            from joinedup.model.spec import load_model
            from joinedup.model.flat import flatten
            return fn(p, flatten(load_model(sorted((PKG / "model" / "models").glob("*.yaml"))[0])))
        return fn(p)
    return run


def _paper(p: Path) -> object:
    from joinedup.glossary.readers import read_paper
    return read_paper(str(p))


def _people(p: Path) -> object:
    from joinedup.link.match_input import read_people_file
    return read_people_file(p)


def targets() -> dict[str, tuple[str, Callable[[Path], object], list[bytes]]]:
    """Every parser: name -> (suffix of the input file, target, seeds)."""
    return {
        "csv_header": (".csv", _csv_header, csv_seeds()),
        "parquet": (".parquet", _parquet, [_parquet_seed()]),
        "ingest_plan": (".csv", _plan, csv_seeds()),
        "manifest": (".json", _manifest, [_MANIFEST]),
        "fhir_json": (".json", _fhir("fhir-json"), [_BUNDLE, _PATIENT]),
        "fhir_ndjson": (".ndjson", _fhir("fhir-ndjson"), [_PATIENT + b"\n" + _ENCOUNTER + b"\n"]),
        "cin_xml": (".xml", _cin, [_CIN]),
        "ssda903_header": (".csv", _ssda903("header", _903_EPISODES), [_903_HEADER]),
        "ssda903_episodes": (".csv", _ssda903("episodes", _903_HEADER), [_903_EPISODES]),
        "measure_spec": (".yaml", _spec("joinedup.measures.spec.load_measure"),
                         [_first(PKG / "measures" / "library", "*.yaml")]),
        "segment_spec": (".yaml", _spec("joinedup.segments.spec.load_group"),
                         [_first(PKG / "segments" / "library", "*.yaml")]),
        "scenario_spec": (".yaml", _spec("joinedup.model.scenarios.load_scenario"),
                          [_first(PKG / "model" / "scenarios", "*.yaml")]),
        "model_spec": (".yaml", _spec("joinedup.model.spec.load_model"), [_first(PKG / "model" / "models", "*.yaml")]),
        "glossary_terms": (".yaml", _spec("joinedup.glossary.load.load_file"),
                           [_first(PKG / "glossary" / "data" / "terms", "*.yaml")]),
        "paper_text": (".txt", _paper, ["Delayed transfers of care (DToC) at 91 days.\n".encode()]),
        "paper_docx": (".docx", _paper, [_docx_seed()]),
        "paper_pdf": (".pdf", _paper, [_pdf_seed()]),
        "match_csv": (".csv", _people, [b"nhs_number,given_name,family_name,date_of_birth,postcode\r\n"
                                        b"9434765919,Ann,Smith,1950-02-03,B62 2GB\r\n"]),
    }


TARGETS = targets()

_OPS = st.sampled_from(["flip", "cut", "insert", "replace", "repeat"])


def _mutate(seed: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    data = bytearray(seed)
    for op, pos, chunk in edits:
        i = pos % (len(data) + 1)
        if op == "flip" and data:
            data[i % len(data)] ^= chunk[0] or 1
        elif op == "cut":
            del data[i:i + len(chunk) * 8]
        elif op == "insert":
            data[i:i] = chunk
        elif op == "replace":
            data[i:i + len(chunk)] = chunk
        elif op == "repeat":
            data[i:i] = bytes(data[i:i + 64]) * (1 + chunk[0] % 8)
    return bytes(data)


def inputs(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """Random bytes, seeds as they are, and seeds with bytes flipped, cut, inserted, replaced or repeated."""
    edits = st.lists(st.tuples(_OPS, st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)), min_size=1,
                     max_size=6)
    texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=400).map(str.encode)
    return st.one_of(st.sampled_from(seeds), st.builds(_mutate, st.sampled_from(seeds), edits),
                     st.binary(max_size=1024), texts)
