"""An Authorization header per subscription (receivers such as an external LRS that need credentials).

Revision ID: webhooks_0002
Revises: webhooks_0001

"""
from alembic import op
import sqlalchemy as sa


revision = 'webhooks_0002'
down_revision = 'webhooks_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_header', sa.String(length=600), nullable=True))


def downgrade():
    with op.batch_alter_table('webhook_subscription', schema=None) as batch_op:
        batch_op.drop_column('auth_header')
