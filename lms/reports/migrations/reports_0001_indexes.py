"""Report indexes on the courses and quizzes tables.

Revision ID: reports_0001
Revises:
Create Date: 2026-11-25
"""
from alembic import op

revision = "reports_0001"
down_revision = None
branch_labels = ("reports",)
# quizzes and certificates depend on core and courses themselves (listing those too confuses Alembic).
depends_on = ("quizzes_0001", "certificates_0001")

INDEXES = (
    ("ix_reports_lesson_progress_started_at", "lesson_progress", ["started_at"]),
    ("ix_reports_lesson_progress_completed_at", "lesson_progress", ["completed_at"]),
    ("ix_reports_quiz_attempt_started_at", "quiz_attempt", ["started_at"]),
    ("ix_reports_course_completion_completed_at", "course_completion", ["completed_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
