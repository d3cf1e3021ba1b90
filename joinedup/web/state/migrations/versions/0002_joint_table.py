"""The joint table: agreed actions, meetings and their agenda items, and scenario runs (the job table).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the action, meeting, agenda item and scenario run tables."""
    op.create_table(
        "scenario_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("progress", sa.Float, nullable=False, server_default="0"),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("result", sa.Text),
        sa.Column("saved", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
    )
    op.create_index("ix_scenario_run_owner_status", "scenario_run", ["owner", "status"])
    op.create_table(
        "joint_action",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("sectors", sa.String(200), nullable=False),
        sa.Column("agreed_on", sa.Date, nullable=False),
        sa.Column("review_on", sa.Date, nullable=False),
        sa.Column("outcome_measures", sa.Text, nullable=False),
        sa.Column("process_measure", sa.String(100)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("important", sa.Boolean, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("scenario_run_id", sa.Integer, sa.ForeignKey("scenario_run.id")),
        sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id"), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("important", sa.Boolean, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("measure", sa.String(100)),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("joint_action.id")),
    )
    op.create_index("ix_agenda_item_meeting", "agenda_item", ["meeting_id"])


def downgrade() -> None:
    """Drop the joint table's tables."""
    op.drop_table("agenda_item")
    op.drop_table("meeting")
    op.drop_table("joint_action")
    op.drop_table("scenario_run")
