"""SSDA903 as submitted: one folder per collection year holding the eleven tables the DfE validator reads.

Made from the place's analyst copies (csc/ssda903_*), so both hold the same children with the
same defects. Each year holds what that year's return holds: episodes open at any time in the
year (ending after 31 March shows them open), the header of every child in episodes or OC3,
reviews in the year, OC2 for children looked after continuously for 12 months at 31 March (the
validator's own definition), OC3 for care leavers with a birthday in the year; and the tables
the copies lack: AD1 and placed for adoption, previous permanence, missing and social worker
episodes. SEX is 1/2 until 2023-24 and M/F from 2024-25, as each year's rule 101 wants.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from joinedup.ingest.ssda903 import K3_FROM

__all__ = ["COLUMNS", "FILES", "write_years", "year_label", "SEX_LETTERS_FROM"]

#: The validator's exact columns per table (csc-validator-be-903 0.1.17, lac_validator/config.py).
COLUMNS: dict[str, list[str]] = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "OC2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
}
#: File name of each table in a year's folder (the names the DfE tool's own offline runner uses).
FILES = {"Header": "header.csv", "Episodes": "episodes.csv", "Reviews": "reviews.csv", "UASC": "uasc.csv",
         "OC2": "oc2.csv", "OC3": "oc3.csv", "AD1": "ad1.csv", "PlacedAdoption": "placed_for_adoption.csv",
         "PrevPerm": "previous_permanence.csv", "Missing": "missing.csv", "SWEpisodes": "sw_episodes.csv"}
#: First collection year whose SEX is M/F/U (rule 101 of lac2024_25); earlier years 1/2.
SEX_LETTERS_FROM = 2025
_FMT = "%d/%m/%Y"
#: Reason for a change of social worker (903 guide 2023-24 on; rule SW13STG1's list).
_SW_REASONS = np.array(["MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "OTHERS"])
_SW_P = np.array([0.08, 0.04, 0.34, 0.12, 0.14, 0.06, 0.06, 0.10, 0.06])


def year_label(end_year: int) -> str:
    """'2024-25' for the year ending 31 March 2025."""
    return f"{end_year - 1}-{str(end_year)[2:]}"


def _d(col: str) -> pl.Expr:
    return pl.col(col).str.strptime(pl.Date, _FMT, strict=False)


def _s(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime(_FMT)


def _rng(seed: int, *parts: object) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("|".join(map(str, parts)).encode())])


def _continuous(eps: pl.DataFrame, y0: date, y1: date) -> pl.DataFrame:
    """Children looked after continuously for 12 months at 31 March, as lac_validator defines it."""
    e = eps.with_columns(_d("DECOM").alias("_a"), _d("DEC").alias("_b"))
    during = (pl.col("_a") <= y1) & (pl.col("_b").is_null() | (pl.col("_b") >= y0))
    breaks = (((pl.col("RNE") == "S") & (pl.col("_a") > y0) & (pl.col("_a") <= y1))
              | ((pl.col("REC") != "X1") & pl.col("REC").is_not_null() & (pl.col("_b") >= y0) & (pl.col("_b") < y1))
              | (pl.col("LS").is_in(["V3", "V4"]) & during))
    g = e.group_by("CHILD").agg(during.any().alias("_in"), breaks.any().alias("_break"))
    return g.filter(pl.col("_in") & ~pl.col("_break")).select("CHILD")


def _sex(col: str, letters: bool) -> pl.Expr:
    if letters:
        return pl.col(col).replace({"1": "M", "2": "F"})
    return pl.col(col).replace({"M": "1", "F": "2", "U": "9"})


def _year(c: dict[str, pl.DataFrame], y0: date, y1: date, seed: int, la_number: str) -> dict[str, pl.DataFrame]:
    label = year_label(y1.year)
    letters = y1.year >= SEX_LETTERS_FROM
    all_eps = c["episodes"].with_columns(_d("DECOM").alias("_a"), _d("DEC").alias("_b"))
    eps = all_eps.filter((pl.col("_a") <= y1) & (pl.col("_b").is_null() | (pl.col("_b") >= y0)))
    # the return is as at 31 March: an episode that ends later is open in it
    later = pl.col("_b") > y1
    eps = eps.with_columns(*(pl.when(later).then(None).otherwise(pl.col(k)).alias(k)
                             for k in ("DEC", "REC", "REASON_PLACE_CHANGE")))
    eps = eps.sort("CHILD", "_a")
    if y1.year < K3_FROM:
        # supported accommodation (K3) is a code from 2024-25; before, the same setting was H5 (rule 146)
        # (registered with Ofsted from 28 October 2023: with its URN if open then, rule 230; none before, rule 222)
        k3 = pl.col("PLACE") == "K3"
        # a return as at 31 March before that day has no registered setting at all (2022-23 rule 222)
        unregistered = k3 & ((pl.lit(y1 < date(2023, 10, 29)))
                             | (_d("DEC").is_not_null() & (_d("DEC") < date(2023, 10, 29))))
        eps = eps.with_columns(pl.when(unregistered).then(pl.lit("XXXXXXX")).otherwise(pl.col("URN")).alias("URN"),
                               pl.when(k3).then(pl.lit("H5")).otherwise(pl.col("PLACE")).alias("PLACE"))
    oc3 = c["oc3"].filter(pl.col("COLLECTION_YEAR") == label).drop("COLLECTION_YEAR")
    # no care leaver information for a 17- or 18-year-old who left care after that birthday (rule 1016)
    oc3_dob = oc3.join(c["header"].select("CHILD", pl.col("DOB").alias("_hdob")), on="CHILD", how="left").select(
        "CHILD", pl.coalesce(_d("_hdob"), _d("DOB")).alias("_dob"))
    left = eps.filter(pl.col("DEC").is_not_null()).group_by("CHILD").agg(_d("DEC").max().alias("_dec"))
    late = oc3_dob.join(left, on="CHILD").filter(
        ((pl.col("_dob").dt.offset_by("17y") <= y1) & (pl.col("_dob").dt.offset_by("18y") > y1)
         & (pl.col("_dec") >= pl.col("_dob").dt.offset_by("17y")))
        | ((pl.col("_dob").dt.offset_by("18y") <= y1) & (pl.col("_dob").dt.offset_by("19y") > y1)
           & (pl.col("_dec") >= pl.col("_dob").dt.offset_by("18y"))))
    oc3 = oc3.join(late.select("CHILD"), on="CHILD", how="anti")
    children = pl.concat([eps.select("CHILD"), oc3.select("CHILD")]).unique()
    in_eps = eps.select("CHILD").unique().with_columns(pl.lit(True).alias("_eps"))
    age = ((pl.lit(y1) - _d("DOB")).dt.total_days() / 365.25).floor()
    header = c["header"].join(children, on="CHILD", how="semi").join(in_eps, on="CHILD", how="left").with_columns(
        _sex("SEX", letters),
        # motherhood only for children looked after in the year (rule 628); UPN unknown as UN2/UN5 (rule 442)
        *(pl.when(pl.col("_eps")).then(pl.col(k)).alias(k) for k in ("MOTHER", "MC_DOB")),
        pl.coalesce("UPN", pl.when(age < 6).then(pl.lit("UN2")).otherwise(pl.lit("UN5"))).alias("UPN"),
    ).drop("_eps").sort("CHILD")
    # a first child born after the year's end or after the mother's latest episode ended is not hers in this return
    # (rule 625 compares MC_DOB with the latest ceased episode's DEC, open episodes aside)
    late_child = _d("MC_DOB").is_not_null() & ((_d("MC_DOB") > y1) | (pl.col("_dec").is_not_null()
                                                                      & (_d("MC_DOB") > pl.col("_dec"))))
    header = header.join(left, on="CHILD", how="left").with_columns(
        pl.when(late_child).then(pl.lit("0")).otherwise(pl.col("MOTHER")).alias("MOTHER"),
        pl.when(late_child).then(None).otherwise(pl.col("MC_DOB")).alias("MC_DOB")).drop("_dec")
    dob = header.select("CHILD", pl.col("DOB").alias("_dob"))
    uasc = c["uasc"].join(children, on="CHILD", how="semi").with_columns(
        _sex("SEX", letters), pl.when(_d("DUC") > y1).then(None).otherwise(pl.col("DUC")).alias("DUC"))
    reviews = c["reviews"].join(children, on="CHILD", how="semi").filter(
        _d("REVIEW").is_between(y0, y1)).sort("CHILD", _d("REVIEW"))
    cla12 = _continuous(eps.drop("_a", "_b"), y0, y1)
    oc2 = _oc2(c["oc2"], cla12, dob, y1, seed)
    out = {"Header": header, "Episodes": eps.drop("_a", "_b"), "Reviews": reviews, "UASC": uasc, "OC2": oc2,
           "OC3": oc3.join(dob, on="CHILD", how="left").with_columns(pl.coalesce("_dob", "DOB").alias("DOB"))}
    out.update(_adoption(all_eps, dob, y0, y1, seed))
    out["PrevPerm"] = _previous_permanence(eps, dob, y0, y1, seed, la_number)
    out["Missing"] = _missing(eps, dob, y0, y1, seed)
    out["SWEpisodes"] = _social_workers(eps, dob, y0, y1, seed)
    return {t: _shape(out[t], t) for t in COLUMNS}


def _shape(df: pl.DataFrame, table: str) -> pl.DataFrame:
    cols = COLUMNS[table]
    return df.with_columns(*(pl.lit(None, dtype=pl.Utf8).alias(k) for k in cols if k not in df.columns)).select(
        [pl.col(k).cast(pl.Utf8) for k in cols])


def _oc2(copy: pl.DataFrame, cla12: pl.DataFrame, dob: pl.DataFrame, y1: date, seed: int) -> pl.DataFrame:
    """The copy's outcomes for each child continuously looked after; items that do not apply at their age blank."""
    t = cla12.join(dob, on="CHILD", how="inner").join(copy, on="CHILD", how="left").sort("CHILD")
    n = t.height
    rng = _rng(seed, "oc2", y1)
    age = ((pl.lit(y1) - _d("_dob")).dt.total_days() / 365.25).floor()
    gen = pl.DataFrame({"_i": np.arange(n), "_imm": np.where(rng.random(n) < 0.85, "1", "0"),
                        "_tee": np.where(rng.random(n) < 0.82, "1", "0"), "_has": np.where(rng.random(n) < 0.9, "1", "0"),
                        "_sdq": np.clip(np.rint(rng.normal(14, 7, n)), 0, 40).astype(np.int64).astype(str)})
    t = t.with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64)).join(gen, on="_i").with_columns(age.alias("_age"))
    missing = pl.col("IMMUNISATIONS").is_null()  # a child the copy has no outcomes row for this year
    blank = pl.lit(None, dtype=pl.Utf8)
    return t.select(
        "CHILD", pl.col("_dob").alias("DOB"),
        pl.when((pl.col("_age") < 4) | (pl.col("_age") > 16)).then(blank)
        .otherwise(pl.when(missing).then(pl.col("_sdq")).otherwise(pl.col("SDQ_SCORE"))).alias("SDQ_SCORE"),
        pl.when((pl.col("_age") < 4) | (pl.col("_age") > 17)).then(blank)
        .otherwise(pl.when(missing | pl.col("SDQ_SCORE").is_not_null()).then(blank)
                   # SDQ1 (under 4 or over 16) cannot be the reason at an age 4-16 (rule 157)
                   .when((pl.col("SDQ_REASON") == "SDQ1") & (pl.col("_age") <= 16)).then(pl.lit("SDQ4"))
                   .otherwise(pl.col("SDQ_REASON")))
        .alias("SDQ_REASON"),
        pl.when(pl.col("_age") < 10).then(blank).otherwise(pl.coalesce("CONVICTED", pl.lit("0"))).alias("CONVICTED"),
        pl.when(pl.col("_age") >= 5).then(blank).otherwise(pl.coalesce("HEALTH_CHECK", pl.col("_has")))
        .alias("HEALTH_CHECK"),
        pl.coalesce("IMMUNISATIONS", "_imm").alias("IMMUNISATIONS"), pl.coalesce("TEETH_CHECK", "_tee").alias("TEETH_CHECK"),
        pl.coalesce("HEALTH_ASSESSMENT", "_has").alias("HEALTH_ASSESSMENT"),
        pl.when(pl.col("_age") < 10).then(pl.lit("0")).otherwise(pl.coalesce("SUBSTANCE_MISUSE", pl.lit("0")))
        .alias("SUBSTANCE_MISUSE"),
        pl.when((pl.col("_age") >= 10) & (pl.col("SUBSTANCE_MISUSE") == "1")).then(pl.col("INTERVENTION_RECEIVED"))
        .otherwise(blank).alias("INTERVENTION_RECEIVED"),
        pl.when((pl.col("_age") >= 10) & (pl.col("SUBSTANCE_MISUSE") == "1")).then(pl.col("INTERVENTION_OFFERED"))
        .otherwise(blank).alias("INTERVENTION_OFFERED"))


def _adoption(eps: pl.DataFrame, dob: pl.DataFrame, y0: date, y1: date, seed: int) -> dict[str, pl.DataFrame]:
    """AD1 for adoptions in the year; placed for adoption for children with a placement order or placed (A3-A6).

    DATE_PLACED (placed for adoption) and DATE_INT (AD1) are the same decision date, on or before the
    first placement order (LS E1) or adoptive placement (rules 523, 553, 554)."""
    adopt = pl.col("PLACE").is_in(["A3", "A4", "A5", "A6"]) | (pl.col("LS") == "E1")
    first = eps.filter(adopt & (pl.col("_a") <= y1)).group_by("CHILD").agg(pl.col("_a").min().alias("_first"))
    in_year = eps.filter(adopt & (pl.col("_a") <= y1) & (pl.col("_b").is_null() | (pl.col("_b") >= y0)))
    rng = _rng(seed, "adoption")
    # the decision comes after the child started to be looked after (rule 1003)
    started = eps.group_by("CHILD").agg(pl.col("_a").min().alias("_started"))
    first = first.sort("CHILD").with_columns(
        (pl.col("_first") - pl.duration(days=pl.Series(rng.integers(14, 90, first.height)))).alias("_decision")
    ).join(started, on="CHILD", how="left").with_columns(
        pl.max_horizontal("_decision", "_started").alias("_decision")).drop("_started")
    last = eps.sort("_a").group_by("CHILD").agg(pl.col("PLACE").last().alias("_last"),
                                                pl.col("REC").last().alias("_lrec"), pl.col("_b").last().alias("_lb"))
    pa = in_year.select("CHILD").unique().join(first, on="CHILD").join(dob, on="CHILD").join(last, on="CHILD", how="left")
    # the decision reversed: care went on (or ended) other than by adoption after the adoptive placement (rule 525)
    ended = (pl.col("_lb").is_not_null() & (pl.col("_lb") <= y1) & ~pl.col("_last").is_in(["A3", "A4", "A5", "A6"])
             & ~pl.col("_lrec").fill_null("").is_in(["E11", "E12"]))
    placed_tbl = pa.sort("CHILD").select(
        "CHILD", pl.col("_dob").alias("DOB"), _s(pl.col("_decision")).alias("DATE_PLACED"),
        pl.when(ended).then(_s(pl.col("_lb"))).alias("DATE_PLACED_CEASED"),
        pl.when(ended).then(pl.lit("RD3")).alias("REASON_PLACED_CEASED"))
    ends = eps.filter(pl.col("REC").is_in(["E11", "E12"]) & pl.col("_b").is_between(y0, y1)).select("CHILD")
    ad = ends.join(first, on="CHILD", how="left").join(dob, on="CHILD").sort("CHILD")
    m = ad.height
    rng = _rng(seed, "ad1", y1)
    kind = rng.choice(5, m, p=[0.62, 0.12, 0.06, 0.05, 0.15])  # married/civil couple MF, FF/MM couple, single F, M
    sex = np.array(["MF", "FF", "MM", "F1", "M1"])[kind]
    ls = np.where(kind == 0, "L2", np.where(kind <= 2, "L12", "L0"))
    last_place = ad.join(last, on="CHILD", how="left")["_last"].to_numpy()
    ad1 = ad.select("CHILD", pl.col("_dob").alias("DOB"), _s(pl.col("_decision")).alias("DATE_INT"),
                    _s(pl.col("_first") + pl.duration(days=30)).alias("DATE_MATCH")).with_columns(
        # adopted by the child's foster carer exactly when the adoptive placement was with them (A3, A5; rule 335)
        pl.Series("FOSTER_CARE", np.where(np.isin(last_place, ["A3", "A5"]), "1", "0")),
        pl.Series("NB_ADOPTR", np.where(kind <= 2, "2", "1")), pl.Series("SEX_ADOPTR", sex),
        pl.Series("LS_ADOPTR", ls))
    return {"AD1": ad1, "PlacedAdoption": placed_tbl}


def _previous_permanence(eps: pl.DataFrame, dob: pl.DataFrame, y0: date, y1: date, seed: int,
                         la_number: str) -> pl.DataFrame:
    """One row per child starting care in the year: mostly no previous permanence (Z1)."""
    s = eps.filter((pl.col("RNE") == "S") & pl.col("_a").is_between(y0, y1)).unique("CHILD").sort("CHILD")
    s = s.join(dob, on="CHILD")
    rng = _rng(seed, "prevperm", y1)
    n = s.height
    kind = np.array(["Z1", "P1", "P2", "P3"])[rng.choice(4, n, p=[0.93, 0.02, 0.03, 0.02])]
    return s.select("CHILD", pl.col("_dob").alias("DOB"), "_a").with_columns(
        pl.Series("PREV_PERM", kind), pl.Series("LA_PERM", np.where(kind == "Z1", None, la_number).tolist(), dtype=pl.Utf8),
        pl.Series("DATE_PERM", np.where(kind == "Z1", None, "zz").tolist(), dtype=pl.Utf8),
        pl.col("_a").alias("_start")).with_columns(
        pl.when(pl.col("DATE_PERM").is_not_null()).then(_s(pl.col("_start") - pl.duration(days=800)))
        .alias("DATE_PERM")).drop("_start")


def _missing(eps: pl.DataFrame, dob: pl.DataFrame, y0: date, y1: date, seed: int) -> pl.DataFrame:
    """Episodes missing (M) or away without permission (A) of children aged 10 and over, within an episode."""
    e = eps.join(dob, on="CHILD").with_columns(_d("_dob").alias("_db"))
    e = e.filter(((pl.col("_a") - pl.col("_db")).dt.total_days() > 3650) & ~pl.col("PLACE").is_in(["P1"]))
    rng = _rng(seed, "missing", y1)
    pick = e.filter(pl.Series(rng.random(e.height) < 0.12)).sort("CHILD", "_a")
    n = pick.height
    lo = pick.select(pl.max_horizontal(pl.col("_a"), pl.lit(y0))).to_series()
    hi = pick.select(pl.min_horizontal(pl.coalesce(pl.col("_b"), pl.lit(y1)), pl.lit(y1))).to_series()
    span = (hi - lo).dt.total_days().fill_null(0).to_numpy()
    off = (rng.random(n) * np.maximum(span - 3, 0)).astype(np.int64)
    start = lo + pl.Series(off).cast(pl.Int64).map_elements(lambda d: timedelta(days=int(d)), return_dtype=pl.Duration)
    # back by the end of the episode (or of the year): never after care ended (rule 577)
    length = np.minimum(rng.integers(0, 3, n), np.maximum(span - off, 0))
    return pl.DataFrame({"CHILD": pick["CHILD"], "DOB": pick["_dob"],
                         "MISSING": np.where(rng.random(n) < 0.8, "M", "A"),
                         "MIS_START": start.dt.strftime(_FMT),
                         "MIS_END": (start + pl.Series(length).map_elements(lambda d: timedelta(days=int(d)),
                                                                             return_dtype=pl.Duration)).dt.strftime(_FMT)})


def _social_workers(eps: pl.DataFrame, dob: pl.DataFrame, y0: date, y1: date, seed: int) -> pl.DataFrame:
    """The allocated social worker over each child's time in care in the year (one episode per child here).

    The episode starts when the worker was allocated, at the start of the child's care (before the year for
    a child already looked after, as the following year's return repeats it; rule SW16b), so that a child
    whose care ended on 1 April still has an episode that covers it (rule SW12STG2)."""
    e = eps.with_columns(_d("DEC").alias("_dec"))  # as at 31 March: DEC blank when the episode ends later
    g = e.group_by("CHILD").agg(pl.col("_a").min().alias("_start"), pl.col("_dec").max().alias("_end"),
                                pl.col("_dec").is_null().any().alias("_open")).join(dob, on="CHILD").sort("CHILD")
    # an allocation shorter than a day is not a social worker episode (rule SW09STG2)
    g = g.filter(pl.col("_open") | (pl.col("_end") > pl.col("_start")))
    rng = _rng(seed, "sw", y1)
    n = g.height
    return g.select("CHILD", pl.col("_dob").alias("DOB"),
                    pl.Series("SW_ID", [f"SW{v:07d}" for v in rng.integers(1, 400, n) * 9173 % 10_000_000]),
                    _s(pl.col("_start")).alias("SW_DECOM"),
                    pl.when(pl.col("_open")).then(None).otherwise(_s(pl.col("_end"))).alias("SW_DEC"),
                    pl.Series("SW_REASON", _SW_REASONS[rng.choice(len(_SW_REASONS), n, p=_SW_P)]))


def write_years(copies: dict[str, pl.DataFrame], years: list[tuple[date, date]], out: Path, seed: int,
                la_number: str) -> list[dict]:
    """Write returns/ssda903/<year>/ for each (1 April, 31 March); one manifest entry per year."""
    entries = []
    for y0, y1 in years:
        label = year_label(y1.year)
        folder = out / label
        folder.mkdir(parents=True, exist_ok=True)
        tables = _year(copies, y0, y1, seed, la_number)
        files = []
        for t, df in tables.items():
            df.write_csv(folder / FILES[t])
            files.append({"table": t, "file": FILES[t], "rows": df.height})
        entries.append({"year": label, "collection_end": y1.isoformat(), "tables": files})
    return entries
