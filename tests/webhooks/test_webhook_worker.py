"""``lms worker`` delivers the outbox to a real receiver: signed, retried with backoff, logged."""
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from lms.testing import TEST_SECRET_KEY
from lms.cli import cli
from lms.events import commit, emit
from lms.extensions import db
from lms.timeutil import utcnow
from lms.webhooks.backoff import MAX_DELIVERY_ATTEMPTS
from lms.webhooks.models import WebhookDelivery, WebhookSubscription
from webhook_receiver import Receiver

SECRET = "whsec-0123456789abcdef0123456789abcdef01234"


@dataclass(frozen=True)
class FakeCertificate:
    id: int
    code: str


def setup_events(app, url, count=1, events="certificate.issued certificate.revoked", active=True):
    with app.app_context():
        db.session.add(WebhookSubscription(url=url, secret=SECRET, events=events, active=active))
        db.session.flush()
        for i in range(count):
            emit("lms_certificate_issued", certificate=FakeCertificate(id=i + 1, code=f"CODE-{i + 1}"))
        commit()


def run_worker(database_url, instance_root, *args):
    from click.testing import CliRunner

    env = {"LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(instance_root), "LMS_SECRET_KEY": TEST_SECRET_KEY,
           "LMS_WEBHOOK_TIMEOUT_SECONDS": "5"}
    result = CliRunner().invoke(cli, ["worker", "--once", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def rows(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_worker_delivers_signed_json_once(app, database_url, instance_root):
    with Receiver(SECRET) as receiver:
        setup_events(app, receiver.url, count=3)
        output = run_worker(database_url, instance_root)
        assert "webhooks delivered: 3" in output
        assert len(receiver.requests) == 3 and all(r["verified"] for r in receiver.requests)
        first = receiver.requests[0]
        assert first["headers"]["content-type"].startswith("application/json")
        assert first["headers"]["lms-event"] == "certificate.issued"
        assert first["headers"]["lms-delivery"] == first["body"]["id"]
        assert {r["body"]["data"]["certificate"]["code"] for r in receiver.requests} == {"CODE-1", "CODE-2", "CODE-3"}
        run_worker(database_url, instance_root)  # nothing left to send
        assert len(receiver.requests) == 3
    delivered = rows(app)
    assert {r.status for r in delivered} == {"delivered"} and all(r.attempts == 1 for r in delivered)
    assert all(r.last_status_code == 204 and r.delivered_at and r.claimed_by is None for r in delivered)


def test_a_tampered_body_fails_verification(app, database_url, instance_root):
    """The receiver's check is real: the same header does not verify a changed body."""
    from lms.webhooks.signing import verify_signature

    with Receiver(SECRET) as receiver:
        setup_events(app, receiver.url)
        run_worker(database_url, instance_root)
        request = receiver.requests[0]
        import json
        tampered = json.dumps({**request["body"], "event": "certificate.revoked"}).encode()
        assert not verify_signature(SECRET, tampered, request["headers"]["lms-signature"], now=utcnow())


def test_failures_are_retried_with_backoff_then_delivered(app, database_url, instance_root):
    with Receiver(SECRET, status=lambda n: 503 if n == 1 else 200) as receiver:
        setup_events(app, receiver.url)
        before = utcnow()
        run_worker(database_url, instance_root)
        [row] = rows(app)
        assert row.status == "pending" and row.attempts == 1 and row.last_status_code == 503
        # The first retry waits 30 s (jittered down to no less than 15 s).
        assert before + timedelta(seconds=14) < row.next_attempt_at < utcnow() + timedelta(seconds=31)
        run_worker(database_url, instance_root)
        assert len(receiver.requests) == 1  # not due yet
        with app.app_context():
            db.session.execute(sa.update(WebhookDelivery).values(next_attempt_at=utcnow()))
            commit()
        run_worker(database_url, instance_root)
        assert len(receiver.requests) == 2 and receiver.ids()[0] == receiver.ids()[1]
    [row] = rows(app)
    assert row.status == "delivered" and row.attempts == 2


def test_gives_up_after_the_last_attempt(app, database_url, instance_root):
    with Receiver(SECRET, status=500) as receiver:
        setup_events(app, receiver.url)
        with app.app_context():
            db.session.execute(sa.update(WebhookDelivery).values(attempts=MAX_DELIVERY_ATTEMPTS - 1))
            commit()
        run_worker(database_url, instance_root)
        assert len(receiver.requests) == 1
    [row] = rows(app)
    assert row.status == "failed" and row.attempts == MAX_DELIVERY_ATTEMPTS and row.last_error == "HTTP 500"


def test_unreachable_receivers_and_redirects_are_failures(app, database_url, instance_root):
    with Receiver(SECRET, status=302) as redirecting:
        with app.app_context():
            db.session.add(WebhookSubscription(url="http://127.0.0.1:9/closed-port", secret=SECRET,
                                               events="certificate.issued"))
            commit()
        setup_events(app, redirecting.url)  # one event, two subscriptions
        run_worker(database_url, instance_root)
        assert len(redirecting.requests) == 1
    unreachable, redirected = rows(app)
    assert redirected.status == "pending" and redirected.last_status_code == 302
    assert unreachable.status == "pending" and unreachable.last_status_code is None and unreachable.last_error


def test_a_deactivated_subscription_is_not_sent(app, database_url, instance_root):
    with Receiver(SECRET) as receiver:
        setup_events(app, receiver.url)
        with app.app_context():
            db.session.execute(sa.update(WebhookSubscription).values(active=False))
            commit()
        run_worker(database_url, instance_root)
        assert receiver.requests == []
    [row] = rows(app)
    assert row.status == "failed" and row.last_error == "subscription deactivated"
