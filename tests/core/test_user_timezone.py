"""Each person's time zone (issue 25): chosen on the account page, used to show and to read times.

A quiz's opening and closing times used to be typed in UTC and shown in Moscow time; now both
follow the person's zone (the portal's BABEL_DEFAULT_TIMEZONE until they choose one).
"""
from datetime import datetime

import sqlalchemy as sa

from lms.testing import DEMO_EMAILS, csrf_token


def quiz_form(client, **fields):
    data = {"csrf_token": csrf_token(client, "/quizzes/manage"), "title": "Зачёт по хранению",
            "random_category_id": "0", "random_count": "0", "time_limit_minutes": "0", "attempts_allowed": "0",
            "cooldown_minutes": "0", "pass_percent": "70", "grading_method": "highest", "review": "with_answers",
            "shuffle_options": "y"}
    data.update(fields)
    return data


def chosen_zone(app, email):
    from lms.auth.models import User
    from lms.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(User.timezone).where(User.email == email))


def test_account_page_offers_zones_by_city_and_saves_the_choice(app, client, login_as):
    login_as("author")
    page = client.get("/account").get_data(as_text=True)
    assert "Новосибирск (UTC+07:00)" in page and "Как на портале: Москва (UTC+03:00)" in page
    response = client.post("/account/timezone", data={"csrf_token": csrf_token(client, "/account"),
                                                      "timezone": "Asia/Novosibirsk"})
    assert response.status_code == 303
    assert chosen_zone(app, DEMO_EMAILS["author"]) == "Asia/Novosibirsk"
    bad = client.post("/account/timezone", data={"csrf_token": csrf_token(client, "/account"),
                                                 "timezone": "Mars/Olympus"})
    assert bad.status_code == 422 and "field-error" in bad.get_data(as_text=True)
    assert chosen_zone(app, DEMO_EMAILS["author"]) == "Asia/Novosibirsk"
    client.post("/account/timezone", data={"csrf_token": csrf_token(client, "/account"), "timezone": ""})
    assert chosen_zone(app, DEMO_EMAILS["author"]) is None  # back to the portal's


def test_quiz_times_are_typed_and_shown_in_the_authors_zone(app, client, login_as):
    from lms.extensions import db
    from lms.quizzes.models import Quiz

    login_as("author")
    client.post("/account/timezone", data={"csrf_token": csrf_token(client, "/account"),
                                           "timezone": "Asia/Novosibirsk"})
    response = client.post("/quizzes/manage", data=quiz_form(client, open_at="2027-03-01T10:00",
                                                             close_at="2027-03-01T12:00"))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        quiz = db.session.scalars(sa.select(Quiz).where(Quiz.title == "Зачёт по хранению")).one()
        assert (quiz.open_at, quiz.close_at) == (datetime(2027, 3, 1, 3, 0), datetime(2027, 3, 1, 5, 0))  # UTC
        quiz_id = quiz.id
    edit = client.get(f"/quizzes/{quiz_id}/edit").get_data(as_text=True)
    assert 'value="2027-03-01T10:00"' in edit and 'value="2027-03-01T12:00"' in edit  # as typed
    shown = client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)
    assert "12:00" in shown  # the closing time in Novosibirsk, not 05:00 UTC or 08:00 in Moscow
    client.post("/account/timezone", data={"csrf_token": csrf_token(client, "/account"), "timezone": ""})
    assert "08:00" in client.get(f"/quizzes/{quiz_id}").get_data(as_text=True)  # the portal's zone: Moscow
