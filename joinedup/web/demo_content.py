"""Demo content for the joint table: actions, meetings and agenda items seeded from the demo place.

Everything is marked `demo` (pages label it "demo content") and replaced on each `joinedup demo`;
dates follow the financial years the store covers, so verdicts and balances have years to show.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update

from joinedup.web.state.db import State
from joinedup.web.state.joint import ActionIn, ItemIn, add_action, add_item, add_meeting
from joinedup.web.state.access import add_relationship
from joinedup.web.state.joint_models import AgendaItem, Job, JointAction, Meeting, WorkingRelationship

__all__ = ["seed", "seed_relationships", "seed_scenario_run", "DEMO_ACTIONS", "DEMO_BASIS", "DEMO_SCENARIO"]

#: The scenario run the demo saves and attaches to its reablement action (runs, years as a board would ask).
DEMO_SCENARIO = ("reablement-expansion", 500, 5)

#: The basis of the demo practitioner's working relationships (replaced on each run).
DEMO_BASIS = "demo content: allocated worker"

#: (title, sectors, year offset from the first covered year, outcome measures, process measure, urgent, important, kind, status)
DEMO_ACTIONS = (
    ("Home first: discharge to assess for everyone over 65", ("nhs", "adult_social_care"), 0,
     ("nhs_emergency_readmission_30d", "ju_discharged_home_no_support_readmitted"), "nhs_length_of_stay", True, True,
     "outcome", "in_progress"),
    ("Falls prevention in care homes and at home", ("adult_social_care", "public_health", "nhs"), 0,
     ("nhs_falls_admissions_65_plus",), "", False, True, "outcome", "in_progress"),
    ("Reablement offered to everyone leaving hospital", ("adult_social_care", "nhs"), 1,
     ("ascof_2d_still_at_home_91_days",), "asc_reablement_after_discharge_65_plus", False, True, "outcome", "agreed"),
    ("Family help: one lead practitioner per family", ("childrens_services", "education", "public_health"), 1,
     ("csc_re_referrals_12m", "csc_cin_persistent_absence"), "csc_assessments_45_days", False, True, "outcome", "agreed"),
    ("Clear the assessment backlog before the inspection", ("childrens_services",), 2,
     ("csc_cp_second_plan",), "csc_assessments_45_days", True, False, "process", "done"),
    ("Stable homes: recruit and keep foster carers", ("childrens_services",), 2,
     ("cla_long_term_stability", "cla_three_placements"), "", False, True, "outcome", "agreed"),
)

#: Agenda of each demo meeting: (title, minutes, urgent, important, kind, measure). Early quarters crowd out
#: outcome work with urgent process items; later ones turn towards outcomes, as the table intended.
_AGENDA_EARLY = (("A&E four-hour performance recovery plan", 50, True, False, "process", "ae_4_hour_performance"),
                 ("Delayed discharges: daily escalation", 40, True, False, "process", "nhs_delayed_discharge_days_rate"),
                 ("Budget position", 25, True, False, "process", ""),
                 ("Readmissions after discharge", 15, False, True, "outcome", "nhs_emergency_readmission_30d"))
_AGENDA_LATE = (("Delayed discharges: daily escalation", 25, True, False, "process", "nhs_delayed_discharge_days_rate"),
                ("Readmissions after discharge: what moved", 35, False, True, "outcome", "nhs_emergency_readmission_30d"),
                ("Children's stability in care", 30, False, True, "outcome", "cla_long_term_stability"),
                ("Persistent absence of children in need", 20, True, True, "outcome", "csc_cin_persistent_absence"))


def _clear(state: State) -> None:
    with state.session() as s:
        ids = list(s.scalars(select(Meeting.id).where(Meeting.demo.is_(True))))
        if ids:
            s.execute(delete(AgendaItem).where(AgendaItem.meeting_id.in_(ids)))
        s.execute(delete(AgendaItem).where(AgendaItem.action_id.in_(select(JointAction.id).where(JointAction.demo.is_(True)))))
        # runs people saved and attached to a demo action stay saved, detached
        s.execute(update(Job).where(Job.action_id.in_(select(JointAction.id).where(JointAction.demo.is_(True))))
                  .values(action_id=None))
        s.execute(delete(Meeting).where(Meeting.demo.is_(True)))
        s.execute(delete(JointAction).where(JointAction.demo.is_(True)))


def seed(state: State, years: list[str], measure_ids: set[str]) -> tuple[int, int]:
    """Replace the demo actions and meetings; returns how many of each were made."""
    from joinedup.web.state.jobs import delete_demo_jobs
    delete_demo_jobs(state)  # demo runs may be attached to demo actions
    _clear(state)
    if not years:
        return 0, 0
    first = int(years[0][:4])
    actions = 0
    for title, sectors, offset, outcomes, process, urgent, important, kind, status in DEMO_ACTIONS:
        outcomes = tuple(m for m in outcomes if m in measure_ids)
        if not outcomes:
            continue
        start = first + min(offset, len(years) - 1)
        agreed = date(start, 6, 12 + offset)
        add_action(state, ActionIn(title, sectors, agreed.isoformat(), date(start + 1, 6, 30).isoformat(), outcomes,
                                   process if process in measure_ids else "", status, urgent, important, kind,
                                   "Demo content: an example action on the synthetic place."), "demo", demo=True)
        actions += 1
    meetings = 0
    last = int(years[-1][:4])
    quarters = [(last - 1, 7), (last - 1, 10), (last, 1), (last, 4), (last, 7), (last, 10), (last + 1, 1)]
    for n, (year, month) in enumerate(quarters):
        m = add_meeting(state, "Joint table (demo)", date(year, month, 15).isoformat(), demo=True)
        for title, minutes, urgent, important, kind, measure in (_AGENDA_EARLY if n < 3 else _AGENDA_LATE):
            add_item(state, m.id, ItemIn(title, minutes, urgent, important, kind, measure if measure in measure_ids else ""))
        meetings += 1
    return actions, meetings


def seed_relationships(state: State, user_name: str, person_ids: list[str]) -> int:
    """Replace the demo practitioner's working relationships with these people (pseudonymous ids)."""
    with state.session() as s:
        s.execute(delete(WorkingRelationship).where(WorkingRelationship.basis == DEMO_BASIS))
    for pid in person_ids:
        add_relationship(state, user_name, pid, DEMO_BASIS, "demo")
    return len(person_ids)


def seed_scenario_run(state: State, owner: str) -> tuple[int, int | None] | None:
    """Run the demo scenario through the job table, save it and attach it to the demo reablement action.

    Returns (job id, action id or None), or None when the run did not finish.
    """
    from joinedup.web.jobs import execute, run_scenario, scenario_request
    from joinedup.web.state.jobs import attach_job, delete_demo_jobs, save_job, start_job
    delete_demo_jobs(state)
    name, runs, years = DEMO_SCENARIO
    req = scenario_request(name, runs, years, 1)
    from joinedup.model import api
    job = start_job(state, owner, "scenario", api.scenario(name).title, req, demo=True)
    if execute(state, job.id, lambda progress: run_scenario(req, progress)) != "done":
        return None
    save_job(state, job.id, f"{api.scenario(name).title} (demo content)")
    with state.session() as s:
        action_id = s.scalar(select(JointAction.id).where(JointAction.demo.is_(True), JointAction.title.like("Reablement%"))
                             .order_by(JointAction.id).limit(1))
    if action_id is not None:
        attach_job(state, job.id, action_id)
    return job.id, action_id
