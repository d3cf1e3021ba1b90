"""Tables of the joint table: actions, meetings with agenda items, working relationships, break glass (0002), jobs (0003)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.web.state.models import Base

__all__ = ["JointAction", "Meeting", "AgendaItem", "WorkingRelationship", "BreakGlass", "Job"]


class JointAction(Base):
    """An action agreed at the table, tied to the outcome measures it should move."""

    __tablename__ = "joint_action"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    #: Owning sectors, comma-separated sector ids (nhs, adult_social_care, ...).
    sectors: Mapped[str] = mapped_column(String(200))
    agreed_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date] = mapped_column(Date)
    #: Outcome measure ids, comma-separated.
    outcome_measures: Mapped[str] = mapped_column(Text)
    process_measure: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean)
    important: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Meeting(Base):
    """A meeting of the table."""

    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class AgendaItem(Base):
    """One item of a meeting's agenda, tagged as actions are, with the time it took."""

    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    title: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int] = mapped_column(Integer)
    urgent: Mapped[bool] = mapped_column(Boolean)
    important: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(10))
    measure: Mapped[str | None] = mapped_column(String(100), nullable=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("joint_action.id"), nullable=True)


class WorkingRelationship(Base):
    """A practitioner's recorded working relationship with a person (pseudonymous person id)."""

    __tablename__ = "working_relationship"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str] = mapped_column(String(40))
    basis: Mapped[str] = mapped_column(String(300))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class BreakGlass(Base):
    """An opening of the person view without a working relationship: the reason, flagged until an admin reviews it."""

    __tablename__ = "break_glass"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_name: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    audit_seq: Mapped[int] = mapped_column(Integer)
    reviewed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Job(Base):
    """A background job (migration 0003): a scenario ensemble with its status, progress, cancel flag and result."""

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    #: What runs: "scenario" (an ensemble of the linked models).
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    #: The request as JSON: scenario name or lever changes, runs, years, seed.
    request: Mapped[str] = mapped_column(Text)
    #: queued | running | done | failed | cancelled
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The result as JSON (`joinedup simulate --json`'s document) once done.
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    saved: Mapped[bool] = mapped_column(Boolean, default=False)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("joint_action.id"), nullable=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
