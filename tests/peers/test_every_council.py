"""Any council can be the place: invariants of the comparison over a spread of councils, old and new."""

from __future__ import annotations

import pytest

from joinedup.peers.compare import compare
from joinedup.peers.areas import load_areas

_COUNCILS = [a for a in load_areas() if a.kind == "council"]
SAMPLE = sorted({a.code for a in _COUNCILS[::15]} | {"E10000021", "E06000053", "E09000001", "E06000063", "E06000060"})


@pytest.mark.parametrize("code", SAMPLE)
def test_comparison_invariants(peer_store, code):
    doc = compare(peer_store, code)
    assert doc["area"]["code"] == code
    for m in doc["measures"]:
        s = m["neighbour_summary"]
        if s["with_value"]:
            assert s["min"] <= s["median"] <= s["max"]
        if m["rank"]:
            assert 1 <= m["rank"]["position"] <= m["rank"]["of"] == s["with_value"] + 1
        sig = m["significance"]
        if sig["limits"]:
            lo95, hi95 = sig["limits"]["95"]
            lo998, hi998 = sig["limits"]["99.8"]
            assert lo998 <= lo95 <= sig["target"] <= hi95 <= hi998
            assert (sig["verdict"] == "not different") == (sig["band"] == "within")
            assert sig["overdispersion"]["phi"] >= 0
        else:
            assert sig["band"] is None and sig["note"]
        periods = [p["period"] for p in m["series"]]
        assert len(periods) == len(set(periods))
        if m["latest"]:
            assert periods[-1] == m["latest"]["period"] or m["series"][-1]["value"] is None
