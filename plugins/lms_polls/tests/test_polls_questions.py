"""Polls of several questions, made in the browser forms with the shared question-field editors (issue 19)."""
import re

import sqlalchemy as sa

from lms.auth.models import User
from lms.extensions import db
from lms.testing import csrf_token
from lms_polls.models import Poll

TITLE = "Как вам новый каталог?"


def post_form(client, path, data, form_path=None):
    """POST ``data`` with a real CSRF token read from the page at ``form_path`` (the editor itself by default)."""
    return client.post(path, data={"csrf_token": csrf_token(client, form_path or path), **data})


def draft_poll(manager) -> int:
    """The first question on /polls/new, saved as a draft: the questions page follows."""
    response = post_form(manager, "/polls/new?kind=single_choice", {
        "title": TITLE, "required": "y", "options-0-text": "Удобный", "options-1-text": "Неудобный",
        "tiers": ["gold"], "draft": "1"}, form_path="/polls/new")
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.fullmatch(r".*/polls/(\d+)/questions", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match[1])


def question_titles(manager, poll_id) -> list[str]:
    html = manager.get(f"/polls/{poll_id}/questions").get_data(as_text=True)
    table = re.search(r'<table id="poll-questions">.*?</table>', html, re.S).group(0)
    return re.findall(r'/questions/\d+">([^<]+)</a>', table) or re.findall(r"<td>\d+</td>\s*<td>([^<*]+)", table)


def test_a_three_question_poll_is_made_answered_and_summed_up_per_question(app, login_as):
    manager = login_as("manager")
    poll_id = draft_poll(manager)
    assert TITLE not in login_as("learner").get("/polls/").get_data(as_text=True)  # a draft invites nobody
    manager = login_as("manager")
    new_rating = f"/polls/{poll_id}/questions/new/rating"
    assert post_form(manager, new_rating, {"title": "Оцените подбор запчастей", "required": "y"}).status_code == 303
    new_text = f"/polls/{poll_id}/questions/new/short_text"
    assert post_form(manager, new_text, {"title": "Чего не хватает?"}).status_code == 303
    assert question_titles(manager, poll_id) == [TITLE, "Оцените подбор запчастей", "Чего не хватает?"]
    # reorder with the buttons: the text question up, then back down
    change = f"/polls/{poll_id}/questions/3/change"
    assert post_form(manager, change, {"action": "up"}, f"/polls/{poll_id}/questions").status_code == 303
    assert question_titles(manager, poll_id) == [TITLE, "Чего не хватает?", "Оцените подбор запчастей"]
    assert post_form(manager, f"/polls/{poll_id}/questions/2/change", {"action": "down"},
                     f"/polls/{poll_id}/questions").status_code == 303
    # edit: the first question's options keep their values, one more is added
    edit = post_form(manager, f"/polls/{poll_id}/questions/1", {
        "title": TITLE, "required": "y", "options-0-id": "Удобный", "options-0-text": "Удобный",
        "options-1-id": "Неудобный", "options-1-text": "Неудобный", "options-2-text": "Не видел"})
    assert edit.status_code == 303
    opened = post_form(manager, f"/polls/{poll_id}/open", {}, f"/polls/{poll_id}/questions")
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/polls/{poll_id}")

    with app.app_context():
        survey_id = db.session.get(Poll, poll_id).survey_id
    learner = login_as("learner")
    page = learner.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert all(name in page for name in ('name="q-answer"', 'name="q-q1"', 'name="q-q2"'))  # one page
    answered = post_form(learner, f"/surveys/{survey_id}", {"action": "submit", "q-answer": "Не видел",
                                                            "q-q1": "4", "q-q2": "Больше фото"})
    assert answered.status_code == 302

    manager = login_as("manager")
    html = manager.get(f"/polls/{poll_id}").get_data(as_text=True)
    results = re.search(r'<section aria-labelledby="results-title" id="poll-results">.*', html, re.S).group(0)
    assert re.search(r"<td>Не видел</td><td>1</td><td>100.0</td>", results)
    assert re.search(r"<td>Удобный</td><td>0</td>", results)
    assert re.search(r'Оцените подбор запчастей</h3>.*?class="mean">4', results, re.S)
    assert re.search(r"Чего не хватает\?</h3>.*?<li>Больше фото</li>", results, re.S)

    # answered: the questions are locked, and the page says why
    questions_page = manager.get(f"/polls/{poll_id}/questions").get_data(as_text=True)
    assert 'id="questions-locked"' in questions_page and "его вопросы заблокированы" in questions_page
    refused = manager.post(f"/polls/{poll_id}/questions/1/change", follow_redirects=True, data={
        "csrf_token": csrf_token(manager, f"/polls/{poll_id}/questions"), "action": "remove"})
    assert "На опрос уже ответили" in refused.get_data(as_text=True)
    assert len(question_titles(manager, poll_id)) == 3
    assert manager.get(f"/polls/{poll_id}/questions/new/rating").status_code == 303


def test_bad_question_input_is_refused_next_to_the_field_and_kept(app, login_as):
    manager = login_as("manager")
    poll_id = draft_poll(manager)
    path = f"/polls/{poll_id}/questions/new/single_choice"
    bad = post_form(manager, path, {"title": "", "options-0-text": "Только один вариант", "options-1-text": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Введите вопрос." in html and "Введите текст." in html
    assert 'value="Только один вариант"' in html
    # a list button adds a row and keeps what was typed
    more = post_form(manager, path, {"title": "Что важнее?", "options-0-text": "Цена", "options-1-text": "Сроки",
                                     "list_action": "add:options"})
    html = more.get_data(as_text=True)
    assert more.status_code == 200 and 'value="Что важнее?"' in html and 'name="options-2-text"' in html
    assert 'value="Цена"' in html and 'value="Сроки"' in html
    # in English too, for a manager who reads English
    with app.app_context():
        db.session.execute(sa.update(User).where(User.role == "manager").values(locale="en"))
        db.session.commit()
    english = post_form(manager, path, {"title": "", "options-0-text": "A", "options-1-text": "B"})
    html = english.get_data(as_text=True)
    assert english.status_code == 422 and "Enter the question." in html and "Введите" not in html
    assert len(question_titles(manager, poll_id)) == 1
    assert post_form(manager, f"/polls/{poll_id}/questions/1/change", {"action": "sideways"},
                     f"/polls/{poll_id}/questions").status_code == 400
    assert manager.get(f"/polls/{poll_id}/questions/9").status_code == 404
    assert manager.get(f"/polls/{poll_id}/questions/new/nope").status_code == 404


def test_a_draft_without_questions_cannot_open(app, login_as):
    manager = login_as("manager")
    poll_id = draft_poll(manager)
    questions = f"/polls/{poll_id}/questions"
    assert post_form(manager, f"{questions}/1/change", {"action": "remove"}, questions).status_code == 303
    refused = manager.post(f"/polls/{poll_id}/open", data={"csrf_token": csrf_token(manager, questions)},
                           follow_redirects=True)
    assert "Добавьте хотя бы один вопрос." in refused.get_data(as_text=True)
    assert TITLE not in login_as("learner").get("/polls/").get_data(as_text=True)
    # a draft has invited nobody: nobody to remind either
    manager = login_as("manager")
    assert post_form(manager, f"/polls/{poll_id}/remind", {}, questions).status_code == 409
