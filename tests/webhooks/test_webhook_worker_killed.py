"""Deliveries survive a worker killed with SIGKILL, and two workers never send the same delivery.

Delivery is at-least-once: the delivery in flight when the worker died is sent again after its claim
lease ends, with the same ``id``, so a receiver that deduplicates on ``id`` sees every event exactly once.
"""
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.testing import TEST_SECRET_KEY
from lms.events import commit, emit
from lms.extensions import db
from lms.webhooks.models import WebhookDelivery, WebhookSubscription
from webhook_receiver import Receiver

SECRET = "whsec-kill-test-0123456789abcdef0123456789"
LMS = str(Path(sys.executable).with_name("lms"))

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class RevokedCertificate:
    id: int
    code: str
    revoke_reason: str


def queue_events(app, url, count):
    with app.app_context():
        db.session.add(WebhookSubscription(url=url, secret=SECRET, events="certificate.revoked"))
        db.session.flush()
        for i in range(count):
            emit("lms_certificate_revoked", certificate=RevokedCertificate(id=i, code=f"C-{i}", revoke_reason="test"))
        commit()
        return set(db.session.scalars(sa.select(WebhookDelivery.uuid)))


def worker(database_url, instance_root, *args):
    env = {**os.environ, "LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(instance_root),
           "LMS_SECRET_KEY": TEST_SECRET_KEY, "LMS_WEBHOOK_LEASE_SECONDS": "2", "LMS_WEBHOOK_TIMEOUT_SECONDS": "10"}
    return subprocess.Popen([LMS, "worker", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def statuses(app):
    with app.app_context():
        return Counter(db.session.scalars(sa.select(WebhookDelivery.status)))


def test_a_killed_worker_loses_nothing(app, database_url, instance_root):
    # The first request hangs, so the worker is surely mid-delivery when it is killed.
    with Receiver(SECRET, delay=lambda n: 30 if n == 1 else 0) as receiver:
        expected = queue_events(app, receiver.url, 5)
        first = worker(database_url, instance_root, "--interval", "0.2", "--batch", "3")
        try:
            receiver.wait_for(1)
            os.kill(first.pid, signal.SIGKILL)
        finally:
            first.wait(timeout=30)
            first.stdout.close()
        assert first.returncode == -signal.SIGKILL
        assert statuses(app) == {"pending": 5}  # claimed, never recorded
        time.sleep(2.5)  # let the dead worker's lease run out
        second = worker(database_url, instance_root, "--once", "--batch", "3")
        output, _ = second.communicate(timeout=60)
        assert second.returncode == 0, output
        received = receiver.ids()
    assert statuses(app) == {"delivered": 5}
    assert set(received) == expected  # every event arrived …
    assert len(received) == 6 and Counter(received).most_common(1)[0][1] == 2  # … the one in flight twice, same id
    assert all(r["verified"] for r in receiver.requests)


def test_a_worker_killed_before_it_claims_leaves_everything_pending(app, database_url, instance_root):
    with Receiver(SECRET) as receiver:
        proc = worker(database_url, instance_root, "--interval", "60")
        time.sleep(0.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        expected = queue_events(app, receiver.url, 3)  # written after it died
        restarted = worker(database_url, instance_root, "--once")
        output, _ = restarted.communicate(timeout=60)
        assert restarted.returncode == 0, output
        assert sorted(receiver.ids()) == sorted(expected)


def test_two_workers_never_send_the_same_delivery(app, database_url, instance_root):
    with Receiver(SECRET, delay=0.02) as receiver:
        expected = queue_events(app, receiver.url, 30)
        workers = [worker(database_url, instance_root, "--once", "--batch", "2") for _ in range(2)]
        for proc in workers:
            output, _ = proc.communicate(timeout=120)
            assert proc.returncode == 0, output
        received = receiver.ids()
    assert sorted(received) == sorted(expected)  # each exactly once
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.max(WebhookDelivery.attempts))) == 1


def test_sigterm_stops_the_worker_cleanly(app, database_url, instance_root):
    proc = worker(database_url, instance_root, "--interval", "0.2")
    for line in proc.stdout:  # wait until it is up and looping
        if b"Worker started" in line:
            break
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 0
