"""Survey invitations are sent by the worker: a published survey marks its invitations as pending.

Revision ID: surveys_0002
Revises: surveys_0001
"""
from alembic import op
import sqlalchemy as sa


revision = 'surveys_0002'
down_revision = 'surveys_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitations_pending', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('invitations_pending')
