"""Certification coverage: per dealer and course (or product line), staff by their best certificate state.

A person counts once per course (or product line), by their best current certificate: valid (not
expiring soon) > expiring within N days > expired. Revoked certificates do not count at all, so a
person whose only certificate was revoked is "not certified". Staff are the active learners and
dealer admins of active dealers. Every function runs one SQL statement, whatever the data size.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from lms.auth.models import Dealer, User
from lms.certificates.models import Certificate
from lms.courses.models import Course
from lms.extensions import db
from lms.reports.scope import Scope

STATES = ("valid", "expiring", "expired", "never")
RANK = {"valid": 3, "expiring": 2, "expired": 1, "never": 0}
BY_VALUES = ("course", "product_line")


@dataclass(frozen=True)
class Counts:
    staff: int
    valid: int
    expiring: int
    expired: int

    @property
    def never(self) -> int:
        return max(self.staff - self.valid - self.expiring - self.expired, 0)

    @property
    def valid_percent(self) -> float | None:
        """Share of staff holding a currently valid certificate (expiring ones included)."""
        return round(100 * (self.valid + self.expiring) / self.staff, 1) if self.staff else None


def _rank(now: datetime, horizon: datetime):
    return sa.case((Certificate.expires_at.is_(None), 3), (Certificate.expires_at <= now, 1),
                   (Certificate.expires_at <= horizon, 2), else_=3)


def certifying_courses():
    return sa.and_(Course.published.is_(True), Course.certificate_validity_months.is_not(None))


def columns(by: str) -> list[tuple]:
    """The matrix columns: (key, label) of certifying published courses, or of their product lines."""
    if by == "product_line":
        rows = db.session.execute(sa.select(Course.product_line).where(
            certifying_courses(), Course.product_line.is_not(None)).distinct().order_by(Course.product_line))
        return [(row.product_line, row.product_line) for row in rows]
    rows = db.session.execute(sa.select(Course.id, Course.title).where(certifying_courses()).order_by(Course.title))
    return [(row.id, row.title) for row in rows]


def _key_column(by: str):
    return Course.product_line if by == "product_line" else Course.id


def best_states(scope: Scope, by: str, now: datetime, days: int, dealer_ids=None, key=None):
    """Subquery: (dealer_id, user_id, key, rank) — each staff member's best state per course or product line."""
    key_column = _key_column(by)
    query = (sa.select(User.dealer_id.label("dealer_id"), User.id.label("user_id"), key_column.label("key"),
                       sa.func.max(_rank(now, now + timedelta(days=days))).label("rank"),
                       sa.func.max(Certificate.expires_at).label("expires_at"))
             .join(Certificate, Certificate.user_id == User.id)
             .join(Course, Course.id == Certificate.course_id)
             .where(scope.staff_condition(dealer_ids), Certificate.revoked_at.is_(None), certifying_courses())
             .group_by(User.dealer_id, User.id, key_column))
    if by == "product_line":
        query = query.where(Course.product_line.is_not(None))
    if key is not None:
        query = query.where(key_column == key)
    return query.subquery("best")


def _state_counts(best):
    return (sa.func.count().filter(best.c.rank == 3).label("valid"),
            sa.func.count().filter(best.c.rank == 2).label("expiring"),
            sa.func.count().filter(best.c.rank == 1).label("expired"))


def summary_by_column(scope: Scope, by: str, now: datetime, days: int) -> dict:
    """{key: Counts} over every dealer in scope (one query); staff is the staff count of the scope."""
    best = best_states(scope, by, now, days)
    staff = sa.select(sa.func.count(User.id)).where(scope.staff_condition()).scalar_subquery()
    rows = db.session.execute(sa.select(best.c.key, staff.label("staff"), *_state_counts(best)).group_by(best.c.key))
    return {row.key: Counts(row.staff, row.valid, row.expiring, row.expired) for row in rows}


def staff_total(scope: Scope) -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(scope.staff_condition())) or 0


def dealer_page(scope: Scope, page: int, per_page: int):
    """Subquery of the dealers on one page of the matrix, by name."""
    return (scope.dealer_ids().add_columns(Dealer.name).order_by(Dealer.name, Dealer.id)
            .limit(per_page).offset((page - 1) * per_page))


def matrix(scope: Scope, by: str, now: datetime, days: int, page: int = 1, per_page: int = 50):
    """Dealers of one page with their staff and per-column state counts (one query).

    Returns (dealers, cells): dealers is a list of dicts (id, name, region, tier, staff);
    cells maps (dealer_id, key) to Counts for the keys where someone is certified.
    """
    page_ids = sa.select(dealer_page(scope, page, per_page).subquery().c.id)
    best = best_states(scope, by, now, days, dealer_ids=page_ids)
    counts = (sa.select(best.c.dealer_id, best.c.key, *_state_counts(best))
              .group_by(best.c.dealer_id, best.c.key).subquery("counts"))
    staff = (sa.select(User.dealer_id, sa.func.count(User.id).label("staff"))
             .where(scope.staff_condition(page_ids)).group_by(User.dealer_id).subquery("staff"))
    rows = db.session.execute(
        sa.select(Dealer.id, Dealer.name, Dealer.region, Dealer.tier,
                  sa.func.coalesce(staff.c.staff, 0).label("staff"),
                  counts.c.key, counts.c.valid, counts.c.expiring, counts.c.expired)
        .outerjoin(staff, staff.c.dealer_id == Dealer.id)
        .outerjoin(counts, counts.c.dealer_id == Dealer.id)
        .where(Dealer.id.in_(page_ids))
        .order_by(Dealer.name, Dealer.id))
    dealers, cells = {}, {}
    for row in rows:
        dealers.setdefault(row.id, {"id": row.id, "name": row.name, "region": row.region, "tier": row.tier,
                                    "staff": row.staff})
        if row.key is not None:
            cells[(row.id, row.key)] = Counts(row.staff, row.valid, row.expiring, row.expired)
    return list(dealers.values()), cells


def dealer_count(scope: Scope) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(scope.dealer_ids().subquery())) or 0


def people(scope: Scope, by: str, key, now: datetime, days: int, state: str | None = None,
           page: int = 1, per_page: int = 100) -> list[dict]:
    """Staff in scope with their best state for one course or product line (one query, one page)."""
    best = best_states(scope, by, now, days, key=key)
    rank = sa.func.coalesce(best.c.rank, 0)
    query = (sa.select(User.id, User.name, User.email, Dealer.id.label("dealer_id"), Dealer.name.label("dealer_name"),
                       rank.label("rank"), best.c.expires_at)
             .join(Dealer, Dealer.id == User.dealer_id)
             .outerjoin(best, best.c.user_id == User.id)
             .where(scope.staff_condition())
             .order_by(rank, Dealer.name, User.name, User.id)
             .limit(per_page).offset((page - 1) * per_page))
    if state in RANK:
        query = query.where(rank == RANK[state])
    names = {value: name for name, value in RANK.items()}
    return [{"id": row.id, "name": row.name, "email": row.email, "dealer_id": row.dealer_id,
             "dealer_name": row.dealer_name, "state": names[row.rank],
             "expires_at": row.expires_at if row.rank else None} for row in db.session.execute(query)]
