"""Who sees which dealers in the reports: managers filter freely, a dealer admin is pinned to their dealer."""
from __future__ import annotations

from dataclasses import dataclass, replace

import sqlalchemy as sa

from lms.auth.models import Dealer, Role, User
from lms.extensions import db

STAFF_ROLES = (Role.LEARNER, Role.DEALER_ADMIN)


@dataclass(frozen=True)
class Scope:
    """The dealers a report covers: one dealer, or active dealers of a region and/or tier (None: any)."""

    dealer_id: int | None = None
    region: str | None = None
    tier: str | None = None
    pinned: bool = False  # a dealer admin's scope: filters and dealer parameters are ignored

    def dealer_ids(self) -> sa.Select:
        """``SELECT dealer.id`` of the dealers in scope (use it as a subquery)."""
        query = sa.select(Dealer.id).where(Dealer.active.is_(True))
        if self.dealer_id is not None:
            query = query.where(Dealer.id == self.dealer_id)
        if self.region:
            query = query.where(Dealer.region == self.region)
        if self.tier:
            query = query.where(Dealer.tier == self.tier)
        return query

    @property
    def narrowed(self) -> bool:
        """True when the scope is one dealer, region or tier rather than every active dealer."""
        return self.dealer_id is not None or bool(self.region) or bool(self.tier)

    def staff_condition(self, dealer_ids=None):
        """SQL condition: ``User`` is active dealer staff of a dealer in scope (or in ``dealer_ids``)."""
        condition = sa.and_(User.active.is_(True), User.role.in_(STAFF_ROLES),
                            User.dealer_id.in_(dealer_ids if dealer_ids is not None else self.dealer_ids()))
        if self.dealer_id is not None:
            # Redundant with the subquery, but it lets the planner see that a few users are meant
            # and use the user_id indexes instead of scanning whole tables.
            condition = sa.and_(condition, User.dealer_id == self.dealer_id)
        return condition

    def params(self) -> dict:
        """Query-string parameters that reproduce this scope (empty for a pinned one)."""
        if self.pinned:
            return {}
        values = {"dealer_id": self.dealer_id, "region": self.region, "tier": self.tier}
        return {key: value for key, value in values.items() if value not in (None, "")}


def scope_for(role: str, own_dealer_id: int | None, *, dealer_id: int | None = None, region: str | None = None,
              tier: str | None = None) -> Scope:
    """The scope a reader with ``role`` gets for the filters asked for: a dealer admin always gets their
    own dealer (``own_dealer_id``), whatever was asked; blank filters mean any."""
    if role == Role.DEALER_ADMIN:
        return Scope(dealer_id=own_dealer_id, pinned=True)
    return Scope(dealer_id=dealer_id, region=(region or "").strip() or None, tier=(tier or "").strip() or None)


def filter_options() -> dict:
    """Regions and tiers of active dealers, for the filter form (one query)."""
    rows = db.session.execute(
        sa.select(Dealer.region, Dealer.tier).where(Dealer.active.is_(True)).distinct()).all()
    return {"regions": sorted({row.region for row in rows}), "tiers": sorted({row.tier for row in rows})}


def without_filters(scope: Scope) -> Scope:
    return replace(scope, region=None, tier=None)
