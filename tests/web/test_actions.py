"""Joint actions and meetings through the app in process: validation, verdicts, CSV round trip, balance, audit."""

from __future__ import annotations

from datetime import date

import pytest

from joinedup.errors import UserError
from joinedup.web.balance import balance, neglected, quarter_of
from joinedup.web.state import audit
from joinedup.web.state.joint import (ActionIn, ItemIn, add_action, add_item, add_meeting, export_csv, import_csv,
                                      list_actions, list_meetings)
from joinedup.web.verdict import financial_year_of, verdict
from tests.web.conftest import client_for, csrf_of

OUTCOME = "nhs_emergency_readmission_30d"
PROCESS = "nhs_length_of_stay"


def _action(**kw) -> ActionIn:
    base = dict(title="Discharge to assess across the borough", sectors=("nhs", "adult_social_care"),
                agreed_on="2022-06-01", review_on="2025-06-01", outcome_measures=(OUTCOME,), process_measure=PROCESS,
                urgent=True, important=True, kind="outcome")
    return ActionIn(**{**base, **kw})


@pytest.mark.parametrize("change, field", [
    ({"title": "  "}, "title"), ({"sectors": ()}, "sectors"), ({"sectors": ("police",)}, "sectors"),
    ({"agreed_on": "2024-13-01"}, "agreed_on"), ({"review_on": "2022-01-01"}, "review_on"),
    ({"outcome_measures": (PROCESS,)}, "outcome_measures"), ({"outcome_measures": ("no_such",)}, "outcome_measures"),
    ({"process_measure": OUTCOME}, "process_measure"), ({"status": "maybe"}, "status"), ({"kind": "both"}, "kind")])
def test_an_action_is_checked_field_by_field(app, change, field):
    with pytest.raises(UserError) as e:
        add_action(app.state.state, _action(**change), "someone")
    assert e.value.field == field
    assert list_actions(app.state.state) == []


def test_financial_year_and_quarter_of_a_date():
    assert financial_year_of(date(2024, 3, 31)) == "2023-24" and financial_year_of(date(2024, 4, 1)) == "2024-25"
    assert quarter_of(date(2024, 4, 1)) == "2024-25 Q1" and quarter_of(date(2025, 1, 15)) == "2024-25 Q4"
    assert quarter_of(date(2024, 12, 31)) == "2024-25 Q3"


def test_verdicts_follow_the_years_from_the_date_agreed(app):
    data = app.state.data
    years = data.years()
    assert len(years) >= 3
    last_start = int(years[-1][:4])
    early = verdict(data, OUTCOME, date(last_start, 5, 1))
    assert early.verdict == "too early to tell" and "1 complete year" in early.sentence
    first = verdict(data, OUTCOME, date(int(years[0][:4]), 6, 1))
    assert first.verdict in ("moved", "not yet", "too small to tell")
    assert first.agreed_year == years[0]
    # The verdict is the paradox lens's own trend test over the same years.
    from joinedup.measures import api
    from joinedup.measures.paradox import series
    s = series(api.engine_for(data.reader()), api.library().get(OUTCOME), years)
    expected = ("too small to tell" if s.trend is None else "moved" if s.direction == "improving" else "not yet")
    assert first.verdict == expected and first.periods == s.periods
    if s.trend is not None:
        assert first.p_value == s.trend.p_value


def test_csv_round_trip_and_rejected_rows(app):
    st = app.state.state
    a = add_action(st, _action(notes='Notes with "quotes", commas'), "ana")
    text = export_csv(list_actions(st))
    again = import_csv(st, text.replace("Discharge to assess", "Home first"), "actions.csv", "ana")
    assert again.updated == [a.id] and not again.created and not again.rejected
    assert list_actions(st)[0].title.startswith("Home first") and list_actions(st)[0].notes == a.notes
    bad = text.splitlines()[0] + "\n" + ",New one,nhs,2024-01-01,2024-06-01,not_a_measure,,agreed,true,false,outcome,\n" \
        + ",Second,nhs,2024-01-01,2024-06-01," + OUTCOME + ",,agreed,perhaps,false,outcome,\n"
    result = import_csv(st, bad, "bad.csv", "ana")
    assert result.rejected == ["bad.csv: row 2: field outcome_measures: 'not_a_measure' is not a measure; an action is tied to outcome measures",
                               "bad.csv: row 3: field urgent: 'perhaps' is not true or false"]
    assert len(list_actions(st)) == 1, "a rejected import writes nothing"


def test_balance_and_neglected_measures(app):
    st = app.state.state
    m = add_meeting(st, "Health and wellbeing board", "2024-05-10")
    add_item(st, m.id, ItemIn("Winter pressures: A&E waits", 60, True, False, "process", "ae_4_hour_performance"))
    add_item(st, m.id, ItemIn("Readmissions after discharge", 30, False, True, "outcome", OUTCOME))
    add_item(st, m.id, ItemIn("Minutes of last meeting", 10, False, False, "process"))
    m2 = add_meeting(st, "Board", "2024-11-02")
    add_item(st, m2.id, ItemIn("Children in care", 45, True, True, "outcome", "cla_rate"))
    with pytest.raises(UserError):
        add_item(st, m.id, ItemIn("Too long", 900, False, False, "process"))
    q = balance(list_meetings(st))
    assert [x.quarter for x in q] == ["2024-25 Q1", "2024-25 Q3"]
    assert q[0].minutes == 100 and q[0].urgent_process == 60.0 and q[0].important_outcome == 30.0
    assert q[1].important_outcome == 100.0 and q[1].urgent_process == 0.0
    outcomes = ["cla_rate", OUTCOME, "ph_mortality_under_75"]
    assert neglected(outcomes, [], list_meetings(st), date(2024, 12, 31)) == [OUTCOME, "ph_mortality_under_75"]
    add_action(st, _action(agreed_on="2024-10-01", review_on="2025-04-01", outcome_measures=("ph_mortality_under_75",)), "x")
    assert neglected(outcomes, list_actions(st), list_meetings(st), date(2024, 12, 31)) == [OUTCOME]


def test_actions_through_the_app_are_audited_and_viewers_cannot_change_them(app):
    analyst = client_for(app, "analyst")
    form = analyst.get("/actions/new")
    assert form.status_code == 200
    r = analyst.post("/actions/new", data={"csrf": csrf_of(form.text), "title": "Falls prevention in care homes",
                                           "sectors": ["adult_social_care", "public_health"], "agreed_on": "2022-05-01",
                                           "review_on": "2024-05-01", "outcome_measures": ["nhs_falls_admissions_65_plus"],
                                           "process_measure": "", "status": "in_progress", "important": "on",
                                           "kind": "outcome", "notes": ""}, follow_redirects=False)
    assert r.status_code == 303
    page = analyst.get(r.headers["location"])
    assert "Falls prevention in care homes" in page.text and "agreed 2022-05-01" in page.text
    assert any(v in page.text for v in ("Moved.", "Not yet.", "Too small to tell."))
    bad = analyst.post("/actions/new", data={"csrf": csrf_of(form.text), "title": "x", "sectors": ["nhs"],
                                             "agreed_on": "2024-01-01", "review_on": "2023-01-01",
                                             "outcome_measures": [OUTCOME]})
    assert bad.status_code == 400 and "field review_on" in bad.text
    action_id = int(r.headers["location"].rsplit("/", 1)[1])
    edit = analyst.get(f"/actions/{action_id}/edit")
    r = analyst.post(f"/actions/{action_id}/edit", data={"csrf": csrf_of(edit.text), "title": "Falls prevention in care homes",
                                                      "sectors": ["adult_social_care"], "agreed_on": "2022-05-01",
                                                      "review_on": "2024-05-01",
                                                      "outcome_measures": ["nhs_falls_admissions_65_plus"],
                                                      "status": "done", "important": "on", "kind": "outcome"},
                     follow_redirects=False)
    assert r.status_code == 303
    logged = {e.action: e for e in audit.entries(app.state.state, actor="analyst-user")}
    assert "action.add" in logged and "action.change" in logged
    assert '"status": ["in_progress", "done"]' in logged["action.change"].detail
    viewer = client_for(app, "viewer")
    assert viewer.get(f"/actions/{action_id}").status_code == 200
    assert viewer.get("/actions/new").status_code == 403
    exported = viewer.get("/actions/export.csv")
    assert exported.status_code == 200 and "Falls prevention" in exported.text
    up = analyst.post("/actions/import", data={"csrf": csrf_of(analyst.get("/actions").text)},
                      files={"file": ("a.csv", exported.text.replace("Falls prevention", "Falls prevention (revised)"), "text/csv")})
    assert up.status_code == 200 and "1 updated" in up.text and "Falls prevention (revised)" in up.text
    assert audit.entries(app.state.state, action="action.import")


def test_demo_content_is_marked_replaced_not_duplicated_and_leaves_real_actions(app):
    from joinedup.measures import api
    from joinedup.web.demo_content import DEMO_ACTIONS, seed
    st = app.state.state
    real = add_action(st, _action(), "ana")
    ids = {m.id for m in api.library()}
    years = app.state.data.years()
    assert seed(st, years, ids) == (len(DEMO_ACTIONS), 7)
    assert seed(st, years, ids) == (len(DEMO_ACTIONS), 7)
    actions = list_actions(st)
    assert len(actions) == len(DEMO_ACTIONS) + 1 and [a.id for a in actions if not a.demo] == [real.id]
    q = balance(list_meetings(st))
    assert len(list_meetings(st)) == 7 and q[0].urgent_process > q[-1].urgent_process
    assert {a.agreed_on.year for a in actions if a.demo} <= {int(y[:4]) for y in years}
