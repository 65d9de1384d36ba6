"""Courses: targeting, sections, lessons, assets, progress, completions, learning paths.

Revision ID: courses_0001
Revises:
Create Date: 2026-11-25 11:49:30.625766

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'courses_0001'
down_revision = None
branch_labels = ('courses',)
depends_on = "core_0001"


def upgrade():
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('product_line', sa.String(length=120), nullable=True),
    sa.Column('certificate_validity_months', sa.Integer(), nullable=True),
    sa.Column('targets_all', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course')),
    sa.UniqueConstraint('slug', name=op.f('uq_course_slug'))
    )
    op.create_table('learning_path',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_path')),
    sa.UniqueConstraint('slug', name=op.f('uq_learning_path_slug'))
    )
    op.create_table('course_asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('mime_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('storage_path', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_asset_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_asset')),
    sa.UniqueConstraint('course_id', 'name', name='uq_course_asset_course_id_name')
    )
    with op.batch_alter_table('course_asset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_asset_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_asset_sha256'), ['sha256'], unique=False)

    op.create_table('course_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_section_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_section'))
    )
    with op.batch_alter_table('course_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_section_course_id'), ['course_id'], unique=False)

    op.create_table('course_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=True),
    sa.Column('dealer_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('tier', 'region', 'dealer')", name=op.f('ck_course_target_kind_known')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_target_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealer.id'], name=op.f('fk_course_target_dealer_id_dealer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_target'))
    )
    with op.batch_alter_table('course_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_target_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_target_dealer_id'), ['dealer_id'], unique=False)

    op.create_table('learning_path_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_learning_path_course_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['path_id'], ['learning_path.id'], name=op.f('fk_learning_path_course_path_id_learning_path'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_path_course')),
    sa.UniqueConstraint('path_id', 'course_id', name='uq_learning_path_course_path_id_course_id')
    )
    with op.batch_alter_table('learning_path_course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_path_course_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_path_course_path_id'), ['path_id'], unique=False)

    op.create_table('course_completion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('course_version', sa.Integer(), nullable=False),
    sa.Column('score_percent', sa.Float(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_completion_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_course_completion_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_completion')),
    sa.UniqueConstraint('user_id', 'course_id', 'course_version', name='uq_course_completion_user_course_version')
    )
    with op.batch_alter_table('course_completion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_completion_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_completion_user_id'), ['user_id'], unique=False)

    op.create_table('lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('file_asset_id', sa.Integer(), nullable=True),
    sa.Column('preview_asset_id', sa.Integer(), nullable=True),
    sa.Column('video_url', sa.String(length=500), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('markdown', 'pdf', 'video', 'attachment')", name=op.f('ck_lesson_kind_known')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_lesson_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['file_asset_id'], ['course_asset.id'], name=op.f('fk_lesson_file_asset_id_course_asset'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['preview_asset_id'], ['course_asset.id'], name=op.f('fk_lesson_preview_asset_id_course_asset'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['course_section.id'], name=op.f('fk_lesson_section_id_course_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson')),
    sa.UniqueConstraint('course_id', 'slug', name='uq_lesson_course_id_slug')
    )
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_section_id'), ['section_id'], unique=False)

    op.create_table('lesson_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_progress_lesson_id_lesson'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lesson_progress_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_progress')),
    sa.UniqueConstraint('user_id', 'lesson_id', name='uq_lesson_progress_user_id_lesson_id')
    )
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_progress_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_progress_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_progress_user_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_progress_lesson_id'))

    op.drop_table('lesson_progress')
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_section_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_course_id'))

    op.drop_table('lesson')
    with op.batch_alter_table('course_completion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_completion_user_id'))
        batch_op.drop_index(batch_op.f('ix_course_completion_course_id'))

    op.drop_table('course_completion')
    with op.batch_alter_table('learning_path_course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_path_course_path_id'))
        batch_op.drop_index(batch_op.f('ix_learning_path_course_course_id'))

    op.drop_table('learning_path_course')
    with op.batch_alter_table('course_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_target_dealer_id'))
        batch_op.drop_index(batch_op.f('ix_course_target_course_id'))

    op.drop_table('course_target')
    with op.batch_alter_table('course_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_section_course_id'))

    op.drop_table('course_section')
    with op.batch_alter_table('course_asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_asset_sha256'))
        batch_op.drop_index(batch_op.f('ix_course_asset_course_id'))

    op.drop_table('course_asset')
    op.drop_table('learning_path')
    op.drop_table('course')
