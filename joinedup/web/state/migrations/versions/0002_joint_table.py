"""The joint table: agreed actions, meetings and their agenda items,
practitioners' working relationships and break-glass openings of the person view.

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
    """Create the action, meeting, agenda item, working relationship and break-glass tables."""
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
    op.create_table(
        "working_relationship",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("person_id", sa.String(40), nullable=False),
        sa.Column("basis", sa.String(300), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("ends_on", sa.Date),
    )
    op.create_index("ix_working_relationship_user_person", "working_relationship", ["user_name", "person_id"])
    op.create_table(
        "break_glass",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("person_id", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("audit_seq", sa.Integer, nullable=False),
        sa.Column("reviewed_by", sa.String(200)),
        sa.Column("reviewed_at", sa.DateTime),
        sa.Column("review_note", sa.Text),
    )


def downgrade() -> None:
    """Drop the joint table's tables."""
    op.drop_table("break_glass")
    op.drop_table("working_relationship")
    op.drop_table("agenda_item")
    op.drop_table("meeting")
    op.drop_table("joint_action")
