"""A test plugin declaring notification kinds, and helpers shared by the notification tests."""
import sqlalchemy as sa

from lms import hookimpl
from lms.extensions import db


class KindsPlugin:
    """Declares ``test_news`` (e-mail at once by default) and ``test_quiet`` (in-app only)."""

    __name__ = "notify_test_kinds"

    @hookimpl
    def lms_notification_kinds(self):
        from lms.notifications import Delivery, NotificationKind

        return [
            NotificationKind("test_news", "News", "News: %(topic)s", lambda p: f"About {p.get('topic')}.",
                             Delivery.EMAIL),
            NotificationKind("test_quiet", "Quiet", "Quiet: %(topic)s", "Nothing to mail.", Delivery.IN_APP),
        ]


def user_id(app, email: str) -> int:
    from lms.auth.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def run_worker(app):
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output
