"""SSO: identities by (issuer, sub), dealer links by (issuer, external id), the used-jti replay store.

Revision ID: sso_0001
Revises:
Create Date: 2026-11-25 11:51:57.494947

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'sso_0001'
down_revision = None
branch_labels = ('sso',)
depends_on = 'core_0001'


def upgrade():
    op.create_table('sso_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=64), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sso_identity_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_identity')),
    sa.UniqueConstraint('issuer', 'sub', name=op.f('uq_sso_identity_issuer'))
    )
    with op.batch_alter_table('sso_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_identity_user_id'), ['user_id'], unique=False)

    op.create_table('sso_dealer_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=64), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealer.id'], name=op.f('fk_sso_dealer_link_dealer_id_dealer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_dealer_link')),
    sa.UniqueConstraint('issuer', 'external_id', name=op.f('uq_sso_dealer_link_issuer'))
    )
    with op.batch_alter_table('sso_dealer_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_dealer_link_dealer_id'), ['dealer_id'], unique=False)

    op.create_table('sso_used_jti',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=64), nullable=False),
    sa.Column('jti', sa.String(length=255), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_used_jti')),
    sa.UniqueConstraint('issuer', 'jti', name=op.f('uq_sso_used_jti_issuer'))
    )
    with op.batch_alter_table('sso_used_jti', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_used_jti_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sso_used_jti', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_used_jti_expires_at'))
    op.drop_table('sso_used_jti')
    with op.batch_alter_table('sso_dealer_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_dealer_link_dealer_id'))
    op.drop_table('sso_dealer_link')
    with op.batch_alter_table('sso_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_identity_user_id'))
    op.drop_table('sso_identity')
