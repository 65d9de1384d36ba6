"""Publishing a survey enqueues its invitations: the request costs the same for any audience, the worker invites each once."""
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import csrf_token, sign_in

QUESTIONS = [{"key": "score", "kind": "rating", "title": "Оценка"}]


def draft_for_learners(app, title: str) -> int:
    from lms.events import commit
    from lms.surveys.services import create_survey

    with app.app_context():
        survey = create_survey(title=title, questions=QUESTIONS, targeting={"role": ["learner"]})
        commit()
        return survey.id


def add_learners(app, count: int) -> None:
    from lms.auth.services import create_user
    from lms.events import commit

    from lms.auth.models import Dealer

    with app.app_context():
        dealer_id = db.session.scalar(sa.select(sa.func.min(Dealer.id)))
        for number in range(count):
            create_user(email=f"audience{number}@survey.example", name=f"Слушатель {number}", role="learner",
                        dealer_id=dealer_id, source="cli")
        commit()


def publish_counting(client, query_counter, survey_id: int) -> int:
    token = csrf_token(client, f"/surveys/manage/{survey_id}/edit")
    with query_counter() as sent:
        assert client.post(f"/surveys/manage/{survey_id}/publish", data={"csrf_token": token}).status_code == 303
    return len(sent)


def invited(app, survey_id: int) -> dict[int, int]:
    from lms.notifications.models import Notification

    with app.app_context():
        rows = db.session.execute(sa.select(Notification.user_id, sa.func.count()).where(
            Notification.dedupe_key == f"survey_invitation:{survey_id}").group_by(Notification.user_id))
        return dict(rows.all())


def learner_ids(app) -> set[int]:
    from lms.auth.models import User

    with app.app_context():
        return set(db.session.scalars(sa.select(User.id).where(User.role == "learner", User.active.is_(True))))


def test_publishing_costs_the_same_for_any_audience_and_the_worker_invites_everyone_once(app, client, demo,
                                                                                      query_counter):
    from lms.worker import run_once

    sign_in(client, "manager")
    small = draft_for_learners(app, "Малый опрос")
    small_queries = publish_counting(client, query_counter, small)
    add_learners(app, 25)
    large = draft_for_learners(app, "Большой опрос")
    large_queries = publish_counting(client, query_counter, large)
    assert large_queries == small_queries
    assert invited(app, large) == {}  # nobody is told inside the request
    with app.app_context():
        run_once(10)  # commits every 10 people: a pass spans several transactions
    everyone = learner_ids(app)
    assert len(everyone) > 25
    assert invited(app, large) == {user_id: 1 for user_id in everyone}
    assert invited(app, small) == {user_id: 1 for user_id in everyone}
    with app.app_context():
        from lms.surveys.models import Survey

        assert not db.session.get(Survey, large).invitations_pending
        db.session.execute(sa.update(Survey).where(Survey.id == large).values(invitations_pending=True))
        db.session.commit()
        run_once(10)  # a job run twice (a crash before it was cleared) invites nobody twice
    assert invited(app, large) == {user_id: 1 for user_id in everyone}
