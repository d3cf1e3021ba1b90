"""Background jobs: scenario ensembles run from the browser (status, progress, owner, cancel flag, result),
saved and attached to a joint action.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: A user has at most one job queued or running: a partial unique index makes the database refuse a second.
ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    """Create the job table and its indexes."""
    op.create_table(
        "job",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("progress", sa.Float, nullable=False, server_default="0"),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("cancel_requested", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("result", sa.Text),
        sa.Column("saved", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("joint_action.id")),
        sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime),
        sa.Column("heartbeat_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
    )
    op.create_index("ix_job_owner_status", "job", ["owner", "status"])
    op.create_index("ix_job_action", "job", ["action_id"])
    op.create_index("ux_job_one_active_per_owner", "job", ["owner"], unique=True,
                    sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))


def downgrade() -> None:
    """Drop the job table."""
    op.drop_index("ux_job_one_active_per_owner", table_name="job")
    op.drop_index("ix_job_action", table_name="job")
    op.drop_index("ix_job_owner_status", table_name="job")
    op.drop_table("job")
