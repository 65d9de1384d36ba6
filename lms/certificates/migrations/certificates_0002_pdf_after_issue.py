"""Certificates are recorded first and get their PDF afterwards, outside the issuing transaction.

Rendering and signing take 50–500 ms; while the serial counter was held for them, every other
write waited (the exam-campaign benchmark's answer-save p95). A NULL digest means "PDF not attached
yet"; the first download attaches it.

Revision ID: certificates_0002
Revises: certificates_0001
"""
from alembic import op
import sqlalchemy as sa


revision = 'certificates_0002'
down_revision = 'certificates_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.alter_column('pdf_sha256', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('pdf_size', existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.alter_column('pdf_size', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('pdf_sha256', existing_type=sa.String(length=64), nullable=False)
