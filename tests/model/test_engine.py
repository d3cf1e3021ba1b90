"""The engine: conservation, analytic solutions and steady states, convergence order, determinism."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from joinedup.model.catalogue import flat_model, model_names
from joinedup.model.compile import compile_model
from joinedup.model.engine import integrate, sample
from joinedup.model.flatten import flatten
from joinedup.model.spec import load_model

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def decay():
    return flatten(load_model(DATA / "decay.yaml"))


def _run(flat, weeks, dt=1.0, method="euler", observe=None, runs=1, P=None, levers=(), L=None):
    c = compile_model(flat, observe=observe or list(flat.stocks), levers=levers)
    P = P if P is not None else sample(flat, runs, 1, uncertain=False)
    return integrate(c, P, L or {}, runs=runs, weeks=weeks, dt=dt, method=method)


def test_first_order_stock_reaches_inflow_times_lifetime(decay):
    r = _run(decay, 200)
    assert r.values["pool"][-1, 0] == pytest.approx(10 * 4, rel=1e-9)


def test_euler_matches_the_discrete_solution_exactly(decay):
    r = _run(decay, 20)
    expected = 100 * (1 - 0.3) ** np.arange(21)
    np.testing.assert_allclose(r.values["pure_decay"][:, 0], expected, rtol=1e-12)


@pytest.mark.parametrize("method,order", [("euler", 1), ("rk4", 4)])
def test_convergence_order(decay, method, order):
    exact = 100 * math.exp(-0.3 * 10)
    errors = []
    for dt in (0.5, 0.25, 0.125):
        r = _run(decay, 10, dt=dt, method=method)
        errors.append(abs(r.values["pure_decay"][-1, 0] - exact))
    ratios = [errors[i] / errors[i + 1] for i in range(2)]
    for ratio in ratios:
        assert ratio == pytest.approx(2 ** order, rel=0.12)


def test_third_order_delay_passes_a_constant_through(decay):
    r = _run(decay, 60, observe=["delayed_in", "delayed_arrivals_total"])
    np.testing.assert_allclose(r.values["delayed_in"][:, 0], 10.0, rtol=1e-12)
    assert r.values["delayed_arrivals_total"][-1, 0] == pytest.approx(600.0)


def test_a_delay_spreads_a_step_over_three_stages(decay):
    # inflow steps from 10 to 20 at week 5; a 3rd-order delay of 6 weeks shows a lagged S-shaped rise
    r = _run(decay, 60, dt=0.25, observe=["delayed_in"], levers=("inflow_rate",),
             L={"inflow_rate": (10.0, 5.0, 0.0)})
    out = r.values["delayed_in"][:, 0]
    t = r.times
    assert out[t <= 5].max() == pytest.approx(10.0)
    assert 10 < out[np.searchsorted(t, 11)] < 20            # about half way after one delay time
    assert out[-1] == pytest.approx(20.0, rel=1e-6)
    assert np.all(np.diff(out) >= -1e-12)                   # no overshoot: monotone rise


def _boundary_check(flat, runs=5, weeks=104):
    """Total stock changes only by flows that cross the model's boundary (from or to a cloud)."""
    flows = list(flat.flows)
    c = compile_model(flat, observe=list(flat.stocks) + flows)
    P = sample(flat, runs, 3)
    r = integrate(c, P, {}, runs=runs, weeks=weeks)
    src = {f for st in flat.stocks.values() for f in st.outflows}
    dst = {f for st in flat.stocks.values() for f in st.inflows}
    total = sum(r.values[s] for s in flat.stocks)
    net = sum(r.values[f] for f in dst - src) - sum(r.values[f] for f in src - dst)
    np.testing.assert_allclose(np.diff(total, axis=0), net[:-1], rtol=1e-9, atol=1e-6 * np.abs(total).max())
    return r


@pytest.mark.parametrize("name", model_names() + ["system"])
def test_conservation_in_every_model(name):
    _boundary_check(flat_model(name))


def test_people_in_workforce_only_change_by_recruits_and_leavers():
    flat = flat_model("workforce")
    staff = ["care_workers", "senior_carers", "nursing_associates", "nurse_trainees", "registered_nurses",
             "nhs_junior_managers", "manager_trainees", "registered_managers", "practice_managers", "social_workers"]
    recruits = [f for f in flat.flows if f.endswith("_recruits")]
    leavers = [f for f in flat.flows if f.endswith("_leavers")] + ["nurse_route_dropouts"]
    c = compile_model(flat, observe=staff + recruits + leavers, levers=("nurse_route_places", "manager_route_places"))
    P = sample(flat, 4, 2)
    L = {"nurse_route_places": (40.0, 0.0, 0.0), "manager_route_places": (10.0, 0.0, 0.0)}
    r = integrate(c, P, L, runs=4, weeks=156)
    total = sum(r.values[s] for s in staff)
    net = sum(r.values[f] for f in recruits) - sum(r.values[f] for f in leavers)
    np.testing.assert_allclose(np.diff(total, axis=0), net[:-1], rtol=1e-9, atol=1e-6)
    assert r.values["registered_nurses"][-1].mean() > r.values["registered_nurses"][0].mean()


def test_discharge_steady_state_when_capacity_is_ample():
    flat = flat_model("discharge")
    P = sample(flat, 1, None, {"ed_attendances": 2000, "step_down_beds": 1000, "care_home_beds": 20000,
                               "reablement_hours_available": 20000, "home_care_hours_available": 200000},
               uncertain=False)
    r = _run(flat, 520, P=P, observe=["acute_inpatients", "awaiting_reablement", "in_step_down"],
             levers=("ed_attendances",), L={"ed_attendances": (600.0, 10.0, 0.0)})
    # readmissions after failed reablement come back in: fit = A / (1 - k), k = p1 share x (1 - still home) / 2
    k = P["share_p1_reablement"] * (1 - P["still_home_base"]) * P["readmitted_share_of_failures"]
    fit = 2600 * P["admission_share"] / (1 - k)
    assert r.values["acute_inpatients"][-1, 0] == pytest.approx(fit * P["acute_los"], rel=1e-6)
    assert r.values["awaiting_reablement"][-1, 0] == pytest.approx(
        fit * P["share_p1_reablement"] * P["min_discharge_wait"], rel=1e-6)
    assert r.values["in_step_down"][-1, 0] == pytest.approx(fit * P["share_p2"] * P["step_down_length"], rel=1e-6)


def test_foster_households_settle_where_approvals_match_deregistrations():
    flat = flat_model("children")
    r = _run(flat, 52 * 80, observe=["foster_households", "approvals"])
    p = {k: v for k, v in sample(flat, 1, None, uncertain=False).items()}
    approvals_a_year = p["applications"] * p["approval_share"]
    assert r.values["foster_households"][-1, 0] == pytest.approx(approvals_a_year / p["deregistration_rate"], rel=1e-4)


def test_same_seed_same_answer_and_different_seed_differs():
    flat = flat_model("system")
    c = compile_model(flat)
    a = integrate(c, sample(flat, 50, 11), {}, runs=50, weeks=52)
    b = integrate(c, sample(flat, 50, 11), {}, runs=50, weeks=52)
    d = integrate(c, sample(flat, 50, 12), {}, runs=50, weeks=52)
    name = "discharge__delayed_patients"
    np.testing.assert_array_equal(a.values[name], b.values[name])
    assert not np.array_equal(a.values[name], d.values[name])


def test_ensemble_runs_equal_single_runs_with_the_same_draws(decay):
    P = sample(decay, 6, 5)
    ens = _run(decay, 30, P=P, runs=6)
    for i in range(6):
        one = _run(decay, 30, P={k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in P.items()})
        np.testing.assert_allclose(ens.values["pool"][:, i], one.values["pool"][:, 0], rtol=1e-12)


def test_draws_respect_distribution_and_range(decay):
    x = sample(decay, 20000, 1)["lifetime"]
    assert x.min() >= 3 and x.max() <= 5 and abs(x.mean() - 4) < 0.02
