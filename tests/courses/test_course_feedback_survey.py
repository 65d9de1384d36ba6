"""A course's feedback survey is offered on the course page once the learner completed it."""
import sqlalchemy as sa

from course_helpers import make_course
from lms.extensions import db
from lms.testing import DEMO_EMAILS, csrf_token


def test_feedback_survey_is_offered_after_completion(app, login_as):
    from lms.auth.models import User
    from lms.surveys.api import create_survey

    course = make_course(app, "feedback-course", lessons=1)
    with app.app_context():
        survey_id = create_survey(
            title="Как вам курс?", course_id=course,
            questions=[{"key": "rating", "kind": "rating", "title": "Оцените курс", "required": True}])
        db.session.commit()
    client = login_as("learner")
    before = client.get("/courses/feedback-course").get_data(as_text=True)
    assert f"/surveys/{survey_id}" not in before
    token = csrf_token(client, "/courses/feedback-course/lessons/l0")
    client.post("/courses/feedback-course/lessons/l0/complete", data={"csrf_token": token})
    after = client.get("/courses/feedback-course").get_data(as_text=True)
    assert f'href="/surveys/{survey_id}"' in after
    assert "Оставить отзыв" in after
    response = client.post(f"/surveys/{survey_id}", data={"csrf_token": csrf_token(client, f"/surveys/{survey_id}"),
                                                          "q-rating": "5"})
    assert response.status_code in (200, 302)
    with app.app_context():
        learner = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))
        from lms.surveys.api import has_responded

        assert has_responded(survey_id, learner)
