from datetime import date

import polars as pl

from joinedup.link.persons import person_table


def test_person_folds_its_records():
    rec = pl.DataFrame({
        "record_id": ["a", "b", "c"], "source": ["nhs.x", "csc.y", "nhs.z"], "birth_year": [1980, 1980, 1981],
        "birth_month": [1, 1, 2], "sex": ["F", "F", "U"], "ethnicity_group": ["Asian", "Unknown", None],
        "lsoa21": ["E1", None, "E2"], "imd_decile": [1, None, 2], "ward_code": ["W1", None, "W2"],
        "first_seen": [date(2022, 1, 1)] * 3, "last_seen": [date(2023, 1, 1), date(2024, 1, 1), date(2022, 6, 1)]})
    links = pl.DataFrame({"record_id": ["a", "b", "c"], "person_id": ["P1", "P1", "P1"]})
    deaths = pl.DataFrame({"record_id": ["c"], "date_of_death": [date(2024, 2, 1)]})
    p = person_table(rec, links, deaths).row(0, named=True)
    assert (p["birth_year"], p["birth_month"], p["sex"], p["ethnicity_group"]) == (1980, 1, "F", "Asian")
    assert p["lsoa21"] == "E1"  # latest known (the csc record, latest of all, has none)
    assert p["n_records"] == 3 and p["sectors"] == "csc,nhs" and p["date_of_death"] == date(2024, 2, 1)
