"""Snapshots of the all-dealer reports, recomputed by lms worker.

Revision ID: reports_0002
Revises: reports_0001
"""
from alembic import op
import sqlalchemy as sa

revision = "reports_0002"
down_revision = "reports_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_snapshot",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_snapshot")),
    )


def downgrade():
    op.drop_table("report_snapshot")
