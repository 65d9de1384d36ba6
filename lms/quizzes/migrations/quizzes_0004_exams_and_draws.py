"""Several exams per course and several random draws per quiz (issue 19).

``quiz.course_id`` loses its unique constraint (an index stays, for "the course's exams"), so a
course may hold an intermediate test and a final exam. The quiz's one "N random questions from
category X" (random_category_id, random_count, random_mark) moves into ``quiz_random_draw`` rows,
one per draw; existing draws are copied, so nothing is lost.

Revision ID: quizzes_0004
Revises: quizzes_0003
"""
from alembic import op
import sqlalchemy as sa


revision = 'quizzes_0004'
down_revision = 'quizzes_0003'
branch_labels = None
depends_on = None


def upgrade():
    # The draws are read before the quiz table changes and written after, into the new table.
    draws = [{"quiz_id": row.id, "category_id": row.random_category_id, "position": 1, "count": row.random_count,
              "mark": row.random_mark} for row in op.get_bind().execute(sa.text(
                  "SELECT id, random_category_id, random_count, random_mark FROM quiz "
                  "WHERE random_category_id IS NOT NULL AND random_count > 0 ORDER BY id"))]
    with op.batch_alter_table('quiz') as batch_op:
        batch_op.drop_constraint('uq_quiz_course_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_quiz_course_id'), ['course_id'], unique=False)
        batch_op.drop_constraint('fk_quiz_random_category_id_quiz_category', type_='foreignkey')
        batch_op.drop_column('random_category_id')
        batch_op.drop_column('random_count')
        batch_op.drop_column('random_mark')
    table = op.create_table(
        'quiz_random_draw',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('mark', sa.Numeric(precision=8, scale=2), nullable=False),
        sa.CheckConstraint('count > 0', name=op.f('ck_quiz_random_draw_count_positive')),
        sa.ForeignKeyConstraint(['category_id'], ['quiz_category.id'],
                                name=op.f('fk_quiz_random_draw_category_id_quiz_category')),
        sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_random_draw_quiz_id_quiz'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_random_draw')),
    )
    with op.batch_alter_table('quiz_random_draw') as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_random_draw_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_random_draw_category_id'), ['category_id'], unique=False)
    if draws:
        op.bulk_insert(table, draws)


def downgrade():
    """Back to one draw and one exam: the first draw of each quiz is kept, and a course keeps only
    its lowest-numbered exam (the others become free quizzes), as the unique constraint demands."""
    with op.batch_alter_table('quiz') as batch_op:
        batch_op.add_column(sa.Column('random_category_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('random_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('random_mark', sa.Numeric(precision=8, scale=2), nullable=False,
                                      server_default='1'))
    op.execute("UPDATE quiz SET random_category_id = d.category_id, random_count = d.count, random_mark = d.mark "
               "FROM quiz_random_draw d WHERE d.quiz_id = quiz.id AND d.id = "
               "(SELECT MIN(e.id) FROM quiz_random_draw e WHERE e.quiz_id = quiz.id)")
    op.execute("UPDATE quiz SET course_id = NULL WHERE course_id IS NOT NULL AND id > "
               "(SELECT MIN(q.id) FROM quiz q WHERE q.course_id = quiz.course_id)")
    with op.batch_alter_table('quiz') as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_quiz_random_category_id_quiz_category'), 'quiz_category',
                                    ['random_category_id'], ['id'])
        batch_op.drop_index(batch_op.f('ix_quiz_course_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_quiz_course_id'), ['course_id'])
    op.drop_table('quiz_random_draw')
