"""``lms worker``'s engine: claim due deliveries, POST them signed, record the outcome, retry later.

Delivery is at-least-once: a worker killed after the receiver answered but before the outcome was
recorded sends that delivery again once its lease ends. Every body carries a unique ``id`` (also in
the ``LMS-Delivery`` header) so receivers can drop repeats. Claims are exclusive leases
(``lms.coordination.leases``): PostgreSQL takes rows with ``FOR UPDATE SKIP LOCKED``, SQLite with
one conditional UPDATE that holds the write lock.
"""
from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from lms.coordination import leases
from lms.extensions import db
from lms.timeutil import utcnow
from lms.webhooks.backoff import attempts_exhausted, next_attempt_delay
from lms.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from lms.webhooks.signing import SIGNATURE_HEADER, sign_payload

XAPI_FORWARD_EVENT = "xapi.statement"  # lms.xapi.forwarding


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str | None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failed delivery: following it could re-send the body somewhere else."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def claim(limit: int) -> tuple[str, list[int]]:
    """Lease up to ``limit`` due pending deliveries to a fresh claim id; returns it and their ids."""
    claim_id = leases.new_claim_id()
    ids = leases.claim_rows(
        WebhookDelivery.__table__,
        due=sa.and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= utcnow()),
        claimed_by=WebhookDelivery.claimed_by, locked_until=WebhookDelivery.locked_until,
        order_by=[WebhookDelivery.next_attempt_at, WebhookDelivery.id], limit=limit, claim_id=claim_id,
        lease_seconds=float(current_app.config["WEBHOOK_LEASE_SECONDS"]))
    return claim_id, ids


def post(url: str, body: bytes, headers: dict, timeout: float) -> Outcome:
    """POST ``body``; any 2xx is a success, everything else (3xx included) a failure to retry."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(1024)
            return Outcome(200 <= response.status < 300, response.status, None)
    except urllib.error.HTTPError as error:
        return Outcome(False, error.code, f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(False, None, str(reason)[:500] or type(error).__name__)


def deliver(delivery_id: int, claim_id: str) -> Outcome | None:
    """Send one claimed delivery and record the outcome; None if the claim was lost meanwhile."""
    row = db.session.execute(
        sa.select(WebhookDelivery.uuid, WebhookDelivery.event, WebhookDelivery.payload, WebhookDelivery.attempts,
                  WebhookSubscription.url, WebhookSubscription.secret, WebhookSubscription.active,
                  WebhookSubscription.auth_header)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.claimed_by == claim_id,
               WebhookDelivery.status == DeliveryStatus.PENDING)).first()
    db.session.commit()  # hold no transaction (and no SQLite snapshot) during the HTTP request
    if row is None:
        return None
    body = row.payload.encode("utf-8")
    if not row.active:
        outcome = Outcome(False, None, "subscription deactivated")
    else:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "lms-webhooks/1",
            "LMS-Delivery": row.uuid,
            "LMS-Event": row.event,
            SIGNATURE_HEADER: sign_payload(row.secret, body, utcnow()),
        }
        if row.auth_header:
            headers["Authorization"] = row.auth_header
        if row.event == XAPI_FORWARD_EVENT:  # the body is a statement array for another LRS
            headers["X-Experience-API-Version"] = "1.0.3"
        outcome = post(row.url, body, headers, float(current_app.config["WEBHOOK_TIMEOUT_SECONDS"]))
    record(delivery_id, claim_id, row.attempts + 1, outcome, give_up=not row.active)
    return outcome


def record(delivery_id: int, claim_id: str, attempts: int, outcome: Outcome, *, give_up: bool = False) -> None:
    now = utcnow()
    values = {"attempts": attempts, "last_status_code": outcome.status_code, "last_error": outcome.error,
              "claimed_by": None, "locked_until": None}
    if outcome.ok:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif give_up or attempts_exhausted(attempts):
        values.update(status=DeliveryStatus.FAILED)
    else:
        values.update(next_attempt_at=now + timedelta(seconds=next_attempt_delay(attempts, jitter=True)))
    db.session.execute(sa.update(WebhookDelivery)
                       .where(WebhookDelivery.id == delivery_id, WebhookDelivery.claimed_by == claim_id)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def run_once(batch_size: int = 10) -> dict:
    """Deliver everything due now, batch after batch; returns counts of delivered and failed tries."""
    counts = {"delivered": 0, "failed": 0}
    while True:
        claim_id, ids = claim(batch_size)
        if not ids:
            return counts
        for delivery_id in ids:
            outcome = deliver(delivery_id, claim_id)
            if outcome is not None:
                counts["delivered" if outcome.ok else "failed"] += 1
