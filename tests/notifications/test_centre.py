"""The notification centre: the header count, the list, read/unread, mark all read, settings per kind."""
import sqlalchemy as sa

from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, csrf_token, sign_in
from notify_support import KindsPlugin, user_id


def _setup(app_factory):
    from lms.notifications import notify

    app = app_factory(plugins=[KindsPlugin()])
    learner = user_id(app, DEMO_EMAILS["learner"])
    with app.app_context():
        for topic in ("tractors", "seeders"):
            notify(learner, "test_quiet", params={"topic": topic}, link="/courses/")
        commit()
    client = app.test_client()
    sign_in(client, "learner")
    return app, client, learner


def _ids(app, user):
    from lms.notifications.models import Notification

    with app.app_context():
        return db.session.scalars(sa.select(Notification.id).where(Notification.user_id == user)
                                  .order_by(Notification.id)).all()


def test_header_count_list_and_read_state(app_factory, demo):
    app, client, learner = _setup(app_factory)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Quiet: tractors" in page and "Quiet: seeders" in page
    assert 'class="notifications-link"' in page and '<span class="badge"' in page and ">2</span>" in page
    first, second = _ids(app, learner)
    token = csrf_token(client, "/notifications/")
    assert client.post(f"/notifications/{first}/read", data={"csrf_token": token}).status_code == 302
    assert ">1</span>" in client.get("/notifications/").get_data(as_text=True)
    unread_only = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "Quiet: seeders" in unread_only and "Quiet: tractors" not in unread_only
    client.post(f"/notifications/{first}/unread", data={"csrf_token": token})
    assert ">2</span>" in client.get("/notifications/").get_data(as_text=True)
    client.post("/notifications/read-all", data={"csrf_token": token})
    assert '<span class="badge"' not in client.get("/notifications/").get_data(as_text=True)


def test_nobody_marks_anothers_notification(app_factory, demo):
    app, client, learner = _setup(app_factory)
    other = app.test_client()
    sign_in(other, "learner2")
    first = _ids(app, learner)[0]
    token = csrf_token(other, "/notifications/")
    assert other.post(f"/notifications/{first}/read", data={"csrf_token": token}).status_code == 404
    assert "Quiet: tractors" not in other.get("/notifications/").get_data(as_text=True)
    assert app.test_client().get("/notifications/").status_code in (302, 401)


def test_preferences_page_stores_the_choice_per_kind(app_factory, demo):
    from lms.notifications.service import preferences_of

    app, client, learner = _setup(app_factory)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'name="kind-test_news"' in page and "Ежедневная сводка" in page
    token = csrf_token(client, "/notifications/preferences")
    answer = client.post("/notifications/preferences", data={"csrf_token": token, "kind-test_news": "digest",
                                                              "kind-test_quiet": "email"})
    assert answer.status_code == 302
    with app.app_context():
        chosen = preferences_of(learner)
    assert chosen["test_news"] == "digest" and chosen["test_quiet"] == "email"
    bad = client.post("/notifications/preferences", data={"csrf_token": token, "kind-test_news": "pigeon"})
    assert bad.status_code == 400 and "Выберите один из предложенных вариантов." in bad.get_data(as_text=True)
