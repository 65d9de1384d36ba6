"""Forwarding every stored statement to external LRSs through the webhook outbox.

A forward target is a webhook subscription to the event ``xapi.statement`` whose URL is the other
LRS's statements resource and whose ``auth_header`` is its credential. The delivery rows are written
in the transaction that stores the statements, so the worker's retries, signing and leases (a killed
worker's claim runs out) apply unchanged. The body is the JSON array of the statements, ids included,
so a repeated delivery is a no-op for the receiving LRS.
"""
from __future__ import annotations

import base64
import json
import uuid

import sqlalchemy as sa

from lms.extensions import db
from lms.timeutil import utcnow
from lms.webhooks.models import WebhookDelivery, WebhookSubscription
from lms.webhooks.signing import generate_webhook_secret

FORWARD_EVENT = "xapi.statement"


def queue_forwarding(statements: list[dict]) -> int:
    """One delivery per active forward target carrying ``statements``; returns how many were queued."""
    targets = db.session.scalars(sa.select(WebhookSubscription).where(
        WebhookSubscription.active.is_(True), WebhookSubscription.events == FORWARD_EVENT)).all()
    if not targets:
        return 0
    body = json.dumps(statements, ensure_ascii=False, separators=(",", ":"))
    now = utcnow()
    event_id = str(uuid.uuid4())
    for target in targets:
        db.session.add(WebhookDelivery(uuid=str(uuid.uuid4()), event_id=event_id, subscription_id=target.id,
                                       event=FORWARD_EVENT, payload=body, next_attempt_at=now, created_at=now))
    return len(targets)


def add_forward_target(*, statements_url: str, username: str, password: str, description: str = ""
                       ) -> WebhookSubscription:
    """A new forward target (the caller commits). ``statements_url`` ends in ``/statements``."""
    credential = base64.b64encode(f"{username}:{password}".encode("utf-8")).decode("ascii")
    target = WebhookSubscription(url=statements_url, secret=generate_webhook_secret(), events=FORWARD_EVENT,
                                 description=description, auth_header=f"Basic {credential}" if username else None)
    db.session.add(target)
    db.session.flush()
    return target
