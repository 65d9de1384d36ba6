"""Demo data: the safety course assigned to every dealer's staff, so the home page shows a deadline."""
from __future__ import annotations

import sqlalchemy as sa

from lms.assignments.models import Assignment
from lms.assignments.services import AssignmentSpec, create_assignment
from lms.auth.models import Role, User
from lms.courses.models import Course
from lms.extensions import db

DEMO_COURSE_SLUG = "fertilizer-safety"


def load_demo_assignment() -> None:
    """Assign the demo safety course to all dealers within 30 days of joining; nothing when already there."""
    course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == DEMO_COURSE_SLUG))
    manager = db.session.scalar(sa.select(User).where(User.role == Role.MANAGER).order_by(User.id).limit(1))
    if course_id is None or manager is None:
        return
    if db.session.scalar(sa.select(sa.exists().where(Assignment.course_id == course_id))):
        return
    create_assignment(AssignmentSpec(course_id=course_id, path_id=None, audience_kind="all", audience_values=(),
                                     due_kind="after_joining", due_days=30),
                      by_user_id=manager.id, by_role=manager.role, by_dealer_id=None)
