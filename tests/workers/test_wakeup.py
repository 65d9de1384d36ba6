"""PostgreSQL wakes listening workers when work is enqueued, at the commit and never for a rollback."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from lms.coordination.wakeup import Listener, notify_on_commit
from lms.events import commit, emit
from lms.extensions import db
from lms.webhooks.models import WebhookSubscription


@pytest.fixture
def postgresql_only(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has no LISTEN/NOTIFY: workers poll (see docs/workers.md)")


def listening(app):
    """A listener whose LISTEN is in place before anything is sent."""
    with app.app_context():
        listener = Listener(db.engine)
        listener._connect()
    return listener


def woken_while(app, listener, action, seconds=20.0) -> bool:
    result = []
    waiter = threading.Thread(target=lambda: result.append(listener.wait(seconds)))
    waiter.start()
    with app.app_context():
        action()
    waiter.join(seconds + 5)
    return result == [True]


def test_a_notification_arrives_at_the_commit_and_not_for_a_rollback(postgresql_only, app):
    listener = listening(app)
    try:
        def rolled_back():
            notify_on_commit(db.session, "certificates")
            db.session.rollback()

        assert not woken_while(app, listener, rolled_back, seconds=1.5)

        def committed():
            notify_on_commit(db.session, "certificates")
            db.session.commit()

        assert woken_while(app, listener, committed)
    finally:
        listener.close()


@dataclass(frozen=True)
class Revoked:
    id: int
    code: str
    revoke_reason: str


def test_the_outbox_wakes_the_workers_when_a_delivery_is_queued(postgresql_only, app):
    with app.app_context():
        db.session.add(WebhookSubscription(url="http://127.0.0.1:9/hook", secret="s" * 32,
                                           events="certificate.revoked"))
        commit()
    listener = listening(app)
    try:
        def revoke():
            emit("lms_certificate_revoked", certificate=Revoked(id=1, code="C-1", revoke_reason="test"))
            commit()

        assert woken_while(app, listener, revoke)
    finally:
        listener.close()


def test_on_sqlite_the_listener_simply_waits(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite path")
    with app.app_context():
        listener = Listener(db.engine)
    assert listener.wait(0.3) is False and listener.connection is None
