"""Core schema: dealers and users.

Revision ID: core_0001
Revises: 

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'core_0001'
down_revision = None
branch_labels = ('core',)
depends_on = None


def upgrade():
    op.create_table('dealer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tax_id', sa.String(length=32), nullable=True),
    sa.Column('tier', sa.String(length=40), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer')),
    sa.UniqueConstraint('tax_id', name=op.f('uq_dealer_tax_id'))
    )
    with op.batch_alter_table('dealer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_dealer_tier'), ['tier'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('dealer_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('learner', 'dealer_admin', 'author', 'manager', 'admin')", name=op.f('ck_user_role_known')),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealer.id'], name=op.f('fk_user_dealer_id_dealer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_dealer_id'), ['dealer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_dealer_id'))

    op.drop_table('user')
    with op.batch_alter_table('dealer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dealer_tier'))
        batch_op.drop_index(batch_op.f('ix_dealer_region'))

    op.drop_table('dealer')
