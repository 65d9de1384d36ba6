"""Who sees which course: published, and targeted at all dealers, the user's tier, region or dealer."""
from __future__ import annotations

import sqlalchemy as sa

from lms.auth.models import Dealer, Role
from lms.courses.models import Course, CourseTarget
from lms.extensions import db

# Manufacturer staff see every published course; dealer staff only what is targeted at them.
STAFF_SEE_ALL = (Role.AUTHOR, Role.MANAGER, Role.ADMIN)
EDITOR_ROLES = (Role.AUTHOR, Role.ADMIN)


def visible_course_ids(user) -> sa.Select:
    """A ``SELECT course.id`` of the published courses ``user`` may see (use it as a subquery)."""
    query = sa.select(Course.id).where(Course.published.is_(True))
    if user.role in STAFF_SEE_ALL:
        return query
    granted = [Course.id.in_(grant) for grant in access_grants(user.id)]
    if user.dealer_id is None:
        return query.where(sa.or_(Course.targets_all.is_(True), *granted))
    dealer = sa.select(Dealer.tier, Dealer.region).where(Dealer.id == user.dealer_id).subquery()
    targeted = sa.select(CourseTarget.id).where(
        CourseTarget.course_id == Course.id,
        sa.or_(
            sa.and_(CourseTarget.kind == "tier", CourseTarget.value.in_(sa.select(dealer.c.tier))),
            sa.and_(CourseTarget.kind == "region", CourseTarget.value.in_(sa.select(dealer.c.region))),
            sa.and_(CourseTarget.kind == "dealer", CourseTarget.dealer_id == user.dealer_id),
        ),
    )
    return query.where(sa.or_(Course.targets_all.is_(True), sa.exists(targeted), *granted))


def access_grants(user_id: int) -> list:
    """The ``lms_course_access_grants`` subqueries of the loaded plugins (assigned courses)."""
    from lms.plugins import plugin_manager

    return [grant for grant in plugin_manager().hook.lms_course_access_grants(user_id=user_id) if grant is not None]


def course_visible_to(user, course_id: int) -> bool:
    """Tell whether ``user`` may open the published course ``course_id``."""
    query = visible_course_ids(user).where(Course.id == course_id)
    return db.session.scalar(sa.select(sa.exists(query))) or False


def can_edit_courses(user) -> bool:
    """Authors and admins edit courses and see drafts."""
    return user.is_authenticated and user.role in EDITOR_ROLES
