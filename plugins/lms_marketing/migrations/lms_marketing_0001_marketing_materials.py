"""lms_marketing: catalogue items, dealer delivery profiles, orders and their status history.

Revision ID: lms_marketing_0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lms_marketing_0001'
down_revision = None
branch_labels = ('lms_marketing',)
depends_on = 'core_0001'


def upgrade():
    op.create_table('lms_marketing_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('format', sa.String(length=60), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('product_line', sa.String(length=120), nullable=True),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('min_per_order', sa.Integer(), nullable=False),
    sa.Column('max_per_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('required_course_slug', sa.String(length=120), nullable=True),
    sa.Column('required_product_line', sa.String(length=120), nullable=True),
    sa.Column('preview_sha256', sa.String(length=64), nullable=True),
    sa.Column('preview_mime', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('min_per_order >= 1 AND max_per_order >= min_per_order', name=op.f('ck_lms_marketing_item_order_limits')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_lms_marketing_item_stock_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_marketing_item'))
    )
    with op.batch_alter_table('lms_marketing_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_marketing_item_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_marketing_item_product_line'), ['product_line'], unique=False)

    op.create_table('lms_marketing_dealer_profile',
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealer.id'], name=op.f('fk_lms_marketing_dealer_profile_dealer_id_dealer')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_lms_marketing_dealer_profile_updated_by_id_user')),
    sa.PrimaryKeyConstraint('dealer_id', name=op.f('pk_lms_marketing_dealer_profile'))
    )
    op.create_table('lms_marketing_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('delivery_address', sa.Text(), nullable=False),
    sa.Column('delivery_contact', sa.String(length=200), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('tracking_number', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('new', 'approved', 'rejected', 'shipped', 'delivered')", name=op.f('ck_lms_marketing_order_status_known')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_lms_marketing_order_quantity_positive')),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealer.id'], name=op.f('fk_lms_marketing_order_dealer_id_dealer')),
    sa.ForeignKeyConstraint(['item_id'], ['lms_marketing_item.id'], name=op.f('fk_lms_marketing_order_item_id_lms_marketing_item')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lms_marketing_order_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_marketing_order'))
    )
    with op.batch_alter_table('lms_marketing_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_marketing_order_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_lms_marketing_order_dealer_quarter', ['dealer_id', 'quarter'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_marketing_order_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_marketing_order_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_lms_marketing_order_user_id'), ['user_id'], unique=False)

    op.create_table('lms_marketing_order_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_lms_marketing_order_status_change_changed_by_id_user')),
    sa.ForeignKeyConstraint(['order_id'], ['lms_marketing_order.id'], name=op.f('fk_lms_marketing_order_status_change_order_id_lms_marketing_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_marketing_order_status_change'))
    )
    with op.batch_alter_table('lms_marketing_order_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_marketing_order_status_change_order_id'), ['order_id'], unique=False)



def downgrade():
    with op.batch_alter_table('lms_marketing_order_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_marketing_order_status_change_order_id'))

    op.drop_table('lms_marketing_order_status_change')
    with op.batch_alter_table('lms_marketing_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_marketing_order_user_id'))
        batch_op.drop_index(batch_op.f('ix_lms_marketing_order_status'))
        batch_op.drop_index(batch_op.f('ix_lms_marketing_order_item_id'))
        batch_op.drop_index('ix_lms_marketing_order_dealer_quarter')
        batch_op.drop_index(batch_op.f('ix_lms_marketing_order_created_at'))

    op.drop_table('lms_marketing_order')
    op.drop_table('lms_marketing_dealer_profile')
    with op.batch_alter_table('lms_marketing_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_marketing_item_product_line'))
        batch_op.drop_index(batch_op.f('ix_lms_marketing_item_kind'))

    op.drop_table('lms_marketing_item')
