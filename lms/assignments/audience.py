"""Who an assignment reaches: its audience as one SQL condition on ``User``, and as words for pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.auth.models import ROLE_LABELS, Dealer, Role, User
from lms.extensions import db

DEALER_STAFF = (Role.LEARNER, Role.DEALER_ADMIN)
AUDIENCE_LABELS = {
    "all": _l("All dealers"),
    "tier": _l("Dealers of a tier"),
    "region": _l("Dealers of a region"),
    "dealers": _l("Chosen dealers"),
    "roles": _l("People with a role"),
    "people": _l("Named people"),
}
# What a dealer admin may aim at: always only their own dealer's staff.
DEALER_ADMIN_KINDS = ("all", "roles", "people")


def int_values(values) -> list[int]:
    """The ids among ``values`` (stored as JSON, so numbers or strings)."""
    ids = []
    for value in values or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def audience_condition(kind: str, values, dealer_id: int | None):
    """SQL condition on ``User`` (joined to ``Dealer`` through ``User.dealer_id``): active people in the audience.

    Dealer-based kinds reach the active staff (learners and dealer admins) of active dealers; roles
    and named people reach whoever holds them. ``dealer_id`` pins everything to one dealer.
    """
    staff_of_active_dealers = sa.and_(
        User.role.in_(DEALER_STAFF),
        User.dealer_id.in_(sa.select(Dealer.id).where(Dealer.active.is_(True))))
    values = list(values or ())
    if kind == "all":
        condition = staff_of_active_dealers
    elif kind == "tier":
        condition = sa.and_(staff_of_active_dealers,
                            User.dealer_id.in_(sa.select(Dealer.id).where(Dealer.tier.in_(values))))
    elif kind == "region":
        condition = sa.and_(staff_of_active_dealers,
                            User.dealer_id.in_(sa.select(Dealer.id).where(Dealer.region.in_(values))))
    elif kind == "dealers":
        condition = sa.and_(staff_of_active_dealers, User.dealer_id.in_(int_values(values)))
    elif kind == "roles":
        condition = User.role.in_([value for value in values if value in Role.ALL])
    elif kind == "people":
        condition = User.id.in_(int_values(values))
    else:
        condition = sa.false()
    condition = sa.and_(User.active.is_(True), condition)
    if dealer_id is not None:
        condition = sa.and_(condition, User.dealer_id == dealer_id)
    return condition


def describe_audience(kind: str, values, dealer_names: dict[int, str], people_names: dict[int, str]) -> str:
    """The audience in words ("Dealers of a region: Краснодарский край"), for lists and e-mails."""
    label = str(AUDIENCE_LABELS.get(kind, kind))
    if kind == "all":
        return label
    if kind == "dealers":
        shown = [dealer_names.get(value, "#%d" % value) for value in int_values(values)]
    elif kind == "people":
        shown = [people_names.get(value, "#%d" % value) for value in int_values(values)]
    elif kind == "roles":
        shown = [str(ROLE_LABELS.get(value, value)) for value in values or ()]
    else:
        shown = [str(value) for value in values or ()]
    return _("%(kind)s: %(values)s", kind=label, values=", ".join(shown))


def names_for(assignments) -> tuple[dict[int, str], dict[int, str]]:
    """Dealer and people names that ``assignments``' audiences mention (two queries at most)."""
    dealer_ids, user_ids = set(), set()
    for assignment in assignments:
        if assignment.audience_kind == "dealers":
            dealer_ids.update(int_values(assignment.audience_values))
        elif assignment.audience_kind == "people":
            user_ids.update(int_values(assignment.audience_values))
    dealers = dict(db.session.execute(sa.select(Dealer.id, Dealer.name).where(Dealer.id.in_(dealer_ids))).all()) \
        if dealer_ids else {}
    people = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all()) \
        if user_ids else {}
    return dealers, people
