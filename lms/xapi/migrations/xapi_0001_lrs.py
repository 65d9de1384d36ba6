"""The xAPI LRS: statements (jsonb on PostgreSQL) with their filter columns and links, attachments,
activities, documents and launch credentials.

Revision ID: xapi_0001
Revises:

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = 'xapi_0001'
down_revision = None
branch_labels = ('xapi',)
depends_on = ('core_0001', 'api_0001')

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table('xapi_statement',
    sa.Column('stored_seq', BIG_ID, nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('actor_ifi', sa.String(length=500), nullable=True),
    sa.Column('object_agent_ifi', sa.String(length=500), nullable=True),
    sa.Column('verb_id', sa.String(length=1000), nullable=False),
    sa.Column('activity_id', sa.String(length=1000), nullable=True),
    sa.Column('target_statement_id', sa.String(length=36), nullable=True),
    sa.Column('registration', sa.String(length=36), nullable=True),
    sa.Column('stored', sa.DateTime(), nullable=False),
    sa.Column('voided', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=True),
    sa.Column('statement', JSON_DOCUMENT, nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_xapi_statement_token_id_api_token'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('stored_seq', name=op.f('pk_xapi_statement')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_statement_statement_id'))
    )
    with op.batch_alter_table('xapi_statement', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_statement_actor_activity', ['actor_ifi', 'activity_id', 'stored_seq'])
        batch_op.create_index('ix_xapi_statement_object_agent', ['object_agent_ifi', 'stored_seq'])
        batch_op.create_index('ix_xapi_statement_verb', ['verb_id', 'stored_seq'])
        batch_op.create_index('ix_xapi_statement_activity', ['activity_id', 'stored_seq'])
        batch_op.create_index('ix_xapi_statement_registration', ['registration', 'stored_seq'])
        batch_op.create_index('ix_xapi_statement_stored', ['stored', 'stored_seq'])
        batch_op.create_index(batch_op.f('ix_xapi_statement_target_statement_id'), ['target_statement_id'])
        batch_op.create_index(batch_op.f('ix_xapi_statement_token_id'), ['token_id'])
    op.create_table('xapi_statement_link',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('stored_seq', BIG_ID, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('value', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['stored_seq'], ['xapi_statement.stored_seq'],
                            name=op.f('fk_xapi_statement_link_stored_seq_xapi_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_statement_link'))
    )
    with op.batch_alter_table('xapi_statement_link', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_statement_link_value', ['kind', 'value', 'stored_seq'])
        batch_op.create_index(batch_op.f('ix_xapi_statement_link_stored_seq'), ['stored_seq'])
    op.create_table('xapi_attachment',
    sa.Column('sha2', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha2', name=op.f('pk_xapi_attachment'))
    )
    op.create_table('xapi_activity',
    sa.Column('activity_id', sa.String(length=1000), nullable=False),
    sa.Column('definition', JSON_DOCUMENT, nullable=False),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_xapi_activity'))
    )
    op.create_table('xapi_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('activity_id', sa.String(length=1000), nullable=False),
    sa.Column('agent_ifi', sa.String(length=500), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=1000), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('updated', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_document')),
    sa.UniqueConstraint('kind', 'activity_id', 'agent_ifi', 'registration', 'document_id',
                        name='uq_xapi_document_key')
    )
    op.create_table('xapi_launch_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agent_ifi', sa.String(length=500), nullable=False),
    sa.Column('activity_id', sa.String(length=1000), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=True),
    sa.Column('token_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_xapi_launch_credential_token_id_api_token'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_xapi_launch_credential_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_launch_credential')),
    sa.UniqueConstraint('key', name=op.f('uq_xapi_launch_credential_key'))
    )
    with op.batch_alter_table('xapi_launch_credential', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_launch_credential_token_id'), ['token_id'])
        batch_op.create_index(batch_op.f('ix_xapi_launch_credential_user_id'), ['user_id'])


def downgrade():
    op.drop_table('xapi_launch_credential')
    op.drop_table('xapi_document')
    op.drop_table('xapi_activity')
    op.drop_table('xapi_attachment')
    op.drop_table('xapi_statement_link')
    op.drop_table('xapi_statement')
