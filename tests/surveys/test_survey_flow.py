"""A manager builds a conditional survey for one tier; its dealers answer; results and exports match."""
import io
import re
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from lms.testing import csrf_token
from lms.auth.models import Dealer, User
from lms.extensions import db
from lms.surveys.models import Survey, SurveyResponse
from lms.timeutil import utcnow

QUESTIONS = [
    {"key": "uses", "kind": "single_choice", "title": "Пользуетесь ли вы калькулятором доз?", "required": True,
     "options": [{"value": "yes", "label": "Да"}, {"value": "no", "label": "Нет"}]},
    {"key": "why_not", "kind": "short_text", "title": "Почему нет?", "required": True,
     "show_if": {"question": "uses", "equals": "no"}},
    {"key": "score", "kind": "rating", "title": "Оценка обучения"},
    {"key": "nps", "kind": "nps", "title": "Порекомендуете ли вы нас?"},
]


# The editor's forms for QUESTIONS (issue 19: no JSON); the editor names the questions q1, q2 …
# and a new option's stored value is its label.
QUESTION_FORMS = [
    ("single_choice", {"title": QUESTIONS[0]["title"], "required": "y", "options-0-text": "Да", "options-1-text": "Нет"}),
    ("short_text", {"title": "Почему нет?", "required": "y", "show_if_question": "q1", "show_if_value": "Нет"}),
    ("rating", {"title": "Оценка обучения"}),
    ("nps", {"title": "Порекомендуете ли вы нас?"}),
]
KEYS = {"uses": "q1", "why_not": "q2", "score": "q3", "nps": "q4"}
VALUES = {"yes": "Да", "no": "Нет"}


def create_gold_survey(client):
    token = csrf_token(client, "/surveys/manage/new")
    response = client.post("/surveys/manage/new", data={
        "csrf_token": token, "title": "Калькулятор доз", "description": "Пять минут", "tiers": ["gold"]})
    assert response.status_code == 303, response.get_data(as_text=True)
    survey_id = int(re.search(r"/surveys/manage/(\d+)/edit", response.headers["Location"]).group(1))
    for kind, fields in QUESTION_FORMS:
        added = client.post(f"/surveys/manage/{survey_id}/questions/new/{kind}", data={"csrf_token": token, **fields})
        assert added.status_code == 303, added.get_data(as_text=True)
    assert client.post(f"/surveys/manage/{survey_id}/publish", data={"csrf_token": token}).status_code == 303
    return survey_id


def answer(client, survey_id, **fields):
    data = {"csrf_token": csrf_token(client, f"/surveys/{survey_id}"), "action": "submit"}
    data.update({f"q-{KEYS[key]}": VALUES.get(value, value) if key == "uses" else value
                 for key, value in fields.items()})
    return client.post(f"/surveys/{survey_id}", data=data)


def add_gold_staff(app, count):
    """Extra learners of the gold demo dealer; returns their emails."""
    from lms.auth.services import create_user
    from lms.events import commit

    emails = []
    with app.app_context():
        dealer_id = db.session.scalar(sa.select(Dealer.id).where(Dealer.tax_id == "2310000001"))
        for n in range(count):
            email = f"gold{n}@demo.example.com"
            create_user(email=email, name=f"Сотрудник {n}", role="learner", dealer_id=dealer_id,
                        password="demo-password", source="admin")
            emails.append(email)
        commit()
    return emails


def test_targeted_tier_sees_the_survey_and_others_do_not(app, login_as):
    survey_id = create_gold_survey(login_as("manager"))
    gold = login_as("learner")
    assert "Калькулятор доз" in gold.get("/surveys/").get_data(as_text=True)
    assert "Калькулятор доз" in gold.get("/").get_data(as_text=True)  # dashboard panel
    assert gold.get(f"/surveys/{survey_id}").status_code == 200
    for other in ("learner2", "learner3"):
        client = login_as(other)
        assert "Калькулятор доз" not in client.get("/surveys/").get_data(as_text=True)
        assert "Калькулятор доз" not in client.get("/").get_data(as_text=True)
        assert client.get(f"/surveys/{survey_id}").status_code == 404
        assert answer(client, survey_id, uses="yes").status_code == 404


def test_a_draft_is_invisible_until_published(app, login_as):
    client = login_as("manager")
    token = csrf_token(client, "/surveys/manage/new")
    client.post("/surveys/manage/new", data={"csrf_token": token, "title": "Черновик"})
    assert "Черновик" not in login_as("learner").get("/surveys/").get_data(as_text=True)


def test_conditional_question_appears_without_javascript(app, login_as):
    survey_id = create_gold_survey(login_as("manager"))
    client = login_as("learner")
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert re.search(r'id="question-q2"[^>]*hidden', page)
    refreshed = client.post(f"/surveys/{survey_id}", data={
        "csrf_token": csrf_token(client, f"/surveys/{survey_id}"), "action": "refresh", "q-q1": "Нет"})
    assert refreshed.status_code == 200
    html = refreshed.get_data(as_text=True)
    assert not re.search(r'id="question-q2"[^>]*hidden', html)
    assert "Ответьте на этот вопрос." not in html  # a refresh judges nothing
    missing = answer(client, survey_id, uses="no")
    assert missing.status_code == 422
    assert "Ответьте на этот вопрос." in missing.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 0
    assert answer(client, survey_id, uses="no", why_not="Нет интернета на складе").status_code == 302


def test_hidden_answers_are_not_stored_and_responses_are_editable_until_close(app, login_as):
    survey_id = create_gold_survey(login_as("manager"))
    client = login_as("learner")
    assert answer(client, survey_id, uses="yes", why_not="sneaked in", score="4").status_code == 302
    assert answer(client, survey_id, uses="no", why_not="Дорого", score="2", nps="6").status_code == 302
    with app.app_context():
        rows = db.session.scalars(sa.select(SurveyResponse)).all()
        assert len(rows) == 1 and rows[0].answers == {"q1": "Нет", "q2": "Дорого", "q3": 2, "q4": 6}
        assert rows[0].dealer_name == "АгроСнаб-Юг" and rows[0].tier == "gold"
        assert rows[0].user_id == db.session.scalar(sa.select(User.id).where(User.email == "learner@demo.example.com"))
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "Вы уже ответили" in page and 'value="Дорого"' in page
    with app.app_context():
        db.session.get(Survey, survey_id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert answer(client, survey_id, uses="yes").status_code == 409
    assert "Опрос закрыт." in client.get(f"/surveys/{survey_id}").get_data(as_text=True)


def test_results_breakdowns_and_xlsx_match_the_responses(app, login_as):
    survey_id = create_gold_survey(login_as("manager"))
    emails = add_gold_staff(app, 3)
    plan = [("learner", "yes", "5", "10"), ("dealer_admin", "no", "3", "9"), (emails[0], "yes", "4", "6"),
            (emails[1], "yes", "5", "3"), (emails[2], "no", "1", "0")]
    for who, uses, score, nps in plan:
        extra = {"why_not": "Причина"} if uses == "no" else {}
        assert answer(login_as(who), survey_id, uses=uses, score=score, nps=nps, **extra).status_code == 302
    manager = login_as("manager")
    html = manager.get(f"/surveys/manage/{survey_id}/results").get_data(as_text=True)
    assert '<strong id="respondents">5</strong>' in html
    assert "<svg" in html and 'role="img"' in html
    assert 'id="breakdown-table-dealer"' in html and 'id="breakdown-table-region"' in html
    # NPS: 2 promoters (10, 9), 3 detractors (6, 3, 0) of 5 → -20
    assert '<strong class="nps">-20.0</strong>' in html
    xlsx = manager.get(f"/surveys/manage/{survey_id}/results.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Сводка", "По дилерам", "По регионам", "Ответы"]
    people = [list(row) for row in book["Ответы"].iter_rows(values_only=True)]
    assert people[0][:5] == ["Имя", "Email", "Дилер", "Регион", "Отправлено"]
    assert sorted(row[5] for row in people[1:]) == ["Да", "Да", "Да", "Нет", "Нет"]
    assert ["Иван Петров", "learner@demo.example.com", "АгроСнаб-Юг", "Краснодарский край"] in [
        row[:4] for row in people[1:]]
    summary = [list(row) for row in book["Сводка"].iter_rows(values_only=True)]
    assert summary[0] == ["Группа", "Вопрос", "Ответ", "Количество", "Процент", "Среднее"]
    uses = {row[2]: (row[3], row[4]) for row in summary if row[1] == QUESTIONS[0]["title"]}
    assert uses == {"Да": (3, 60.0), "Нет": (2, 40.0)}
    score_mean = [row[5] for row in summary if row[1] == "Оценка обучения" and row[2] is None]
    assert score_mean == [3.6]
    assert [row[4] for row in summary if row[1] == "Порекомендуете ли вы нас?: NPS"] == [-20.0]
    by_dealer = [list(row) for row in book["По дилерам"].iter_rows(values_only=True)][1:]
    assert {row[0] for row in by_dealer} == {"АгроСнаб-Юг"}
    dealer_uses = {row[2]: row[3] for row in by_dealer if row[1] == QUESTIONS[0]["title"]}
    assert dealer_uses == {"Да": 3, "Нет": 2}
    by_region = [list(row) for row in book["По регионам"].iter_rows(values_only=True)][1:]
    assert {row[0] for row in by_region} == {"Краснодарский край"}
    csv_text = manager.get(f"/surveys/manage/{survey_id}/results.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "Раздел,Группа,Вопрос,Ответ,Количество,Процент,Среднее"
    assert "Сводка,Все респонденты,Пользуетесь ли вы калькулятором доз?,Да,3,60.0," in csv_text


def test_only_managers_reach_the_editor_and_results(app, login_as):
    survey_id = create_gold_survey(login_as("manager"))
    for role in ("learner", "dealer_admin", "author"):
        client = login_as(role)
        for path in ("/surveys/manage/", f"/surveys/manage/{survey_id}/results", f"/surveys/manage/{survey_id}/results.xlsx"):
            assert client.get(path).status_code == 403


def test_bad_questions_get_clear_messages_next_to_the_fields(app, login_as):
    client = login_as("manager")
    token = csrf_token(client, "/surveys/manage/new")
    survey_id = int(client.post("/surveys/manage/new", data={"csrf_token": token, "title": "X"})
                    .headers["Location"].split("/")[-2])
    url = f"/surveys/manage/{survey_id}/questions/new/single_choice"
    empty = client.post(url, data={"csrf_token": token, "title": "", "options-0-text": "Да", "options-1-text": ""})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Введите вопрос." in html and "Введите текст." in html and 'value="Да"' in html
    forward = client.post(f"/surveys/manage/{survey_id}/questions/new/short_text", data={
        "csrf_token": token, "title": "A", "show_if_question": "q9", "show_if_value": "x"})
    assert forward.status_code == 422
    assert "Условие должно ссылаться на более ранний вопрос, а не на q9." in forward.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token, "title": "Да?", "options-0-text": "Да",
                                  "options-1-text": "Нет"}).status_code == 303
    impossible = client.post(f"/surveys/manage/{survey_id}/questions/new/short_text", data={
        "csrf_token": token, "title": "Почему?", "show_if_question": "q1", "show_if_value": "Может быть"})
    assert impossible.status_code == 422 and "Может быть" in impossible.get_data(as_text=True)
    with app.app_context():
        assert [q["key"] for q in db.session.get(Survey, survey_id).questions] == ["q1"]


def test_questions_freeze_once_answered(app, login_as):
    survey_id = create_gold_survey(login_as("manager"))
    assert answer(login_as("learner"), survey_id, uses="yes").status_code == 302
    client = login_as("manager")
    token = csrf_token(client, f"/surveys/manage/{survey_id}/edit")
    removed = client.post(f"/surveys/manage/{survey_id}/questions/4/change", data={"csrf_token": token,
                                                                                    "action": "remove"})
    assert removed.status_code == 303
    page = client.get(f"/surveys/manage/{survey_id}/edit").get_data(as_text=True)
    assert "вопросы и анонимность больше нельзя изменить" in page
    same = client.post(f"/surveys/manage/{survey_id}/edit", data={
        "csrf_token": token, "title": "Новое название", "tiers": ["gold"]})
    assert same.status_code == 303
    with app.app_context():
        assert len(db.session.get(Survey, survey_id).questions) == 4


def test_questions_are_moved_and_removed_with_buttons(app, login_as):
    client = login_as("manager")
    survey_id = create_gold_survey(client)
    token = csrf_token(client, f"/surveys/manage/{survey_id}/edit")
    change = f"/surveys/manage/{survey_id}/questions/%d/change"
    assert client.post(change % 4, data={"csrf_token": token, "action": "up"}).status_code == 303
    assert client.post(change % 2, data={"csrf_token": token, "action": "up"}).status_code == 303  # condition looks forward
    assert client.post(change % 1, data={"csrf_token": token, "action": "up"}).status_code == 400
    assert client.post(change % 9, data={"csrf_token": token, "action": "remove"}).status_code == 404
    with app.app_context():
        assert [q["key"] for q in db.session.get(Survey, survey_id).questions] == ["q1", "q2", "q4", "q3"]
    edit = client.get(f"/surveys/manage/{survey_id}/questions/2").get_data(as_text=True)
    assert 'value="Нет"' in edit and "Почему нет?" in edit


def test_survey_list_query_count_does_not_grow(app, login_as, query_counter):
    from lms.surveys.services import create_survey

    client = login_as("learner")
    with app.app_context():
        create_survey(title="Первый", questions=QUESTIONS, publish=True, targeting={"tier": ["gold"]})
        db.session.commit()
    with query_counter() as few:
        assert client.get("/surveys/").status_code == 200
    with app.app_context():
        for n in range(15):
            create_survey(title=f"Опрос {n}", questions=QUESTIONS, publish=True, targeting={"region": ["Краснодарский край"]})
        db.session.commit()
    with query_counter() as many:
        html = client.get("/surveys/").get_data(as_text=True)
    assert "Опрос 14" in html
    assert len(many) == len(few)
