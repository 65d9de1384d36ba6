"""Queue gauges read from the database at scrape time: what the workers have left to do.

Counted when Prometheus asks rather than kept in process memory, so every node and every process
reports the same truth and a dead worker cannot leave a stale value behind. Each scrape runs a few
indexed counts.

- ``lms_worker_queue_depth{queue}``: items due now (certificates without their PDF, webhook
  deliveries whose next attempt is due);
- ``lms_worker_queue_lag_seconds{queue}``: how long the oldest of them has been due (0 when none);
- ``lms_outbox_backlog``: every undelivered webhook outbox row, due now or waiting for a retry;
- ``lms_outbox_failed``: deliveries given up after their last retry.
"""
from __future__ import annotations

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily

from lms.extensions import db
from lms.timeutil import utcnow


def _seconds_since(moment, now) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None and now.tzinfo is not None:
        now = now.replace(tzinfo=None)
    return max(0.0, (now - moment).total_seconds())


def queue_figures() -> dict:
    """``{queue: (depth, lag_seconds)}`` plus the outbox's backlog and failed counts."""
    from lms.certificates.models import Certificate
    from lms.webhooks.models import DeliveryStatus, WebhookDelivery

    now = utcnow()
    pdf_depth, pdf_oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(Certificate.issued_at)).where(Certificate.pdf_sha256.is_(None))
    ).one()
    pending = WebhookDelivery.status == DeliveryStatus.PENDING
    due_depth, due_oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(WebhookDelivery.next_attempt_at))
        .where(pending, WebhookDelivery.next_attempt_at <= now)
    ).one()
    backlog = db.session.scalar(sa.select(sa.func.count()).where(pending))
    failed = db.session.scalar(sa.select(sa.func.count()).where(WebhookDelivery.status == DeliveryStatus.FAILED))
    db.session.rollback()
    return {
        "queues": {
            "certificate_pdf": (pdf_depth, _seconds_since(pdf_oldest, now)),
            "webhook_delivery": (due_depth, _seconds_since(due_oldest, now)),
        },
        "outbox_backlog": backlog,
        "outbox_failed": failed,
    }


class QueueCollector:
    """A custom collector for one scrape's registry (needs an app context)."""

    def collect(self):
        figures = queue_figures()
        depth = GaugeMetricFamily("lms_worker_queue_depth", "Background work items due now.", labels=["queue"])
        lag = GaugeMetricFamily("lms_worker_queue_lag_seconds",
                                "How long the oldest due item of a queue has waited.", labels=["queue"])
        for queue, (count, seconds) in sorted(figures["queues"].items()):
            depth.add_metric([queue], count)
            lag.add_metric([queue], seconds)
        yield depth
        yield lag
        yield GaugeMetricFamily("lms_outbox_backlog", "Webhook outbox rows not yet delivered (due or awaiting a retry).",
                                value=figures["outbox_backlog"])
        yield GaugeMetricFamily("lms_outbox_failed", "Webhook deliveries given up after their last retry.",
                                value=figures["outbox_failed"])

    def describe(self):
        return []
