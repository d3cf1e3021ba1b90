"""The model commands as users run them, and bad input: one line naming file and field, exit 2."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def test_model_list(run_cli):
    code, out, _ = run_cli("model", "list")
    assert code == 0
    for name in ("discharge", "workforce", "children", "travel"):
        assert name in out
    assert "care-worker-pay-rise" in out


def test_model_show_json(run_cli):
    code, out, _ = run_cli("model", "show", "discharge", "--json")
    assert code == 0
    doc = json.loads(out)
    assert "discharge.acute_inpatients" in doc["stocks"]
    assert doc["parameters"]["discharge.acute_los"]["source"]


def test_model_show_table(run_cli):
    code, out, _ = run_cli("model", "show", "travel")
    assert code == 0 and "gp_site_km" in out


def test_diagram_is_svg(run_cli, tmp_path):
    code, _, _ = run_cli("model", "diagram", "children", "--out", str(tmp_path / "c.svg"))
    assert code == 0
    root = ET.parse(tmp_path / "c.svg").getroot()
    assert root.tag.endswith("svg")
    assert "foster households" in (tmp_path / "c.svg").read_text()


def test_export_xmile(run_cli, tmp_path):
    code, _, _ = run_cli("model", "export", "discharge", "--format", "xmile", "--out", str(tmp_path / "d.xmile"))
    assert code == 0
    assert ET.parse(tmp_path / "d.xmile").getroot().tag.endswith("xmile")


def test_simulate_json_has_bands_for_every_model(run_cli, tmp_path):
    png = tmp_path / "fan.png"
    code, out, _ = run_cli("simulate", str(ROOT / "scenarios" / "remote-appointments.yaml"), "--runs", "40",
                           "--years", "2", "--json", "--plot", str(png))
    assert code == 0
    doc = json.loads(out)
    assert doc["runs"] == 40 and doc["weeks"][-1] == 104
    models = {v["model"] for v in doc["indicators"].values()}
    assert models == {"discharge", "workforce", "children", "travel"}
    vkm = doc["indicators"]["travel.vehicle_km"]
    for key in ("baseline", "scenario", "difference"):
        assert set(vkm[key]) == {"p5", "p50", "p95"} and len(vkm[key]["p50"]) == len(doc["weeks"])
    assert vkm["difference"]["p50"][-1] < 0 <= vkm["difference"]["p50"][0] + 1e-9
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_simulate_table_and_shipped_name(run_cli):
    code, out, _ = run_cli("simulate", "winter-bed-cut", "--runs", "20", "--years", "1")
    assert code == 0 and "Fifty fewer general and acute beds" in out and "difference" in out
    assert all(m in out for m in ("discharge", "workforce", "children", "travel"))


def _one_line_error(run_cli, *args) -> str:
    code, out, err = run_cli(*args)
    assert code == 2, (out, err)
    lines = [x for x in err.strip().splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def _scenario(tmp_path, **change) -> Path:
    doc = {"name": "bad", "title": "bad", "question": "?", "changes": [change]}
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(doc))
    return p


def test_unknown_lever(run_cli, tmp_path):
    p = _scenario(tmp_path, lever="workforce.free_money", to=1)
    line = _one_line_error(run_cli, "simulate", str(p), "--runs", "5")
    assert str(p) in line and "changes[0].lever" in line and "free_money" in line


def test_lever_out_of_range(run_cli, tmp_path):
    p = _scenario(tmp_path, lever="workforce.pay_uplift", to=3)
    line = _one_line_error(run_cli, "simulate", str(p), "--runs", "5")
    assert "changes[0].to" in line and "outside its range" in line


def test_parameter_that_is_not_a_lever(run_cli, tmp_path):
    p = _scenario(tmp_path, lever="discharge.acute_los", to=1)
    assert "changes[0].lever" in _one_line_error(run_cli, "simulate", str(p), "--runs", "5")


def test_params_file_out_of_range(run_cli, tmp_path):
    p = tmp_path / "params.yaml"
    p.write_text(yaml.safe_dump({"parameters": {"discharge.acute_los": {"value": 99, "from": "data"}}}))
    line = _one_line_error(run_cli, "simulate", "winter-bed-cut", "--runs", "5", "--params", str(p))
    assert "parameters.discharge.acute_los" in line and "range" in line


def _bad_model(tmp_path, edit) -> Path:
    doc = yaml.safe_load((DATA / "decay.yaml").read_text())
    edit(doc)
    p = tmp_path / "model.yaml"
    p.write_text(yaml.safe_dump(doc))
    return p


def test_undefined_name_in_model(run_cli, tmp_path):
    p = _bad_model(tmp_path, lambda d: d["flows"]["departures"].update(equation="pool / lifespan"))
    line = _one_line_error(run_cli, "model", "show", str(p))
    assert str(p) in line and "flows.departures.equation" in line and "lifespan" in line


def test_unit_mismatch_in_model(run_cli, tmp_path):
    p = _bad_model(tmp_path, lambda d: d["flows"]["departures"].update(equation="pool + lifetime"))
    line = _one_line_error(run_cli, "model", "export", str(p), "--format", "xmile", "--out", str(tmp_path / "x.xmile"))
    assert "flows.departures.equation" in line and "unit mismatch" in line


def test_flow_units_must_fit_the_stock(run_cli, tmp_path):
    p = _bad_model(tmp_path, lambda d: d["flows"]["arrivals"].update(units="person"))
    line = _one_line_error(run_cli, "model", "show", str(p))
    assert "unit mismatch" in line and "field" in line


def test_model_parameter_out_of_range(run_cli, tmp_path):
    p = _bad_model(tmp_path, lambda d: d["parameters"]["lifetime"].update(value=1000))
    assert "parameters.lifetime" in _one_line_error(run_cli, "model", "show", str(p))


def test_unknown_units(run_cli, tmp_path):
    p = _bad_model(tmp_path, lambda d: d["parameters"]["lifetime"].update(units="fortnight"))
    assert "parameters.lifetime.units" in _one_line_error(run_cli, "model", "show", str(p))


def test_bad_equation_syntax(run_cli, tmp_path):
    p = _bad_model(tmp_path, lambda d: d["flows"]["departures"].update(equation="pool.attr"))
    assert "flows.departures.equation" in _one_line_error(run_cli, "model", "show", str(p))


@pytest.mark.parametrize("args", [
    ("model", "show", "nosuchmodel"),
    ("model", "export", "discharge", "--format", "mdl", "--out", "x.mdl"),
    ("simulate", "no-such-scenario.yaml"),
    ("model", "calibrate", "--db", "no-such-store.duckdb"),
])
def test_other_bad_input(run_cli, args):
    _one_line_error(run_cli, *args)


def test_shipped_scenarios_match_the_repo_copies():
    from joinedup.model.scenarios import SCENARIOS_DIR
    repo = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert repo == sorted(p.name for p in SCENARIOS_DIR.glob("*.yaml")) and len(repo) >= 6
    for name in repo:
        assert (ROOT / "scenarios" / name).read_text() == (SCENARIOS_DIR / name).read_text()


def test_every_shipped_scenario_is_valid_and_moves_something():
    from joinedup.model.catalogue import flat_model
    from joinedup.model.scenarios import load_scenario, shipped_scenarios
    from joinedup.model.simulate import simulate
    flat = flat_model("system")
    for name, path in shipped_scenarios().items():
        r = simulate(load_scenario(path), runs=8, years=2, flat=flat)
        assert any(abs(b["difference"][1, -1]) > 1e-6 for b in r.bands.values()), name


def test_a_scenario_copied_elsewhere_still_runs(run_cli, tmp_path):
    p = tmp_path / "mine.yaml"
    shutil.copy(ROOT / "scenarios" / "foster-carer-campaign.yaml", p)
    code, out, _ = run_cli("simulate", str(p), "--runs", "10", "--years", "1", "--json", "--method", "rk4")
    assert code == 0 and json.loads(out)["method"] == "rk4"


def test_links_are_checked_for_names_and_units():
    from joinedup.errors import UserError
    from joinedup.model.catalogue import Link, all_specs, linked_system
    specs = all_specs()
    bad_units = (Link(to="children.social_workers", source="workforce.home_care_hours"),)
    with pytest.raises(UserError, match=r"links.yaml: field links\[0\]: unit mismatch"):
        linked_system(specs, bad_units)
    with pytest.raises(UserError, match=r"field links\[0\]\.from"):
        linked_system(specs, (Link(to="children.social_workers", source="workforce.nobody"),))
    with pytest.raises(UserError, match=r"field links\[0\]\.to"):
        linked_system(specs, (Link(to="children.nothing", source="workforce.social_workers"),))


def test_algebraic_loop_is_refused(run_cli, tmp_path):
    def loop(d):
        d["auxiliaries"] = {"x": {"equation": "y", "units": "person"}, "y": {"equation": "x", "units": "person"}}
    p = _bad_model(tmp_path, loop)
    assert "loop" in _one_line_error(run_cli, "model", "export", str(p), "--out", str(tmp_path / "m.xmile"))
