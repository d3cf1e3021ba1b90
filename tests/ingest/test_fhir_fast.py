"""The fast FHIR check: what it accepts fhir.resources accepts, read to the same rows; what it refuses is still
validated (and rejected, with its entry and reason) by fhir.resources."""

from __future__ import annotations

import copy
import json

import pytest

from joinedup.ingest import fhir, fhir_fast
from tests.conftest import ROOT
from tests.store_con import connect

DATA = ROOT / "tests" / "data" / "fhir"
_BAD_LEAVES = ["", " padded", 123, True, None, [], {}, "2024-02-30", "2024-13-01", "2024", "2024-05",
               "2024-05-26T10:00", "2024-05-26T10:00:00", "2024-05-26T10:00:00Z", "2024-05-26T10:00:00.1234567+01:00",
               "2024-05-26T24:00:00Z", "two  spaces", "a b", "x" * 70, "Patient/1", "0000-01-01"]


def _samples() -> list[dict]:
    bundle = json.loads((DATA / "bundle.json").read_text())
    out = [e["resource"] for e in bundle["entry"]]
    out += [json.loads(line) for line in (DATA / "export.ndjson").read_text().splitlines() if line.strip()]
    return [r for r in out if r.get("resourceType") in ("Patient", "Encounter", "Appointment", "EpisodeOfCare")]


def _paths(obj, path=()):
    yield path
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, path + (i,))


def _set(obj, path, value, delete=False):
    for p in path[:-1]:
        obj = obj[p]
    if delete:
        del obj[path[-1]]
    else:
        obj[path[-1]] = value


def _mutants(res: dict):
    yield res
    for path in _paths(res):
        if not path or path == ("resourceType",):
            continue
        gone = copy.deepcopy(res)
        _set(gone, path, None, delete=True)
        yield gone
        for leaf in _BAD_LEAVES:
            bad = copy.deepcopy(res)
            _set(bad, path, copy.deepcopy(leaf))
            yield bad
        extra = copy.deepcopy(res)
        parent = extra
        for p in path:
            parent = parent[p]
        if isinstance(parent, dict):
            parent["unknownElement"] = "x"
            yield extra
    for when in ("2024-05-26", "2024-05-26T10:11:12+01:00", "2024-05-26T10:11:12.5Z", "2024-05-26T23:59:59-14:00"):
        for key in ("birthDate", "start", "end"):
            if key in res:
                timed = copy.deepcopy(res)
                timed[key] = when
                yield timed
        if "period" in res:
            timed = copy.deepcopy(res)
            timed["period"] = {"start": when}
            yield timed


def _row(obj, rtype: str, patients: dict) -> tuple:
    if rtype == "Patient":
        return "fhir.patients", fhir._patient_row(obj)
    if rtype == "Encounter":
        return fhir._encounter(obj, patients)
    if rtype == "Appointment":
        return fhir._appointment(obj, patients)
    return fhir._episode(obj, patients, {"org-1": "RNA"})


def test_what_the_fast_check_accepts_fhir_resources_accepts_and_reads_alike():
    from pydantic import ValidationError
    models = fhir._models()
    patients = {"pat-1": {"Local_Patient_Identifier": "L1", "_id_space": "s", "NHS_Number": "9434765919"}}
    accepted = refused = 0
    for res in _samples():
        for mutant in _mutants(res):
            rtype = mutant["resourceType"]
            if not fhir_fast.check(mutant):
                refused += 1
                continue
            accepted += 1
            try:
                model = models[rtype].model_validate(mutant)
            except ValidationError as e:  # the fast check must never be looser than fhir.resources
                pytest.fail(f"fast check accepted what fhir.resources rejects: {e.errors()[0]} in {mutant}")
            assert _row(fhir_fast.View(mutant), rtype, patients) == _row(model, rtype, patients), mutant
    # both paths are exercised: the samples' own shapes pass, their broken copies mostly do not
    assert accepted >= len(_samples()) and refused > accepted


def test_a_synthetic_places_shapes_take_the_fast_path(tmp_path):
    res = {"resourceType": "Appointment", "id": "a-1", "identifier": [{"system": "https://x/y", "value": "A1"}],
           "status": "noshow", "start": "2025-03-03T09:00:00+00:00", "end": "2025-03-03T09:10:00+00:00",
           "participant": [{"actor": {"reference": "urn:uuid:p-1", "type": "Patient"}, "status": "accepted"}],
           "serviceType": [{"text": "Face to face"}]}
    assert fhir_fast.check(res)
    assert not fhir_fast.check({**res, "participant": [{"actor": {"reference": "urn:uuid:p-1"}}]})  # status required


def _bundle(resources: list[dict]) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def test_bad_resources_are_still_rejected_with_entry_and_reason_on_a_real_engine(tmp_path, run_cli, monkeypatch):
    monkeypatch.setattr(fhir, "CROSS_CHECK", 0)  # no resource validated twice: the fast path alone decides
    good = {"resourceType": "Patient", "id": "p1", "identifier": [{"system": "https://x/mrn", "value": "M1"}],
            "name": [{"family": "Ash", "given": ["Ann"]}], "gender": "female", "birthDate": "1950-01-02",
            "address": [{"postalCode": "DY1 9EP"}]}
    bad_date = {**good, "id": "p2", "birthDate": "1950-02-30"}
    no_status = {"resourceType": "Appointment", "id": "a1", "start": "2025-03-03T09:00:00+00:00",
                 "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}]}
    unknown = {**good, "id": "p3", "maritalStatus": {"text": "x"}, "nickname": "x"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_bundle([good, bad_date, no_status, unknown])))
    db = tmp_path / "s.duckdb"
    monkeypatch.setenv("JOINEDUP_KEY", "test-key-0123456789abcdef")
    code, out, err = run_cli("ingest", str(path), "--db", str(db), "--json")
    assert code == 0, err
    con = connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT row_number, field, reason, path FROM quarantine ORDER BY row_number").fetchall()
        loaded = con.execute("SELECT count(*) FROM person_record WHERE source = 'fhir.patients'").fetchall()[0][0]
    finally:
        con.close()
    assert [r[0] for r in rows] == [2, 3, 4]
    assert all(r[3] == str(path) and r[1] == "resourceType" for r in rows)
    assert rows[0][2].startswith("invalid Patient: birthDate:")
    assert rows[1][2].startswith("invalid Appointment: status:")
    assert rows[2][2].startswith("invalid Patient: ") and ("maritalStatus" in rows[2][2] or "nickname" in rows[2][2])
    assert loaded == 1


def test_a_fast_check_fhir_resources_disagrees_with_turns_the_fast_path_off_for_the_file(tmp_path, monkeypatch):
    # a fast check made too loose on purpose (it accepts any Patient): the cross-check catches it on the first
    # resource and fhir.resources reads the rest of the file, so the bad Patient is still rejected
    monkeypatch.setattr(fhir_fast, "check", lambda res: res.get("resourceType") == "Patient")
    good = {"resourceType": "Patient", "id": "p1", "birthDate": "1950-01-02"}
    bad = {"resourceType": "Patient", "id": "p2", "birthDate": "1950-02-30"}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(_bundle([bad, good, bad])))
    got = [(row, problem is None) for row, _t, _m, problem in fhir._resources(path, "fhir-json")]
    assert got == [(1, False), (2, True), (3, False)]
