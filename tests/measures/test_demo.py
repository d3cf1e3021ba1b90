"""The demo steps of measures and segments write their outputs and record them in ctx.made."""

from __future__ import annotations

import json

from joinedup.demo import DemoContext
from tests.measures.spec_store import save, three_year_store


def test_demo_steps_write_measures_paradoxes_and_segments(tmp_path):
    from joinedup.measures import demo as measures_demo
    from joinedup.segments import demo as segments_demo
    ctx = DemoContext(workspace=tmp_path, people=1000)
    save(three_year_store(), ctx.store)
    measures_demo.run(ctx)
    segments_demo.run(ctx)
    rows = json.loads(ctx.made["measures"].read_text())
    assert any(r["measure"] == "ae_4_hour_performance" and r["value"] == 90.0 for r in rows)
    assert ctx.made["paradoxes"].read_text().startswith(("FLAG", "ok"))
    assert "FLAG A&E attendances seen within 4 hours improved" in ctx.made["paradoxes"].read_text()
    assert json.loads(ctx.made["segments"].read_text())[0]["period"] == "2024-25"
