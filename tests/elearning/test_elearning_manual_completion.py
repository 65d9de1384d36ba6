"""A lesson that an e-learning package completes is not completed by the learner's "Studied" click.

The package's lesson is an ordinary lesson that opens the player; without this rule the course's
own complete route (and the page's automatic completion of text lessons) would let a learner
skip the module and still collect the certificate.
"""
import io

import sqlalchemy as sa

from elearning_kit import fixture_package
from lms.courses.models import Course, Lesson, LessonProgress
from lms.elearning.models import ElearningUnit
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db
from lms.testing import add_published_course, csrf_token


def test_the_studied_click_does_not_complete_a_module_lesson(app, login_as):
    course_id = add_published_course(app, slug="golf", title="Гольф")
    with app.app_context():
        package = import_package(io.BytesIO(fixture_package("tincan", "GolfExample_TCAPI.zip")),
                                 course_id=course_id, user_id=None)
        unit = db.session.scalar(sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id))
        lesson = db.session.get(Lesson, unit.lesson_id)
        slug, lesson_slug, lesson_id = db.session.get(Course, course_id).slug, lesson.slug, lesson.id
        commit()
    client = login_as("learner")
    page = client.get(f"/courses/{slug}/lessons/{lesson_slug}").get_data(as_text=True)
    assert "засчитывается, когда модуль пройден до конца" in page
    assert f"/courses/{slug}/lessons/{lesson_slug}/complete" not in page  # no "Studied" button, no auto-complete
    token = csrf_token(client, f"/courses/{slug}/lessons/{lesson_slug}")
    response = client.post(f"/courses/{slug}/lessons/{lesson_slug}/complete", data={"csrf_token": token})
    assert response.status_code == 302
    response = client.post(f"/courses/{slug}/lessons/{lesson_slug}/complete", data={"csrf_token": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 409 and response.json["completed"] is False
    with app.app_context():
        progress = db.session.scalar(sa.select(LessonProgress).where(LessonProgress.lesson_id == lesson_id))
        assert progress is None or progress.completed_at is None
