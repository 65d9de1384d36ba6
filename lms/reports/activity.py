"""Activity over time: weekly active learners and weekly course completions (one query).

A learner is active in a week when they were last seen in it, opened or completed a lesson in it,
or started a quiz attempt in it. Weeks run from Monday 00:00 UTC.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from lms.auth.models import User
from lms.courses.models import CourseCompletionRecord, LessonProgress
from lms.extensions import db
from lms.quizzes.models import Attempt
from lms.reports.scope import Scope
from lms.reports.sqlfuncs import week_index

MAX_WEEKS = 26  # at full scale longer spans would not answer within a second


def first_monday(now: datetime, weeks: int) -> datetime:
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday - timedelta(weeks=weeks - 1)


def weekly(scope: Scope, now: datetime, weeks: int = 12) -> list[dict]:
    """``weeks`` rows ending with the current week: week start, active learners, completions."""
    start = first_monday(now, weeks)
    users = sa.select(User.id).where(scope.staff_condition())
    events = sa.union_all(
        sa.select(User.id.label("user_id"), User.last_seen_at.label("at"))
        .where(scope.staff_condition(), User.last_seen_at >= start),
        sa.select(LessonProgress.user_id, LessonProgress.started_at)
        .where(LessonProgress.started_at >= start, LessonProgress.user_id.in_(users)),
        sa.select(LessonProgress.user_id, LessonProgress.completed_at)
        .where(LessonProgress.completed_at >= start, LessonProgress.user_id.in_(users)),
        sa.select(Attempt.user_id, Attempt.started_at)
        .where(Attempt.started_at >= start, Attempt.user_id.in_(users)),
    ).subquery("events")
    active_week = week_index(events.c.at, sa.literal(start, sa.DateTime))
    done_week = week_index(CourseCompletionRecord.completed_at, sa.literal(start, sa.DateTime))
    active = (sa.select(sa.literal("active").label("kind"), active_week.label("week"),
                        sa.func.count(sa.distinct(events.c.user_id)).label("n"))
              .group_by(active_week))
    completions = (sa.select(sa.literal("completions").label("kind"), done_week.label("week"),
                             sa.func.count().label("n"))
                   .where(CourseCompletionRecord.completed_at >= start, CourseCompletionRecord.user_id.in_(users))
                   .group_by(done_week))
    counts = {(row.kind, row.week): row.n for row in db.session.execute(sa.union_all(active, completions))}
    return [{"week": (start + timedelta(weeks=i)).date(), "active": counts.get(("active", i), 0),
             "completions": counts.get(("completions", i), 0)} for i in range(weeks)]
