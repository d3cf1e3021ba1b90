"""GP appointments (GPAD-style) and death registrations (PCMD-style)."""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.sources import source
from joinedup.synth.events import Exposure, as_dates, by_age, labels, seq_ids, with_identity
from joinedup.synth.world import World

__all__ = ["gp_appointments", "deaths_frame", "place_of_death", "GP_MODE_SHARES"]

# Appointments a year by age (NHS England GPAD 2023-24: ~ 30m a month in general practice, ~5.5 per
# person a year; older people and women more; assumption on the age profile).
_GP_RATE = ((0, 4.2), (5, 2.4), (15, 3.6), (25, 4.2), (45, 5.2), (65, 7.6), (75, 10.2), (85, 12.0))
_GP_MEAN = 5.5
# Mode shares (NHS England GPAD 2024: face to face ~62%, telephone ~31%, video/online ~1.5%, home visit ~1%, unknown rest).
GP_MODE_SHARES = {"Face-to-Face": 0.62, "Telephone": 0.31, "Video Conference/Online": 0.015, "Home Visit": 0.01,
                  "Unknown": 0.045}
# Status (GPAD: ~4.5% did not attend; more in deprived areas and young adults) and staff (GP ~45%).
_DNA = 0.045
_HCP = {"GP": 0.45, "Other Practice staff": 0.50, "Unknown": 0.05}
# Place of death (ONS Deaths registered 2023, place of occurrence: hospital ~44%, home ~29%, care home ~20%, hospice ~5%).
_PLACE_HOME = {"hospital": 0.52, "home": 0.36, "hospice": 0.06, "care_home": 0.03, "other": 0.03}
_PLACE_CARE_HOME = {"hospital": 0.22, "home": 0.0, "hospice": 0.01, "care_home": 0.76, "other": 0.01}
# Underlying cause (ONS leading causes of death 2023: dementia ~11%, ischaemic heart disease ~10%...).
_CAUSES = {"F03X": 6, "G309": 5, "I251": 6, "I219": 4, "C349": 5, "J449": 5, "I64X": 4, "J189": 3, "C189": 3,
           "C509": 2, "C61X": 2, "I500": 2, "C259": 2, "K703": 1, "X599": 1, "C159": 1, "E149": 1, "N189": 1, "R54X": 2}


def _weekday(days: np.ndarray) -> np.ndarray:
    dow = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return days - (dow == 5) + (dow == 6)


def gp_appointments(rng: np.random.Generator, world: World, E: Exposure) -> pl.DataFrame:
    """Appointments at each person's practice over their time in the place."""
    frame = _gp_rows(rng, E, world)  # the working arrays are freed before identity is joined on
    frame = with_identity(world, frame, "Appointment_Date",
                          {"Practice_Code": "gp_practice", "NHS_Number": "nhs_number", "Person_Given_Name": "given_name",
                           "Person_Family_Name": "family_name", "Person_Birth_Date": "dob",
                           "Person_Stated_Gender_Code": "sex", "Postcode_Usual_Address": "postcode",
                           "Address_Line_1": "address"}, {"M": "1", "F": "2"},
                          compact=True)
    return frame.select(*source("nhs.gp_appointments").columns, "_person_id")


def _gp_rows(rng: np.random.Generator, E: Exposure, world: World) -> pl.DataFrame:
    age = E.age_mid
    raw = by_age(_GP_RATE, age) * (1 + 0.12 * E.ltc_count) * np.where(E.female & (age >= 15) & (age < 65), 1.3, 1.0)
    raw *= 1 + 0.3 * E.mental_health_need
    scale = _GP_MEAN * E.span.sum() / max((raw * E.span).sum(), 1e-9)
    counts = rng.poisson(raw * scale * E.span / 365.25)
    who = np.repeat(np.arange(len(E)), counts)
    d = _weekday(E.entry[who] + (rng.random(len(who)) * E.span[who]).astype(np.int64))
    d = np.clip(d, E.entry[who], E.exit[who] - 1)
    order = np.lexsort((who, d))
    who, d = who[order], d[order]
    n = len(who)
    a = (d - E.dob[who]) / 365.25
    p_home = np.clip(0.004 + 0.03 * (a >= 85) + 0.06 * E.care_home[who] + 0.02 * E.frailty[who], 0, 0.5)
    modes = np.array(list(GP_MODE_SHARES))
    base = np.array(list(GP_MODE_SHARES.values()))
    other = base.copy()
    other[3] = 0
    other /= other.sum()
    mode = np.where(rng.random(n) < p_home, 3, rng.choice(len(modes), size=n, p=other))
    p_dna = _DNA * np.exp(0.8 * (E.dep[who] - 0.5)) * np.where((a >= 16) & (a < 35), 1.5, 0.9)
    u = rng.random(n)
    status = np.where(u < p_dna, 1, np.where(u < p_dna + 0.03, 2, 0))
    hcp = rng.choice(3, size=n, p=list(_HCP.values()))
    return pl.DataFrame({
        "Appointment_ID": seq_ids("A", n, 10, world.seq_start("nhs.gp_appointments", n)),
        "Patient_ID": pl.repeat(None, n, dtype=pl.Utf8, eager=True),
        "Appointment_Date": as_dates(d),
        "APPT_MODE": labels(modes, mode, compact=True), "HCP_TYPE": labels(_HCP, hcp, compact=True),
        "APPT_STATUS": labels(["Attended", "DNA", "Unknown"], status, compact=True),
        "_person_id": pl.Series(E.person_id[who], dtype=pl.Int64),
    })


def place_of_death(rng: np.random.Generator, E: Exposure, dead: np.ndarray) -> np.ndarray:
    """Where each person who died in the period died."""
    out = np.empty(len(dead), dtype=object)
    for mask, table in ((E.care_home[dead], _PLACE_CARE_HOME), (~E.care_home[dead], _PLACE_HOME)):
        idx = np.flatnonzero(mask)
        keys = np.array(list(table))
        p = np.array(list(table.values()))
        out[idx] = keys[rng.choice(len(keys), size=len(idx), p=p / p.sum())]
    return out.astype(str)


def deaths_frame(rng: np.random.Generator, world: World, E: Exposure, dead: np.ndarray, place: np.ndarray) -> pl.DataFrame:
    """One registration per death in the period."""
    n = len(dead)
    codes = np.array(list(_CAUSES))
    w = np.array(list(_CAUSES.values()), dtype=float)
    cause = codes[rng.choice(len(codes), size=n, p=w / w.sum())]
    dem = E.dementia[dead] & (rng.random(n) < 0.45)
    cause = np.where(dem, np.where(rng.random(n) < 0.5, "F03X", "G309"), cause)
    cause = np.where((E.age_mid[dead] < 1), "P072", cause)
    # registration within days (ONS: median ~5 days from death to registration in 2023)
    reg = E.death[dead] + np.ceil(rng.gamma(2.0, 3.0, n)).astype(np.int64)
    order = np.argsort(E.death[dead], kind="stable")
    frame = pl.DataFrame({
        "DEATH_REG_ID": pl.Series([None] * n, dtype=pl.Utf8),
        "DATE_OF_DEATH": as_dates(E.death[dead]),
        "REG_DATE_OF_DEATH": as_dates(reg),
        "S_UNDERLYING_COD_ICD10": cause,
        "PLACE_OF_DEATH": place,
        "_person_id": pl.Series(E.person_id[dead], dtype=pl.Int64),
    })[order]
    frame = with_identity(world, frame, "DATE_OF_DEATH",
                          {"DEC_NHS_NUMBER": "nhs_number", "DEC_FORENAMES": "given_name", "DEC_SURNAME": "family_name",
                           "DEC_DATE_OF_BIRTH": "dob", "DEC_SEX": "sex", "DEC_POSTCODE": "postcode"}, {"M": "1", "F": "2"})
    return frame.select(*source("nhs.deaths").columns, "_person_id")
