"""NHS extracts: ECDS-style ED attendances, APC-style inpatient spells, GP appointments, deaths.

`generate(world)` returns clean frames with each source's columns plus `_person_id`; the writer
adds local ids and defects. Hospital activity is drawn in joinedup.synth.hospital; GP
appointments and deaths in joinedup.synth.primary_care.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.sources import source
from joinedup.synth.events import as_dates, exposure, with_identity
from joinedup.synth.hospital import hospital_activity
from joinedup.synth.primary_care import deaths_frame, gp_appointments, place_of_death
from joinedup.synth.world import World

__all__ = ["generate", "PROVIDER", "SITE"]

PROVIDER, SITE = "RNA", "RNA01"  # The Dudley Group NHS FT and Russells Hall Hospital (ODS)
_SEX = {"M": "1", "F": "2"}
_NOT_STATED, _NOT_KNOWN = 0.05, 0.02  # assumption: ethnic category not stated / not known on NHS records (NHS Digital DQMI)
_COMPLAINTS = {  # SNOMED CT chief complaints (ECDS reference set) and weights
    "29857009": 10, "267036007": 8, "21522001": 10, "1912002": 9, "125605004": 6, "386661006": 7, "25064002": 5,
    "419284004": 3, "271807003": 3, "422587007": 4, "248062006": 6, "162397003": 5,
}
_EMERGENCY_DX = {"R074": 8, "J189": 8, "N390": 6, "J441": 5, "I500": 4, "R296": 3, "A419": 3, "K590": 2, "R55X": 4,
                 "L031": 3, "K358": 2, "I639": 3, "R104": 5, "F101": 2, "T391": 1, "S0600": 2}
_ELECTIVE_DX = {"H251": 10, "K802": 6, "M171": 6, "Z511": 8, "K409": 5, "C509": 3, "N400": 3, "M161": 4, "K573": 3,
                "D126": 5, "H269": 3}
_FINAL_DX = {"J189": 10, "A419": 6, "I500": 6, "C349": 5, "J440": 5, "I639": 4, "N179": 3, "F03X": 4, "I219": 4}


def _pick(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    codes = np.array(list(table))
    w = np.array(list(table.values()), dtype=float)
    return codes[rng.choice(len(codes), size=n, p=w / w.sum())]


def _times(minutes: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(minutes, dtype=np.int64) * 60_000_000_000).cast(pl.Time)


def _ethnic(rng: np.random.Generator, frame: pl.DataFrame, col: str) -> pl.DataFrame:
    u = pl.Series(rng.random(frame.height))
    return frame.with_columns(pl.when(u < _NOT_STATED).then(pl.lit("Z")).when(u < _NOT_STATED + _NOT_KNOWN)
                              .then(pl.lit("99")).otherwise(pl.col(col)).alias(col))


def _births(world: World, pos_of: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    born = world.people.filter((pl.col("dob") >= world.period_start) & (pl.col("arrived") == pl.col("dob"))).select("person_id", "dob")
    moms = world.relations.filter(pl.col("relation") == "mother").join(
        born, left_on="related_person_id", right_on="person_id").sort("related_person_id")
    return (np.searchsorted(pos_of, moms["person_id"].to_numpy()), np.searchsorted(pos_of, moms["related_person_id"].to_numpy()),
            moms["dob"].cast(pl.Int32).to_numpy().astype(np.int64))


def generate(world: World) -> dict[str, pl.DataFrame]:
    """The four NHS extracts for the period, clean, with `_person_id`."""
    rng = world.child_rng("nhs")
    E = exposure(world)
    dead = np.flatnonzero((E.death >= E.entry) & (E.death < E.end))
    place = place_of_death(rng, E, dead)
    births = _births(world, E.person_id)
    shared = world.place.shared.get("care_capacity") if world.place is not None else None
    h = hospital_activity(rng, E, dead[place == "hospital"], births, capacity=shared)  # type: ignore[arg-type]
    world.once("care_capacity", lambda: h.capacity)
    world.care_capacity = h.capacity  # type: ignore[attr-defined]  # read by the ASC generator
    ed = _ed_frame(rng, world, E, h)
    spells = _spell_frame(rng, world, E, h)
    return {"nhs.ed_attendances": ed, "nhs.inpatient_spells": spells,
            "nhs.gp_appointments": gp_appointments(rng, world, E),
            "nhs.deaths": deaths_frame(rng, world, E, dead, place)}


_IDENTITY = {"NHS_Number": "nhs_number", "Person_Given_Name": "given_name", "Person_Family_Name": "family_name",
             "Person_Birth_Date": "dob", "Person_Stated_Gender_Code": "sex", "Ethnic_Category": "ethnicity",
             "Postcode_Usual_Address": "postcode", "GP_Practice_Code": "gp_practice"}


def _ed_frame(rng: np.random.Generator, world: World, E, h) -> pl.DataFrame:
    ed = h.ed
    n = len(ed["who"])
    order = np.lexsort((ed["minute"], ed["day"]))
    ed = {k: v[order] for k, v in ed.items()}
    who, kind, cause = ed["who"], ed["kind"], ed["cause"]
    age = (ed["day"] - E.dob[who]) / 365.25
    p_amb = np.where(age >= 85, 0.6, np.where(age >= 65, 0.4, 0.15)) * np.where(kind == 2, 1.5, np.where(kind == 0, 0.2, 1.0))
    u = rng.random(n)
    mode = np.where((cause > 0) | (u < p_amb), "1048031000000100",
                    np.where(u < p_amb + 0.05, "1048071000000103",
                             np.where((u < p_amb + 0.06) & (E.substance_misuse[who] | E.mental_health_need[who]),
                                      "1048081000000101", "1048061000000105")))
    complaint = np.where(cause == 1, "1912002", _pick(rng, _COMPLAINTS, n))
    v = rng.random(n)
    status = np.where(kind == 2, "306706006", np.where(v < 0.62, "182992009", np.where(v < 0.95, "1066331000000109", "1066321000000107")))
    home = np.where(E.care_home[who], "306691003", "306689006")
    dest = np.where(kind == 2, "306706006", np.where(rng.random(n) < 0.03, "19712007", home))
    frame = pl.DataFrame({
        "EC_Ident": pl.Series(np.char.add(f"{SITE}-", np.char.zfill((np.arange(n) + world.seq_start("nhs.ed", n)).astype(str), 9))),
        "Provider_Site_Code": pl.Series([SITE] * n),
        "Local_Patient_Identifier": pl.Series([None] * n, dtype=pl.Utf8),
        "NHS_Number_Status_Indicator_Code": pl.Series(["01"] * n),
        "EC_Department_Type": np.where(kind == 0, "03", "01"),
        "Arrival_Date": as_dates(ed["day"]),
        "Arrival_Time": _times(ed["minute"]),
        "EC_Arrival_Mode_SNOMED_CT": mode,
        "EC_Chief_Complaint_SNOMED_CT": complaint,
        "EC_Departure_Date": as_dates(ed["dep_day"]),
        "EC_Departure_Time": _times(ed["dep_minute"]),
        "EC_Discharge_Status_SNOMED_CT": status,
        "Discharge_Destination_SNOMED_CT": dest,
        "_person_id": pl.Series(E.person_id[who], dtype=pl.Int64),
    })
    frame = with_identity(world, frame, "Arrival_Date", _IDENTITY, _SEX)
    frame = _ethnic(rng, frame, "Ethnic_Category")
    return frame.select(*source("nhs.ed_attendances").columns, "_person_id")


def _spell_frame(rng: np.random.Generator, world: World, E, h) -> pl.DataFrame:
    s = h.spells
    order = np.lexsort((s["who"], s["admit"]))
    s = {k: v[order] for k, v in s.items()}
    n = len(s["who"])
    who, cls, cause, path, dies = s["who"], s["cls"], s["cause"], s["path"], s["dies"]
    age = (s["admit"] - E.dob[who]) / 365.25
    direct = np.array(["22", "2D", "28", "24", "25"])[rng.choice(5, size=n, p=[0.55, 0.15, 0.10, 0.12, 0.08])]
    elect = np.array(["11", "12", "13"])[rng.choice(3, size=n, p=[0.6, 0.3, 0.1])]
    method = np.select([cls == 0, cls == 1, cls == 2, cls == 3], ["21", direct, elect, "31"], "82")
    dx = np.select([cause == 1, cause == 2, cls == 2, cls == 3, cls == 4],
                   ["S720", _pick(rng, _FINAL_DX, n), _pick(rng, _ELECTIVE_DX, n), "O800", "Z380"],
                   _pick(rng, _EMERGENCY_DX, n))
    fall = (cause == 1) | ((cls <= 1) & (age >= 65) & (rng.random(n) < 0.12) & (cause == 0))
    dx = np.where(fall & (cause == 0), "R296", dx)
    end = E.end
    open_ = s["discharge"] >= end
    ready_ok = (s["ready"] >= 0) & (s["ready"] < end)
    care_home = E.care_home[who]
    dest = np.select([dies, path == 3, path == 2, care_home], ["79", "85", "51", "85"], "19")
    disch_method = np.where(dies, "4", np.where(rng.random(n) < 0.02, "2", "1"))
    frame = pl.DataFrame({
        "Hospital_Provider_Spell_Number": pl.Series(np.char.add(PROVIDER, np.char.zfill(
            (np.arange(n) + world.seq_start("nhs.spells", n)).astype(str), 9))),
        "Provider_Code": pl.Series([PROVIDER] * n),
        "Local_Patient_Identifier": pl.Series([None] * n, dtype=pl.Utf8),
        "NHS_Number_Status_Indicator_Code": pl.Series(["01"] * n),
        "Admission_Method": method,
        "Admission_Source": np.where(care_home, "85", "19"),
        "Admission_Date": as_dates(s["admit"]),
        "Primary_Diagnosis_ICD10": dx,
        "External_Cause_ICD10": pl.Series(np.where(fall, "W19X", None).tolist(), dtype=pl.Utf8),
        "Discharge_Ready_Date": as_dates(np.where(ready_ok, s["ready"], 0)).scatter(np.flatnonzero(~ready_ok), None),
        "Discharge_Date": as_dates(s["discharge"]).scatter(np.flatnonzero(open_), None),
        "Discharge_Method": pl.Series(np.where(open_, None, disch_method).tolist(), dtype=pl.Utf8),
        "Discharge_Destination": pl.Series(np.where(open_, None, dest).tolist(), dtype=pl.Utf8),
        "Discharge_Pathway": pl.Series(np.where(open_ | dies, None, path.astype(str)).tolist(), dtype=pl.Utf8),
        "_person_id": pl.Series(E.person_id[who], dtype=pl.Int64),
    })
    frame = with_identity(world, frame, "Admission_Date", _IDENTITY, _SEX)
    frame = _ethnic(rng, frame, "Ethnic_Category")
    return frame.select(*source("nhs.inpatient_spells").columns, "_person_id")

