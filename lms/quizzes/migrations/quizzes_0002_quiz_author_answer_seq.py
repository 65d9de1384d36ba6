"""A quiz's author (who may see its attempts) and each saved answer's client sequence number.

Quizzes made before this have no author: only managers and admins see their attempts until a
manager assigns one. Answers saved before this have no number: the next save of the slot wins.

Revision ID: quizzes_0002
Revises: quizzes_0001
"""
from alembic import op
import sqlalchemy as sa


revision = 'quizzes_0002'
down_revision = 'quizzes_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz') as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_quiz_author_id_user'), 'user', ['author_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('quiz_answer') as batch_op:
        batch_op.add_column(sa.Column('client_seq', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('quiz_answer') as batch_op:
        batch_op.drop_column('client_seq')
    with op.batch_alter_table('quiz') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_quiz_author_id_user'), type_='foreignkey')
        batch_op.drop_column('author_id')
