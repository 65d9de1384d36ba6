"""lms_polls: polls (surveys of the core engine) and the reminders sent about them.

Revision ID: lms_polls_0001
Revises:

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lms_polls_0001'
down_revision = None
branch_labels = ('lms_polls',)
depends_on = 'surveys_0001'


def upgrade():
    op.create_table('lms_polls_poll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_lms_polls_poll_created_by_user')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_lms_polls_poll_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_polls_poll')),
    sa.UniqueConstraint('survey_id', name=op.f('uq_lms_polls_poll_survey_id'))
    )
    op.create_table('lms_polls_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=True),
    sa.Column('sent_by', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealer.id'], name=op.f('fk_lms_polls_reminder_dealer_id_dealer')),
    sa.ForeignKeyConstraint(['poll_id'], ['lms_polls_poll.id'], name=op.f('fk_lms_polls_reminder_poll_id_lms_polls_poll'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by'], ['user.id'], name=op.f('fk_lms_polls_reminder_sent_by_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_polls_reminder'))
    )
    with op.batch_alter_table('lms_polls_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_polls_reminder_poll_id'), ['poll_id'], unique=False)



def downgrade():
    with op.batch_alter_table('lms_polls_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_polls_reminder_poll_id'))

    op.drop_table('lms_polls_reminder')
    op.drop_table('lms_polls_poll')
