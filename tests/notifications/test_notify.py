"""notify(): in-app rows, e-mail by the person's choice through the outbox, idempotence, language."""
import sqlalchemy as sa

from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, smtp_server, smtp_settings
from notify_support import KindsPlugin, run_worker, user_id


def _notify(app, *args, **kwargs):
    from lms.notifications import notify

    with app.app_context():
        notify(*args, **kwargs)
        commit()


def test_hook_lms_notification_kinds(app_factory, demo):
    app = app_factory(plugins=[KindsPlugin()])
    from lms.notifications.kinds import registered_kinds

    with app.app_context():
        kinds = registered_kinds()
    assert {"test_news", "test_quiet", "certificate_issued", "certificate_expiring"} <= set(kinds)
    assert kinds["test_quiet"].default_delivery == "in_app"


def test_notify_mails_through_the_outbox_once_per_dedupe_key(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(plugins=[KindsPlugin()], **smtp_settings(mail))
        learner = user_id(app, DEMO_EMAILS["learner"])
        admin = user_id(app, DEMO_EMAILS["dealer_admin"])
        for _ in range(2):  # a job running twice
            _notify(app, learner, "test_news", params={"topic": "tractors"}, link="/courses/",
                    dedupe_key="news-1", copy_to=[admin])
        assert "e-mails sent: 2" in run_worker(app)
        run_worker(app)
        assert len(mail.messages) == 2
        [to_learner] = mail.to(DEMO_EMAILS["learner"])
        assert to_learner["Subject"] == "News: tractors"
        assert to_learner["From"] == "training@agro.example"
        body = to_learner.get_content()
        assert "About tractors." in body and "Здравствуйте" in body and "https://lms.test/courses/" in body
        assert len(mail.to(DEMO_EMAILS["dealer_admin"])) == 1
    from lms.notifications.models import Notification

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2


def test_in_app_only_kind_sends_no_mail(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(plugins=[KindsPlugin()], **smtp_settings(mail))
        _notify(app, user_id(app, DEMO_EMAILS["learner"]), "test_quiet", params={"topic": "x"})
        run_worker(app)
        assert mail.messages == []


def test_mail_is_rendered_in_the_recipients_language(app_factory, demo):
    from lms.auth.models import User

    with smtp_server() as mail:
        app = app_factory(plugins=[KindsPlugin()], **smtp_settings(mail))
        learner = user_id(app, DEMO_EMAILS["learner"])
        with app.app_context():
            db.session.get(User, learner).locale = "en"
            db.session.commit()
        _notify(app, learner, "test_news", params={"topic": "seeders"})
        run_worker(app)
        assert "Hello, " in mail.messages[0].get_content()


def test_unknown_kind_is_an_error(app_factory, demo):
    import pytest

    app = app_factory()
    with app.app_context(), pytest.raises(LookupError):
        from lms.notifications import notify

        notify(1, "no_such_kind")
