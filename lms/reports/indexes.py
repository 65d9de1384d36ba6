"""Indexes the report queries need on other domains' tables, declared here so models match migrations.

Each ``sa.Index`` bound to a column of another domain's table attaches itself to that table's
metadata on import; the reports migration (branch "reports") creates them.
"""
import sqlalchemy as sa

from lms.courses.models import CourseCompletionRecord, LessonProgress
from lms.quizzes.models import Attempt

# Weekly activity scans only recent rows: range scans on the event timestamps.
lesson_progress_started = sa.Index("ix_reports_lesson_progress_started_at", LessonProgress.__table__.c.started_at)
lesson_progress_completed = sa.Index("ix_reports_lesson_progress_completed_at",
                                     LessonProgress.__table__.c.completed_at)
attempt_started = sa.Index("ix_reports_quiz_attempt_started_at", Attempt.__table__.c.started_at)
completion_completed = sa.Index("ix_reports_course_completion_completed_at",
                                CourseCompletionRecord.__table__.c.completed_at)
