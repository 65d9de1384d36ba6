"""State shared by every process and node: rate-limit counters, worker heartbeats, named leases.

Revision ID: coordination_0001
Revises:
"""
from alembic import op
import sqlalchemy as sa


revision = 'coordination_0001'
down_revision = None
branch_labels = ('coordination',)
depends_on = 'core_0001'


def upgrade():
    op.create_table('rate_limit_counter',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('window_start', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_start', name=op.f('pk_rate_limit_counter'))
    )
    op.create_index('ix_rate_limit_counter_window_start', 'rate_limit_counter', ['window_start'], unique=False)
    op.create_table('worker_heartbeat',
    sa.Column('worker_id', sa.String(length=64), nullable=False),
    sa.Column('hostname', sa.String(length=100), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('worker_id', name=op.f('pk_worker_heartbeat'))
    )
    op.create_index(op.f('ix_worker_heartbeat_seen_at'), 'worker_heartbeat', ['seen_at'], unique=False)
    op.create_table('named_lease',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('held_until', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_named_lease'))
    )


def downgrade():
    op.drop_table('named_lease')
    op.drop_index(op.f('ix_worker_heartbeat_seen_at'), table_name='worker_heartbeat')
    op.drop_table('worker_heartbeat')
    op.drop_index('ix_rate_limit_counter_window_start', table_name='rate_limit_counter')
    op.drop_table('rate_limit_counter')
