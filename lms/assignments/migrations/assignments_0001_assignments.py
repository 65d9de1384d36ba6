"""Assignments, each person's copy of them, and the learners' calendar feeds.

Revision ID: assignments_0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "assignments_0001"
down_revision = None
branch_labels = ("assignments",)
depends_on = ("core_0001", "courses_0001")


def upgrade():
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("path_id", sa.Integer(), nullable=True),
        sa.Column("audience_kind", sa.String(length=10), nullable=False),
        sa.Column("audience_values", sa.JSON(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=True),
        sa.Column("due_kind", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_days", sa.Integer(), nullable=True),
        sa.Column("renew_days_before", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(course_id IS NULL) <> (path_id IS NULL)", name=op.f("ck_assignment_one_target")),
        sa.CheckConstraint("audience_kind IN ('all', 'tier', 'region', 'dealers', 'roles', 'people')",
                           name=op.f("ck_assignment_audience_kind_known")),
        sa.CheckConstraint("due_kind IN ('fixed', 'after_joining', 'after_assignment')",
                           name=op.f("ck_assignment_due_kind_known")),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"], name=op.f("fk_assignment_course_id_course"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["path_id"], ["learning_path.id"],
                                name=op.f("fk_assignment_path_id_learning_path"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealer.id"], name=op.f("fk_assignment_dealer_id_dealer"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_assignment_created_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_path_id"), ["path_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_dealer_id"), ["dealer_id"], unique=False)

    op.create_table(
        "assignment_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("cycle", sa.Integer(), server_default="1", nullable=False),
        sa.Column("counts_from", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("exempt_reason", sa.String(length=500), nullable=True),
        sa.Column("exempted_by_id", sa.Integer(), nullable=True),
        sa.Column("exempted_at", sa.DateTime(), nullable=True),
        sa.Column("new_sent_at", sa.DateTime(), nullable=True),
        sa.Column("due_soon_sent_at", sa.DateTime(), nullable=True),
        sa.Column("overdue_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"],
                                name=op.f("fk_assignment_person_assignment_id_assignment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_assignment_person_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["exempted_by_id"], ["user.id"],
                                name=op.f("fk_assignment_person_exempted_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_person")),
        sa.UniqueConstraint("assignment_id", "user_id", name="uq_assignment_person_assignment_id_user_id"),
    )
    with op.batch_alter_table("assignment_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_person_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index("ix_assignment_person_user_due", ["user_id", "due_on"], unique=False)

    op.create_table(
        "assignment_calendar_feed",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_assignment_calendar_feed_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_assignment_calendar_feed")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_assignment_calendar_feed_token_sha256")),
    )


def downgrade():
    op.drop_table("assignment_calendar_feed")
    op.drop_table("assignment_person")
    op.drop_table("assignment")
