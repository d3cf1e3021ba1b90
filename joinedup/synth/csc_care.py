"""Periods of care for children looked after: entry, legal status and placement changes, exit.

The population decides who is looked after and when care started (`cla_entry_date`; for
care-experienced people without one, an earlier period of care is imputed here). This module
decides how each period of care runs: the route out of care (return home, adoption, special
guardianship, child arrangements order, or staying until 18), the SSDA903 episodes (a new
episode at every change of legal status or placement), and the need code. Every step is
vectorised: events are laid out as one long table and the state is carried forward per child.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.synth.sector_common import add_years, days_of, lognormal_days, years_between

__all__ = ["care_periods", "care_episodes", "ROUTE_REC"]

#: How a period of care ends -> SSDA903 reason episode ceased.
ROUTE_REC = {"home": "E4A", "adopt": "E11", "sgo": "E46", "cao": "E41", "adult": "E5", "left": "E8", "died": "E2"}
_ROUTES = np.array(["home", "adopt", "sgo", "cao", "adult"])
# Route out of care by age at entry. Assumption shaped on DfE CLA 2024 "reason ceased": returned
# home ~1 in 3, adoption ~1 in 10 (nearly all under 5), special guardianship ~1 in 8, 18th birthday ~1 in 3.
_ROUTE_P = {0: [0.33, 0.33, 0.22, 0.05, 0.07], 5: [0.44, 0.03, 0.15, 0.05, 0.33], 12: [0.40, 0.0, 0.04, 0.01, 0.55]}
# Median days in care by route (assumption; DfE: median ~ 8 months for returns home,
# ~ 2 years from entry to adoption order, about 18 months to special guardianship).
_ROUTE_MEDIAN = {"home": 240, "adopt": 730, "sgo": 560, "cao": 420}

# Legal status at entry: s20 accommodation about half, interim care orders a third, police
# protection and emergency protection orders the rest (assumption from DfE CLA starts by legal status).
_LS0 = np.array(["V2", "C1", "L1", "L2", "J1"])
_LS0_P = np.array([0.50, 0.36, 0.09, 0.03, 0.02])

# First placement by age band (assumption). Targets the 31 March mix (DfE CLA 2024): fostering ~70%
# (kinship ~ 1 in 5 of all fostering), residential (K1/K2/R1/S1) ~ 12-15%, placed with parents ~ 6%.
_PLACES = np.array(["U3", "U6", "K2", "K1", "R1", "R3", "P1", "K3", "P2", "Z1"])
_PLACE_P = {
    0: [0.26, 0.56, 0.00, 0.00, 0.00, 0.08, 0.08, 0.00, 0.00, 0.02],
    5: [0.24, 0.56, 0.08, 0.00, 0.01, 0.00, 0.08, 0.00, 0.00, 0.03],
    12: [0.16, 0.48, 0.22, 0.02, 0.02, 0.00, 0.07, 0.00, 0.00, 0.03],
    16: [0.10, 0.34, 0.16, 0.01, 0.00, 0.00, 0.05, 0.30, 0.02, 0.02],
}
_MOVE_PLACES = {  # where a child moves to after a placement breaks down
    0: [0.18, 0.78, 0.0, 0.0, 0.0, 0.0, 0.02, 0.0, 0.0, 0.02],
    5: [0.14, 0.72, 0.09, 0.01, 0.01, 0.0, 0.02, 0.0, 0.0, 0.01],
    12: [0.10, 0.52, 0.30, 0.03, 0.02, 0.0, 0.02, 0.0, 0.0, 0.01],
    16: [0.05, 0.32, 0.18, 0.02, 0.0, 0.0, 0.02, 0.38, 0.02, 0.01],
}
#: Placement moves a year: a gamma-mixed rate (shape 0.3: most children settle, a few move often) so that
#: 3+ placements in a year is ~ 7-10% of children
#: looked after (LAIT Dudley 2024/2025: 10% / 7%; England 11% / 10%) and long-term stability ~ 62-66%.
MOVE_RATE_MEAN = 0.42
MOVE_RATE_SHAPE = 0.3
#: Need codes of children looked after (assumption from DfE CLA 2024: abuse or neglect ~ 2 in 3).
_NEEDS = np.array(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"])
_NEED_P = np.array([0.65, 0.03, 0.03, 0.08, 0.13, 0.02, 0.005, 0.055])


#: 28 October 2023 (days from 1970-01-01): the last day independent living (P2) was a placement type.
_P2_LAST_DAY = 19658


def _band(age: np.ndarray, bands: dict) -> np.ndarray:
    keys = np.array(sorted(bands))
    return keys[np.searchsorted(keys, age, side="right") - 1]


def _choose_by_band(rng, age: np.ndarray, table: dict, values: np.ndarray) -> np.ndarray:
    out = np.empty(len(age), dtype=values.dtype)
    band = _band(age, table)
    for b, p in table.items():
        m = band == b
        p = np.asarray(p, dtype=float)
        out[m] = values[rng.choice(len(values), m.sum(), p=p / p.sum())]
    return out


def _strings(values, k: int) -> pl.Series:
    """Codes as a string series, with "" (or no array) meaning null."""
    if values is None:
        return pl.Series([None] * k, dtype=pl.Utf8)
    s = pl.Series(np.asarray(values).astype(str))
    return pl.select(pl.when(s == "").then(None).otherwise(s)).to_series()


def care_periods(people: pl.DataFrame, rng: np.random.Generator, period_start: int, period_end: int) -> pl.DataFrame:
    """One row per period of care: person, entry, exit (or none yet), route out, need, UASC flag."""
    cols = people.columns
    entry_col = people["cla_entry_date"] if "cla_entry_date" in cols else pl.Series([None] * people.height, dtype=pl.Date)
    exp_col = people["care_experienced"] if "care_experienced" in cols else pl.Series([False] * people.height)
    has_entry = entry_col.is_not_null().to_numpy()
    exp = exp_col.fill_null(False).to_numpy() | has_entry
    p = people.filter(pl.Series(exp)).with_columns(entry_col.filter(pl.Series(exp)).alias("_entry"))
    n = p.height
    dob = days_of(p["dob"])
    given = p["_entry"].is_not_null().to_numpy()
    entry = p["_entry"].cast(pl.Int64).fill_null(0).to_numpy().astype(np.int64)
    # care-experienced people with no entry date were looked after before the period: impute the
    # age at entry (8-15) so that the period of care ended before the period started
    imputed_age = rng.uniform(8, 15.5, n)
    entry = np.where(given, entry, dob + np.rint(imputed_age * 365.25).astype(np.int64))
    age = years_between(dob, entry)
    route = _choose_by_band(rng, age, {k: v for k, v in _ROUTE_P.items()}, _ROUTES)
    route = np.where(~given, "adult", route)
    eighteen = add_years(dob, 18)
    dur = np.zeros(n, dtype=np.int64)
    for r, med in _ROUTE_MEDIAN.items():
        m = route == r
        dur[m] = lognormal_days(rng, med, 0.6 if r != "home" else 1.0, m.sum())
    exit_ = np.where(route == "adult", eighteen, entry + dur)
    if "cla_exit_date" in cols:
        # the population decided when care ended: keep its day, and choose a route that fits it
        given_exit = p["cla_exit_date"].cast(pl.Int64).fill_null(-1).to_numpy()
        known = given & (given_exit > entry)
        still = given & (given_exit < 0)
        exit_ = np.where(known, given_exit, np.where(still, np.maximum(exit_, period_end + 1), exit_))
        short = known & (given_exit - entry < 365) & (route == "adopt")
        route = np.where(short, "home", route)
        route = np.where(known & (given_exit >= eighteen - 1), "adult", route)
        route = np.where(known & (route == "adult") & (given_exit < eighteen - 1),
                         np.where(age < 5, "sgo", "home"), route)
    route = np.where((route != "adult") & (exit_ >= eighteen), "adult", route)
    exit_ = np.minimum(exit_, eighteen)
    died = days_of(p["date_of_death"])
    left = days_of(p["left"])
    route = np.where(died < exit_, "died", np.where(left < exit_, "left", route))
    exit_ = np.minimum(exit_, np.minimum(died, left))
    exit_ = np.maximum(exit_, entry + 1)
    arrived = p["arrived"].cast(pl.Int64).fill_null(-10**9).to_numpy()
    uasc = (entry - arrived < 90) & (entry >= arrived) & (age >= 13)
    need = np.where(uasc, "N8", _NEEDS[rng.choice(len(_NEEDS), n, p=_NEED_P / _NEED_P.sum())])
    need = np.where(p["learning_disability"].to_numpy() & (rng.random(n) < 0.5), "N2", need)
    # care that began before the child lived here was another council's: not in this council's returns
    ours = entry >= arrived
    return pl.DataFrame({
        "person_id": p["person_id"].cast(pl.Int64), "dob": dob, "entry": entry, "exit": exit_,
        "open": exit_ > period_end, "route": route, "age": age, "need": need, "uasc": uasc,
    }).filter(pl.Series(ours))


def care_episodes(periods: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """SSDA903 episodes of each period of care: DECOM, DEC, RNE, LS, PLACE, PLACE_PROVIDER, REC."""
    n = periods.height
    entry, exit_ = periods["entry"].to_numpy(), periods["exit"].to_numpy()
    age = periods["age"].to_numpy()
    dob = periods["dob"].to_numpy()
    route = periods["route"].to_numpy()
    idx = np.arange(n)
    ev: list[pl.DataFrame] = []

    def add(child, t, ls=None, place=None, kind="P", prio=5):
        k = len(child)
        ev.append(pl.DataFrame({
            "i": child.astype(np.int64), "t": np.asarray(t, dtype=np.int64),
            "ls": _strings(ls, k), "place": _strings(place, k),
            "kind": [kind] * k, "prio": np.full(k, prio, dtype=np.int64)}))

    uasc = periods["uasc"].to_numpy()
    ls0 = np.where(uasc | (age >= 16), "V2", _LS0[rng.choice(5, n, p=_LS0_P)])
    # remand (J1) is a youth justice status: never under the age of criminal responsibility, 10 (903 rule 358)
    ls0 = np.where((ls0 == "J1") & (add_years(dob, 10) >= entry), "L1", ls0)
    place0 = _choose_by_band(rng, age, _PLACE_P, _PLACES)
    place0 = np.where(uasc, np.where(age >= 16, "K3", "U6"), place0)
    add(idx, entry, ls0, place0, "S", 0)
    # police protection / emergency orders resolve within days into an interim care order or s20
    emerg = np.isin(ls0, ["L1", "L2", "J1"])
    t1 = entry + rng.integers(1, 9, n)
    # police protection lasts at most 72 hours (Children Act 1989 s46; 903 rule 361); an EPO up to 8 days
    t1 = np.where(ls0 == "L1", entry + 1 + (t1 - entry - 1) % 3, t1)
    new_ls = np.where(rng.random(n) < 0.55, "C1", "V2")
    moved = rng.random(n) < 0.5
    newp = _choose_by_band(rng, age, _MOVE_PLACES, _PLACES)
    add(idx[emerg], t1[emerg], new_ls[emerg], np.where(moved, newp, "")[emerg], "E", 1)
    # s20 -> interim care order for a quarter; interim -> full care order after proceedings (~ 40 weeks)
    v2c1 = ((ls0 == "V2") | (emerg & (new_ls == "V2"))) & (rng.random(n) < 0.25) & (age < 16)
    t_v2c1 = entry + lognormal_days(rng, 120, 0.6, n)
    add(idx[v2c1], t_v2c1[v2c1], np.full(v2c1.sum(), "C1"), None, "L", 2)
    c1_time = np.where(ls0 == "C1", entry, np.where(emerg & (new_ls == "C1"), t1, np.where(v2c1, t_v2c1, -1)))
    c2 = (c1_time >= 0) & (route != "home")
    t_c2 = c1_time + lognormal_days(rng, 280, 0.3, n)
    add(idx[c2], t_c2[c2], np.full(c2.sum(), "C2"), None, "L", 2)
    # adoption: placement order, then placement with adopters some months before the order; both inside
    # the period of care (after any emergency status has resolved), the placement after the order
    ad = route == "adopt"
    span = exit_ - entry
    t_e1 = np.maximum(exit_ - rng.integers(200, 320, n), entry + np.maximum(span // 3, 9))
    add(idx[ad], t_e1[ad], np.full(ad.sum(), "E1"), None, "L", 3)
    t_a = np.maximum(exit_ - rng.integers(90, 190, n), t_e1 + np.maximum((exit_ - t_e1) // 2, 1))
    former = rng.random(n) < 0.15  # adopted by their foster carer (fostering for adoption)
    add(idx[ad & ~former], t_a[ad & ~former], None, np.full((ad & ~former).sum(), "A6"), "P", 3)
    add(idx[ad & former], t_a[ad & former], None, np.full((ad & former).sum(), "A5"), "T", 3)
    # special guardianship is made to the child's foster carers (903 rule 516: the last placement U1-U6):
    # a child placed elsewhere moves to connected-person fostering (U3) some months before the order
    sg = route == "sgo"
    add(idx[sg], t_a[sg], None, np.full(sg.sum(), "SG"), "G", 3)
    # placement moves: a gamma-mixed Poisson process over the period of care
    rate = rng.gamma(MOVE_RATE_SHAPE, MOVE_RATE_MEAN / MOVE_RATE_SHAPE, n)
    years = (exit_ - entry) / 365.25
    k = rng.poisson(rate * years)
    ci = np.repeat(idx, k)
    tm = entry[ci] + np.rint(rng.random(len(ci)) * (exit_[ci] - entry[ci])).astype(np.int64)
    agem = (tm - dob[ci]) / 365.25
    mp = _choose_by_band(rng, np.floor(agem).astype(int), _MOVE_PLACES, _PLACES)
    add(ci, tm, None, mp, "P", 4)
    # long-term foster placement with the same carer (U6 -> U4, U3 -> U1) after about a year
    lt = (route == "adult") & (rng.random(n) < 0.55)
    add(idx[lt], entry[lt] + rng.integers(300, 600, lt.sum()), None, np.full(lt.sum(), "LT"), "T", 5)
    # move to supported accommodation at 16-17 for a third of those staying until 18
    sa = (route == "adult") & (rng.random(n) < 0.33)
    add(idx[sa], add_years(dob[sa], 16) + rng.integers(120, 500, sa.sum()), None, np.full(sa.sum(), "K3"), "P", 6)

    # from the placement order no other legal status, and from the adoptive (or guardian's) placement no
    # other move: the order and placement stand until the adoption or guardianship order (rules 408, 390, 516)
    never = np.iinfo(np.int64).max
    cuts = pl.DataFrame({"i": idx, "_entry": entry, "_exit": exit_, "_ls_cut": np.where(ad, t_e1, never),
                         "_pl_cut": np.where(ad | sg, t_a, never)})
    e = pl.concat(ev).join(cuts, on="i")
    e = e.filter((pl.col("t") >= pl.col("_entry")) & (pl.col("t") < pl.col("_exit")))
    e = e.filter(~((pl.col("t") > pl.col("_ls_cut")) & pl.col("ls").is_not_null() & (pl.col("ls") != "E1"))
                 & ~((pl.col("t") > pl.col("_pl_cut")) & pl.col("place").is_not_null()))
    e = e.sort(["i", "t", "prio"]).unique(["i", "t"], keep="first", maintain_order=True)
    # long-term conversion needs the placement it converts: resolve after a first carry-forward
    e = e.with_columns(pl.when(pl.col("place").is_in(["LT", "SG"])).then(None).otherwise(pl.col("place")).alias("_p"))
    e = e.with_columns(pl.col("_p").forward_fill().over("i").alias("_prev"))
    lt_map = {"U6": "U4", "U3": "U1"}
    fostering = ["U1", "U2", "U3", "U4", "U5", "U6"]
    e = e.with_columns(pl.when(pl.col("place") == "LT").then(pl.col("_prev").replace_strict(lt_map, default=None))
                       .when(pl.col("place") == "SG").then(
                           pl.when(pl.col("_prev").is_in(fostering)).then(None).otherwise(pl.lit("U3")))
                       .otherwise(pl.col("place")).alias("place"))
    e = e.filter(~(pl.col("kind").is_in(["T", "G"]) & pl.col("place").is_null() & pl.col("ls").is_null()))
    e = e.with_columns(pl.col("ls").forward_fill().over("i").alias("LS"))
    # placement with parents is not a placement under section 20 (903 rule 378): a child accommodated under
    # s20 while placed with parents is placed with relatives (U3) instead, a change of placement
    e = e.with_columns(pl.when((pl.col("LS") == "V2") & (pl.col("place").forward_fill().over("i") == "P1"))
                       .then(pl.lit("U3")).otherwise(pl.col("place")).alias("place"))
    e = e.with_columns(pl.col("place").forward_fill().over("i").alias("PLACE"),
                       pl.col("place").is_not_null().cum_sum().over("i").alias("_placement"))
    e = e.with_columns(
        (pl.col("LS") != pl.col("LS").shift(1).over("i")).fill_null(True).alias("_dls"),
        # any event that sets a placement is a change of carer, even to the same kind of placement
        pl.col("place").is_not_null().alias("_dpl"),
    )
    e = e.filter((pl.col("kind") == "S") | pl.col("_dls") | pl.col("_dpl"))
    same_carer = pl.col("kind") == "T"
    e = e.with_columns(
        pl.when(pl.col("kind") == "S").then(pl.lit("S"))
        .when(pl.col("_dls") & pl.col("_dpl") & same_carer).then(pl.lit("U"))
        .when(pl.col("_dls") & pl.col("_dpl")).then(pl.lit("B"))
        .when(pl.col("_dls")).then(pl.lit("L"))
        .when(same_carer).then(pl.lit("T")).otherwise(pl.lit("P")).alias("RNE"),
        pl.col("t").shift(-1).over("i").alias("_next"),
    )
    e = e.with_columns(pl.col("_next").fill_null(pl.col("_exit")).alias("DEC_d"),
                       pl.col("RNE").shift(-1).over("i").alias("_next_rne"))
    # independent living (P2) is no placement type from 28 October 2023 (903 rule 217t): a placement there
    # that went on after that day was in supported accommodation (K3), the setting that replaced it
    e = e.with_columns(pl.when((pl.col("PLACE") == "P2")
                               & (pl.col("DEC_d").max().over("i", "_placement") > _P2_LAST_DAY))
                       .then(pl.lit("K3")).otherwise(pl.col("PLACE")).alias("PLACE"))
    return e.select("i", pl.col("t").alias("DECOM_d"), "DEC_d", "RNE", "LS", "PLACE", "_next_rne")
