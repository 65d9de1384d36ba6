"""API tokens and external user ids.

Revision ID: api_0001
Revises:

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'api_0001'
down_revision = None
branch_labels = ('api',)
depends_on = 'core_0001'


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('integration', sa.String(length=120), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_token_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_token_prefix'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_integration'), ['integration'], unique=False)

    op.create_table('api_user_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('integration', sa.String(length=120), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_user_link_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_user_link')),
    sa.UniqueConstraint('integration', 'external_id', name='uq_api_user_link_integration_external'),
    sa.UniqueConstraint('integration', 'user_id', name='uq_api_user_link_integration_user')
    )
    with op.batch_alter_table('api_user_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_user_link_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_user_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_user_link_user_id'))
    op.drop_table('api_user_link')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_integration'))
    op.drop_table('api_token')
