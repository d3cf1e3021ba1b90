"""A hand-checked comparison: two councils, three measures, expected figures computed from the shipped files.

The expected numbers are worked out here with pyarrow, csv and json straight from the shipped
copy of the published files, not with the peers stage's own functions.
"""

from __future__ import annotations

import csv
import json
import math
import statistics

import pyarrow.parquet as pq
import pytest

from joinedup.peers.compare import compare
from tests.peers.conftest import DATA

COUNCILS = {"E08000027": 332, "E10000016": 886}  # Dudley, Kent


@pytest.fixture(scope="module")
def lait():
    t = pq.read_table(DATA / "children_lait.parquet").to_pylist()
    return {(r["measure_code"], r["la_number"], r["period"]): r["value"] for r in t}


@pytest.fixture(scope="module")
def sn():
    with open(DATA / "children_statistical_neighbours_2025.csv", newline="") as f:
        return {int(float(r["la_number"])): [int(float(r[f"sn{k}"])) for k in range(1, 11)] for r in csv.DictReader(f)}


def _num(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _expected_lait(lait, sn, la, measure, polarity, count_measure=None):
    periods = sorted({p for (m, a, p) in lait if m == measure and a == la and _num(lait[(m, a, p)]) is not None})
    latest = periods[-1]
    place = _num(lait[(measure, la, latest)])
    nbs = [_num(lait.get((measure, n, latest))) for n in sn[la]]
    nbs = [v for v in nbs if v is not None]
    higher_better = polarity != "low"
    rank = 1 + sum(1 for v in nbs if (v > place if higher_better else v < place))
    last3 = [_num(lait[(measure, la, p)]) for p in periods[-3:]]
    return latest, place, statistics.median(nbs), _num(lait[(measure, 970, latest)]), rank, len(nbs) + 1, last3


def _direction(last3, polarity):
    change = last3[-1] - last3[0]
    if abs(change) < 0.05 * abs(last3[0]):
        return "stable"
    if polarity == "none":
        return "increasing" if change > 0 else "decreasing"
    return "improving" if (change > 0) == (polarity == "high") else "worsening"


def _normal_band(p, target, n):
    z = (p - target) / math.sqrt(target * (1 - target) / n) if 0 < target < 1 else (p - target) / math.sqrt(target / n)
    return z


@pytest.mark.parametrize("code", COUNCILS)
def test_rereferrals_and_cla_rate(peer_store, lait, sn, code):
    la = COUNCILS[code]
    doc = compare(peer_store, code, ["ReReferral", "LAC"])
    assert doc["area"]["la_number"] == la
    for block, measure, polarity in zip(doc["measures"], ("ReReferral", "LAC"), ("low", "none")):
        latest, place, med, england, rank, of, last3 = _expected_lait(lait, sn, la, measure, polarity)
        assert block["latest"] == {"period": latest, "value": place}
        assert block["neighbour_summary"]["median"] == pytest.approx(med)
        assert block["england"]["value"] == pytest.approx(england)
        region = {332: 984, 886: 989}[la]  # West Midlands, South East
        assert block["region"]["value"] == pytest.approx(_num(lait[(measure, region, latest)]))
        assert (block["rank"]["position"], block["rank"]["of"]) == (rank, of)
        assert block["direction"]["label"] == _direction(last3, polarity)
        assert [n["code"] for n in block["neighbours"]][:1] and len(block["neighbours"]) == 10

        sig = block["significance"]
        if measure == "ReReferral":
            n = {a: _num(lait[("CPP_Total_NumRef", a, latest)]) for a in [la, *sn[la]]}
            vals = {a: _num(lait[("ReReferral", a, latest)]) for a in [la, *sn[la]]}
            target = sum(vals[a] / 100 * n[a] for a in sn[la]) / sum(n[a] for a in sn[la])
            z = _normal_band(place / 100, target, n[la])
            assert sig["target"] == pytest.approx(target * 100, abs=1e-3)
        else:
            pop = {a: _num(lait[("LACnum", a, latest)]) / _num(lait[("LAC", a, latest)]) * 10000 for a in [la, *sn[la]]}
            target = sum(_num(lait[("LACnum", a, latest)]) for a in sn[la]) / sum(pop[a] for a in sn[la])
            z = (place / 10000 - target) / math.sqrt(target / pop[la])
            assert sig["target"] == pytest.approx(target * 10000, abs=1e-2)
        assert sig["denominator"] == pytest.approx(n[la] if measure == "ReReferral" else pop[la], rel=1e-6)
        # Exact limits and the normal approximation agree away from the limits.
        if abs(abs(z) - 1.96) > 0.15 and abs(abs(z) - 3.09) > 0.15:
            expected = "within" if abs(z) < 1.96 else ("above" if z > 0 else "below") + ("_99.8" if abs(z) > 3.09 else "_95")
            assert sig["band"] == expected


@pytest.mark.parametrize("code", COUNCILS)
def test_adult_short_term_outcome(peer_store, code):
    rows = pq.read_table(DATA / "adult_social_care_oflog.parquet").to_pylist()
    nn = json.loads((DATA / "adult_social_care_nearest_neighbours.json").read_text())[code]
    asc5 = {(r["area_code"], r["financial_year"]): r for r in rows if r["measure_code"] == "ASC5"}
    years = sorted(y for (c, y), r in asc5.items() if c == code and r["value"] is not None)
    latest = years[-1]
    place = asc5[(code, latest)]["value"]
    others = [asc5[(c, latest)]["value"] for c in nn if c != code and (c, latest) in asc5 and asc5[(c, latest)]["value"] is not None]
    block = compare(peer_store, code, ["ASC5"])["measures"][0]
    assert block["latest"] == {"period": latest, "value": place}
    assert block["neighbour_summary"]["median"] == pytest.approx(statistics.median(others))
    assert block["neighbour_summary"]["of"] == 15
    assert block["england"] == {"value": asc5[(code, latest)]["median"], "period": latest, "basis": "median of councils"}
    assert block["rank"]["position"] == 1 + sum(v > place for v in others)
    assert block["direction"]["label"] == _direction([asc5[(code, y)]["value"] for y in years[-3:]], "high")
    assert block["significance"]["note"] == "no denominator" and block["significance"]["limits"] is None
    assert block["region"] is None  # Oflog publishes no regional figures


def test_dudley_figures_from_facts(peer_store):
    # shared/reference/facts.md: Dudley social worker turnover 34.9%, agency 14.5%, caseload 19.5 (2025);
    # Oflog 2022-23 short-term outcome 87.1 against a council median of 78.2.
    doc = compare(peer_store, "332", ["Work_Force_TO_Rate", "Work_Force_Agecy_Rate", "Work_Force_AvgNumCase_SW", "ASC5"])
    got = [(b["latest"]["value"], b["england"]["value"] if b["id"] == "ASC5" else None) for b in doc["measures"]]
    assert got == [(34.9, None), (14.5, None), (19.5, None), (87.1, 78.2)]
