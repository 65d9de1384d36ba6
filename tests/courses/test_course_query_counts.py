"""Learner pages run the same number of SQL statements however long the course is (issue 21).

The existing constant-query test warms each page up first; these count the *first* view too,
because the first view of a lesson records the start, and a commit that expires the course's
loaded lesson list used to reload it one lesson at a time (20 → 85 statements from 7 to 70
lessons).
"""
import pytest
from course_helpers import make_course
from lms.testing import DEMO_EMAILS, csrf_token

PAGES = ["/courses/", "/courses/{slug}", "/courses/{slug}/lessons/l0", "/courses/{slug}/lessons/l3"]


def statements(client, query_counter, path):
    with query_counter() as counted:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(counted)


@pytest.mark.parametrize("page", PAGES)
def test_first_view_is_constant_in_the_number_of_lessons(app, login_as, query_counter, page):
    make_course(app, "short", lessons=7, per_section=2)
    make_course(app, "long", lessons=70, per_section=2)
    client = login_as("learner")
    few = statements(client, query_counter, page.format(slug="short"))
    many = statements(client, query_counter, page.format(slug="long"))
    assert many == few, (page, few, many)


def test_completing_a_lesson_is_constant_in_the_number_of_lessons(app, login_as, query_counter):
    make_course(app, "short", lessons=7, per_section=2)
    make_course(app, "long", lessons=70, per_section=2)
    client = login_as("learner")
    counts = []
    for slug in ("short", "long"):
        token = csrf_token(client, f"/courses/{slug}/lessons/l2")
        with query_counter() as counted:
            response = client.post(f"/courses/{slug}/lessons/l2/complete", data={"csrf_token": token})
        assert response.status_code in (302, 303)
        counts.append(len(counted))
        counts.append(statements(client, query_counter, f"/courses/{slug}/lessons/l3"))
    assert counts[:2] == counts[2:], counts


LEARNER_PAGES_WITH_CERTIFICATES = ["/", "/certificates/", "/courses/", "/account"]


def give_certificates(app, email, count, start):
    """``count`` completed courses, each issuing a certificate through the usual event."""
    import sqlalchemy as sa

    from lms.auth.models import User
    from lms.courses.models import Course
    from lms.extensions import db
    from lms.testing import complete_course

    with app.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.email == email))
    for number in range(start, start + count):
        with app.app_context():
            course = Course(slug=f"cert-{number}", title=f"Курс {number}", language="ru", version=1,
                            published=True, certificate_validity_months=12)
            db.session.add(course)
            db.session.commit()
            course_id = course.id
        complete_course(app, uid, course_id)


def test_learner_pages_are_constant_in_the_number_of_certificates(app, login_as, query_counter):
    client = login_as("learner")
    give_certificates(app, DEMO_EMAILS["learner"], 1, 0)
    for page in LEARNER_PAGES_WITH_CERTIFICATES:
        statements(client, query_counter, page)  # warm-up: first-visit writes are not the point here
    few = {page: statements(client, query_counter, page) for page in LEARNER_PAGES_WITH_CERTIFICATES}
    give_certificates(app, DEMO_EMAILS["learner"], 99, 1)
    for page in LEARNER_PAGES_WITH_CERTIFICATES:
        statements(client, query_counter, page)
    many = {page: statements(client, query_counter, page) for page in LEARNER_PAGES_WITH_CERTIFICATES}
    assert many == few
