"""A place built in household batches: what the batches share, so that memory stays flat as the place grows.

`joinedup synth` splits the residents into batches of about `batch_people()` people (250,000 unless
JOINEDUP_SYNTH_BATCH_PEOPLE says otherwise). Each batch is a world of whole households, generated from
a seed derived from (seed, batch number) and written as one part per extract; batch 0 of a place of
one batch uses the seed itself, so a small place is the same as it always was. A `PlaceState` carries
from batch to batch what must stay unique or place-wide: the next person and household ids, the NHS
and NI numbers and UPN serials already given, the counters of sequential event ids, each system's
local-id numbering, and the place-level entities built once (GP practice sites, schools, the social
care capacity index, fostering households, workforce establishments sized to the whole place).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from typing import Callable, TypeVar

import numpy as np

from joinedup.errors import UserError

T = TypeVar("T")

__all__ = ["PlaceState", "BATCH_PEOPLE", "BATCH_ENV", "batch_people", "batch_sizes", "batch_seed", "part_name"]

#: Residents per batch: ~1.2 GB of working memory each (measured, docs/scale.md).
BATCH_PEOPLE = 250_000
#: Environment variable that sets the batch size (tests force several batches on a small place).
BATCH_ENV = "JOINEDUP_SYNTH_BATCH_PEOPLE"


def batch_people() -> int:
    """Residents per batch: JOINEDUP_SYNTH_BATCH_PEOPLE or 250,000."""
    from joinedup.store.memory import env_value

    found = env_value(BATCH_ENV)
    if found is None:
        return BATCH_PEOPLE
    raw = found[1]
    try:
        value = int(raw.replace(",", "").replace("_", ""))
    except ValueError:
        raise UserError(f"{BATCH_ENV} must be a whole number of people (got {raw!r})") from None
    if value < 500:
        raise UserError(f"{BATCH_ENV} must be at least 500 people (got {value:,})")
    return value


def batch_sizes(people: int, per_batch: int | None = None) -> list[int]:
    """Residents of each batch: as even as possible, none above the batch size."""
    per = per_batch or batch_people()
    k = max(1, math.ceil(people / per))
    base, extra = divmod(people, k)
    return [base + (1 if b < extra else 0) for b in range(k)]


def batch_seed(seed: int, batch: int) -> int:
    """The seed of one batch: the place's seed for batch 0, a derived one for the others."""
    return seed if batch == 0 else (1 << 32) + zlib.crc32(f"{seed}:batch:{batch}".encode())


def part_name(batch: int) -> str:
    """File name of one batch's part of an extract."""
    return f"part-{batch:05d}"


@dataclass
class PlaceState:
    """What every batch of a place shares: its size, the ids given so far and place-level entities."""

    people: int
    batches: int = 1
    batch: int = 0
    batch_people: int = 0
    person_offset: int = 0
    household_offset: int = 0
    nhs_taken: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    ni_taken: np.ndarray = field(default_factory=lambda: np.array([], dtype="U9"))
    upn_used: dict[int, int] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    shared: dict[str, object] = field(default_factory=dict)
    local_ids: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    @property
    def scale(self) -> float:
        """Residents of the place per resident of this batch (1 for a place of one batch)."""
        if self.batches == 1 or not self.batch_people:
            return 1.0
        return self.people / self.batch_people

    def seq_start(self, name: str, n: int) -> int:
        """First number of n sequential ids of one kind, after those earlier batches used (1 at first)."""
        used = self.sequences.get(name, 0)
        self.sequences[name] = used + n
        return used + 1

    def once(self, name: str, make: Callable[[], T]) -> T:
        """A place-level entity: made by the first batch that asks, the same object for the others."""
        if name not in self.shared:
            self.shared[name] = make()
        return self.shared[name]
