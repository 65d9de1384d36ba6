"""SCORM learner state: suspendAll, ended course attempts, retried clusters, shared data stores.

Revision ID: elearning_0003
Revises: elearning_0002

"""
from alembic import op
import sqlalchemy as sa


revision = 'elearning_0003'
down_revision = 'elearning_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scorm_learner_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('shared_data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['elearning_package.id'], name=op.f('fk_scorm_learner_state_package_id_elearning_package'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_scorm_learner_state_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorm_learner_state')),
    sa.UniqueConstraint('user_id', 'package_id', name='uq_scorm_learner_state_user_id_package_id')
    )
    with op.batch_alter_table('scorm_learner_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorm_learner_state_package_id'), ['package_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorm_learner_state_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('scorm_learner_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorm_learner_state_user_id'))
        batch_op.drop_index(batch_op.f('ix_scorm_learner_state_package_id'))
    op.drop_table('scorm_learner_state')
