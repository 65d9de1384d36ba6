"""The outbox: webhook deliveries are written in the same transaction as the event they announce."""
import json
from dataclasses import dataclass
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from lms.courses.contracts import CourseCompletion
from lms.events import commit, emit
from lms.extensions import db
from lms.webhooks.models import WebhookDelivery, WebhookSubscription


@dataclass(frozen=True)
class FakeCertificate:
    """Stands in for the certificates domain's CertificateInfo: the outbox only needs a frozen dataclass."""

    id: int
    code: str
    issued_at: datetime
    expires_on: date | None
    learner_name: str


CERT = FakeCertificate(id=7, code="AB12-CD34", issued_at=datetime(2026, 3, 1, 9, 30), expires_on=date(2027, 3, 1),
                       learner_name="Иван Петров")


def subscribe(app, *events, url="http://127.0.0.1:9/hook", active=True):
    with app.app_context():
        subscription = WebhookSubscription(url=url, secret="s" * 43, events=" ".join(events), active=active)
        db.session.add(subscription)
        commit()
        return subscription.id


def deliveries(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_an_event_writes_one_delivery_per_subscribed_active_subscription(app):
    revoked = subscribe(app, "certificate.revoked", "certificate.issued")
    subscribe(app, "certificate.issued")  # not interested in revocations
    subscribe(app, "certificate.revoked", active=False)
    with app.app_context():
        emit("lms_certificate_revoked", certificate=CERT)
        emit("lms_user_provisioned", user_id=1, source="cli")  # not a webhook event
        commit()
    [row] = deliveries(app)
    assert row.subscription_id == revoked and row.event == "certificate.revoked" and row.status == "pending"
    body = json.loads(row.payload)
    assert body == {"id": row.uuid, "event": "certificate.revoked", "event_id": row.event_id,
                    "occurred_at": body["occurred_at"],
                    "data": {"certificate": {"id": 7, "code": "AB12-CD34", "issued_at": "2026-03-01T09:30:00Z",
                                             "expires_on": "2027-03-01", "learner_name": "Иван Петров"}}}
    assert body["occurred_at"].endswith("Z")


def test_every_subscription_gets_its_own_delivery_id_for_one_event(app):
    subscribe(app, "certificate.expiring")
    subscribe(app, "certificate.expiring")
    with app.app_context():
        emit("lms_certificate_expiring", certificate=CERT, days_left=30)
        commit()
    first, second = deliveries(app)
    assert first.event_id == second.event_id and first.uuid != second.uuid
    assert json.loads(first.payload)["data"]["days_left"] == 30


def test_a_rolled_back_event_leaves_no_delivery(app):
    subscription = subscribe(app, "certificate.revoked")
    with app.app_context():
        db.session.get(WebhookSubscription, subscription).description = "changed"
        db.session.flush()
        emit("lms_certificate_revoked", certificate=CERT)
        db.session.rollback()
        commit()
    assert deliveries(app) == []


def test_event_and_delivery_fail_together(app):
    """If the transaction that records the event cannot commit, its deliveries are not written either."""
    subscribe(app, "certificate.revoked")
    with app.app_context():
        existing = db.session.scalar(sa.select(WebhookSubscription.id))
        emit("lms_certificate_revoked", certificate=CERT)
        db.session.add(WebhookSubscription(id=existing, url="http://x", secret="x", events=""))  # duplicate key
        with pytest.raises(sa.exc.IntegrityError):
            commit()
        db.session.rollback()
    assert deliveries(app) == []


def test_course_completed_is_mapped_from_its_hook(app_factory):
    # Without the certificates plugin, so no certificate is issued for this made-up completion.
    app = app_factory(DISABLED_PLUGINS="lms.certificates.hooks")
    subscribe(app, "course.completed")
    with app.app_context():
        emit("lms_course_completed", completion=CourseCompletion(
            user_id=3, course_id=4, course_version=2, score_percent=87.5, completed_at=datetime(2026, 5, 4, 3, 2, 1)))
        commit()
    [row] = deliveries(app)
    assert json.loads(row.payload)["data"] == {"completion": {
        "user_id": 3, "course_id": 4, "course_version": 2, "score_percent": 87.5,
        "completed_at": "2026-05-04T03:02:01Z"}}


def test_an_app_without_the_webhooks_plugin_writes_no_outbox(app_factory):
    app = app_factory(DISABLED_PLUGINS="lms.webhooks.hooks")
    subscribe(app, "certificate.revoked")
    with app.app_context():
        emit("lms_certificate_revoked", certificate=CERT)
        commit()
    assert deliveries(app) == []
