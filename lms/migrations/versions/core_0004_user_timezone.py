"""Core: each user's own time zone (empty: the portal's).

Revision ID: core_0004_user_timezone
Revises: core_0003
"""
from alembic import op
import sqlalchemy as sa

revision = "core_0004_user_timezone"
down_revision = "core_0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("timezone")
