"""Domain events: recorded inside a transaction, dispatched to the event hooks after it commits.

Services call ``emit("lms_x", ...)`` while they change the database; views call ``commit()``.
Events of a rolled-back transaction are dropped, so a hook never hears of something that did not
happen. Code that must write in the same transaction as the event (the webhook outbox) reads
``pending_events()`` from a ``before_commit`` listener.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.extensions import db

_PENDING = "lms_pending_events"
_COMMITTED = "lms_committed_events"
# Set while committed events are being fired: a hook that commits (as many do) must not recurse.
_DISPATCHING = "lms_events_dispatching"


def emit(hook_name: str, **payload) -> None:
    """Record an event for ``hook_name``; payload values must be ids or frozen dataclasses."""
    db.session.info.setdefault(_PENDING, []).append((hook_name, payload))


def pending_events(session: Session) -> list[tuple[str, dict]]:
    """Events recorded in ``session``'s current transaction, not yet committed."""
    return list(session.info.get(_PENDING, ()))


def commit(*, keep_loaded: bool = False) -> None:
    """Commit the current session, then fire the event hooks of what was committed.

    ``keep_loaded``: objects already loaded stay as read instead of being expired, for a page view
    that wrote a row of its own and goes on to render what it read before; reloading them would
    cost a query each (and a query per lesson of a lazily loaded outline).
    """
    session = db.session()
    if keep_loaded:
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True
    else:
        session.commit()
    dispatch_committed_events()


def dispatch_committed_events() -> None:
    """Fire the hooks of committed events; hooks may open and commit transactions of their own."""
    from lms.plugins import plugin_manager

    session = db.session()
    if session.info.get(_DISPATCHING):
        return  # a hook committed: the loop below fires what that commit added, without nesting
    session.info[_DISPATCHING] = True
    try:
        while session.info.get(_COMMITTED):
            hook_name, payload = session.info[_COMMITTED].pop(0)
            getattr(plugin_manager().hook, hook_name)(**payload)
    finally:
        session.info.pop(_DISPATCHING, None)


@event.listens_for(Session, "after_commit")
def _move_to_committed(session: Session) -> None:
    events = session.info.pop(_PENDING, None)
    if events:
        session.info.setdefault(_COMMITTED, []).extend(events)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(_PENDING, None)
