"""Read models for the learner pages: a fixed number of queries however many courses and lessons there are."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from lms.courses.access import STAFF_SEE_ALL, visible_course_ids
from lms.courses.models import (
    Course, CourseCompletionRecord, CourseSection, LearningPath, LearningPathCourse, Lesson, LessonProgress,
)
from lms.courses.paths import path_visible_to
from lms.courses.services import optional_module
from lms.extensions import db
from lms.plugins import plugin_manager


@dataclass
class CourseCard:
    """A course on the tab, with the learner's progress and the next lesson to open."""

    course: Course
    total: int = 0
    done: int = 0
    minutes: int = 0
    next_lesson_slug: str | None = None
    completed: bool = False
    locked: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class PathView:
    path: LearningPath
    cards: list[CourseCard] = field(default_factory=list)


def catalogue(user) -> tuple[list[PathView], list[CourseCard]]:
    """Learning paths (with their courses in order) and the courses in no path, for ``user``."""
    visible = visible_course_ids(user)
    courses = db.session.scalars(sa.select(Course).where(Course.id.in_(visible)).order_by(Course.title)).all()
    cards = {course.id: CourseCard(course) for course in courses}
    rows = db.session.execute(
        sa.select(Lesson.course_id, Lesson.slug, Lesson.required, Lesson.minutes, LessonProgress.completed_at)
        .join(CourseSection, Lesson.section_id == CourseSection.id)
        .outerjoin(LessonProgress, sa.and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user.id))
        .where(Lesson.course_id.in_(visible))
        .order_by(Lesson.course_id, CourseSection.position, Lesson.position))
    for course_id, slug, _required, minutes, completed_at in rows:
        card = cards[course_id]
        card.total += 1
        card.minutes += minutes or 0
        if completed_at is not None:
            card.done += 1
        elif card.next_lesson_slug is None:
            card.next_lesson_slug = slug
    completed = completed_course_ids(user.id)
    for card in cards.values():
        card.completed = card.course.id in completed
    steps = db.session.execute(
        sa.select(LearningPath, LearningPathCourse.course_id)
        .join(LearningPathCourse, LearningPathCourse.path_id == LearningPath.id)
        .order_by(LearningPath.position, LearningPath.title, LearningPathCourse.position)).all()
    paths: dict[int, PathView] = {}
    in_paths = set()
    for path, course_id in steps:
        if not path_visible_to(path, user, STAFF_SEE_ALL):
            continue
        view = paths.setdefault(path.id, PathView(path))
        card = cards.get(course_id)
        if card is None:
            continue
        card.locked = any(not earlier.completed for earlier in view.cards)
        view.cards.append(card)
        in_paths.add(course_id)
    return ([view for view in paths.values() if view.cards],
            [card for card in cards.values() if card.course.id not in in_paths])


def completed_course_ids(user_id: int) -> set[int]:
    """Courses the learner completed (any version)."""
    return set(db.session.scalars(
        sa.select(CourseCompletionRecord.course_id).where(CourseCompletionRecord.user_id == user_id).distinct()))


def course_locked(user, course_id: int) -> bool:
    """A course is locked while an earlier visible course of one of its learning paths is not completed."""
    me = aliased(LearningPathCourse)
    earlier = aliased(LearningPathCourse)
    done = sa.select(CourseCompletionRecord.id).where(
        CourseCompletionRecord.course_id == earlier.course_id, CourseCompletionRecord.user_id == user.id)
    blocking = (sa.select(earlier.id)
                .join(me, sa.and_(me.path_id == earlier.path_id, me.course_id == course_id,
                                  earlier.position < me.position))
                .where(earlier.course_id.in_(visible_course_ids(user)), ~sa.exists(done)))
    return bool(db.session.scalar(sa.select(sa.exists(blocking))))


def lesson_outline(course_id: int, user_id: int) -> tuple[list[CourseSection], dict[int, LessonProgress]]:
    """The course's sections with their lessons loaded, and the learner's progress by lesson id (3 queries)."""
    from sqlalchemy.orm import selectinload

    sections = db.session.scalars(
        sa.select(CourseSection).where(CourseSection.course_id == course_id)
        .options(selectinload(CourseSection.lessons)).order_by(CourseSection.position)).all()
    progress = db.session.scalars(
        sa.select(LessonProgress).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(Lesson.course_id == course_id, LessonProgress.user_id == user_id)).all()
    return sections, {row.lesson_id: row for row in progress}


def exam_summaries(course_id: int, user_id: int) -> list[dict]:
    """The course's exams for the course page, when the quiz domain is loaded and offers them."""
    if plugin_manager().get_plugin("lms.quizzes.hooks") is None:
        return []
    summaries = getattr(optional_module("lms.quizzes.services"), "course_quiz_summaries", None)
    return summaries(course_id, user_id) if summaries else []


def completed_by_its_player(lesson_id: int) -> bool:
    """Whether an e-learning package's player decides this lesson's completion (SCORM, cmi5, Tin Can):
    then the learner's own "studied" click must not complete it without playing the package."""
    if plugin_manager().get_plugin("lms.elearning.hooks") is None:
        return False
    models = optional_module("lms.elearning.models")
    if models is None:
        return False
    unit = models.ElearningUnit
    return db.session.scalar(sa.select(unit.id).where(unit.lesson_id == lesson_id).limit(1)) is not None


def feedback_survey_id(course_id: int) -> int | None:
    """The course's published feedback survey, offered once the course is completed."""
    if plugin_manager().get_plugin("lms.surveys.hooks") is None:
        return None
    lookup = getattr(optional_module("lms.surveys.api"), "feedback_survey_for_course", None)
    return lookup(course_id) if lookup else None
