"""Termly attendance and suspensions/exclusions of the pupils in each spring census.

Each pupil has a stable absence propensity (gamma-distributed, so a minority miss much more)
scaled by deprivation, free school meals, SEN, children in need status and year group; each
term's absences are binomial around it. Suspensions are a gamma-mixed Poisson count, so they
concentrate on few pupils as they do in practice.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from joinedup.synth.sector_common import add_working_days, day, deprivation_weight, frame_for, to_dates

__all__ = ["attendance", "exclusions", "ABSENCE_RATE", "SUSPENSIONS_PER_PUPIL", "PERMANENT_PER_PUPIL"]

#: Overall absence rate (DfE Pupil absence in schools in England 2023/24: 7.1%) and the gamma shape
#: tuned so that ~ 20% of pupils are persistently absent, missing 10%+ of sessions (2023/24: 20.0%).
ABSENCE_RATE, ABSENCE_SHAPE = 0.071, 1.9
#: Children in need miss far more school (DfE Outcomes of children in need 2023/24: persistent absence
#: ~ 45% of CIN vs 20% of all; assumption for the multiplier); looked-after children a little more than average.
ABSENCE_CIN, ABSENCE_CLA = 2.5, 1.1
#: Suspensions and permanent exclusions per pupil a year (DfE Suspensions and permanent exclusions
#: 2023/24: 11.31 suspensions and 0.13 permanent exclusions per 100 pupils).
SUSPENSIONS_PER_PUPIL, PERMANENT_PER_PUPIL = 0.1131, 0.0013
_TERMS = (("AUT", 9, 1, 12, 20, 142), ("SPR", 1, 4, 3, 28, 118), ("SUM", 4, 15, 7, 20, 126))
_REASONS = np.array(["PH", "VA", "PA", "PP", "VP", "DM", "DA", "BU", "US", "RA", "TH", "MT", "OT"])
_REASON_P = np.array([0.48, 0.12, 0.07, 0.10, 0.05, 0.04, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01, 0.05])


def _propensity(t: pl.DataFrame) -> np.ndarray:
    ncy = t["ncy"].to_numpy()
    m = deprivation_weight(t["decile"].to_numpy(), 1.6) * np.where(t["fsm"].to_numpy(), 1.6, 1.0)
    m = m * np.where(t["ehc"].to_numpy(), 1.4, np.where(t["sen"].to_numpy(), 1.3, 1.0))
    m = m * np.where(t["cla"].to_numpy(), ABSENCE_CLA, np.where(t["cin"].to_numpy(), ABSENCE_CIN, 1.0))
    return m * np.where(ncy >= 10, 1.45, np.where(ncy >= 7, 1.3, 1.0))


def attendance(world, t: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Sessions possible, authorised and unauthorised absence per pupil per term of each census year."""
    m = _propensity(t)
    n = t.height
    pupil_u = rng.gamma(ABSENCE_SHAPE, 1 / ABSENCE_SHAPE, n)
    rate = np.clip(ABSENCE_RATE * m / m.mean() * pupil_u, 0, 0.9)
    unauth = np.clip(0.30 * np.where(t["fsm"].to_numpy(), 1.4, 1.0) * np.where(t["cin"].to_numpy(), 1.5, 1.0), 0, 0.9)
    cen_year = (t["at"].to_numpy().astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)
    parts = []
    for term, sm, sd, _em, _ed, possible in _TERMS:
        y_start = np.where(sm >= 9, cen_year - 1, cen_year)
        starts = np.array([day(date(int(y), sm, sd)) for y in np.unique(y_start)])
        first_day = dict(zip(np.unique(y_start).tolist(), starts.tolist()))
        begin = pl.Series(y_start).replace_strict(first_day).to_numpy()
        ok = begin <= day(world.period_end)
        poss = np.full(n, possible)
        factor = {"AUT": 0.9, "SPR": 1.05, "SUM": 1.1}[term]
        absent = rng.binomial(poss, np.clip(rate * factor, 0, 0.95))
        un = rng.binomial(absent, unauth)
        label = pl.Series(cen_year - 1).cast(pl.Utf8) + "/" + pl.Series(cen_year % 100).cast(pl.Utf8).str.zfill(2)
        parts.append(pl.DataFrame({"AcademicYear": label, "Term": [term] * n, "URN": t["urn"], "UPN": t["upn"],
                                   "SessionsPossible": poss, "SessionsAuthorised": absent - un,
                                   "SessionsUnauthorised": un, "_person_id": t["pid"]}).filter(pl.Series(ok)))
    a = pl.concat(parts)
    return frame_for("education.attendance", {c: a[c] for c in a.columns if c != "_person_id"},
                     {"_person_id": a["_person_id"].to_numpy()})


def exclusions(world, t: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Suspensions (some at lunchtime) and permanent exclusions in each census year, up to the period end."""
    ncy = t["ncy"].to_numpy()
    w = np.where(ncy >= 7, 8.0, 1.0) * np.where(t["male"].to_numpy(), 2.5, 1.0) * np.where(t["fsm"].to_numpy(), 2.5, 1.0)
    w = w * np.where(t["ehc"].to_numpy(), 2.0, np.where(t["sen"].to_numpy(), 2.5, 1.0)) * np.where(t["cin"].to_numpy(), 3.0, 1.0)
    w = w / w.mean()
    n = t.height
    cen = t["at"].to_numpy()
    y0 = cen - 140  # about 1 September of the census year
    end = day(world.period_end)
    frac = np.clip((end - y0) / 320, 0, 1)  # the part of the school year inside the period
    lam = SUSPENSIONS_PER_PUPIL * w * rng.gamma(0.3, 1 / 0.3, n) * frac
    k = rng.poisson(lam)
    perm = rng.random(n) < PERMANENT_PER_PUPIL * w * frac
    ci = np.concatenate([np.repeat(np.arange(n), k), np.flatnonzero(perm)])
    cat = np.concatenate([np.where(rng.random(k.sum()) < 0.03, "LUNC", "SUSP"), np.full(perm.sum(), "PERM")])
    span = np.maximum(1, np.minimum(320, end - y0[ci]))
    start = add_working_days(y0[ci] + np.floor(rng.random(len(ci)) * span).astype(np.int64), np.zeros(len(ci), np.int64))
    keep = start <= end
    sessions = np.array([1, 2, 3, 4, 6, 10])[rng.choice(6, len(ci), p=[0.2, 0.38, 0.12, 0.15, 0.1, 0.05])]
    sessions = np.where(cat == "LUNC", 1, sessions)
    f = pl.DataFrame({
        "UPN": t["upn"].to_numpy()[ci], "URN": t["urn"].to_numpy()[ci], "Category": cat, "StartDate": start,
        "Sessions": pl.Series(np.where(cat == "PERM", -1, sessions)).replace(-1, None),
        "Reason": _REASONS[rng.choice(len(_REASONS), len(ci), p=_REASON_P)], "_person_id": t["pid"].to_numpy()[ci],
    }).filter(pl.Series(keep)).unique(["UPN", "StartDate", "Category"], keep="first", maintain_order=True)
    return frame_for("education.exclusions", {
        "UPN": f["UPN"], "URN": f["URN"], "Category": f["Category"], "StartDate": to_dates(f["StartDate"].to_numpy()),
        "Sessions": f["Sessions"], "Reason": f["Reason"]}, {"_person_id": f["_person_id"].to_numpy()})
