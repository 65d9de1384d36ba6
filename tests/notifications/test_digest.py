"""Digest mode: several notifications of a day reach the person as one e-mail, once."""
import sqlalchemy as sa

from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, smtp_server, smtp_settings
from lms.timeutil import clock_moved
from notify_support import KindsPlugin, run_worker, user_id


def test_digest_sends_one_email_for_a_days_notifications(app_factory, demo):
    from lms.notifications import notify
    from lms.notifications.service import set_preferences

    with smtp_server() as mail:
        app = app_factory(plugins=[KindsPlugin()], **smtp_settings(mail))
        learner = user_id(app, DEMO_EMAILS["learner"])
        with app.app_context():
            set_preferences(learner, {"test_news": "digest"})
            for topic in ("tractors", "seeders", "combines"):
                notify(learner, "test_news", params={"topic": topic}, link=f"/news/{topic}")
            commit()
        run_worker(app)
        assert mail.messages == []  # the day is not over
        with clock_moved(days=1, hours=6):
            assert "digests queued: 1" in run_worker(app)
            run_worker(app)
        [digest] = mail.messages
        assert digest["To"] == DEMO_EMAILS["learner"]
        assert "3" in digest["Subject"] and "Сводка" in digest["Subject"]
        body = digest.get_content()
        assert all(f"News: {topic}" in body for topic in ("tractors", "seeders", "combines"))
        assert "https://lms.test/news/seeders" in body
    from lms.notifications.models import Notification

    with app.app_context():  # still in the centre, unread
        assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
            Notification.read_at.is_(None))) == 3
