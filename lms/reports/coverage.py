"""Certification coverage: per dealer and course (or product line), staff by their best certificate state.

A person counts once per course (or product line), by their best current certificate: valid (not
expiring soon) > expiring within N days > expired. Revoked certificates do not count at all, so a
person whose only certificate was revoked is "not certified". Staff are the active learners and
dealer admins of active dealers. Every function runs one SQL statement, whatever the data size.

Targeting (lms.reports.targeting): a course only concerns the dealers it is aimed at. For any other
dealer the cell is "not assigned": its staff are no gap, so they count neither as "not certified"
nor in the staff a coverage share is taken of. A certificate in force (valid or expiring) still
counts wherever its holder works — it says who may sell the product, whoever the course was meant
for (people move between dealers, targeting changes after certificates are issued) — and its
holder joins the course's staff, so shares stay at most 100 %. An expired certificate of a course
not aimed at the holder's dealer is ignored: no one has to renew it, so it is no gap either.
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
from lms.reports.targeting import (certifying_courses, column_keys, in_columns, key_column, targeted_course_pairs,
                                   targeted_key_pairs)

STATES = ("valid", "expiring", "expired", "never")
UNASSIGNED = "unassigned"
RANK = {"valid": 3, "expiring": 2, "expired": 1, "never": 0, UNASSIGNED: -1}
IN_FORCE = 2  # the lowest rank of a certificate that counts outside its course's audience
BY_VALUES = ("course", "product_line")


@dataclass(frozen=True)
class Counts:
    """One cell or column: ``staff`` is the people the course concerns there (its audience)."""

    staff: int
    valid: int
    expiring: int
    expired: int
    assigned: bool = True  # False: the course is not aimed at the dealer(s); ``staff`` are certificate holders

    @property
    def never(self) -> int | None:
        """Staff without a certificate; None where the course is not assigned (no one is missing it)."""
        if not self.assigned:
            return None
        return max(self.staff - self.valid - self.expiring - self.expired, 0)

    @property
    def valid_percent(self) -> float | None:
        """Share of staff holding a currently valid certificate (expiring ones included)."""
        if not self.assigned or not self.staff:
            return None
        return round(100 * (self.valid + self.expiring) / self.staff, 1)


def _rank(now: datetime, horizon: datetime):
    return sa.case((Certificate.expires_at.is_(None), 3), (Certificate.expires_at <= now, 1),
                   (Certificate.expires_at <= horizon, 2), else_=3)


def columns(by: str) -> list[tuple]:
    """The matrix columns: (key, label) of certifying published courses, or of their product lines."""
    if by == "product_line":
        rows = db.session.execute(sa.select(Course.product_line).where(
            certifying_courses(), Course.product_line.is_not(None)).distinct().order_by(Course.product_line))
        return [(row.product_line, row.product_line) for row in rows]
    rows = db.session.execute(sa.select(Course.id, Course.title).where(certifying_courses()).order_by(Course.title))
    return [(row.id, row.title) for row in rows]


def best_states(scope: Scope, by: str, now: datetime, days: int, dealer_ids=None, key=None):
    """Subquery: (dealer_id, user_id, key, rank) — each staff member's best state per course or product line.

    Only certificates of courses aimed at the holder's dealer count, and those in force anywhere.
    """
    column = key_column(by)
    rank = _rank(now, now + timedelta(days=days))
    pairs = targeted_course_pairs(dealer_ids if dealer_ids is not None else scope.dealer_ids()).subquery("pairs")
    query = (sa.select(User.dealer_id.label("dealer_id"), User.id.label("user_id"), column.label("key"),
                       sa.func.max(rank).label("rank"), sa.func.max(Certificate.expires_at).label("expires_at"))
             .join(Certificate, Certificate.user_id == User.id)
             .join(Course, Course.id == Certificate.course_id)
             .outerjoin(pairs, sa.and_(pairs.c.dealer_id == User.dealer_id, pairs.c.course_id == Course.id))
             .where(scope.staff_condition(dealer_ids), Certificate.revoked_at.is_(None), in_columns(by),
                    sa.or_(Course.targets_all.is_(True), pairs.c.course_id.is_not(None), rank >= IN_FORCE))
             .group_by(User.dealer_id, User.id, column))
    if key is not None:
        query = query.where(column == key)
    return query.subquery("best")


def _state_counts(best):
    return (sa.func.count().filter(best.c.rank == 3).label("valid"),
            sa.func.count().filter(best.c.rank == 2).label("expiring"),
            sa.func.count().filter(best.c.rank == 1).label("expired"))


def _staff_by_dealer(scope: Scope, dealer_ids=None):
    return (sa.select(User.dealer_id, sa.func.count(User.id).label("staff"))
            .where(scope.staff_condition(dealer_ids)).group_by(User.dealer_id).subquery("staff"))


def _unassigned(keys, assigned):
    """Condition on a row joined to ``keys`` and ``assigned``: the column is not aimed at its dealer."""
    return sa.and_(keys.c.for_all.is_(False), assigned.c.dealer_id.is_(None))


def summary_by_column(scope: Scope, by: str, now: datetime, days: int) -> dict:
    """{key: Counts} for every column over the dealers in scope (one query).

    A column's staff is the staff of the dealers it is aimed at, plus holders elsewhere.
    """
    keys = column_keys(by)
    staff = _staff_by_dealer(scope)
    assigned = targeted_key_pairs(by, scope.dealer_ids())
    targeted = (sa.select(assigned.c.key, sa.func.count().label("dealers"),
                          sa.func.coalesce(sa.func.sum(staff.c.staff), 0).label("staff"))
                .select_from(assigned).outerjoin(staff, staff.c.dealer_id == assigned.c.dealer_id)
                .group_by(assigned.c.key).subquery("targeted"))
    best = best_states(scope, by, now, days)
    held = (sa.select(best.c.key, *_state_counts(best),
                      sa.func.count().filter(_unassigned(keys, assigned)).label("outside"))
            .join(keys, keys.c.key == best.c.key)
            .outerjoin(assigned, sa.and_(assigned.c.key == best.c.key, assigned.c.dealer_id == best.c.dealer_id))
            .group_by(best.c.key).subquery("held"))
    everyone = sa.select(sa.func.coalesce(sa.func.sum(staff.c.staff), 0)).scalar_subquery()
    rows = db.session.execute(
        sa.select(keys.c.key, keys.c.for_all, everyone.label("everyone"),
                  sa.func.coalesce(targeted.c.dealers, 0).label("dealers"),
                  sa.func.coalesce(targeted.c.staff, 0).label("targeted"),
                  sa.func.coalesce(held.c.outside, 0).label("outside"),
                  sa.func.coalesce(held.c.valid, 0).label("valid"),
                  sa.func.coalesce(held.c.expiring, 0).label("expiring"),
                  sa.func.coalesce(held.c.expired, 0).label("expired"))
        .outerjoin(targeted, targeted.c.key == keys.c.key)
        .outerjoin(held, held.c.key == keys.c.key))
    return {row.key: Counts((row.everyone if row.for_all else row.targeted) + row.outside, row.valid, row.expiring,
                            row.expired, assigned=bool(row.for_all or row.dealers)) for row in rows}


def dealer_page(scope: Scope, page: int, per_page: int):
    """Subquery of the dealers on one page of the matrix, by name."""
    return (scope.dealer_ids().add_columns(Dealer.name).order_by(Dealer.name, Dealer.id)
            .limit(per_page).offset((page - 1) * per_page))


def matrix(scope: Scope, by: str, now: datetime, days: int, page: int = 1, per_page: int = 50):
    """Dealers of one page with their staff and per-column state counts (one query).

    Returns (dealers, cells): dealers is a list of dicts (id, name, region, tier, staff); cells maps
    (dealer_id, key) to Counts where someone is certified or the column is not assigned to the
    dealer; any other cell is assigned with no one certified.
    """
    page_ids = sa.select(dealer_page(scope, page, per_page).subquery().c.id)
    keys = column_keys(by)
    assigned = targeted_key_pairs(by, page_ids)
    best = best_states(scope, by, now, days, dealer_ids=page_ids)
    counts = (sa.select(best.c.dealer_id, best.c.key, sa.func.count().label("holders"), *_state_counts(best))
              .group_by(best.c.dealer_id, best.c.key).subquery("counts"))
    page_dealer = sa.select(Dealer.id).where(Dealer.id.in_(page_ids)).subquery("page_dealer")
    is_assigned = sa.or_(keys.c.for_all.is_(True), assigned.c.dealer_id.is_not(None))
    # Page dealers × columns is at most per_page × columns pairs; only the notable ones come back.
    cells = (sa.select(page_dealer.c.id.label("dealer_id"), keys.c.key, is_assigned.label("assigned"),
                       counts.c.holders, counts.c.valid, counts.c.expiring, counts.c.expired)
             .select_from(page_dealer).join(keys, sa.true())
             .outerjoin(assigned, sa.and_(assigned.c.dealer_id == page_dealer.c.id, assigned.c.key == keys.c.key))
             .outerjoin(counts, sa.and_(counts.c.dealer_id == page_dealer.c.id, counts.c.key == keys.c.key))
             .where(sa.or_(counts.c.key.is_not(None), sa.not_(is_assigned))).subquery("cells"))
    staff = _staff_by_dealer(scope, page_ids)
    rows = db.session.execute(
        sa.select(Dealer.id, Dealer.name, Dealer.region, Dealer.tier,
                  sa.func.coalesce(staff.c.staff, 0).label("staff"), cells.c.key, cells.c.assigned,
                  sa.func.coalesce(cells.c.holders, 0).label("holders"),
                  sa.func.coalesce(cells.c.valid, 0).label("valid"),
                  sa.func.coalesce(cells.c.expiring, 0).label("expiring"),
                  sa.func.coalesce(cells.c.expired, 0).label("expired"))
        .outerjoin(staff, staff.c.dealer_id == Dealer.id)
        .outerjoin(cells, cells.c.dealer_id == Dealer.id)
        .where(Dealer.id.in_(page_ids))
        .order_by(Dealer.name, Dealer.id))
    dealers, cells_by_key = {}, {}
    for row in rows:
        dealers.setdefault(row.id, {"id": row.id, "name": row.name, "region": row.region, "tier": row.tier,
                                    "staff": row.staff})
        if row.key is not None:
            assigned_here = bool(row.assigned)
            cells_by_key[(row.id, row.key)] = Counts(row.staff if assigned_here else row.holders, row.valid,
                                                     row.expiring, row.expired, assigned=assigned_here)
    return list(dealers.values()), cells_by_key


def dealer_count(scope: Scope) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(scope.dealer_ids().subquery())) or 0


def people(scope: Scope, by: str, key, now: datetime, days: int, state: str | None = None,
           page: int = 1, per_page: int = 100) -> list[dict]:
    """Staff in scope with their best state for one course or product line (one query, one page).

    Staff of dealers the column is not aimed at show as "unassigned" (last), unless they hold a
    certificate in force.
    """
    best = best_states(scope, by, now, days, key=key)
    keys = column_keys(by, key=key)
    assigned = targeted_key_pairs(by, scope.dealer_ids(), key=key)
    for_all = sa.select(keys.c.for_all).scalar_subquery()
    is_assigned = sa.or_(for_all.is_(True), User.dealer_id.in_(sa.select(assigned.c.dealer_id)))
    rank = sa.case((best.c.rank.is_not(None), best.c.rank), (is_assigned, 0), else_=RANK[UNASSIGNED])
    query = (sa.select(User.id, User.name, User.email, Dealer.id.label("dealer_id"), Dealer.name.label("dealer_name"),
                       rank.label("rank"), best.c.expires_at)
             .join(Dealer, Dealer.id == User.dealer_id)
             .outerjoin(best, best.c.user_id == User.id)
             .where(scope.staff_condition())
             .order_by(sa.case((rank < 0, 1), else_=0), rank, Dealer.name, User.name, User.id)
             .limit(per_page).offset((page - 1) * per_page))
    if state in RANK:
        query = query.where(rank == RANK[state])
    names = {value: name for name, value in RANK.items()}
    return [{"id": row.id, "name": row.name, "email": row.email, "dealer_id": row.dealer_id,
             "dealer_name": row.dealer_name, "state": names[row.rank],
             "expires_at": row.expires_at if row.rank > 0 else None} for row in db.session.execute(query)]
