"""simulate's progress callback (how the web app shows and cancels a run) and variants of central runs in one batch."""

from __future__ import annotations

import numpy as np
import pytest

from joinedup.model import api
from joinedup.model.flatten import SEP


def test_progress_rises_to_one_and_an_exception_stops_the_run():
    seen: list[float] = []
    api.simulate("remote-appointments", runs=5, years=0.5, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert any(0.45 < f < 0.55 for f in seen), "the baseline is the first half, the scenario the second"

    class Stop(Exception):
        pass

    def stop(f: float) -> None:
        if f > 0.3:
            raise Stop()
    with pytest.raises(Stop):
        api.simulate("remote-appointments", runs=5, years=0.5, progress=stop)


def test_progress_covers_ensembles_larger_than_one_block():
    from joinedup.model.catalogue import flat_model
    from joinedup.model.engine import integrate, sample
    from joinedup.model.simulate import _compiled
    flat = flat_model("system")
    seen: list[float] = []
    run = integrate(_compiled(flat, ()), sample(flat, 10, 1), {}, runs=10, weeks=8, chunk=4, save_every=4,
                    progress=seen.append)
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0
    assert any(0.35 < f < 0.45 for f in seen), "the first block of 4 runs is 40% of the ensemble"
    assert next(iter(run.values.values())).shape == (3, 10)


def test_each_variant_equals_a_central_run_with_its_overrides():
    overrides = {"all": {}, "no_gp": {"travel.gp_appointments": 0}, "no_children": {"travel.children_base_km": 0}}
    v = api.variants("remote-appointments", overrides, years=1)
    sc = api.scenario("remote-appointments")
    central = sc.model_copy(update={"changes": tuple(c.model_copy(update={"uncertainty": None}) for c in sc.changes)})
    for i, name in enumerate(v.names):
        params = {k.replace(".", SEP, 1): x for k, x in overrides[name].items()}
        one = api.simulate(central, runs=1, years=1, params=params).bands
        for ind in ("travel__vehicle_km", "travel__staff_hours_total"):
            np.testing.assert_allclose(v.baseline[ind][:, i], one[ind]["baseline"][1], rtol=1e-12)
            np.testing.assert_allclose(v.scenario_values[ind][:, i], one[ind]["scenario"][1], rtol=1e-12)
    with pytest.raises(Exception, match="no parameter 'travel.nope'"):
        api.variants("remote-appointments", {"x": {"travel.nope": 1}}, years=1)
