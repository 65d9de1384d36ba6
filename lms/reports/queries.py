"""Set-based report queries: one SQL statement per table, whatever the number of rows."""
from __future__ import annotations

import sqlalchemy as sa

from lms.auth.models import Dealer, Role, User
from lms.extensions import db


def dealer_staff_counts() -> list[dict]:
    """Every dealer with its number of active learners and dealer admins (one query)."""
    learners = sa.func.count(User.id).filter(User.role == Role.LEARNER, User.active.is_(True))
    admins = sa.func.count(User.id).filter(User.role == Role.DEALER_ADMIN, User.active.is_(True))
    rows = db.session.execute(
        sa.select(Dealer.id, Dealer.name, Dealer.tier, Dealer.region, Dealer.active, learners, admins)
        .outerjoin(User, User.dealer_id == Dealer.id)
        .group_by(Dealer.id, Dealer.name, Dealer.tier, Dealer.region, Dealer.active)
        .order_by(Dealer.name)
    )
    keys = ("id", "name", "tier", "region", "active", "learners", "dealer_admins")
    return [dict(zip(keys, row)) for row in rows]


def dealer_staff(dealer_id: int) -> list[User]:
    """The staff of one dealer, by name."""
    return list(db.session.scalars(sa.select(User).where(User.dealer_id == dealer_id).order_by(User.name)))
