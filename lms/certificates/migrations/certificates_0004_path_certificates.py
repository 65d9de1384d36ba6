"""A learning path's own certificate: ``learning_path_id`` set and ``course_id`` NULL.

Completing every course of a path that has a certificate issues one for the path (its title and
validity); one certificate per learner, path and edition, as for courses.

Revision ID: certificates_0004
Revises: certificates_0003
"""
from alembic import op
import sqlalchemy as sa


revision = 'certificates_0004'
down_revision = 'certificates_0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.add_column(sa.Column('learning_path_id', sa.Integer(), nullable=True))
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_certificate_learning_path_id_learning_path'), 'learning_path',
                                    ['learning_path_id'], ['id'])
        batch_op.create_unique_constraint('uq_certificate_path_issue', ['user_id', 'learning_path_id', 'edition'])


def downgrade():
    op.execute("DELETE FROM certificate WHERE course_id IS NULL")
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.drop_constraint('uq_certificate_path_issue', type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_certificate_learning_path_id_learning_path'), type_='foreignkey')
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('learning_path_id')
