"""Which dealers a certifying course is aimed at, set-wise, for the coverage report.

The rule is the catalogue's (lms.courses.access.visible_course_ids): a course is aimed at a dealer
when it targets all dealers, or one of its ``course_target`` rows names the dealer's tier, region or
the dealer itself. The catalogue asks it for one user; a report asks it for thousands of dealers at
once, so this builds the (dealer, course) pairs of the narrowly targeted courses only. Courses for
all dealers are a flag per column instead of pairs: pairing them would be dealers × courses rows
(200 000 at full scale) to say "yes" every time.
"""
from __future__ import annotations

import sqlalchemy as sa

from lms.auth.models import Dealer
from lms.courses.models import Course, CourseTarget


def certifying_courses():
    return sa.and_(Course.published.is_(True), Course.certificate_validity_months.is_not(None))


def key_column(by: str):
    """The column a coverage column groups courses by: the course itself, or its product line."""
    return Course.product_line if by == "product_line" else Course.id


def in_columns(by: str):
    """Condition: the course is a column of the matrix (certifying; with a product line when grouped by one)."""
    condition = certifying_courses()
    return sa.and_(condition, Course.product_line.is_not(None)) if by == "product_line" else condition


def targeted_course_pairs(dealer_ids) -> sa.Select:
    """``SELECT DISTINCT dealer_id, course_id``: certifying courses not for all dealers, and the dealers
    among ``dealer_ids`` (a ``SELECT dealer.id``) one of their targets reaches."""
    reaches = sa.or_(
        sa.and_(CourseTarget.kind == "tier", Dealer.tier == CourseTarget.value),
        sa.and_(CourseTarget.kind == "region", Dealer.region == CourseTarget.value),
        sa.and_(CourseTarget.kind == "dealer", Dealer.id == CourseTarget.dealer_id),
    )
    return (sa.select(Dealer.id.label("dealer_id"), CourseTarget.course_id.label("course_id"))
            .join(Course, Course.id == CourseTarget.course_id)
            .join(Dealer, reaches)
            .where(certifying_courses(), Course.targets_all.is_(False), Dealer.id.in_(dealer_ids))
            .distinct())


def targeted_key_pairs(by: str, dealer_ids, key=None):
    """Subquery (dealer_id, key): the dealers among ``dealer_ids`` a narrowly targeted course of the column reaches."""
    pairs = targeted_course_pairs(dealer_ids).subquery("course_pairs")
    if by == "course":
        query = sa.select(pairs.c.dealer_id, pairs.c.course_id.label("key"))
        if key is not None:
            query = query.where(pairs.c.course_id == key)
        return query.subquery("assigned")
    query = (sa.select(pairs.c.dealer_id, Course.product_line.label("key"))
             .join(Course, Course.id == pairs.c.course_id)
             .where(Course.product_line.is_not(None)).distinct())
    if key is not None:
        query = query.where(Course.product_line == key)
    return query.subquery("assigned")


def column_keys(by: str, key=None):
    """Subquery (key, for_all): every matrix column, and whether a course of it targets all dealers."""
    column = key_column(by)
    # MAX over 0/1 rather than bool_or, which SQLite does not have.
    for_all = sa.func.max(sa.case((Course.targets_all.is_(True), 1), else_=0))
    query = sa.select(column.label("key"), (for_all == 1).label("for_all")).where(in_columns(by)).group_by(column)
    if key is not None:
        query = query.where(column == key)
    return query.subquery("keys")

