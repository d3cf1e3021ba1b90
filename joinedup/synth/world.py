"""The synthetic place as the sector generators see it: people, households, relations, period.

The population generator builds a `World`; each sector generator is a function
`generate(world: World) -> dict[str, polars.DataFrame]` returning, per source id (see
joinedup.sources), a frame with exactly that source's columns (clean values, in the real
return's codes and formats) plus truth columns that the writer strips into DIR/truth/:
`_person_id` (the true person the row is about; null for rows about no person, such as
fostering households) and, for rows that state a relation, `_related_person_id`.
The writer applies the identifier defects, writes the files, the truth and the manifest.
Sectors may read each other's clean output through `World.events` (filled in flow order:
nhs, asc, csc, education, workforce), so that lives stay coherent across sectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Callable, TypeVar

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from joinedup.synth.batches import PlaceState

T = TypeVar("T")

__all__ = ["World", "PEOPLE_COLUMNS", "HOUSEHOLD_COLUMNS", "RELATION_COLUMNS", "RESIDENCE_COLUMNS"]

#: One row per person who lived in the place at any time in the period (true values, no defects).
PEOPLE_COLUMNS = {
    "person_id": "Int64: true person id (never written to an extract)",
    "sex": "Utf8: M or F",
    "dob": "Date",
    "ethnicity": "Utf8: NHS ethnic category code A-S (see sources code list nhs_ethnic_category)",
    "ethnicity_dfe": "Utf8: the same person's DfE ethnicity code (WBRI, APKN...)",
    "given_name": "Utf8",
    "middle_name": "Utf8 or null",
    "family_name": "Utf8: current family name",
    "birth_family_name": "Utf8: family name at birth (differs after marriage)",
    "nhs_number": "Utf8: 10 digits, valid modulus-11",
    "upn": "Utf8 or null: unique pupil number for those who were of school age in the period",
    "ni_number": "Utf8 or null: National Insurance number for adults",
    "gp_practice": "Utf8: ODS code of the registered practice",
    "date_of_death": "Date or null",
    "arrived": "Date or null: moved into the place (or born) during the period",
    "left": "Date or null: moved out of the place during the period",
    "imd_decile": "Int8: IMD 2025 decile of the LSOA lived in at the start (1 most deprived)",
    "lsoa21": "Utf8: LSOA lived in at the start (or on arrival)",
    # latent needs shared by every sector, so that lives cross sectors coherently
    "ltc_count": "Int8: long-term conditions",
    "frailty": "Float32: 0-1 frailty index (older people)",
    "mental_health_need": "Boolean: serious mental illness or common mental disorder needing support",
    "substance_misuse": "Boolean",
    "learning_disability": "Boolean",
    "physical_disability": "Boolean",
    "dementia": "Boolean",
    "domestic_abuse_household": "Boolean: lives in a household with domestic abuse",
    "is_carer": "Boolean: provides unpaid care",
    "worker_sector": "Utf8 or null: adult_social_care, nhs, childrens_social_work, general_practice for staff",
}

HOUSEHOLD_COLUMNS = {
    "household_id": "Int64",
    "kind": "Utf8: couple, couple_with_children, lone_parent, older_alone, single_adult, multi_generational, other",
    "address": "Utf8: house number and street",
    "postcode": "Utf8: real postcode in lsoa21",
    "lsoa21": "Utf8",
}

#: Who lived where when: a move gives a new row (address changes within and out of area).
RESIDENCE_COLUMNS = {
    "person_id": "Int64",
    "household_id": "Int64: null when the person moved out of the area",
    "from_date": "Date",
    "to_date": "Date or null (still there at the end of the period)",
}

#: True relations between people.
RELATION_COLUMNS = {
    "person_id": "Int64: the parent (or carer)",
    "related_person_id": "Int64: the child (or cared-for person)",
    "relation": "Utf8: mother, father, step-parent, grandparent, partner, carer",
}


@dataclass
class World:
    """Everything a sector generator may read; `events` grows as sectors are generated."""

    people: pl.DataFrame
    households: pl.DataFrame
    residence: pl.DataFrame
    relations: pl.DataFrame
    period_start: date
    period_end: date
    area: str
    seed: int
    rng: np.random.Generator
    events: dict[str, pl.DataFrame] = field(default_factory=dict)
    #: The place this world is a batch of (None: a whole place on its own, as tests build).
    place: PlaceState | None = None

    @property
    def scale(self) -> float:
        """Residents of the whole place per resident of this world (1 unless it is one batch of several)."""
        return self.place.scale if self.place is not None else 1.0

    def seq_start(self, name: str, n: int) -> int:
        """First number of n sequential ids of one kind (1, or after those earlier batches used)."""
        return self.place.seq_start(name, n) if self.place is not None else 1

    def once(self, name: str, make: Callable[[], T]) -> T:
        """A place-level entity: built by the first batch, shared by the others (made afresh without a place)."""
        return self.place.once(name, make) if self.place is not None else make()

    def child_rng(self, name: str) -> np.random.Generator:
        """An independent generator per named part, so adding a sector never shifts another's draws."""
        digest = int.from_bytes(name.encode(), "little") % (2**32)
        return np.random.default_rng([self.seed, digest])
