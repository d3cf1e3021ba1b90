"""Published figures the synthetic place is checked against, each with its source.

Copied from the project's collected public figures (shared reference facts.md, sections 3 and 6)
so that a calibration test compares the generator with what was published, never with the
generator's own constants: a wrong constant then fails its test.
"""

from __future__ import annotations

#: Discharge pathways of people aged 65+ (DHSC, Hospital discharge and community support guidance;
#: Bolton model): P0 at least 50%, P1 about 45%, P2 at most 4%, P3 at most 1%.
DISCHARGE_PATHWAYS_65 = {"0": 0.50, "1": 0.45, "2": 0.04, "3": 0.01}

#: General practice appointments by mode (NHS England, Appointments in General Practice, 2024):
#: face to face ~62%, telephone ~31%, video or online ~1.5%, home visit ~1%. Not in facts.md; the
#: figures the calibration test has always cited.
GP_MODES = {"Face-to-Face": 0.62, "Telephone": 0.31, "Video Conference/Online": 0.015, "Home Visit": 0.01}

#: Adult social care filled posts in England, 2024-25 (Skills for Care, State of the sector 2025).
ASC_FILLED_POSTS_ENGLAND = 1_600_000
#: Children's social workers in England, full-time equivalents, latest LAIT year (to 30 September).
CHILDRENS_SOCIAL_WORKERS_FTE_ENGLAND = 36_186
#: Usual residents of England, Census 2021 (ONS). Not in facts.md: the divisor that turns the two
#: national counts above into staff per resident.
ENGLAND_RESIDENTS_2021 = 56_490_048
