"""A lease on each certificate's PDF render, so several workers (and web requests) never render one twice.

Revision ID: certificates_0003
Revises: certificates_0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'certificates_0003'
down_revision = 'certificates_0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.add_column(sa.Column('pdf_claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pdf_locked_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.drop_column('pdf_locked_until')
        batch_op.drop_column('pdf_claimed_by')
