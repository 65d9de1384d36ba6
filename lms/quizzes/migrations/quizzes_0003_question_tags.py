"""Tags on bank questions, for finding them in the quiz editor (issue 19).

Kept as one "|a|b|" string: a tag is then found with one LIKE on both SQLite and PostgreSQL, and a
bank holds hundreds of questions, not millions.

Revision ID: quizzes_0003
Revises: quizzes_0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'quizzes_0003'
down_revision = 'quizzes_0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_question') as batch_op:
        batch_op.add_column(sa.Column('tags', sa.String(length=1000), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('quiz_question') as batch_op:
        batch_op.drop_column('tags')
