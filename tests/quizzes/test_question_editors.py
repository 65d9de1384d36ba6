"""Question editors, one form per type (issue 19, item 2): create, edit, bad input, list buttons, preview.

Every answer is typed into a form field; no JSON and no id is typed anywhere.
"""
import pytest
import sqlalchemy as sa
from quiz_testkit import load_demo, login

from lms.extensions import db
from lms.quizzes.models import Question, QuestionVersion
from lms.testing import csrf_token, without_csrf_tokens

COMMON = {"name": "Вопрос", "text": "Что **верно**?", "text_format": "markdown", "general_feedback": "Итог"}

# type -> (fields of a good question, the definition they make, a bad field and the message next to it)
GOOD = {
    "single_choice": ({"options-0-text": "Жёлтый", "options-0-correct": "y", "options-0-feedback": "Да",
                       "options-1-text": "Красный", "options-1-grade": "25", "shuffle": "y"},
                      lambda d: [o["fraction"] for o in d["options"]] == [1.0, 0.25] and d["options"][0]["feedback"] == "Да"),
    "multiple_choice": ({"options-0-text": "Яблоко", "options-0-correct": "y", "options-1-text": "Груша",
                         "options-1-correct": "y", "options-2-text": "Камень", "options-2-grade": "-100"},
                        lambda d: [o["fraction"] for o in d["options"]] == [0.5, 0.5, -1.0]),
    "true_false": ({"correct": "false", "feedback_true": "Нет"}, lambda d: d == {"correct": False, "feedback_true": "Нет"}),
    "short_answer": ({"answers-0-text": "Москва", "answers-0-grade": "100", "answers-1-text": "Моск*",
                      "answers-1-grade": "50"}, lambda d: [a["fraction"] for a in d["answers"]] == [1.0, 0.5]),
    "numerical": ({"answers-0-value": "3,5", "answers-0-tolerance": "0.1", "answers-0-grade": "100"},
                  lambda d: d["answers"] == [{"value": 3.5, "tolerance": 0.1, "fraction": 1.0}]),
    "matching": ({"pairs-0-premise": "Кошка", "pairs-0-answer": "Мяу", "pairs-1-premise": "Собака",
                  "pairs-1-answer": "Гав", "distractors-0-text": "Му"},
                 lambda d: [p["answer"] for p in d["pairs"]] == ["Мяу", "Гав"] and d["distractors"] == ["Му"]),
    "ordering": ({"items-0-text": "Один", "items-1-text": "Два", "items-2-text": "Три", "grading": "absolute_position"},
                 lambda d: [i["text"] for i in d["items"]] == ["Один", "Два", "Три"]),
    "essay": ({"grader_info": "Ищите детали", "response_template": "Я думаю…"},
              lambda d: d == {"grader_info": "Ищите детали", "response_template": "Я думаю…"}),
}
# type -> (a change to the good fields that the editor must refuse, the Russian message shown)
BAD = {
    "single_choice": ({"options-0-correct": ""}, "Один из ответов должен стоить 100%"),
    "multiple_choice": ({"options-1-grade": "abc"}, "Неверное десятичное число."),
    "true_false": ({"correct": ""}, "Выберите, верно ли утверждение."),
    "short_answer": ({"answers-0-grade": "150"}, "Значение должно быть между 0 и 100."),
    "numerical": ({"answers-0-value": "три"}, "Неверное десятичное число."),
    "matching": ({"pairs-1-answer": ""}, "Введите соответствие."),
    "ordering": ({"items-1-text": ""}, "Введите текст."),
    "essay": ({"name": ""}, "Введите название вопроса."),
}


@pytest.fixture
def author(app_factory):
    app = app_factory()
    load_demo(app)
    from lms.events import commit
    from lms.quizzes.bank import ensure_category

    with app.app_context():
        category_id = ensure_category(["Редактор"]).id
        commit()
    return app, login(app.test_client(), "author"), category_id


def stored(app, question_id):
    with app.app_context():
        return db.session.scalar(sa.select(QuestionVersion).join(Question, sa.and_(
            Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.number))
            .where(Question.id == question_id)).definition


@pytest.mark.parametrize("qtype", sorted(GOOD))
def test_each_type_is_created_edited_and_refuses_bad_input(author, qtype):
    app, client, category_id = author
    url = f"/quizzes/bank/{category_id}/new/{qtype}"
    page = client.get(url)
    assert page.status_code == 200
    html = without_csrf_tokens(page.get_data(as_text=True))
    assert "JSON" not in html and qtype not in html.split("<main", 1)[-1].replace(f"/new/{qtype}", "").replace(
        f"/preview/{qtype}", "").replace(f'data-qtype="{qtype}"', "")
    token = csrf_token(client, url)
    fields, check = GOOD[qtype]
    change, message = BAD[qtype]
    bad = client.post(url, data={"csrf_token": token, **COMMON, **fields, **change})
    assert bad.status_code == 422
    bad_html = bad.get_data(as_text=True)
    assert message in bad_html, qtype
    kept = [v for k, v in fields.items() if k not in change and v not in ("y", "100", "false")]
    assert all(v in bad_html for v in kept), "what was typed is kept"
    created = client.post(url, data={"csrf_token": token, **COMMON, **fields})
    assert created.status_code == 303, created.get_data(as_text=True)
    question_id = int(created.headers["Location"].rsplit("/", 1)[1])
    definition = stored(app, question_id)
    assert check(definition), definition
    edit_url = f"/quizzes/bank/questions/{question_id}"
    edit_page = client.get(edit_url).get_data(as_text=True)
    assert "Что **верно**?" in edit_page and 'data-preview-ready' in edit_page
    again = client.post(edit_url, data={"csrf_token": token, **COMMON, **fields, "name": "Новое имя"})
    assert again.status_code == 303
    assert stored(app, question_id) == definition or qtype in ("single_choice", "multiple_choice", "matching",
                                                               "ordering")
    refused = client.post(edit_url, data={"csrf_token": token, **COMMON, **fields, **change})
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)


def test_list_buttons_add_remove_and_move_rows_without_javascript(author):
    app, client, category_id = author
    url = f"/quizzes/bank/{category_id}/new/ordering"
    token = csrf_token(client, url)
    base = {"csrf_token": token, **COMMON, "items-0-text": "A", "items-1-text": "B", "items-2-text": "C"}
    added = client.post(url, data={**base, "list_action": "add:items"})
    assert added.status_code == 200 and 'name="items-3-text"' in added.get_data(as_text=True)
    moved = client.post(url, data={**base, "list_action": "up:items:2"}).get_data(as_text=True)
    assert moved.index('value="C"') < moved.index('value="B"')
    removed = client.post(url, data={**base, "list_action": "remove:items:0"}).get_data(as_text=True)
    assert 'value="A"' not in removed and 'name="items-2-text"' not in removed
    odd = client.post(url, data={**base, "list_action": "explode:items:99"})
    assert odd.status_code == 200


def test_preview_renders_the_learners_question(author):
    app, client, category_id = author
    token = csrf_token(client, f"/quizzes/bank/{category_id}/new/single_choice")
    fields, _check = GOOD["single_choice"]
    preview = client.post("/quizzes/bank/preview/single_choice", data={"csrf_token": token, **COMMON, **fields})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'type="radio"' in html and "<strong>верно</strong>" in html
    assert "Да" not in html, "feedback never reaches the learner's view"
    broken = client.post("/quizzes/bank/preview/single_choice", data={"csrf_token": token, **COMMON})
    assert broken.status_code == 422
    assert client.post("/quizzes/bank/preview/single_choice", data={**COMMON, **fields}).status_code == 400
    assert client.post("/quizzes/bank/preview/nope", data={"csrf_token": token}).status_code == 404


def test_bank_lists_types_by_their_translated_names(author):
    app, client, category_id = author
    html = client.get(f"/quizzes/bank?category={category_id}").get_data(as_text=True)
    assert "Один вариант" in html and "Соответствие" in html and "single_choice<" not in html
