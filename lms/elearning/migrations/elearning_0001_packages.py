"""E-learning packages, their units, launches (cmi5 sessions) and learners' results.

Revision ID: elearning_0001
Revises:

"""
from alembic import op
import sqlalchemy as sa


revision = 'elearning_0001'
down_revision = None
branch_labels = ('elearning',)
depends_on = ('core_0001', 'courses_0001')


def upgrade():
    op.create_table('elearning_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('file_count', sa.Integer(), nullable=False),
    sa.Column('total_bytes', sa.BigInteger(), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('scorm12', 'scorm2004', 'cmi5', 'tincan')", name=op.f('ck_elearning_package_kind_known')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_elearning_package_course_id_course'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_elearning_package_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elearning_package'))
    )
    op.create_index(op.f('ix_elearning_package_sha256'), 'elearning_package', ['sha256'], unique=False)
    op.create_index(op.f('ix_elearning_package_course_id'), 'elearning_package', ['course_id'], unique=False)
    op.create_table('elearning_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('identifier', sa.String(length=1000), nullable=False),
    sa.Column('launch', sa.String(length=2000), nullable=False),
    sa.Column('move_on', sa.String(length=20), nullable=False),
    sa.Column('mastery_score', sa.Float(), nullable=True),
    sa.Column('launch_method', sa.String(length=20), nullable=False),
    sa.Column('launch_parameters', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_elearning_unit_lesson_id_lesson'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['package_id'], ['elearning_package.id'], name=op.f('fk_elearning_unit_package_id_elearning_package'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elearning_unit')),
    sa.UniqueConstraint('package_id', 'position', name='uq_elearning_unit_package_id_position')
    )
    op.create_index(op.f('ix_elearning_unit_package_id'), 'elearning_unit', ['package_id'], unique=False)
    op.create_index(op.f('ix_elearning_unit_lesson_id'), 'elearning_unit', ['lesson_id'], unique=False)
    op.create_table('elearning_launch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('fetch_token_hash', sa.String(length=64), nullable=True),
    sa.Column('fetched_at', sa.DateTime(), nullable=True),
    sa.Column('credential_key', sa.String(length=32), nullable=True),
    sa.Column('initialized_at', sa.DateTime(), nullable=True),
    sa.Column('terminated_at', sa.DateTime(), nullable=True),
    sa.Column('abandoned_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['elearning_unit.id'], name=op.f('fk_elearning_launch_unit_id_elearning_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_elearning_launch_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elearning_launch')),
    sa.UniqueConstraint('session_id', name=op.f('uq_elearning_launch_session_id')),
    sa.UniqueConstraint('fetch_token_hash', name=op.f('uq_elearning_launch_fetch_token_hash'))
    )
    op.create_index(op.f('ix_elearning_launch_unit_id'), 'elearning_launch', ['unit_id'], unique=False)
    op.create_index(op.f('ix_elearning_launch_user_id'), 'elearning_launch', ['user_id'], unique=False)
    op.create_index(op.f('ix_elearning_launch_registration'), 'elearning_launch', ['registration'], unique=False)
    op.create_table('elearning_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('failed', sa.Boolean(), nullable=False),
    sa.Column('score_scaled', sa.Float(), nullable=True),
    sa.Column('satisfied_at', sa.DateTime(), nullable=True),
    sa.Column('runtime', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['elearning_unit.id'], name=op.f('fk_elearning_result_unit_id_elearning_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_elearning_result_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elearning_result')),
    sa.UniqueConstraint('unit_id', 'user_id', name='uq_elearning_result_unit_id_user_id')
    )
    op.create_index(op.f('ix_elearning_result_unit_id'), 'elearning_result', ['unit_id'], unique=False)
    op.create_index(op.f('ix_elearning_result_user_id'), 'elearning_result', ['user_id'], unique=False)


def downgrade():
    op.drop_table('elearning_result')
    op.drop_table('elearning_launch')
    op.drop_table('elearning_unit')
    op.drop_table('elearning_package')
