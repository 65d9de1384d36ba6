"""SCORM attempts: the committed CMI data per learner, SCO and attempt.

Revision ID: elearning_0002
Revises: elearning_0001

"""
from alembic import op
import sqlalchemy as sa


revision = 'elearning_0002'
down_revision = 'elearning_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scorm_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('completion_status', sa.String(length=20), nullable=False),
    sa.Column('success_status', sa.String(length=20), nullable=False),
    sa.Column('score_raw', sa.Float(), nullable=True),
    sa.Column('score_scaled', sa.Float(), nullable=True),
    sa.Column('location', sa.String(length=1000), nullable=False),
    sa.Column('total_seconds', sa.Float(), nullable=False),
    sa.Column('session_seconds', sa.Float(), nullable=False),
    sa.Column('commits', sa.Integer(), nullable=False),
    sa.Column('cmi', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['elearning_unit.id'], name=op.f('fk_scorm_attempt_unit_id_elearning_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_scorm_attempt_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorm_attempt')),
    sa.UniqueConstraint('user_id', 'unit_id', 'number', name='uq_scorm_attempt_user_id_unit_id_number')
    )
    with op.batch_alter_table('scorm_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorm_attempt_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorm_attempt_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('scorm_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorm_attempt_user_id'))
        batch_op.drop_index(batch_op.f('ix_scorm_attempt_unit_id'))
    op.drop_table('scorm_attempt')
