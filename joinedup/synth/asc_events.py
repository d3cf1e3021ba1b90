"""Collecting adult social care events and turning them into the CLD frame (identity, reasons, periods)."""

from __future__ import annotations

import numpy as np
import polars as pl

from joinedup.sources import source
from joinedup.synth.events import Exposure, as_dates, with_identity
from joinedup.synth.world import World

__all__ = ["EventLog", "primary_support_reason", "accommodation_status"]

_SENSORY = 0.03  # assumption: share of physical-support clients whose main need is sensory (SALT: ~3%)
# Accommodation (CLD/SALT accommodation status list): owner-occupiers fall from ~70% in the least deprived
# tenth to ~30% in the most (assumption shaped on English Housing Survey tenure by IMD).
_OWNER = "Owner occupier or shared ownership scheme"
# CLD R1 lists a social tenancy as plain "Tenant" (NHS England's LTS004 code, #REF_Accommodation_Status)
_SOCIAL = "Tenant"
_PRIVATE = "Tenant - private landlord"
_FAMILY = "Settled mainstream housing with family / friends"
_SUPPORTED = "Supported accommodation / supported lodgings / supported group home"
_CARE_HOME, _NURSING = "Registered care home", "Registered nursing home"


def primary_support_reason(E: Exposure, pos: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The CLD primary support reason of each person, from their strongest need."""
    n = len(pos)
    phys = np.where(rng.random(n) < 0.7, "Physical Support: Personal care support", "Physical Support: Access & mobility only")
    sensory = np.where(rng.random(n) < 0.6, "Sensory Support: Support for visual impairment",
                       "Sensory Support: Support for hearing impairment")
    frail = (E.frailty[pos] > 0.25) | E.physical_disability[pos]
    return np.select(
        [E.learning_disability[pos], E.dementia[pos], E.substance_misuse[pos] & ~frail,
         E.mental_health_need[pos] & ~frail, frail & (rng.random(n) < _SENSORY), frail],
        ["Learning Disability Support", "Support with Memory & Cognition", "Social Support: Substance misuse support",
         "Mental Health Support", sensory, phys],
        "Social Support: Support for Social Isolation/Other")


def accommodation_status(E: Exposure, pos: np.ndarray, setting: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """CLD accommodation status per event (setting: 0 none/community, 2 residential, 3 nursing)."""
    n = len(pos)
    u = rng.random(n)
    owner = 0.7 - 0.4 * E.dep[pos]
    home = np.where(u < owner, _OWNER, np.where(u < owner + 0.7 * (1 - owner), _SOCIAL, _PRIVATE))
    young = (E.age_mid[pos] < 30) & (rng.random(n) < 0.6)
    return np.select([setting == 3, (setting == 2) | E.care_home[pos], E.learning_disability[pos] & (rng.random(n) < 0.4), young],
                     [_NURSING, _CARE_HOME, _SUPPORTED, _FAMILY], home)


class EventLog:
    """Events added in blocks (numpy arrays per field); `frame()` makes the CLD extract."""

    def __init__(self, E: Exposure) -> None:
        self.E = E
        self.blocks: list[pl.DataFrame] = []

    def add(self, who: np.ndarray, event_type: str, start, end, client_type: str = "Service User",
            related: np.ndarray | None = None, **fields) -> None:
        """Add one event per person position in `who` (end -1 = still open)."""
        n = len(who)
        if n == 0:
            return
        start = np.broadcast_to(np.asarray(start, dtype=np.int64), (n,))
        end = np.broadcast_to(np.asarray(end, dtype=np.int64), (n,))
        cols = {"_pos": pl.Series(np.asarray(who, dtype=np.int64)), "Event_Type": pl.repeat(event_type, n, eager=True),
                "Client_Type": pl.repeat(client_type, n, eager=True),
                "_start": pl.Series(start), "_end": pl.Series(end),
                "_related_pos": pl.Series(np.asarray(related, dtype=np.int64) if related is not None else np.full(n, -1))}
        for k, v in fields.items():
            arr = np.broadcast_to(np.asarray(v), (n,))
            cols[k] = pl.Series(arr.tolist())
        self.blocks.append(pl.DataFrame(cols))

    def frame(self, rng: np.random.Generator, world: World) -> pl.DataFrame:
        """All events as the CLD extract, sorted by person and date, with identity and derived fields."""
        E = self.E
        spec = source("asc.client_level_data")
        f = pl.concat(self.blocks, how="diagonal_relaxed")
        f = f.with_row_index("_seq").sort("_pos", "_start", "_seq")
        n = f.height
        pos = f["_pos"].to_numpy()
        start = f["_start"].to_numpy()
        end = f["_end"].to_numpy()
        # reporting period: the financial year the event started in, within the period
        sd = start.astype("datetime64[D]")
        y = sd.astype("datetime64[Y]").astype(int) + 1970
        m = (sd.astype("datetime64[M]").astype(int) % 12) + 1
        fy = np.clip(np.where(m >= 4, y, y - 1), world.period_start.year, world.period_end.year - 1)
        fy_start = (np.array([f"{v}-04-01" for v in range(1990, 2100)], dtype="datetime64[D]").astype(np.int64))[fy - 1990]
        fy_end = (np.array([f"{v + 1}-03-31" for v in range(1990, 2100)], dtype="datetime64[D]").astype(np.int64))[fy - 1990]
        is_carer = f["Client_Type"].to_numpy() == "Carer"
        psr = np.where(is_carer, None, primary_support_reason(E, pos, rng))
        stype = f["Service_Type"].fill_null("").to_numpy() if "Service_Type" in f.columns else np.full(n, "")
        setting = np.where(np.char.find(stype.astype(str), "Nursing") >= 0, 3, np.where(np.char.find(stype.astype(str), "Residential") >= 0, 2, 0))
        accom = accommodation_status(E, pos, setting, rng)
        has_carer = np.where(rng.random(n) < 0.1, "Unknown", np.where(E.is_carer[pos] | (rng.random(n) < 0.35), "Yes", "No"))
        died = (E.death[pos] >= 0) & (E.death[pos] < E.end)
        f = f.with_columns(
            LA_Code=pl.lit(world.area),
            Reporting_Period_Start_Date=as_dates(fy_start), Reporting_Period_End_Date=as_dates(fy_end),
            LA_Person_Unique_Identifier=pl.lit(None, dtype=pl.Utf8),
            Date_of_Death=as_dates(np.where(died, E.death[pos], 0)).scatter(np.flatnonzero(~died), None),
            Primary_Support_Reason=pl.Series(psr.tolist(), dtype=pl.Utf8),
            Accommodation_Status=pl.Series(accom.tolist(), dtype=pl.Utf8),
            Has_Unpaid_Carer=pl.Series(np.where(is_carer, None, has_carer).tolist(), dtype=pl.Utf8),
            Event_Reference=pl.select(pl.lit("EV") + pl.int_range(first := world.seq_start("asc.events", n), first + n)
                                      .cast(pl.Utf8).str.zfill(9)).to_series(),
            Event_Start_Date=as_dates(start),
            Event_End_Date=as_dates(np.where(end >= 0, end, 0)).scatter(np.flatnonzero(end < 0), None),
            Cared_For_Person_Identifier=pl.lit(None, dtype=pl.Utf8),
            _person_id=pl.Series(E.person_id[pos], dtype=pl.Int64),
            _related_person_id=pl.Series(np.where(f["_related_pos"].to_numpy() >= 0,
                                                  E.person_id[np.maximum(f["_related_pos"].to_numpy(), 0)], 0)).cast(pl.Int64)
            .scatter(np.flatnonzero(f["_related_pos"].to_numpy() < 0), None),
        )
        for col in spec.columns:
            if col not in f.columns:
                f = f.with_columns(pl.lit(None).alias(col))
        f = with_identity(world, f, "Event_Start_Date",
                          {"NHS_Number": "nhs_number", "First_Name": "given_name", "Surname": "family_name",
                           "Date_of_Birth": "dob", "Gender": "sex", "Ethnicity": "ethnicity", "Postcode": "postcode",
                           "GP_Practice_Code": "gp_practice"}, {"M": "Male", "F": "Female"})
        return f.select(*spec.columns, "_person_id", "_related_person_id")
