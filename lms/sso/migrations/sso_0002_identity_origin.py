"""SSO identities record how they were made: created on first sign-in, linked by an admin, or matched by e-mail.

Every identity so far was made by a first sign-in that created its user, hence the default.

Revision ID: sso_0002
Revises: sso_0001
"""
from alembic import op
import sqlalchemy as sa


revision = 'sso_0002'
down_revision = 'sso_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sso_identity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='created', nullable=False))
        batch_op.add_column(sa.Column('linked_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_sso_identity_linked_by_id_user'), 'user', ['linked_by_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('sso_identity', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sso_identity_linked_by_id_user'), type_='foreignkey')
        batch_op.drop_column('linked_by_id')
        batch_op.drop_column('origin')
