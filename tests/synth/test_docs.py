"""docs/synth.md keeps up with the code: every option, every rate, every source the synth writes."""

from __future__ import annotations

from pathlib import Path

import typer.main

from joinedup.cli import app
from joinedup.synth.defects import DefectRates

DOC = (Path(__file__).resolve().parents[2] / "docs" / "synth.md").read_text()


def test_every_option_is_documented():
    cmd = typer.main.get_command(app).commands["synth"]
    for param in cmd.params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert f"`{opt}" in DOC, opt


def test_every_defect_rate_is_documented():
    for name in DefectRates.model_fields:
        assert f"`{name}`" in DOC, name


def test_every_own_source_is_documented():
    for sid in ("nhs.ed_attendances", "nhs.inpatient_spells", "nhs.gp_appointments", "nhs.deaths",
                "asc.client_level_data", "ons.population_estimates"):
        assert f"`{sid}`" in DOC, sid
    for cmd in ("python benchmarks/synth.py --people 320000", "python benchmarks/synth.py --people 1000000",
                "python benchmarks/synth_calibration.py --people 50000 --seed 7"):
        assert cmd in DOC
