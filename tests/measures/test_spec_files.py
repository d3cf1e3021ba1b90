"""Measure files: validated on load; every problem is a UserError naming file, measure and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from joinedup.errors import UserError
from joinedup.measures.spec import SECTORS, library_dir, load_library, load_measure

GOOD = {
    "id": "my_measure", "title": "T", "description": "D", "sectors": ["nhs"], "kind": "process",
    "definition": {"name": "N", "reference": "R",
                   "citation": {"document": "A council paper", "version": "2024", "section": "Part 1"}},
    "period": "financial_year", "unit": "percent",
    "polarity": "higher_is_better", "counts": "rows", "breakdowns": ["sex"],
    "denominator": {"from": "encounter", "where": "kind = 'ed_attendance' AND IN_PERIOD(start_ts)"},
    "numerator": {"where": "ed_minutes <= 240"},
}


def _write(tmp_path: Path, data: dict, name: str = "m.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def _with(path: tuple, value):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    target = data
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    return data


def test_the_good_file_loads(tmp_path):
    m = load_measure(_write(tmp_path, GOOD))
    assert m.shape == "proportion" and m.source_table == "encounter"


def test_a_derived_relation_can_be_a_measures_from(tmp_path):
    data = _with(("denominator",), {"from": "asc_st_max_sequel", "where": "record_type IN (1, 2)"})
    data["numerator"] = {"where": "sequel <> 'Long Term Support (any setting)'"}
    m = load_measure(_write(tmp_path, data))
    assert m.source_table == "asc_st_max_sequel"
    bad = dict(data, numerator={"where": "no_such_column = 1"})
    with pytest.raises(UserError, match="unknown column 'no_such_column'"):
        load_measure(_write(tmp_path, bad))


@pytest.mark.parametrize("path,value,message", [
    (("numerator", "where"), "nope > 1", "unknown column 'nope'"),
    (("numerator", "where"), "EXISTS (SELECT 1 FROM secrets)", "unknown table 'secrets'"),
    (("numerator", "where"), "DROP TABLE person", "DDL or DML"),
    (("numerator", "where"), "ed_minutes > 1; DELETE FROM person", "statements"),
    (("numerator", "where"), "my_udf(ed_minutes) > 1", "unknown function 'my_udf'"),
    (("numerator", "where"), "x.ed_minutes > 1", "unknown table or alias 'x'"),
    (("numerator", "where"), "ed_minutes > :tomorrow", "unknown placeholder"),
    (("numerator", "where"), "ed_minutes >", "cannot parse"),
    (("denominator", "where"), "COUNT(*) > 3", "aggregate"),
    (("denominator", "from"), "identity", "unknown table 'identity'"),
    (("numerator", "where"), "EXISTS (SELECT 1 FROM asc_st_max_sequel AS s WHERE s.person_id = encounter.person_id)",
     "derived relation"),
    (("unit",), "furlongs", "unit"),
    (("breakdowns",), ["shoe_size"], "breakdowns"),
    (("kind",), "vibes", "kind"),
    (("sectors",), ["police"], "sectors"),
    (("id",), "Bad Id", "snake_case"),
])
def test_bad_files_fail_naming_measure_field_and_problem(tmp_path, path, value, message):
    with pytest.raises(UserError) as e:
        load_measure(_write(tmp_path, _with(path, value)))
    text = str(e.value)
    assert "m.yaml" in text and message in text
    assert ".".join(path) in text or path[0] in text
    if path[-1] in ("where", "from"):
        assert "my_measure" in text


def test_a_rate_cannot_break_down_by_ethnicity(tmp_path):
    data = _with(("denominator",), {"from": "population", "where": "age >= 18"})
    data["numerator"] = {"from": "encounter", "where": "TRUE"}
    data["unit"] = "rate_per_100000"
    data["breakdowns"] = ["ethnicity_group"]
    with pytest.raises(UserError, match="ethnicity"):
        load_measure(_write(tmp_path, data))


def test_council_folder_adds_measures_and_ids_must_be_unique(tmp_path):
    _write(tmp_path, GOOD)
    lib = load_library([tmp_path])
    assert "my_measure" in lib.measures and len(lib) > 30
    _write(tmp_path, _with(("id",), "ae_4_hour_performance"), "dup.yaml")
    with pytest.raises(UserError, match="already defined"):
        load_library([tmp_path])


def test_paired_with_must_name_a_measure_of_the_other_kind(tmp_path):
    _write(tmp_path, _with(("paired_with",), ["no_such_measure"]))
    with pytest.raises(UserError, match="unknown measure 'no_such_measure'"):
        load_library([tmp_path])


def test_missing_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not found"):
        load_library([tmp_path / "nope"])


def test_library_has_30_plus_measures_across_all_sectors_and_both_kinds():
    lib = load_library()
    assert len(lib) >= 30
    assert {s for m in lib for s in m.sectors} == set(SECTORS)
    assert {m.kind for m in lib} == {"outcome", "process"}
    assert sum(m.joined_up for m in lib) >= 5
    assert lib.pairs(), "the paradox lens needs process-outcome pairs"


def test_every_measure_has_a_spec_test():
    here = Path(__file__).parent
    text = "".join(p.read_text() for p in here.glob("test_spec_*.py") if p.name != "test_spec_files.py")
    tested = set(re.findall(r'spec\.run\("([a-z0-9_]+)"', text))
    missing = {p.stem for p in library_dir().glob("*.yaml")} - tested
    assert not missing, f"measures without a spec test: {sorted(missing)}"


def test_required_peer_ids_exist():
    ids = set(load_library().measures)
    for required in ["csc_referral_rate", "csc_re_referrals_12m", "csc_assessments_45_days", "csc_s47_rate",
                     "csc_cin_rate", "csc_cp_plan_rate", "csc_cp_second_plan", "csc_cp_plans_2_years", "cla_rate",
                     "cla_three_placements", "cla_long_term_stability", "care_leavers_eet",
                     "ascof_2a_short_term_outcome", "ascof_2d_still_at_home_91_days",
                     "ascof_2b_care_home_admissions_18_64", "ascof_2c_care_home_admissions_65_plus",
                     "ascof_3d_direct_payments", "ae_4_hour_performance"]:
        assert required in ids


def test_every_measure_cites_its_source_document_version_and_section():
    # A director quotes these figures: each one names the document that defines it, the edition and the
    # section, so a reader can check the definition joinedup followed.
    for m in load_library():
        c = m.definition.citation
        assert len(c.document) >= 8 and len(c.section) >= 4, m.id
        assert re.search(r"(19|20)\d\d", c.version), (m.id, c.version)
        assert c.url.startswith("https://"), m.id
        if m.id.startswith("ascof_"):
            assert "ASCOF" in c.document and "Measure " + m.id.split("_")[1].upper() in c.section, (m.id, c.section)


@pytest.mark.parametrize("citation, problem", [
    (None, "citation"),
    ({"document": "DfE census guide", "version": "latest", "section": "Referrals"}, "year"),
    ({"document": "DfE census guide", "version": "2024-25"}, "section"),
    ({"document": "DfE census guide", "version": "2024-25", "section": "Referrals", "url": "http://x"}, "https"),
])
def test_a_measure_without_a_full_citation_is_refused_naming_file_and_field(tmp_path, citation, problem):
    data = yaml.safe_load((library_dir() / "csc_re_referrals_12m.yaml").read_text())
    if citation is None:
        del data["definition"]["citation"]
    else:
        data["definition"]["citation"] = citation
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(UserError) as e:
        load_measure(path)
    text = str(e.value)
    assert "mine.yaml" in text and "definition.citation" in text and problem in text, text
