"""Quizzes: question bank, quizzes, attempts

Revision ID: quizzes_0001
Revises: 
Create Date: 2026-11-25 11:54:49.205334

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'quizzes_0001'
down_revision = None
branch_labels = ('quizzes',)
depends_on = ("core_0001", "courses_0001")


def upgrade():
    op.create_table('quiz_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['quiz_category.id'], name=op.f('fk_quiz_category_parent_id_quiz_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_category')),
    sa.UniqueConstraint('parent_id', 'name', name='uq_quiz_category_parent_name')
    )
    with op.batch_alter_table('quiz_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_category_parent_id'), ['parent_id'], unique=False)

    op.create_table('quiz',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('random_category_id', sa.Integer(), nullable=True),
    sa.Column('random_count', sa.Integer(), nullable=False),
    sa.Column('random_mark', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('shuffle_questions', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('shuffle_options', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('cooldown_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('grading_method', sa.String(length=10), nullable=False),
    sa.Column('open_at', sa.DateTime(), nullable=True),
    sa.Column('close_at', sa.DateTime(), nullable=True),
    sa.Column('review', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("grading_method IN ('highest', 'last', 'first', 'average')", name=op.f('ck_quiz_grading_method_known')),
    sa.CheckConstraint("review IN ('score_only', 'with_answers', 'answers_after_close', 'answers_after_pass')", name=op.f('ck_quiz_review_known')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_quiz_course_id_course'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['random_category_id'], ['quiz_category.id'], name=op.f('fk_quiz_random_category_id_quiz_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz')),
    sa.UniqueConstraint('course_id', name=op.f('uq_quiz_course_id'))
    )
    op.create_table('quiz_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('qtype', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['quiz_category.id'], name=op.f('fk_quiz_question_category_id_quiz_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_question'))
    )
    with op.batch_alter_table('quiz_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_question_category_id'), ['category_id'], unique=False)

    op.create_table('quiz_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('open_key', sa.String(length=40), nullable=True),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('deadline_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('marks', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('max_marks', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('percent', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('needs_grading', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("state IN ('open', 'finished')", name=op.f('ck_quiz_attempt_state_known')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_attempt_quiz_id_quiz'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_quiz_attempt_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt')),
    sa.UniqueConstraint('open_key', name=op.f('uq_quiz_attempt_open_key'))
    )
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempt_quiz_user', ['quiz_id', 'user_id'], unique=False)
        batch_op.create_index('ix_quiz_attempt_state_deadline', ['state', 'deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_fixed_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('max_mark', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_question.id'], name=op.f('fk_quiz_fixed_question_question_id_quiz_question')),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_fixed_question_quiz_id_quiz'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_fixed_question')),
    sa.UniqueConstraint('quiz_id', 'question_id', name='uq_quiz_fixed_question_pair')
    )
    with op.batch_alter_table('quiz_fixed_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_fixed_question_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_fixed_question_quiz_id'), ['quiz_id'], unique=False)

    op.create_table('quiz_question_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('qtype', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_format', sa.String(length=16), nullable=False),
    sa.Column('general_feedback', sa.Text(), nullable=False),
    sa.Column('general_feedback_format', sa.String(length=16), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('default_mark', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_question.id'], name=op.f('fk_quiz_question_version_question_id_quiz_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_question_version')),
    sa.UniqueConstraint('question_id', 'number', name='uq_quiz_question_version_number')
    )
    with op.batch_alter_table('quiz_question_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_question_version_question_id'), ['question_id'], unique=False)

    op.create_table('quiz_attempt_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('max_mark', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('fraction', sa.Numeric(precision=10, scale=7), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempt.id'], name=op.f('fk_quiz_attempt_slot_attempt_id_quiz_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['user.id'], name=op.f('fk_quiz_attempt_slot_graded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_version_id'], ['quiz_question_version.id'], name=op.f('fk_quiz_attempt_slot_question_version_id_quiz_question_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_slot')),
    sa.UniqueConstraint('attempt_id', 'position', name='uq_quiz_attempt_slot_position')
    )
    with op.batch_alter_table('quiz_attempt_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempt_slot_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_slot_question_version_id'), ['question_version_id'], unique=False)

    op.create_table('quiz_answer',
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['slot_id'], ['quiz_attempt_slot.id'], name=op.f('fk_quiz_answer_slot_id_quiz_attempt_slot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('slot_id', name=op.f('pk_quiz_answer'))
    )


def downgrade():
    op.drop_table('quiz_answer')
    with op.batch_alter_table('quiz_attempt_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_slot_question_version_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_slot_attempt_id'))

    op.drop_table('quiz_attempt_slot')
    with op.batch_alter_table('quiz_question_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_question_version_question_id'))

    op.drop_table('quiz_question_version')
    with op.batch_alter_table('quiz_fixed_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_fixed_question_quiz_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_fixed_question_question_id'))

    op.drop_table('quiz_fixed_question')
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_user_id'))
        batch_op.drop_index('ix_quiz_attempt_state_deadline')
        batch_op.drop_index('ix_quiz_attempt_quiz_user')

    op.drop_table('quiz_attempt')
    with op.batch_alter_table('quiz_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_question_category_id'))

    op.drop_table('quiz_question')
    op.drop_table('quiz')
    with op.batch_alter_table('quiz_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_category_parent_id'))

    op.drop_table('quiz_category')
