"""The demo step: defaults without a store, calibration when the store exists."""

from __future__ import annotations

import json
from datetime import date


from joinedup.demo import DemoContext
from joinedup.model import demo
from tests.store_con import connect


def test_demo_without_store(tmp_path):
    ctx = DemoContext(workspace=tmp_path, people=1000)
    demo.run(ctx)
    doc = json.loads(ctx.made["model scenario results"].read_text())
    assert doc["scenario"] == demo.DEMO_SCENARIO and doc["runs"] == demo.DEMO_RUNS
    assert ctx.made["model fan chart"].stat().st_size > 10_000
    assert "model parameters" not in ctx.made


def test_demo_calibrates_from_the_store(tmp_path):
    ctx = DemoContext(workspace=tmp_path, people=1000)
    con = connect(str(ctx.store))
    con.execute("CREATE TABLE population (mid_year SMALLINT, lsoa21 VARCHAR, sex VARCHAR, age SMALLINT, population INTEGER)")
    con.execute("INSERT INTO population SELECT 2024, 'E01', 'F', a, 2000 FROM range(0, 80) t(a)")
    con.execute("CREATE TABLE foster_household (household_ref VARCHAR, agency_sector VARCHAR, approval_date DATE, "
                "places SMALLINT, deregistration_date DATE)")
    con.executemany("INSERT INTO foster_household VALUES (?, 'LA', ?, 2, NULL)", [[f"h{i}", date(2020, 1, 1)] for i in range(12)])
    con.close()
    demo.run(ctx)
    params = ctx.made["model parameters"].read_text()
    assert "children.foster_households_start" in params and "from: data" in params and "from: scaled" in params
    doc = json.loads(ctx.made["model scenario results"].read_text())
    assert doc["calibrated_parameters"]["children.foster_households_start"] == 12
