"""Course builder: completion rule, the validity kept while the certificate is off, the certificate
template, drafts of a next version; learning paths get an audience and an optional certificate of their own.

Revision ID: courses_0002
Revises: courses_0001
"""
from alembic import op
import sqlalchemy as sa


revision = 'courses_0002'
down_revision = 'courses_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_months_kept', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('certificate_template', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('completion_rule', sa.String(length=20), server_default='lessons_and_exam',
                                      nullable=False))
        batch_op.add_column(sa.Column('draft_of_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_course_draft_of_id'), ['draft_of_id'])
        batch_op.create_foreign_key(batch_op.f('fk_course_draft_of_id_course'), 'course', ['draft_of_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_course_completion_rule_known'),
                                         "completion_rule IN ('lessons_and_exam', 'exam_only')")
    op.execute("UPDATE course SET certificate_months_kept = certificate_validity_months")

    with op.batch_alter_table('learning_path', schema=None) as batch_op:
        batch_op.add_column(sa.Column('targets_all', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('tiers', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('regions', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('certificate_validity_months', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('learning_path', schema=None) as batch_op:
        batch_op.drop_column('certificate_validity_months')
        batch_op.drop_column('regions')
        batch_op.drop_column('tiers')
        batch_op.drop_column('targets_all')

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_course_completion_rule_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_course_draft_of_id_course'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_course_draft_of_id'), type_='unique')
        batch_op.drop_column('draft_of_id')
        batch_op.drop_column('completion_rule')
        batch_op.drop_column('certificate_template')
        batch_op.drop_column('certificate_months_kept')
