"""External-id links record how they were made (created, linked by an admin, or adopted by e-mail).

Links made before this revision are "created" when the link came with the user, and "adopted" when
the user existed before the link: those are the e-mail adoptions the API no longer makes, and they
give the integration no right to update the user until an admin confirms them.

Revision ID: api_0002
Revises: api_0001
"""
from datetime import datetime, timedelta

from alembic import op
import sqlalchemy as sa


revision = 'api_0002'
down_revision = 'api_0001'
branch_labels = None
depends_on = None

# A created user and its link are flushed in one request, well within this.
SAME_REQUEST = timedelta(seconds=10)


def _as_datetime(value):
    # SQLite hands back text through a plain query; PostgreSQL a datetime.
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def upgrade():
    with op.batch_alter_table('api_user_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='created', nullable=False))
        batch_op.add_column(sa.Column('linked_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_api_user_link_linked_by_id_user'), 'user', ['linked_by_id'], ['id'],
                                    ondelete='SET NULL')
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        'SELECT api_user_link.id, api_user_link.created_at, "user".created_at FROM api_user_link '
        'JOIN "user" ON "user".id = api_user_link.user_id')).all()
    adopted = [link_id for link_id, linked_at, user_created_at in rows
               if _as_datetime(linked_at) - _as_datetime(user_created_at) > SAME_REQUEST]
    for link_id in adopted:
        connection.execute(sa.text("UPDATE api_user_link SET origin = 'adopted' WHERE id = :id"), {"id": link_id})


def downgrade():
    with op.batch_alter_table('api_user_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_user_link_linked_by_id_user'), type_='foreignkey')
        batch_op.drop_column('linked_by_id')
        batch_op.drop_column('origin')
