"""The assignment notifications (new, due soon, overdue) and the worker's sweep that sends them once each.

Each notice of a person's copy is claimed by stamping its ``*_sent_at`` column with a conditional
UPDATE in the transaction that calls ``notify()``: two workers never both send it, and the
``dedupe_key`` (copy, cycle, notice) makes a repeated call harmless anyway.
"""
from __future__ import annotations

import datetime as dt
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.assignments.models import Assignment, AssignmentPerson
from lms.assignments.queries import target_title, with_target
from lms.auth.models import Role, User
from lms.extensions import db
from lms.timeutil import utcnow

NEW = "assignment_new"
DUE_SOON = "assignment_due_soon"
OVERDUE = "assignment_overdue"


def _day(value) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)[:10]), "long")
    except ValueError:
        return str(value or "")


def _new_subject(params):
    return _("New training assigned: %(title)s", title=params.get("title", ""))


def _new_body(params):
    return _("You have been assigned \"%(title)s\". Complete it by %(date)s.",
             title=params.get("title", ""), date=_day(params.get("due_on")))


def _due_soon_subject(params):
    return _("Due on %(date)s: %(title)s", title=params.get("title", ""), date=_day(params.get("due_on")))


def _due_soon_body(params):
    return _("Your assignment \"%(title)s\" is due on %(date)s. Please complete it in time.",
             title=params.get("title", ""), date=_day(params.get("due_on")))


def _overdue_subject(params):
    return _("Overdue: %(title)s (%(learner)s)", title=params.get("title", ""), learner=params.get("learner", ""))


def _overdue_body(params):
    return _("The assignment \"%(title)s\" of %(learner)s was due on %(date)s and is not completed yet.",
             title=params.get("title", ""), learner=params.get("learner", ""), date=_day(params.get("due_on")))


def notification_kinds():
    from lms.notifications import Delivery, NotificationKind

    return [
        NotificationKind(NEW, _l("New assignment"), _new_subject, _new_body, Delivery.EMAIL),
        NotificationKind(DUE_SOON, _l("Assignment due soon"), _due_soon_subject, _due_soon_body, Delivery.EMAIL),
        NotificationKind(OVERDUE, _l("Assignment overdue"), _overdue_subject, _overdue_body, Delivery.EMAIL),
    ]


def notifications_loaded() -> bool:
    from lms.plugins import plugin_manager

    return plugin_manager().get_plugin("lms.notifications.hooks") is not None


def send_due_notices(batch_size: int) -> dict[str, int]:
    """Send the due notices of open copies, at most ``batch_size`` of each kind; commits per notice."""
    if not notifications_loaded():
        return {}
    today = utcnow().date()
    soon = today + timedelta(days=int(current_app.config["ASSIGNMENT_DUE_SOON_DAYS"]))
    open_copy = sa.and_(Assignment.active.is_(True), AssignmentPerson.completed_at.is_(None),
                        AssignmentPerson.exempt_reason.is_(None))
    plans = (
        (NEW, AssignmentPerson.new_sent_at, AssignmentPerson.due_on >= today),
        (DUE_SOON, AssignmentPerson.due_soon_sent_at,
         sa.and_(AssignmentPerson.due_on >= today, AssignmentPerson.due_on <= soon)),
        (OVERDUE, AssignmentPerson.overdue_sent_at, AssignmentPerson.due_on < today),
    )
    sent = {}
    for kind, column, when in plans:
        rows = db.session.execute(
            with_target(sa.select(AssignmentPerson.id, AssignmentPerson.user_id, AssignmentPerson.cycle,
                                  AssignmentPerson.due_on, target_title().label("title"), User.name, User.dealer_id)
                        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
                        .join(User, User.id == AssignmentPerson.user_id))
            .where(open_copy, column.is_(None), when, User.active.is_(True))
            .order_by(AssignmentPerson.id).limit(batch_size)).all()
        count = 0
        for row in rows:
            count += _send_one(kind, column, row)
        sent[kind] = count
    db.session.rollback()
    return {"assignment notices": sum(sent.values())}


def _send_one(kind, column, row) -> int:
    from lms.events import commit
    from lms.notifications import notify

    claimed = db.session.execute(
        sa.update(AssignmentPerson).where(AssignmentPerson.id == row.id, column.is_(None))
        .values({column.key: utcnow()}).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        return 0
    copy_to = dealer_admin_ids(row.dealer_id, row.user_id) if kind == OVERDUE else ()
    notify(row.user_id, kind, params={"title": row.title, "due_on": row.due_on.isoformat(), "learner": row.name},
           link="/", dedupe_key=f"assignment:{row.id}:{row.cycle}:{kind}", copy_to=copy_to)
    commit()
    return 1


def dealer_admin_ids(dealer_id: int | None, except_user_id: int) -> list[int]:
    """The active dealer admins of ``dealer_id``, for the copy of an overdue notice."""
    if dealer_id is None:
        return []
    return list(db.session.scalars(sa.select(User.id).where(
        User.dealer_id == dealer_id, User.role == Role.DEALER_ADMIN, User.active.is_(True),
        User.id != except_user_id)))
