"""Certificates: issued certificates, per-year serial counters, vetoed completions, sent reminders.

Revision ID: certificates_0001
Revises:
"""
from alembic import op
import sqlalchemy as sa


revision = 'certificates_0001'
down_revision = None
branch_labels = ('certificates',)
depends_on = ('core_0001', 'courses_0001')


def upgrade():
    op.create_table('certificate_serial_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_certificate_serial_counter'))
    )
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('course_version', sa.Integer(), nullable=False),
    sa.Column('edition', sa.Integer(), server_default='0', nullable=False),
    sa.Column('learner_name', sa.String(length=200), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=True),
    sa.Column('dealer_name', sa.String(length=200), nullable=True),
    sa.Column('course_title', sa.String(length=300), nullable=False),
    sa.Column('score_percent', sa.Double(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=500), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_size', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_course_id_course')),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealer.id'], name=op.f('fk_certificate_dealer_id_dealer')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_certificate_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code')),
    sa.UniqueConstraint('serial', name=op.f('uq_certificate_serial')),
    sa.UniqueConstraint('user_id', 'course_id', 'course_version', 'edition', name='uq_certificate_issue')
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index('ix_certificate_course_user', ['course_id', 'user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_dealer_id'), ['dealer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_user_id'), ['user_id'], unique=False)

    op.create_table('certificate_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('course_version', sa.Integer(), nullable=False),
    sa.Column('score_percent', sa.Double(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_pending_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_certificate_pending_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_pending')),
    sa.UniqueConstraint('user_id', 'course_id', 'course_version', name='uq_certificate_pending_completion')
    )
    with op.batch_alter_table('certificate_pending', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_pending_user_id'), ['user_id'], unique=False)

    op.create_table('certificate_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('threshold_days', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('emailed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_reminder_certificate_id_certificate'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_reminder')),
    sa.UniqueConstraint('certificate_id', 'threshold_days', name='uq_certificate_reminder_threshold')
    )


def downgrade():
    op.drop_table('certificate_reminder')
    with op.batch_alter_table('certificate_pending', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_pending_user_id'))
    op.drop_table('certificate_pending')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_user_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_expires_at'))
        batch_op.drop_index(batch_op.f('ix_certificate_dealer_id'))
        batch_op.drop_index('ix_certificate_course_user')
    op.drop_table('certificate')
    op.drop_table('certificate_serial_counter')
