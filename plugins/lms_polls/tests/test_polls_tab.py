"""The «Опросы» tab: managers publish polls to dealer segments, dealers answer, managers remind."""
import dataclasses
import re

import pytest
import sqlalchemy as sa

from lms import hookimpl
from lms.auth.models import Dealer, User
from lms.extensions import db
from lms_polls.contracts import PollReminder
from lms_polls.models import Poll, Reminder

from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token, load_core_demo, without_csrf_tokens


def sign_in(app, role):
    client = app.test_client()
    response = client.post("/login", data={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client


def load_demo(app):
    load_core_demo(app)


def nav(html):
    return re.search(r'<nav class="tabs".*?</nav>', html, re.S).group(0)


def publish_gold_poll(client, kind="single_choice", **extra):
    data = {"csrf_token": csrf_token(client, "/polls/new"), "title": "Удобен ли новый прайс-лист?", "required": "y",
            "options-0-text": "Да", "options-1-text": "Нет", "options-2-text": "Не видел", "tiers": ["gold"]}
    data.update(extra)
    response = client.post(f"/polls/new?kind={kind}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


class ReminderListener:
    __name__ = "reminder_listener"

    def __init__(self):
        self.heard = []

    @hookimpl
    def lms_polls_reminder_sent(self, reminder):
        self.heard.append(reminder)


def test_dealers_see_the_tab_and_the_highlighted_unanswered_poll(app, login_as):
    publish_gold_poll(login_as("manager"))
    learner = login_as("learner")
    home = learner.get("/").get_data(as_text=True)
    assert ">Опросы<" in nav(home)
    panel = re.search(r'<section class="panel highlight" id="polls-panel".*?</section>', home, re.S).group(0)
    assert "1 опрос ждёт вашего ответа:" in panel and "Удобен ли новый прайс-лист?" in panel
    tab = learner.get("/polls/").get_data(as_text=True)
    assert 'class="pending highlight"' in tab and "Ждёт вашего ответа" in tab
    # bronze dealer: the tab is there, the poll is not
    other = login_as("learner3")
    assert "Удобен ли новый прайс-лист?" not in other.get("/polls/").get_data(as_text=True)
    assert 'id="polls-panel"' not in other.get("/").get_data(as_text=True)


def test_answering_returns_to_the_tab_and_clears_the_highlight(app, login_as):
    publish_gold_poll(login_as("manager"))
    learner = login_as("learner")
    link = re.search(r'href="(/surveys/\d+\?next=[^"]+)"', learner.get("/polls/").get_data(as_text=True)).group(1)
    page = learner.get(link.replace("&amp;", "&"))
    assert page.status_code == 200
    survey_path = link.split("?")[0]
    response = learner.post(survey_path, data={"csrf_token": csrf_token(learner, survey_path), "next": "/polls/",
                                               "action": "submit", "q-answer": "Да"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/polls/")
    assert 'id="polls-panel"' not in learner.get("/").get_data(as_text=True)
    assert "Ответили" in learner.get("/polls/").get_data(as_text=True)


def test_staff_are_not_polled(app, login_as):
    publish_gold_poll(login_as("manager"), tiers=[])
    assert "Удобен ли новый прайс-лист?" not in login_as("author").get("/surveys/").get_data(as_text=True)


def test_response_rate_per_dealer_and_reminder(app, login_as):
    poll_id = publish_gold_poll(login_as("manager"), tiers=[])
    learner = login_as("learner")
    with app.app_context():
        survey_id = db.session.get(Poll, poll_id).survey_id
    learner.post(f"/surveys/{survey_id}", data={"csrf_token": csrf_token(learner, f"/surveys/{survey_id}"),
                                                "action": "submit", "q-answer": "Нет"})
    manager = login_as("manager")
    html = manager.get(f"/polls/{poll_id}").get_data(as_text=True)
    table = re.search(r'<table id="response-rates">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>([^<]+)</td>", table)
    assert rows == [("АгроСнаб-Юг", "2", "1", "50.0"), ("Поле и Сад", "1", "0", "0.0"),
                    ("СибАгроТорг", "1", "0", "0.0")]
    with app.app_context():
        gold = db.session.scalar(sa.select(Dealer.id).where(Dealer.tax_id == "2310000001"))
    token = csrf_token(manager, f"/polls/{poll_id}")
    response = manager.post(f"/polls/{poll_id}/remind", data={"csrf_token": token, "dealer_id": gold},
                            follow_redirects=True)
    assert "Напоминание отправлено 1 человеку." in response.get_data(as_text=True)
    response = manager.post(f"/polls/{poll_id}/remind", data={"csrf_token": token}, follow_redirects=True)
    assert "Напоминание отправлено 3 людям." in response.get_data(as_text=True)
    with app.app_context():
        assert [r.recipients for r in db.session.scalars(sa.select(Reminder).order_by(Reminder.id))] == [1, 3]
    assert manager.post(f"/polls/{poll_id}/remind", data={"csrf_token": token, "dealer_id": "x"}).status_code == 400


def test_hook_lms_polls_reminder_sent(app_factory):
    listener = ReminderListener()
    app = app_factory(plugins=[listener])
    load_demo(app)
    manager = sign_in(app, "manager")
    poll_id = publish_gold_poll(manager)
    manager.post(f"/polls/{poll_id}/remind", data={"csrf_token": csrf_token(manager, f"/polls/{poll_id}")})
    assert len(listener.heard) == 1
    reminder = listener.heard[0]
    assert isinstance(reminder, PollReminder)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reminder.dealer_id = 1
    with app.app_context():
        gold_staff = set(db.session.scalars(sa.select(User.id).join(Dealer).where(Dealer.tier == "gold")))
        assert db.session.get(Reminder, reminder.reminder_id).recipients == 2
    assert set(reminder.user_ids) == gold_staff and reminder.dealer_id is None and reminder.poll_id == poll_id


def test_nobody_left_to_remind_fires_nothing(app_factory):
    listener = ReminderListener()
    app = app_factory(plugins=[listener])
    load_demo(app)
    poll_id = publish_gold_poll(sign_in(app, "manager"), tiers=["silver"])
    learner2 = sign_in(app, "learner2")
    with app.app_context():
        survey_id = db.session.get(Poll, poll_id).survey_id
    learner2.post(f"/surveys/{survey_id}", data={"csrf_token": csrf_token(learner2, f"/surveys/{survey_id}"),
                                                 "action": "submit", "q-answer": "Да"})
    manager = sign_in(app, "manager")
    response = manager.post(f"/polls/{poll_id}/remind", data={"csrf_token": csrf_token(manager, f"/polls/{poll_id}")},
                            follow_redirects=True)
    assert "напоминать некому" in response.get_data(as_text=True)
    assert listener.heard == []


def test_every_kind_is_a_form_and_bad_input_is_shown_next_to_the_field(app, login_as):
    manager = login_as("manager")
    page = without_csrf_tokens(manager.get("/polls/new").get_data(as_text=True))
    assert "JSON" not in page and "Матрица Лайкерта" in page and 'name="options-1-text"' in page
    poll_id = publish_gold_poll(manager, kind="rating", title="Оцените доставку")
    with app.app_context():
        from lms.surveys.api import survey_summary

        assert survey_summary(db.session.get(Poll, poll_id).survey_id)["questions"] == 1
    token = csrf_token(manager, "/polls/new")
    added = manager.post("/polls/new?kind=single_choice", data={"csrf_token": token, "title": "Один?",
                                                               "options-0-text": "Да", "list_action": "add:options"})
    assert added.status_code == 200 and 'name="options-1-text"' in added.get_data(as_text=True)
    bad = manager.post("/polls/new?kind=single_choice", data={"csrf_token": token, "title": "Один?",
                                                             "options-0-text": "Только один", "options-1-text": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Введите текст." in html and 'value="Только один"' in html
    same = manager.post("/polls/new?kind=single_choice", data={"csrf_token": token, "title": "Один?",
                                                              "options-0-text": "Да", "options-1-text": "Да"})
    assert same.status_code == 303  # equal labels get distinct stored values
    assert manager.get("/polls/new?kind=nope").status_code == 404
    assert login_as("learner").get("/polls/new").status_code == 403
    assert login_as("learner").get(f"/polls/{poll_id}").status_code == 403


def test_manager_list_query_count_does_not_grow(app, login_as, query_counter):
    manager = login_as("manager")
    publish_gold_poll(manager)
    with query_counter() as few:
        manager.get("/polls/")
    for n in range(5):
        publish_gold_poll(manager, title=f"Опрос {n}")
    with query_counter() as many:
        html = manager.get("/polls/").get_data(as_text=True)
    assert "Опрос 4" in html and len(many) == len(few)


def test_demo_poll_is_loaded_once(app):
    from lms.events import commit
    from lms.plugins import plugin_manager

    load_core_demo(app)
    with app.app_context():
        for _ in range(2):
            plugin_manager().hook.lms_load_demo_data()
            commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Poll)) == 1
        survey = db.metadata.tables["survey"]  # the core's table, read without importing its models
        assert db.session.scalar(sa.select(sa.func.count()).select_from(survey).where(survey.c.owner.is_(None))) == 1
