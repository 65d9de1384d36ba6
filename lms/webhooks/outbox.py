"""The outbox: webhook deliveries are written in the transaction that records the event.

A ``before_commit`` listener turns the session's pending events into delivery rows, so an event
and its deliveries commit (or roll back) together, and nothing is lost if the process dies after
the commit: ``lms worker`` sends whatever is pending.
"""
from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.coordination import wakeup
from lms.events import pending_events
from lms.timeutil import utcnow
from lms.webhooks.models import EVENT_NAMES, WebhookDelivery, WebhookSubscription

APP_FLAG = "lms_webhooks"  # set on apps that load the webhooks plugin
_SEEN = "lms_webhooks_outboxed"  # how many pending events this transaction already turned into rows


def jsonable(value):
    """Frozen dataclasses, dates and decimals as JSON values; naive datetimes are UTC (a Z is added)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return value


def delivery_body(delivery_id: str, event_name: str, event_id: str, occurred_at: datetime, payload: dict) -> str:
    return json.dumps({"id": delivery_id, "event": event_name, "event_id": event_id,
                       "occurred_at": jsonable(occurred_at), "data": jsonable(payload)},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def write_outbox(session: Session) -> None:
    """before_commit: add a delivery row per new webhook event and subscribed active subscription."""
    if not has_app_context() or not current_app.extensions.get(APP_FLAG):
        return
    events = pending_events(session)
    seen = session.info.get(_SEEN, 0)
    session.info[_SEEN] = len(events)
    fresh = [(hook, payload) for hook, payload in events[seen:] if hook in EVENT_NAMES]
    if not fresh:
        return
    subscriptions = session.scalars(sa.select(WebhookSubscription).where(WebhookSubscription.active.is_(True))).all()
    now = utcnow()
    queued = False
    for hook, payload in fresh:
        name = EVENT_NAMES[hook]
        event_id = str(uuid.uuid4())
        for subscription in subscriptions:
            if name not in subscription.event_list:
                continue
            delivery_id = str(uuid.uuid4())
            session.add(WebhookDelivery(
                uuid=delivery_id, event_id=event_id, subscription_id=subscription.id, event=name,
                payload=delivery_body(delivery_id, name, event_id, now, payload), next_attempt_at=now,
                created_at=now))
            queued = True
    if queued:
        wakeup.notify_on_commit(session, "webhooks")  # delivered to listening workers at the commit


def _forget(session: Session) -> None:
    session.info.pop(_SEEN, None)


def _forget_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the events of the outermost transaction are dropped too
        session.info.pop(_SEEN, None)


def install() -> None:
    """Register the listeners once per process (every app shares SQLAlchemy's Session class)."""
    if not event.contains(Session, "before_commit", write_outbox):
        event.listen(Session, "before_commit", write_outbox)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_soft_rollback", _forget_on_rollback)
