"""The mail outbox: retries with backoff while SMTP fails, and a killed worker's claim runs out."""
import datetime as dt

import sqlalchemy as sa

from lms.extensions import db
from lms.testing import DEMO_EMAILS, smtp_server, smtp_settings
from lms.timeutil import clock_moved, utcnow
from notify_support import run_worker


def _queue(app, count=1):
    from lms.notifications.service import queue_mail

    with app.app_context():
        for number in range(count):
            queue_mail(DEMO_EMAILS["learner"], f"Subject {number}", "Body")
        db.session.commit()


def test_failed_sending_is_retried_later_with_backoff(app_factory, demo):
    from lms.notifications.models import MailStatus, OutgoingMail

    with smtp_server() as mail:
        port = mail.port
    # Nothing listens on the port now: sending fails.
    app = app_factory(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port, MAIL_SMTP_STARTTLS=False, MAIL_SMTP_TIMEOUT=2)
    _queue(app)
    assert "e-mails failed: 1" in run_worker(app)
    with app.app_context():
        row = db.session.scalars(sa.select(OutgoingMail)).one()
        assert row.status == MailStatus.PENDING and row.attempts == 1 and row.last_error
        assert row.next_attempt_at > utcnow() + dt.timedelta(seconds=20)
    assert "e-mails" not in run_worker(app)  # not due yet
    with smtp_server() as mail:
        app2 = app_factory(**smtp_settings(mail))
        with clock_moved(minutes=2):
            assert "e-mails sent: 1" in run_worker(app2)
        assert len(mail.messages) == 1
    with app.app_context():
        row = db.session.scalars(sa.select(OutgoingMail)).one()
        assert row.status == MailStatus.SENT and row.attempts == 2 and row.sent_at


def test_a_killed_workers_claim_expires_and_the_mail_still_goes_out(app_factory, demo):
    from lms.notifications.outbox import claim

    with smtp_server() as mail:
        app = app_factory(**smtp_settings(mail))
        _queue(app, 3)
        with app.app_context():
            _claim_id, ids = claim(2)  # a worker took two e-mails, then was killed
        assert len(ids) == 2
        run_worker(app)
        assert len(mail.messages) == 1  # the claimed two wait for their lease
        with clock_moved(seconds=app.config["MAIL_LEASE_SECONDS"] + 1):
            run_worker(app)
        assert sorted(message["Subject"] for message in mail.messages) == ["Subject 0", "Subject 1", "Subject 2"]


def test_without_an_smtp_host_mail_waits_in_the_outbox(app_factory, demo):
    from lms.notifications.models import MailStatus, OutgoingMail

    app = app_factory()
    _queue(app)
    run_worker(app)
    with app.app_context():
        assert db.session.scalars(sa.select(OutgoingMail.status)).one() == MailStatus.PENDING
