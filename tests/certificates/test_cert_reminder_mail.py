"""Expiry reminders really go out by SMTP from ``lms worker`` (a real SMTP server, aiosmtpd, on 127.0.0.1)."""
import datetime as dt

import sqlalchemy as sa

from cert_support import complete, make_course, user_id
from lms.extensions import db
from lms.testing import DEMO_EMAILS, smtp_server, smtp_settings
from lms.timeutil import utcnow


def test_reminder_is_mailed_in_the_learners_language(app_factory, demo):
    with smtp_server() as sink:
        app = app_factory(**smtp_settings(sink))
        complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
        from lms.certificates.models import Certificate

        with app.app_context():
            db.session.execute(sa.update(Certificate).values(expires_at=utcnow() + dt.timedelta(days=5)))
            db.session.commit()
        runner = app.test_cli_runner()
        runner.invoke(args=["worker", "--once"])  # the "certificate issued" e-mail
        issued = len(sink.messages)
        result = runner.invoke(args=["certificates", "remind", "--days", "30"])
        assert result.exit_code == 0 and "Reminders sent: 1" in result.output
        assert runner.invoke(args=["worker", "--once"]).exit_code == 0
        assert len(sink.messages) == issued + 1
        message = sink.messages[-1]
        assert message["To"] == DEMO_EMAILS["learner"]
        assert message["From"] == "training@agro.example"
        assert "истекает" in message["Subject"].lower()
        body = message.get_content()
        assert "Иван Петров" in body and "/verify/" in body
        again = runner.invoke(args=["certificates", "remind", "--days", "30"])
        runner.invoke(args=["worker", "--once"])
        assert "Reminders sent: 0" in again.output and len(sink.messages) == issued + 1
