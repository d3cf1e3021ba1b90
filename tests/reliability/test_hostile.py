"""The hostile-input corpus: every file gets exit 2, one `error:` line naming it, nothing written.

The files live in tests/reliability/corpus/ (written by make_corpus.py); the few that cannot be
kept in a repository (a FIFO, an endless device, a 50 MB field, a file past the size limit) are
made here. Ingest cases run beside a good file against a loaded store: the store and vault must
be byte-for-byte as they were (compared row by row).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ingest.conftest import snapshot
from tests.reliability.make_corpus import CORPUS, _csv, good_rows

#: (corpus file, words the error line must hold (lower case), row, field)
INGEST = [
    ("empty.csv", "empty", None, None),
    ("binary.csv", "binary", None, None),
    ("zip_named_csv.csv", "binary", None, None),
    ("utf16.csv", "utf-16", None, None),
    ("utf16le_no_bom.csv", "utf-16", None, None),
    ("latin1_row.csv", "utf-8", 5, None),
    ("nul_in_row.csv", "nul", 5, None),
    ("duplicated_header.csv", "duplicated", 0, "DEC_SURNAME"),
    ("blank_header_name.csv", "no name", 0, None),
    ("missing_required_column.csv", "missing", 0, "DATE_OF_DEATH"),
    ("extra_fields.csv", "fields", 2, None),
    ("unterminated_quote.csv", "quote", None, None),
    ("unrecognised.csv", "unrecognised", None, None),
    ("header_only_garbage.csv", "unrecognised", None, None),
    ("cr_only_lines.csv", "line end", None, None),
    ("truncated.parquet", "parquet", None, None),
    ("csv_named_parquet.parquet", "parquet", None, None),
    ("struct_column.parquet", "struct", None, "DEC_FORENAMES"),
    ("list_column.parquet", "list", None, "DEC_SURNAME"),
    ("deeply_nested.json", "nested", None, None),
    ("deeply_nested_object.json", "nested", None, None),
    ("deeply_nested_line.ndjson", "nested", 2, None),
    ("not_json.json", "not json", None, None),
    ("json_number.json", "resourcetype", None, None),
    ("bundle_entry_not_object.json", "entry", 1, None),
    ("ndjson_bad_line.ndjson", "not json", 2, None),
    ("huge_number.json", "number", None, None),
    ("manifest_parent_path", "outside", 1, "path"),
    ("manifest_absolute_path", "outside", 1, "path"),
    ("manifest_unknown_source", "unknown source", 1, "source"),
    ("manifest_missing_file", "missing", None, None),
    ("manifest_wrong_rows", "999", None, None),
    ("manifest_rows_not_number", "rows", 1, "rows"),
    ("manifest_entry_not_object", "lacks", 1, None),
    ("manifest_not_json", "manifest", None, None),
]


def _good_file(tmp_path: Path) -> Path:
    header, rows = good_rows(3)
    for i, r in enumerate(rows):
        r["DEATH_REG_ID"] = f"GOOD{i}"
    path = tmp_path / "more_deaths.csv"
    path.write_text(_csv(header, rows))
    return path


def _check_one_line(code: int, err: str, names: str, words: str | None, row=None, field=None) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("error: "), line
    assert "Traceback" not in err
    assert names in line, line
    if words:  # in the message, not in the file's own name
        assert words in line.split(names, 1)[1].lower(), line
    if row is not None:
        assert f"row {row}" in line, line
    if field is not None:
        assert f"field {field}" in line, line
    return line


def _ingest_refused(run_cli, deadline, db: Path, bad: Path, tmp_path: Path, words, row=None, field=None) -> None:
    before = snapshot(db)
    code, _out, err = deadline(lambda: run_cli("ingest", str(_good_file(tmp_path)), str(bad), "--db", str(db)))
    _check_one_line(code, err, bad.name if bad.is_file() or not bad.exists() else bad.name, words, row, field)
    assert snapshot(db) == before


@pytest.mark.parametrize("name,words,row,field", INGEST, ids=[c[0] for c in INGEST])
def test_ingest_hostile_file(name, words, row, field, store_copy, tmp_path, run_cli, deadline):
    _ingest_refused(run_cli, deadline, store_copy, CORPUS / "ingest" / name, tmp_path, words, row, field)


def test_ingest_fifo_named_csv_refused_not_hung(store_copy, tmp_path, run_cli, deadline):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    _ingest_refused(run_cli, deadline, store_copy, fifo, tmp_path, "not a regular file")


def test_ingest_endless_device_refused(store_copy, tmp_path, run_cli, deadline):
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    _ingest_refused(run_cli, deadline, store_copy, zero, tmp_path, "not a regular file")


def test_ingest_50mb_field_names_row_and_field(store_copy, tmp_path, run_cli, deadline):
    header, rows = good_rows(3)
    rows[1]["DEC_FORENAMES"] = "A" * (50 * 2**20)
    bad = tmp_path / "big_field.csv"
    bad.write_text(_csv(header, rows))
    _ingest_refused(run_cli, deadline, store_copy, bad, tmp_path, "longer than", 2, "DEC_FORENAMES")


def test_db_pointing_at_a_csv_is_refused(small_place, tmp_path, run_cli):
    not_a_store = tmp_path / "people.csv"
    not_a_store.write_text("a,b\n1,2\n")
    code, _out, err = run_cli("ingest", str(small_place / "nhs.deaths.csv"), "--db", str(not_a_store))
    _check_one_line(code, err, "people.csv", "not a joinedup store")
    assert not_a_store.read_text() == "a,b\n1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["people.csv"]


def test_db_pointing_at_the_vault_is_refused(store_copy, small_place, run_cli):
    vault = store_copy.with_name("store.vault.duckdb")
    before = snapshot(store_copy)
    code, _out, err = run_cli("ingest", str(small_place / "nhs.deaths.csv"), "--db", str(vault))
    _check_one_line(code, err, "store.vault.duckdb", "vault")
    assert snapshot(store_copy) == before
    assert not vault.with_name("store.vault.vault.duckdb").exists()


# -- match ---------------------------------------------------------------------------------------
MATCH = [("binary.csv", None), ("empty.csv", "empty"), ("no_person_columns.csv", None), ("utf16.csv", "utf-16"),
         ("ragged.csv", None), ("header_only.csv", "no data rows"), ("truncated.parquet", None)]


def _match_refused(run_cli, deadline, bad: Path, tmp_path: Path, words) -> None:
    out = tmp_path / "pairs.csv"
    code, _o, err = deadline(lambda: run_cli("match", str(CORPUS / "match" / "people.csv"), str(bad),
                                             "--out", str(out)))
    _check_one_line(code, err, bad.name, words)
    assert not out.exists()


@pytest.mark.parametrize("name,words", MATCH, ids=[c[0] for c in MATCH])
def test_match_hostile_file(name, words, tmp_path, run_cli, deadline):
    _match_refused(run_cli, deadline, CORPUS / "match" / name, tmp_path, words)


def test_match_endless_device_and_fifo_refused(tmp_path, run_cli, deadline):
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    _match_refused(run_cli, deadline, zero, tmp_path, "not a regular file")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    _match_refused(run_cli, deadline, fifo, tmp_path, "not a regular file")


def test_match_file_over_the_size_limit_refused(tmp_path, run_cli, deadline):
    from joinedup.link.match import MAX_INPUT_BYTES

    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:  # sparse: no disk used
        fh.write(b"given_name,family_name\n")
        fh.truncate(MAX_INPUT_BYTES + 1)
    _match_refused(run_cli, deadline, big, tmp_path, "larger than")
    code, help_text, _e = run_cli("match", "--help")
    assert f"{MAX_INPUT_BYTES // 2**20:,} MB" in help_text.replace("\n", " ").replace("│", " ").replace("  ", " ")


# -- explain -------------------------------------------------------------------------------------
EXPLAIN = [("corrupt.docx", "word"), ("docx_not_zip.docx", "word"), ("docx_missing_document.docx", "word"),
           ("docx_bad_xml.docx", "word"), ("corrupt.pdf", "pdf"), ("binary.txt", None), ("latin1.md", "utf-8"),
           ("unknown_type.xlsx", "cannot read")]


def _explain_refused(run_cli, deadline, bad: Path, tmp_path: Path, words) -> None:
    out = tmp_path / "explained.html"
    code, _o, err = deadline(lambda: run_cli("explain", str(bad), "--format", "html", "--out", str(out)))
    _check_one_line(code, err, bad.name, words)
    assert not out.exists()


@pytest.mark.parametrize("name,words", EXPLAIN, ids=[c[0] for c in EXPLAIN])
def test_explain_hostile_file(name, words, tmp_path, run_cli, deadline):
    _explain_refused(run_cli, deadline, CORPUS / "explain" / name, tmp_path, words)


def test_explain_dev_zero_and_oversized_paper_refused(tmp_path, run_cli, deadline):
    from joinedup.glossary.readers import MAX_PAPER_BYTES

    _explain_refused(run_cli, deadline, Path("/dev/zero"), tmp_path, "not a regular file")
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(MAX_PAPER_BYTES + 1)
    _explain_refused(run_cli, deadline, big, tmp_path, "larger than")
    code, help_text, _e = run_cli("explain", "--help")
    assert f"{MAX_PAPER_BYTES // 2**20} MB" in help_text.replace("\n", " ").replace("│", " ").replace("  ", " ")


# -- simulate ------------------------------------------------------------------------------------
SIMULATE = [("not_yaml.yaml", "yaml"), ("a_list.yaml", "mapping"), ("unknown_field.yaml", "colour"),
            ("unknown_lever.yaml", "unicorns"), ("both_to_and_by.yaml", "exactly one"),
            ("no_changes.yaml", "changes"), ("alias_bomb.yaml", "alias"), ("not_utf8.yaml", "utf-8"),
            ("deeply_nested.yaml", "nested")]


@pytest.mark.parametrize("name,words", SIMULATE, ids=[c[0] for c in SIMULATE])
def test_simulate_hostile_scenario(name, words, tmp_path, run_cli, deadline):
    bad = CORPUS / "simulate" / name
    plot = tmp_path / "fan.png"
    code, _o, err = deadline(lambda: run_cli("simulate", str(bad), "--runs", "2", "--years", "0.2",
                                             "--plot", str(plot)))
    _check_one_line(code, err, bad.name, words)
    assert not plot.exists()


# -- measure specs -------------------------------------------------------------------------------
MEASURES = [("not_yaml", "yaml"), ("a_list", "mapping"), ("unknown_field", "colour"), ("sql_injection", None),
            ("unknown_column", "no_such_column"), ("unknown_table", "unicorns"), ("subquery_to_vault", None),
            ("alias_bomb", "alias")]


@pytest.mark.parametrize("name,words", MEASURES, ids=[c[0] for c in MEASURES])
def test_measure_spec_hostile(name, words, store_copy, run_cli, deadline):
    before = snapshot(store_copy)
    folder = CORPUS / "measures" / name
    code, _o, err = deadline(lambda: run_cli("measures", "run", "--db", str(store_copy), "--measures", str(folder)))
    _check_one_line(code, err, f"{name}.yaml", words)
    assert snapshot(store_copy) == before


def test_corpus_holds_at_least_forty_inputs():
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p.name != "manifest.json"]
    assert len(files) >= 40, len(files)


# -- values that pass a naive check -----------------------------------------------------------------
def test_nhs_number_of_ten_zeros_is_kept_but_not_verified(tmp_path, run_cli):
    from tests import store_con

    header, rows = good_rows(3)
    rows[0]["DEC_NHS_NUMBER"] = "0000000000"
    path = tmp_path / "deaths.csv"
    path.write_text(_csv(header, rows))
    db = tmp_path / "store.duckdb"
    code, _o, err = run_cli("ingest", str(path), "--db", str(db))
    assert code == 0, err
    con = store_con.connect(str(db), read_only=True)
    try:
        verified = con.execute("SELECT count(*) FILTER (WHERE nhs_number_verified), count(*) "
                               "FROM person_record").fetchone()
        reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine WHERE field = 'DEC_NHS_NUMBER'").fetchall()]
    finally:
        con.close()
    assert verified == (2, 3)
    assert any("placeholder" in r for r in reasons), reasons


def test_period_outside_the_data_is_an_error_not_a_rate_of_zero(store_copy, run_cli):
    code, out, err = run_cli("measures", "run", "--db", str(store_copy), "--period", "2010-11")
    line = _check_one_line(code, err, "field period", "outside the data")
    assert "2023" in line  # names the years the store does hold
    assert out == ""
