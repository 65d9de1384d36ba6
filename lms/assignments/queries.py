"""Read models of assignments: statuses in SQL, so every list is a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.assignments.models import Assignment, AssignmentPerson
from lms.auth.models import Dealer, User
from lms.courses.models import Course, LearningPath, LearningPathCourse, Lesson, LessonProgress
from lms.extensions import db
from lms.listing import Page, matches, page_of

STATUSES = ("overdue", "not_started", "in_progress", "done", "exempt")
STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "overdue": _l("Overdue"),
    "exempt": _l("Exempt"),
}


def _started():
    """SQL: the person opened a lesson of the course (or of a course of the path) in this cycle."""
    path_courses = sa.select(LearningPathCourse.course_id).where(LearningPathCourse.path_id == Assignment.path_id)
    return sa.exists(sa.select(LessonProgress.id).join(Lesson, Lesson.id == LessonProgress.lesson_id).where(
        LessonProgress.user_id == AssignmentPerson.user_id,
        sa.or_(Lesson.course_id == Assignment.course_id, Lesson.course_id.in_(path_courses)),
        sa.or_(AssignmentPerson.counts_from.is_(None), LessonProgress.started_at >= AssignmentPerson.counts_from)))


def status_expression(today: date):
    """SQL ``CASE`` giving one of STATUSES for an ``AssignmentPerson`` joined to its ``Assignment``."""
    return sa.case(
        (AssignmentPerson.exempt_reason.is_not(None), "exempt"),
        (AssignmentPerson.completed_at.is_not(None), "done"),
        (AssignmentPerson.due_on < today, "overdue"),
        (_started(), "in_progress"),
        else_="not_started")


def target_title():
    """SQL: the title of the assignment's course or learning path."""
    return sa.func.coalesce(Course.title, LearningPath.title)


def with_target(query):
    return (query.outerjoin(Course, Course.id == Assignment.course_id)
            .outerjoin(LearningPath, LearningPath.id == Assignment.path_id))


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    title: str
    assigned: int
    done: int
    overdue: int
    exempt: int


def assignment_page(today: date, page: object, *, dealer_id: int | None = None, term: str = "") -> Page:
    """One page (``page``: the client's raw value) of assignments with counts of people by status, newest
    first (two queries: count and rows); ``dealer_id``: only that dealer's people, and only assignments that
    reach it; ``term``: only those whose course or path title contains it."""
    status = status_expression(today)
    counts = (sa.select(AssignmentPerson.assignment_id.label("assignment_id"),
                        sa.func.count().label("assigned"),
                        sa.func.count().filter(status == "done").label("done"),
                        sa.func.count().filter(status == "overdue").label("overdue"),
                        sa.func.count().filter(status == "exempt").label("exempt"))
              .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
              .group_by(AssignmentPerson.assignment_id))
    if dealer_id is not None:
        counts = counts.join(User, User.id == AssignmentPerson.user_id).where(User.dealer_id == dealer_id)
    counts = counts.subquery("counts")
    query = with_target(sa.select(Assignment, target_title().label("title"),
                                  *(sa.func.coalesce(getattr(counts.c, name), 0).label(name)
                                    for name in ("assigned", "done", "overdue", "exempt"))))
    query = query.outerjoin(counts, counts.c.assignment_id == Assignment.id)
    if dealer_id is not None:
        query = query.where(sa.or_(Assignment.dealer_id == dealer_id, counts.c.assigned > 0))
    if term:
        query = query.where(matches(term, Course.title, LearningPath.title))
    found = page_of(query.order_by(Assignment.created_at.desc(), Assignment.id.desc()), page, scalars=False)
    rows = [AssignmentRow(row.Assignment, row.title, row.assigned, row.done, row.overdue, row.exempt)
            for row in found.items]
    return replace(found, items=rows)


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    user_id: int
    name: str
    email: str
    dealer_name: str | None
    due_on: date
    status: str
    exempt_reason: str | None


def people_rows(assignment_id: int, today: date, *, dealer_id: int | None = None) -> list[PersonRow]:
    """Everyone holding the assignment, with their status, by dealer and name (one query)."""
    query = (sa.select(AssignmentPerson.id, AssignmentPerson.user_id, User.name, User.email,
                       Dealer.name.label("dealer_name"), AssignmentPerson.due_on,
                       status_expression(today).label("status"), AssignmentPerson.exempt_reason)
             .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
             .join(User, User.id == AssignmentPerson.user_id)
             .outerjoin(Dealer, Dealer.id == User.dealer_id)
             .where(AssignmentPerson.assignment_id == assignment_id)
             .order_by(Dealer.name, User.name, User.id))
    if dealer_id is not None:
        query = query.where(User.dealer_id == dealer_id)
    return [PersonRow(*row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class MyAssignment:
    """One of a learner's assignments, for their home page and calendar feed."""

    person_id: int
    cycle: int
    title: str
    course_id: int | None
    course_slug: str | None
    path_id: int | None
    due_on: date
    status: str


def my_assignments(user_id: int, today: date, *, open_only: bool = True) -> list[MyAssignment]:
    """The learner's assignments, soonest due first (one query); ``open_only`` leaves out done and exempt ones."""
    status = status_expression(today).label("status")
    query = with_target(sa.select(AssignmentPerson.id, AssignmentPerson.cycle, target_title().label("title"),
                                  Assignment.course_id, Course.slug, Assignment.path_id, AssignmentPerson.due_on,
                                  status)
                        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id))
    query = query.where(AssignmentPerson.user_id == user_id, Assignment.active.is_(True))
    if open_only:
        query = query.where(AssignmentPerson.completed_at.is_(None), AssignmentPerson.exempt_reason.is_(None))
    rows = db.session.execute(query.order_by(AssignmentPerson.due_on, AssignmentPerson.id)).all()
    return [MyAssignment(*row) for row in rows]


def dealer_counts(today: date, dealer_ids) -> dict[int, tuple[int, int]]:
    """{dealer id: (people with open or done assignments, overdue people)} for the coverage matrix (one query)."""
    status = status_expression(today)
    rows = db.session.execute(
        sa.select(User.dealer_id, sa.func.count(sa.distinct(AssignmentPerson.user_id)),
                  sa.func.count(sa.distinct(AssignmentPerson.user_id)).filter(status == "overdue"))
        .join(User, User.id == AssignmentPerson.user_id)
        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
        .where(Assignment.active.is_(True), User.dealer_id.in_(dealer_ids))
        .group_by(User.dealer_id)).all()
    return {dealer_id: (assigned, overdue) for dealer_id, assigned, overdue in rows}


def assigned_course_ids(user_id: int):
    """``SELECT`` of the course ids of the user's active assignments, paths' courses included (a subquery)."""
    mine = sa.select(Assignment.id).join(AssignmentPerson, AssignmentPerson.assignment_id == Assignment.id).where(
        AssignmentPerson.user_id == user_id, Assignment.active.is_(True))
    direct = sa.select(Assignment.course_id).where(Assignment.id.in_(mine), Assignment.course_id.is_not(None))
    through_paths = (sa.select(LearningPathCourse.course_id)
                     .join(Assignment, Assignment.path_id == LearningPathCourse.path_id)
                     .where(Assignment.id.in_(mine)))
    return sa.union(direct, through_paths)
