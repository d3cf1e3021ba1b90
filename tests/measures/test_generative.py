"""Generative cross-engine tests, in the manner of OpenSAFELY ehrQL's: hypothesis builds random measure
specs and random small stores, and DuckDB and Spark local must release identical rows (numerators,
denominators, values and intervals) for every breakdown.

A spec varies in every part a council's file can: its shape (count, rate, proportion, mean), the
table, the filters (atoms combined by AND, OR and NOT, with look-backs before the period and
follow-ups after it), the denominator (population estimates filtered by age, sex and area, or the
table's own rows), the period rule (year, quarter, rolling 12 months), what is counted (persons or
rows), the declared history (look-back and follow-up days, whose shortfall note must agree too), the
breakdowns it allows (one of them, or the total, is run: segment and ethnicity included) and the
disclosure threshold.

Each example costs a few Spark queries, so the number of examples is bounded (GENERATIVE_EXAMPLES,
default 8: a spec run by a breakdown, segment above all, costs more Spark queries than a total; the seed
is fixed under CI=true so a CI failure reproduces). Hypothesis shrinks a
failure to a small spec and store, printed with the failing assertion.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from joinedup.measures.engine import StoreEngine
from joinedup.measures.runner import run_measures
from joinedup.measures.spec import Library, Measure
from tests.measures.spec_store import SpecStore

pytestmark = pytest.mark.spark

EXAMPLES = int(os.environ.get("GENERATIVE_EXAMPLES", "8"))
FY = "2024-25"
#: Dudley LSOAs of the shipped reference: different deprivation deciles and wards.
LSOAS = ("E01009733", "E01009720", "E01009721", None)

# -- random stores --------------------------------------------------------------------------------
_day = st.dates(date(2023, 10, 1), date(2025, 6, 30))
_persons = st.integers(1, 8)


@st.composite
def stores(draw) -> dict[str, pa.Table]:
    """A few persons, their hospital encounters and social care events, and population estimates."""
    n = draw(_persons)
    pid = [f"P{i}" for i in range(n)]
    person = {
        "person_id": pid,
        "birth_year": [draw(st.integers(1925, 2022)) for _ in pid],
        "birth_month": [draw(st.one_of(st.none(), st.integers(1, 12))) for _ in pid],
        "sex": [draw(st.sampled_from(["F", "M", None])) for _ in pid],
        "lsoa21": [draw(st.sampled_from(LSOAS)) for _ in pid],
        "imd_decile": [draw(st.one_of(st.none(), st.integers(1, 10))) for _ in pid],
        "ethnicity_group": [draw(st.sampled_from(["White", "Asian", "Black", "Mixed", "Unknown", None])) for _ in pid],
        "date_of_death": [draw(st.one_of(st.none(), _day)) if draw(st.integers(0, 4)) == 0 else None for _ in pid],
    }
    # Some records are not in the person index (their record id stands for the person).
    records = pid + ["R_unlinked"]
    enc = draw(st.lists(st.fixed_dictionaries({
        "record_id": st.sampled_from(records),
        "kind": st.sampled_from(["inpatient_spell", "ed_attendance", "outpatient"]),
        "start": _day, "hour": st.integers(0, 23), "stay": st.one_of(st.none(), st.integers(0, 30)),
        "is_emergency": st.one_of(st.none(), st.booleans()),
        "ed_minutes": st.one_of(st.none(), st.integers(0, 900)),
        "discharge_method": st.sampled_from(["1", "4", "5", None]),
        "los_days": st.one_of(st.none(), st.integers(0, 60)),
    }), min_size=2, max_size=14))
    asc = draw(st.lists(st.fixed_dictionaries({
        "record_id": st.sampled_from(records),
        "event_type": st.sampled_from(["request", "assessment", "service", "review"]),
        "service_type": st.sampled_from(["Long Term Support: Residential Care", "Short Term Support: ST-Max", "Community", None]),
        "start": _day, "length": st.one_of(st.none(), st.integers(0, 400)),
        "units": st.one_of(st.none(), st.floats(0, 40, allow_nan=False).map(lambda x: round(x, 1))),
    }), min_size=2, max_size=14))
    pop = draw(st.lists(st.tuples(st.sampled_from(LSOAS[:3]), st.sampled_from(["F", "M"]), st.integers(0, 95),
                                  st.integers(1, 400)), max_size=6, unique_by=lambda r: r[:3]))
    return {
        "person": pa.table(person),
        "person_source_link": pa.table({"record_id": pid, "person_id": pid, "method": ["nhs_number"] * n}),
        "encounter": pa.table({
            "encounter_id": [f"E{i}" for i in range(len(enc))],
            "record_id": [e["record_id"] for e in enc], "kind": [e["kind"] for e in enc],
            "start_ts": [datetime.combine(e["start"], datetime.min.time()) + timedelta(hours=e["hour"]) for e in enc],
            "end_ts": [None if e["stay"] is None else datetime.combine(e["start"], datetime.min.time()) + timedelta(days=e["stay"], hours=e["hour"])
                       for e in enc],
            "is_emergency": [e["is_emergency"] for e in enc], "ed_minutes": [e["ed_minutes"] for e in enc],
            "discharge_method": [e["discharge_method"] for e in enc], "los_days": [e["los_days"] for e in enc],
        }, schema=pa.schema([("encounter_id", pa.string()), ("record_id", pa.string()), ("kind", pa.string()),
                             ("start_ts", pa.timestamp("us")), ("end_ts", pa.timestamp("us")), ("is_emergency", pa.bool_()),
                             ("ed_minutes", pa.int32()), ("discharge_method", pa.string()), ("los_days", pa.int32())])),
        "asc_event": pa.table({
            "event_id": [f"A{i}" for i in range(len(asc))],
            "record_id": [a["record_id"] for a in asc], "event_type": [a["event_type"] for a in asc],
            "client_type": ["service_user"] * len(asc), "service_type": [a["service_type"] for a in asc],
            "start_date": [a["start"] for a in asc],
            "end_date": [None if a["length"] is None else a["start"] + timedelta(days=a["length"]) for a in asc],
            "planned_units_per_week": [a["units"] for a in asc],
        }, schema=pa.schema([("event_id", pa.string()), ("record_id", pa.string()), ("event_type", pa.string()),
                             ("client_type", pa.string()), ("service_type", pa.string()), ("start_date", pa.date32()),
                             ("end_date", pa.date32()), ("planned_units_per_week", pa.float64())])),
        "population": pa.table({"mid_year": [2024] * len(pop), "lsoa21": [p[0] for p in pop], "sex": [p[1] for p in pop],
                                "age": [p[2] for p in pop], "population": [p[3] for p in pop]}),
    }


# -- random measure specs ---------------------------------------------------------------------------
_n = st.integers(0, 120)
ATOMS = {
    "encounter": [
        st.sampled_from(["inpatient_spell", "ed_attendance"]).map(lambda k: f"kind = '{k}'"),
        st.just("is_emergency"), st.just("ed_minutes IS NULL"), st.just("IN_PERIOD(start_ts)"), st.just("IN_PERIOD(end_ts)"),
        st.integers(0, 900).map(lambda n: f"ed_minutes > {n}"),
        _n.map(lambda n: f"CAST(start_ts AS DATE) >= :period_start - INTERVAL {n} DAY"),
        _n.map(lambda n: f"CAST(start_ts AS DATE) <= :period_end + INTERVAL {n} DAY"),
        st.integers(0, 20).map(lambda n: f"DATE_DIFF('day', CAST(start_ts AS DATE), CAST(end_ts AS DATE)) >= {n}"),
        st.sampled_from(["F", "M"]).map(lambda s: f"person_sex = '{s}'"),
        _n.map(lambda n: f"AGE_ON(CAST(start_ts AS DATE)) >= {n}"),
        st.just("COALESCE(discharge_method, '') NOT IN ('4', '5')"),
        st.integers(1, 10).map(lambda n: f"person_imd_decile <= {n}"),
        st.tuples(_n, _n).map(lambda ab: f"los_days BETWEEN {min(ab)} AND {max(ab)}"),
        st.just("person_date_of_death IS NULL OR person_date_of_death > CAST(start_ts AS DATE)"),
        st.just("EXISTS (SELECT 1 FROM asc_event AS a WHERE a.person_id = encounter.person_id AND a.start_date >= CAST(encounter.start_ts AS DATE))"),
    ],
    "asc_event": [
        st.sampled_from(["request", "assessment", "service"]).map(lambda k: f"event_type = '{k}'"),
        st.just("LOWER(service_type) LIKE '%residential%'"), st.just("end_date IS NULL"),
        _n.map(lambda n: f"start_date BETWEEN :period_start - INTERVAL {n} DAY AND :period_end"),
        st.just("OPEN_DURING(start_date, end_date)"), st.just("OPEN_AT_END(start_date, end_date)"), st.just("IN_PERIOD(start_date)"),
        st.integers(0, 300).map(lambda n: f"WORKING_DAYS(start_date, COALESCE(end_date, :period_end)) <= {n}"),
        st.integers(1925, 2020).map(lambda y: f"person_birth_year < {y}"),
        _n.map(lambda n: f"AGE_ON(start_date) >= {n}"),
        st.just("EXISTS (SELECT 1 FROM encounter AS e WHERE e.person_id = asc_event.person_id AND e.is_emergency"
                " AND CAST(e.start_ts AS DATE) BETWEEN asc_event.start_date - INTERVAL 30 DAY AND asc_event.start_date)"),
        st.just("planned_units_per_week >= 10"),
    ],
}
VALUES = {
    "encounter": ["los_days", "ed_minutes", "DATE_DIFF('day', CAST(start_ts AS DATE), CAST(end_ts AS DATE))"],
    "asc_event": ["DATE_DIFF('day', start_date, COALESCE(end_date, :period_end))", "planned_units_per_week",
                  "WORKING_DAYS(start_date, COALESCE(end_date, :period_end))"],
}


def conditions(table: str) -> st.SearchStrategy[str]:
    """Random conditions over a table's view: atoms combined by AND, OR and NOT, two levels deep."""
    # TRUE keeps many examples' rows in play: a conjunction of random atoms is mostly empty otherwise
    atom = st.one_of(st.just("TRUE"), *ATOMS[table])
    return st.recursive(atom, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        inner.map(lambda c: f"NOT ({c})")), max_leaves=3)


def population_conditions() -> st.SearchStrategy[str]:
    """Random filters of the population estimates: age, sex and area, combined by AND and OR."""
    atom = st.one_of(st.just("TRUE"), st.integers(0, 95).map(lambda n: f"age >= {n}"),
                     st.tuples(st.integers(0, 95), st.integers(0, 95)).map(lambda ab: f"age BETWEEN {min(ab)} AND {max(ab)}"),
                     st.sampled_from(["F", "M"]).map(lambda x: f"sex = '{x}'"),
                     st.sampled_from(LSOAS[:3]).map(lambda x: f"lsoa21 = '{x}'"))
    return st.recursive(atom, lambda inner: st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(
        lambda t: f"({t[0]}) {t[1]} ({t[2]})"), max_leaves=3)


BREAKDOWNS = ["age_band", "sex", "ethnicity_group", "deprivation_quintile", "ward", "segment"]


@st.composite
def measures(draw) -> Measure:
    """A random measure of any shape: a count, a rate per population, a proportion or a mean."""
    table = draw(st.sampled_from(sorted(ATOMS)))
    shape = draw(st.sampled_from(["count", "rate", "proportion", "mean"]))
    allowed = [b for b in BREAKDOWNS if not (shape == "rate" and b == "ethnicity_group")]
    spec = {"id": "random_measure", "title": "t", "description": "d", "sectors": ["nhs"], "kind": "process",
            "definition": {"name": "generated", "reference": "hypothesis",
                           "citation": {"document": "a generated test measure", "version": "hypothesis 2026",
                                        "section": "tests/measures/test_generative.py"}},
            "period": draw(st.sampled_from(["financial_year", "quarter", "rolling_12_months"])),
            "polarity": draw(st.sampled_from(["higher_is_better", "lower_is_better"])),
            "counts": draw(st.sampled_from(["persons", "rows"])), "unit": "count",
            "history": {"lookback_days": draw(st.sampled_from([0, 0, 30, 365, 730])),
                        "follow_up_days": draw(st.sampled_from([0, 0, 28, 91]))},
            "breakdowns": draw(st.lists(st.sampled_from(allowed), min_size=2, max_size=4, unique=True))}
    if shape in ("count", "rate"):
        spec["numerator"] = {"from": table, "where": draw(conditions(table))}
        if shape == "rate":
            spec |= {"unit": draw(st.sampled_from(["rate_per_10000", "rate_per_100000"])),
                     "denominator": {"from": "population", "where": draw(population_conditions())}}
    else:
        spec["denominator"] = {"from": table, "where": draw(conditions(table))}
        spec["numerator"] = {"where": draw(conditions(table))}
        spec["unit"] = "percent"
        if shape == "mean":
            spec |= {"unit": "days", "counts": "rows"}
            spec["numerator"]["sum"] = draw(st.sampled_from(VALUES[table]))
    m = Measure.model_validate(spec)
    m.trees  # noqa: B018 - the generated SQL passes the same checks a council's file does
    return m


# -- the property ---------------------------------------------------------------------------------
def _duckdb(tables: dict[str, pa.Table]) -> tuple[StoreEngine, SpecStore]:
    store = SpecStore()
    for name, t in tables.items():
        if t.num_rows:
            store.con.write_arrow(name, t, append=True)
    return StoreEngine(store.con), store


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true", database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(data=stores(), m=measures(), pick=st.data(), threshold=st.sampled_from([0, 0, 0, 5]))
def test_duckdb_and_spark_release_the_same_rows(spark_session, data, m, pick, threshold):
    from joinedup.measures.spark import SparkEngine
    by = pick.draw(st.sampled_from(m.breakdowns + ("all",)), label="by")
    lib = Library([m])
    duck_engine, store = _duckdb(data)
    # Spark reads the same rows, typed as the store types them (DuckDB's copy of every canonical table)
    spark_engine = SparkEngine(spark_session, {name: store.con.query(f'SELECT * FROM "{name}"') for name in data})
    try:
        duck = [r.as_row() for r in run_measures(duck_engine, lib, FY, by, threshold=threshold)]
        spark = [r.as_row() for r in run_measures(spark_engine, lib, FY, by, threshold=threshold)]
    finally:
        store.con.close()
    assert duck, "every run releases at least the total row"
    event(f"{m.shape}, numerator {'> 0' if duck[0]['numerator'] else '0 or none'}")
    event(f"by {by}")
    assert spark == duck, f"{m.shape} by {by}: numerator {m.numerator.where!r}"
