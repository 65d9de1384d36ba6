"""The lms_survey_submitted event and the public functions plugins and other domains call."""
import dataclasses

import pytest
import sqlalchemy as sa

from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token
from lms import hookimpl
from lms.auth.models import Dealer, User
from lms.extensions import db
from lms.surveys import api
from lms.surveys.contracts import SurveySubmission
from lms.surveys.models import Survey, SurveyResponse

QUESTIONS = [{"key": "ok", "kind": "single_choice", "title": "Всё понятно?", "options": ["да", "нет"]}]


class Listener:
    """A plugin that records what it heard, and what the database said at that moment."""

    __name__ = "survey_listener"

    def __init__(self):
        self.heard = []

    @hookimpl
    def lms_survey_submitted(self, response):
        stored = db.session.get(SurveyResponse, response.response_id)  # committed: visible to a fresh read
        self.heard.append((response, stored.answers if stored else None))


def sign_in(app, role):
    from lms.demo import load_core_demo_data
    from lms.events import commit

    with app.app_context():
        load_core_demo_data()
        commit()
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    return client


def make_survey(app, **options):
    from lms.events import commit

    with app.app_context():
        survey_id = api.create_survey(title="Обратная связь", questions=QUESTIONS, **options)
        commit()
        return survey_id


@pytest.mark.parametrize("anonymous", [False, True])
def test_hook_lms_survey_submitted(app_factory, anonymous):
    listener = Listener()
    app = app_factory(plugins=[listener])
    client = sign_in(app, "learner")
    survey_id = make_survey(app, anonymous=anonymous)
    response = client.post(f"/surveys/{survey_id}", data={
        "csrf_token": csrf_token(client, f"/surveys/{survey_id}"), "action": "submit", "q-ok": "да"})
    assert response.status_code == 302
    assert len(listener.heard) == 1
    submission, stored = listener.heard[0]
    assert isinstance(submission, SurveySubmission) and stored == {"ok": "да"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        submission.user_id = 1
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))
    assert submission.survey_id == survey_id
    assert submission.user_id == (None if anonymous else user_id)


def test_an_invalid_answer_fires_no_event(app_factory):
    listener = Listener()
    app = app_factory(plugins=[listener])
    client = sign_in(app, "learner")
    survey_id = make_survey(app)
    response = client.post(f"/surveys/{survey_id}", data={
        "csrf_token": csrf_token(client, f"/surveys/{survey_id}"), "action": "submit", "q-ok": "может быть"})
    assert response.status_code == 422
    assert "Неизвестный вариант: может быть." in response.get_data(as_text=True)
    assert listener.heard == []


def test_public_functions(app, demo):
    from lms.events import commit
    from lms.surveys.services import submit_response

    survey_id = make_survey(app, course_id=42, targeting={"tier": ["gold", "silver"]})
    make_survey(app, course_id=43, publish=False)
    with app.app_context():
        assert api.feedback_survey_for_course(42) == survey_id
        assert api.feedback_survey_for_course(43) is None  # a draft is not offered
        assert api.feedback_survey_for_course(7) is None
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        learner = users[DEMO_EMAILS["learner"]]
        assert [s["id"] for s in api.open_surveys_for_user(learner.id)] == [survey_id]
        assert api.open_surveys_for_user(users[DEMO_EMAILS["learner3"]].id) == []
        submit_response(db.session.get(Survey, survey_id),
                        learner, {"ok": "нет"})
        commit()
        assert api.has_responded(survey_id, learner.id)
        rates = {r["dealer_name"]: (r["targeted"], r["responded"], r["percent"])
                 for r in api.response_rate_per_dealer(survey_id)}
        # gold dealer: learner + dealer admin; silver: learner2; bronze is not targeted
        assert rates == {"АгроСнаб-Юг": (2, 1, 50.0), "Поле и Сад": (1, 0, 0.0)}
        assert api.non_respondents(survey_id) == sorted(
            [users[DEMO_EMAILS["dealer_admin"]].id, users[DEMO_EMAILS["learner2"]].id])
        gold = db.session.scalar(sa.select(Dealer.id).where(Dealer.tax_id == "2310000001"))
        assert api.non_respondents(survey_id, gold) == [users[DEMO_EMAILS["dealer_admin"]].id]
        assert api.survey_summary(survey_id)["responses"] == 1


def test_create_survey_refuses_bad_definitions(app):
    with app.app_context(), pytest.raises(api.SurveyError) as refused:
        api.create_survey(title="X", questions=[{"key": "a", "kind": "essay", "title": "A"}])
    assert refused.value.message == "Unknown question kind: %(kind)s."




def test_editing_fires_the_event_again_with_the_same_response(app_factory):
    listener = Listener()
    app = app_factory(plugins=[listener])
    client = sign_in(app, "learner")
    survey_id = make_survey(app)
    for choice in ("да", "нет"):
        client.post(f"/surveys/{survey_id}", data={
            "csrf_token": csrf_token(client, f"/surveys/{survey_id}"), "action": "submit", "q-ok": choice})
    assert [stored for _, stored in listener.heard] == [{"ok": "да"}, {"ok": "нет"}]
    assert listener.heard[0][0].response_id == listener.heard[1][0].response_id


def test_a_second_anonymous_response_is_refused_by_the_database(app, demo):
    from lms.surveys.models import SurveyParticipation
    from lms.surveys.services import SurveyRefused, submit_response

    survey_id = make_survey(app, anonymous=True)
    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAILS["learner"]))
        survey = db.session.get(Survey, survey_id)
        submit_response(survey, learner, {"ok": "да"})
        with pytest.raises(SurveyRefused) as refused:
            submit_response(survey, learner, {"ok": "нет"})
        assert refused.value.message == "You have already answered this survey."
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyParticipation)) == 1
