"""The learner's iCalendar feed of deadlines, and «Моё обучение» (the home page)."""
import re
from datetime import timedelta

import icalendar
from assignment_helpers import assign, user_id

from lms.testing import add_published_course, complete_course, csrf_token, sign_in


def feed_url(client) -> str:
    page = client.post("/assignments/calendar/new",
                       data={"csrf_token": csrf_token(client, "/assignments/calendar")}).get_data(as_text=True)
    return re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)


def test_calendar_feed_holds_the_due_dates_and_a_revoked_url_answers_404(app, client, demo):
    course = add_published_course(app, slug="cal", title="Calendar course")
    other = add_published_course(app, slug="cal2", title="Second course")
    learner = user_id(app, "learner")
    assign(app, course_id=course, audience_kind="people", audience_values=(learner,), due_kind="after_assignment",
           due_days=10)
    assign(app, course_id=other, audience_kind="people", audience_values=(learner,), due_kind="fixed",
           due_on=__import__("datetime").date(2031, 3, 1))
    sign_in(client, "learner")
    assert "/assignments/calendar" in client.get("/account").get_data(as_text=True)
    url = feed_url(client)
    path = url.split("lms.test", 1)[1]
    visitor = app.test_client()
    response = visitor.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(event["summary"]): event.decoded("dtstart") for event in calendar.walk("VEVENT")}
    from lms.timeutil import utcnow

    assert len(events) == 2
    assert sorted(events.values()) == [utcnow().date() + timedelta(days=10), __import__("datetime").date(2031, 3, 1)]
    assert any("Calendar course" in summary for summary in events)
    # A new link replaces the old; revoking ends the new one too.
    newer = feed_url(client).split("lms.test", 1)[1]
    assert visitor.get(path).status_code == 404
    assert visitor.get(newer).status_code == 200
    client.post("/assignments/calendar/revoke", data={"csrf_token": csrf_token(client, "/assignments/calendar")})
    assert visitor.get(newer).status_code == 404
    assert visitor.get("/assignments/calendar/" + "x" * 500 + ".ics").status_code == 404


def test_home_lists_assignments_first_and_overdue_highlighted(app, client, demo):
    course = add_published_course(app, slug="home", title="Home course")
    learner = user_id(app, "learner")
    assign(app, course_id=course, audience_kind="people", audience_values=(learner,), due_kind="fixed",
           due_on=__import__("datetime").date(2020, 1, 1))
    sign_in(client, "learner")
    page = client.get("/").get_data(as_text=True)
    assert "Home course" in page and "is-overdue" in page
    assert page.count("Добро пожаловать") == 1  # the sign-in's greeting only, no second welcome line
    assert page.index("my-learning") < page.index("Home course")


def test_home_query_count_is_constant(app, client, demo, query_counter):
    from lms.events import commit
    from lms.extensions import db
    from lms.certificates.models import Certificate
    from lms.timeutil import utcnow

    learner = user_id(app, "learner")
    sign_in(client, "learner")

    def add(n, start):
        with app.app_context():
            for index in range(start, start + n):
                course = add_published_course(app, slug=f"q{index}", title=f"Q{index}")
                assign(app, course_id=course, audience_kind="people", audience_values=(learner,))
                db.session.add(Certificate(serial=f"S{index}", code=f"code{index}", user_id=learner,
                                           course_id=course, course_version=1, learner_name="x",
                                           course_title=f"Q{index}", expires_at=utcnow() + timedelta(days=5)))
            commit()

    def count() -> int:
        client.get("/")  # warm caches (catalogues, plugins)
        with query_counter() as statements:
            page = client.get("/").get_data(as_text=True)
        assert "Q0" in page
        return len(statements)

    add(1, 0)
    one = count()
    add(29, 1)
    assert count() == one
    complete_course(app, learner, add_published_course(app, slug="done", title="Done"))


def test_demo_assigns_the_safety_course_once(app, client, demo):
    from lms.events import commit

    for _ in range(2):
        with app.app_context():
            app.extensions["lms"].hook.lms_load_demo_data()
            commit()
    from lms.assignments.models import Assignment
    from lms.extensions import db
    import sqlalchemy as sa

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 1
    sign_in(client, "learner")
    assert "Безопасное хранение" in client.get("/").get_data(as_text=True).split('id="my-learning"', 1)[1]
