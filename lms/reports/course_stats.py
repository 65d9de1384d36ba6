"""Course report: enrolment, progress, completion, quiz results, time spent and the per-lesson funnel.

Definitions (all restricted to active staff of the dealers in scope):
- enrolled: anyone with progress — an opened lesson or a completion of the course (a quiz attempt
  alone does not enrol: the final quiz comes after the lessons);
- completed: learners with a completion of any version of the course; in progress = enrolled − completed;
- pass rate: passed ÷ graded attempts of the course's final quiz (finished attempts with a score);
- average score: the mean percentage of those graded attempts;
- average time spent: (time from opening to completing each lesson + duration of each finished
  attempt) summed over the course, divided by the enrolled learners. Each lesson or attempt counts
  at most LESSON_TIME_CAP seconds, so a tab left open overnight is not hours of study.
Each function is one SQL statement.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from lms.auth.models import User
from lms.courses.models import Course, CourseCompletionRecord, CourseSection, Lesson, LessonProgress
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz
from lms.reports.scope import Scope
from lms.reports.sqlfuncs import capped, seconds_between

LESSON_TIME_CAP = 2 * 3600


def tune_for_aggregates() -> None:
    """On PostgreSQL, for the rest of this transaction: no JIT, and room to aggregate in memory.

    JIT compiles this one-off query for 0.1–0.25 s and saves less than that; the (course, learner)
    hash aggregate needs about 20 MB at full scale and spills to disk within the default 4 MB.
    SET LOCAL ends with the request's transaction, so other queries keep the server's settings.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.set_config("jit", "off", True),
                                     sa.func.set_config("work_mem", "64MB", True)))


def _scoped_users(scope: Scope):
    return sa.select(User.id).where(scope.staff_condition())


def course_rows(scope: Scope, course_id: int | None = None) -> list[dict]:
    """One row per published course (or just ``course_id``) with every measure of the report."""
    users = _scoped_users(scope)
    lesson_time = capped(seconds_between(LessonProgress.completed_at, LessonProgress.started_at), LESSON_TIME_CAP)
    attempt_time = capped(seconds_between(Attempt.finished_at, Attempt.started_at), LESSON_TIME_CAP)
    course_filter = [Course.published.is_(True)] if course_id is None else [Course.id == course_id]

    def limited(query, column):
        return query.where(column == course_id) if course_id is not None else query

    # Two steps: one row per (course, learner), then per course. Over all dealers PostgreSQL runs
    # the first as a parallel hash aggregate and filters the ~200 000 pairs, not the million
    # progress rows, by scope; COUNT(DISTINCT) instead sorts every progress row of a course, on
    # disk at full scale. A narrowed scope has few learners: filter first, through the user index.
    per_learner = (limited(sa.select(Lesson.course_id, LessonProgress.user_id,
                                     sa.func.sum(sa.case((LessonProgress.completed_at.is_not(None), lesson_time)))
                                     .label("seconds"))
                           .join(Lesson, Lesson.id == LessonProgress.lesson_id), Lesson.course_id)
                   .group_by(Lesson.course_id, LessonProgress.user_id))
    if scope.narrowed:
        per_learner = per_learner.where(LessonProgress.user_id.in_(users))
    per_learner = per_learner.subquery("per_learner")
    progress = (sa.select(per_learner.c.course_id, sa.func.count().label("started"),
                          sa.func.sum(per_learner.c.seconds).label("seconds"))
                .where(per_learner.c.user_id.in_(users))
                .group_by(per_learner.c.course_id).subquery("progress"))
    other_progress = aliased(LessonProgress)
    other_lesson = aliased(Lesson)
    completed = (limited(sa.select(CourseCompletionRecord.course_id,
                                   sa.func.count(sa.distinct(CourseCompletionRecord.user_id)).label("completed"))
                         .where(CourseCompletionRecord.user_id.in_(users)), CourseCompletionRecord.course_id)
                 .group_by(CourseCompletionRecord.course_id).subquery("completed"))
    # Completing a course needs its required lessons, so only completers of a course without required
    # lessons can lack lesson progress: look for them there only (a per-completion check is slow).
    no_required = sa.select(Course.id).where(~sa.exists(sa.select(other_lesson.id).where(
        other_lesson.course_id == Course.id, other_lesson.required.is_(True))))
    no_progress = ~sa.exists(sa.select(other_progress.id).join(other_lesson, other_lesson.id == other_progress.lesson_id)
                             .where(other_progress.user_id == CourseCompletionRecord.user_id,
                                    other_lesson.course_id == CourseCompletionRecord.course_id))
    unstarted = (limited(sa.select(CourseCompletionRecord.course_id,
                                   sa.func.count(sa.distinct(CourseCompletionRecord.user_id)).label("without_progress"))
                         .where(CourseCompletionRecord.user_id.in_(users),
                                CourseCompletionRecord.course_id.in_(no_required), no_progress),
                         CourseCompletionRecord.course_id)
                 .group_by(CourseCompletionRecord.course_id).subquery("unstarted"))
    graded = sa.and_(Attempt.state == "finished", Attempt.percent.is_not(None))
    attempts = (limited(sa.select(Quiz.course_id, sa.func.count().filter(graded).label("graded"),
                                  sa.func.count().filter(graded, Attempt.passed.is_(True)).label("passed"),
                                  sa.func.avg(sa.case((graded, Attempt.percent))).label("avg_score"),
                                  sa.func.sum(attempt_time).label("seconds"))
                        .join(Attempt, Attempt.quiz_id == Quiz.id)
                        .where(Attempt.user_id.in_(users), Quiz.course_id.is_not(None)), Quiz.course_id)
                .group_by(Quiz.course_id).subquery("attempts"))
    # A course may hold several exams: the attempts above count them all, and the item-analysis
    # link goes to the last attached one, the final exam; one row per course either way.
    quiz = (sa.select(Quiz.course_id, sa.func.max(Quiz.id).label("id")).where(Quiz.course_id.is_not(None))
            .group_by(Quiz.course_id).subquery("quiz"))
    tune_for_aggregates()
    rows = db.session.execute(
        sa.select(Course.id, Course.slug, Course.title, Course.product_line, quiz.c.id.label("quiz_id"),
                  (sa.func.coalesce(progress.c.started, 0) + sa.func.coalesce(unstarted.c.without_progress, 0))
                  .label("enrolled"),
                  sa.func.coalesce(completed.c.completed, 0).label("completed"),
                  sa.func.coalesce(attempts.c.graded, 0).label("graded"),
                  sa.func.coalesce(attempts.c.passed, 0).label("passed"),
                  attempts.c.avg_score,
                  (sa.func.coalesce(progress.c.seconds, 0) + sa.func.coalesce(attempts.c.seconds, 0))
                  .label("seconds"))
        .outerjoin(quiz, quiz.c.course_id == Course.id)
        .outerjoin(progress, progress.c.course_id == Course.id)
        .outerjoin(completed, completed.c.course_id == Course.id)
        .outerjoin(unstarted, unstarted.c.course_id == Course.id)
        .outerjoin(attempts, attempts.c.course_id == Course.id)
        .where(*course_filter)
        .order_by(Course.title, Course.id))
    result = []
    for row in rows:
        enrolled_count = row.enrolled
        result.append({
            "id": row.id, "slug": row.slug, "title": row.title, "product_line": row.product_line,
            "quiz_id": row.quiz_id, "enrolled": enrolled_count, "completed": row.completed,
            "in_progress": max(enrolled_count - row.completed, 0), "graded": row.graded, "passed": row.passed,
            "pass_rate": round(100 * row.passed / row.graded, 1) if row.graded else None,
            "avg_score": round(float(row.avg_score), 1) if row.avg_score is not None else None,
            "avg_minutes": round(float(row.seconds) / 60 / enrolled_count, 1) if enrolled_count else None,
        })
    return result


def funnel(scope: Scope, course_id: int) -> list[dict]:
    """Per lesson, in course order: learners who started it and who completed it (one query)."""
    users = _scoped_users(scope)
    progress = (sa.select(LessonProgress.lesson_id,
                          sa.func.count().label("started"),
                          sa.func.count(LessonProgress.completed_at).label("completed"))
                .join(Lesson, Lesson.id == LessonProgress.lesson_id)
                .where(Lesson.course_id == course_id, LessonProgress.user_id.in_(users))
                .group_by(LessonProgress.lesson_id).subquery("progress"))
    rows = db.session.execute(
        sa.select(Lesson.id, Lesson.title, Lesson.required, sa.func.coalesce(progress.c.started, 0).label("started"),
                  sa.func.coalesce(progress.c.completed, 0).label("completed"))
        .join(CourseSection, CourseSection.id == Lesson.section_id)
        .outerjoin(progress, progress.c.lesson_id == Lesson.id)
        .where(Lesson.course_id == course_id)
        .order_by(CourseSection.position, Lesson.position, Lesson.id))
    return [dict(row._mapping) for row in rows]
