from datetime import date

import polars as pl

from joinedup.link.features import normalise_postcode, parse_date, person_features


def test_postcodes_are_normalised():
    assert normalise_postcode("dy11aa") == "DY1 1AA"
    assert normalise_postcode(" b15  2tt ") == "B15 2TT"
    assert normalise_postcode(None) is None


def test_dates_in_usual_formats():
    assert parse_date("1980-03-04") == parse_date("04/03/1980") == parse_date("19800304") == date(1980, 3, 4)
    assert parse_date("31/02/1980") is None


def test_features_of_a_record():
    df = pl.DataFrame({"unique_id": ["1"], "given_name": ["Bill"], "family_name": ["Smith"],
                       "date_of_birth": [date(1980, 3, 4)], "sex": ["Male"], "postcode": ["dy1 1aa"],
                       "family_names_all": [["Jones"]]})
    f = person_features(df).row(0, named=True)
    assert {"bill", "william"} <= set(f["given_canon"])  # the UK table and the nicknames package agree
    assert f["dob"] == "1980-03-04" and f["dob_swap"] == "1980-04-03"
    assert f["postcode_sector"] == "DY1 1" and f["postcode_district"] == "DY1"
    assert f["family_names"] == ["jones", "smith"]
    assert f["sex"] == "M"


def test_no_transposition_when_day_over_twelve():
    df = pl.DataFrame({"unique_id": ["1"], "date_of_birth": [date(1980, 3, 24)]})
    assert person_features(df)["dob_swap"][0] is None
