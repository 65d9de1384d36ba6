"""The quiz editor (issue 19, item 3): questions picked from the bank by search and filters, reordered
with buttons, marks saved together; nothing typed is an id."""
import re
from decimal import Decimal

import sqlalchemy as sa
from quiz_testkit import build_quiz, load_demo, login

from lms.extensions import db
from lms.quizzes.models import QuizQuestion
from lms.testing import csrf_token


def order(app, quiz_id):
    with app.app_context():
        return [(row.question_id, row.max_mark) for row in db.session.scalars(
            sa.select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id).order_by(QuizQuestion.position))]


def test_pick_search_filter_reorder_and_marks(app_factory):
    app = app_factory()
    load_demo(app)
    quiz = build_quiz(app, types=["single_choice", "true_false", "essay"])
    quiz_id, (q_single, q_true, q_essay) = quiz["quiz_id"], quiz["question_ids"]
    with app.app_context():
        db.session.execute(sa.delete(QuizQuestion).where(QuizQuestion.question_id != q_single))
        db.session.commit()
    client = login(app.test_client(), "author")
    url = f"/quizzes/{quiz_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="add-question_id"' not in page and "Добавить вопросы из банка" in page
    found = client.get(f"{url}?search=1&q=sky&type=&category=").get_data(as_text=True)
    assert "Найденные вопросы" in found  # "The sky is green." is a true/false text
    assert re.findall(r'name="add-question_ids" value="(\d+)"', found) == [str(q_true)]
    by_type = client.get(f"{url}?search=1&type=essay&category={quiz['category_id']}").get_data(as_text=True)
    assert re.findall(r'name="add-question_ids" value="(\d+)"', by_type) == [str(q_essay)]
    assert "Эссе" in by_type
    assert "Подходящих вопросов нет." in client.get(f"{url}?search=1&q=nothing-like-this").get_data(as_text=True)
    assert client.get(f"{url}?search=1&category=99999999999999&type=nope").status_code == 200
    token = csrf_token(client, url)
    tagged = client.post(f"/quizzes/bank/questions/{q_true}", data={
        "csrf_token": token, "name": "Небо", "text": "The sky is green.", "text_format": "moodle", "correct": "false",
        "tags": "Небо, цвет,  небо "})
    assert tagged.status_code == 303
    assert 'value="Небо, цвет"' in client.get(f"/quizzes/bank/questions/{q_true}").get_data(as_text=True)
    by_tag = client.get(f"{url}?search=1&tag=цвет").get_data(as_text=True)
    assert re.findall(r'name="add-question_ids" value="(\d+)"', by_tag) == [str(q_true)]
    assert '<option value="Небо">' in by_tag and "Небо, цвет" in by_tag
    add_token = re.search(r'name="add-csrf_token" type="hidden" value="([^"]+)"', found)[1]
    added = client.post(f"/quizzes/{quiz_id}/questions", data={
        "add-csrf_token": add_token, "add-question_ids": [str(q_true), str(q_essay), str(q_single)],
        "add-max_mark": "2"})
    assert added.status_code == 303
    assert order(app, quiz_id) == [(q_single, Decimal(1)), (q_true, Decimal(2)), (q_essay, Decimal(2))]
    with app.app_context():
        links = {row.question_id: row.id for row in db.session.scalars(sa.select(QuizQuestion))}
    moved = client.post(f"/quizzes/{quiz_id}/questions/{links[q_essay]}/move", data={"csrf_token": token,
                                                                                     "direction": "up"})
    assert moved.status_code == 303
    assert [q for q, _m in order(app, quiz_id)] == [q_single, q_essay, q_true]
    assert client.post(f"/quizzes/{quiz_id}/questions/{links[q_single]}/move",
                       data={"csrf_token": token, "direction": "up"}).status_code == 400
    client.post(f"/quizzes/{quiz_id}/questions/{links[q_single]}/move", data={"csrf_token": token, "to": "3"})
    assert [q for q, _m in order(app, quiz_id)] == [q_essay, q_true, q_single]
    marks = {f"mark-{link}": "1,5" for link in links.values()}
    bad = client.post(f"/quizzes/{quiz_id}/marks", data={"csrf_token": token, **marks, f"mark-{links[q_true]}": "x"},
                      follow_redirects=True)
    assert "Балл — число от 0,01 до 1000." in bad.get_data(as_text=True)
    assert [m for _q, m in order(app, quiz_id)] == [Decimal(2), Decimal(2), Decimal(1)]
    assert client.post(f"/quizzes/{quiz_id}/marks", data={"csrf_token": token, **marks}).status_code == 303
    assert [m for _q, m in order(app, quiz_id)] == [Decimal("1.5")] * 3
