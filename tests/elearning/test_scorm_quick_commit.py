"""The one-statement SCORM commit (lms/elearning/scorm_quick_commit.py) skips loading the account, as
the quiz autosave does: its own SQL must refuse an ended session, a deactivated account or dealer."""
import pytest
import sqlalchemy as sa

from lms.auth.models import Dealer, User
from lms.auth.sessions import UserSession
from lms.elearning.scorm_models import ScormAttempt
from lms.events import commit
from lms.extensions import db
from scorm_kit import CONTENT_ORIGIN, Runtime, import_fixture


@pytest.fixture
def app(app_factory):
    return app_factory(ELEARNING_CONTENT_ORIGIN=CONTENT_ORIGIN)


def bookmark(runtime, item, location, session_time):
    """A commit that moves no status nor score: the one-statement path."""
    return runtime.client.post(runtime.launch["runtime"].replace("METHOD", "scorm_commit"), headers={
        "X-CSRFToken": runtime.csrf}, json={"item": item, "finished": False, "cmi": {
            "cmi.core.lesson_status": "incomplete", "cmi.core.lesson_location": location,
            "cmi.core.exit": "suspend", "cmi.suspend_data": location * 100, "cmi.core.session_time": session_time}})


def stored(app):
    with app.app_context():
        attempt = db.session.scalar(sa.select(ScormAttempt))
        return attempt.location, attempt.cmi["cmi.suspend_data"][:len(attempt.location)], attempt.commits, \
            attempt.total_seconds


def test_a_bookmark_commit_stores_the_data_and_counts_only_the_sessions_growth(app, client, demo, login_as):
    _course, package_id, _lesson = import_fixture(app, "RuntimeBasicCalls_SCORM12.zip")
    login_as("learner")
    runtime = Runtime(client, package_id)
    item = runtime.call("scorm_init", {})["item"]
    assert bookmark(runtime, item, "p1", "00:01:00").get_json() == {
        "result": True, "completion_status": "incomplete", "success_status": "unknown"}
    assert bookmark(runtime, item, "p2", "00:01:30").status_code == 200
    assert stored(app) == ("p2", "p2", 2, 90.0)


def end_session(email):
    db.session.execute(sa.delete(UserSession).where(
        UserSession.user_id == sa.select(User.id).where(User.email == email).scalar_subquery()))


def deactivate_account(email):
    db.session.execute(sa.update(User).where(User.email == email).values(active=False))


def deactivate_dealer(email):
    dealer_id = db.session.scalar(sa.select(User.dealer_id).where(User.email == email))
    assert dealer_id is not None
    db.session.execute(sa.update(Dealer).where(Dealer.id == dealer_id).values(active=False))


@pytest.mark.parametrize("cut_off", [end_session, deactivate_account, deactivate_dealer])
def test_a_cut_off_learner_commits_nothing(app, client, demo, login_as, cut_off):
    _course, package_id, _lesson = import_fixture(app, "RuntimeBasicCalls_SCORM12.zip")
    learner = next(account for account in demo if account.role == "learner")
    login_as("learner")
    runtime = Runtime(client, package_id)
    item = runtime.call("scorm_init", {})["item"]
    assert bookmark(runtime, item, "p1", "00:01:00").status_code == 200
    with app.app_context():
        cut_off(learner.email)
        commit()
    refused = bookmark(runtime, item, "p2", "00:02:00")
    assert refused.status_code in (302, 401, 404), refused.status_code
    assert stored(app) == ("p1", "p1", 1, 60.0)
