"""A field left out or malformed in a quiz or question-bank form is a form error, never a 500 (issue 17, item 7).

Editing a bank question without its ``definition`` was a TypeError: the form was filled from the
stored version, whose definition is a dict, where the form expects the JSON text. A form posted is
now read from what was posted only.
"""
import pytest
import sqlalchemy as sa
from quiz_testkit import QUESTIONS, autosave, build_quiz, load_demo, login, page_token, start, stored

from lms.extensions import db
from lms.quizzes.models import Question, QuestionVersion, Quiz, QuizQuestion
from lms.testing import csrf_token

QUESTION_FIELDS = {"name": "Новое имя", "text": "Новый текст", "text_format": "moodle", "general_feedback": "",
                   "grader_info": "new"}
QUIZ_FIELDS = {"title": "T", "description": "", "published": "y", "random_category_id": "0", "random_count": "0",
               "shuffle_questions": "y", "shuffle_options": "y", "time_limit_minutes": "0", "attempts_allowed": "0",
               "cooldown_minutes": "0", "pass_percent": "70", "grading_method": "highest", "open_at": "",
               "close_at": "", "review": "with_answers"}
# Editor fields of the wrong shape, for every type's form: each is a field error, never a crash.
MALFORMED_FIELDS = [
    {"options-0-grade": "NaN"}, {"options-0-grade": "1e999999"}, {"options-1-grade": "sNaN"},
    {"options-0-id": "x" * 500}, {"options-999-text": "far"}, {"answers-0-value": "Infinity"},
    {"answers-0-tolerance": "-1"}, {"answers-0-grade": "²"}, {"pairs-0-premise": ""}, {"items-0-text": ""},
    {"correct": "maybe"}, {"grading": "random"}, {"text_format": "docx"}, {"text": ""},
    {"list_action": "remove:options:999999999999"}, {"list_action": "add:" + "x" * 100},
]

@pytest.fixture
def authoring(app_factory):
    app = app_factory()
    load_demo(app)
    quiz = build_quiz(app, types=["essay"])
    return app, login(app.test_client(), "author"), quiz


def current(app, question_id: int) -> tuple:
    with app.app_context():
        return tuple(db.session.execute(
            sa.select(Question.name, Question.version, QuestionVersion.text, QuestionVersion.definition)
            .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id,
                                           QuestionVersion.number == Question.version))
            .where(Question.id == question_id)).one())


def test_editing_a_question_without_a_field_is_a_form_error_in_russian(authoring):
    app, author, quiz = authoring
    question_id = quiz["question_ids"][0]
    before = current(app, question_id)
    token = csrf_token(author, f"/quizzes/bank/questions/{question_id}")
    for left_out, message in (("name", "Введите название вопроса."), ("text", "Введите текст вопроса.")):
        data = {"csrf_token": token, **{k: v for k, v in QUESTION_FIELDS.items() if k != left_out}}
        response = author.post(f"/quizzes/bank/questions/{question_id}", data=data)
        assert response.status_code == 422, left_out
        assert message in response.get_data(as_text=True), left_out
        assert current(app, question_id) == before
    # Optional fields may be left out; the rest still saves.
    data = {"csrf_token": token, **{k: v for k, v in QUESTION_FIELDS.items() if k not in ("general_feedback",
                                                                                         "text_format")}}
    assert author.post(f"/quizzes/bank/questions/{question_id}", data=data).status_code == 303
    assert current(app, question_id)[0] == "Новое имя" and current(app, question_id)[3] == {"grader_info": "new"}


def test_malformed_editor_fields_of_any_type_are_field_errors_not_a_crash(authoring):
    app, author, quiz = authoring
    question_id, category_id = quiz["question_ids"][0], quiz["category_id"]
    before = current(app, question_id)
    token = csrf_token(author, f"/quizzes/bank/questions/{question_id}")
    problems = []
    for fields in MALFORMED_FIELDS:
        edited = author.post(f"/quizzes/bank/questions/{question_id}",  # the fixture's essay question
                             data={"csrf_token": token, **QUESTION_FIELDS, **fields, "name": ""})
        if edited.status_code not in (200, 422):
            problems.append(f"edit essay {fields}: {edited.status_code}")
        for qtype, _text, _definition in QUESTIONS:
            created = author.post(f"/quizzes/bank/{category_id}/new/{qtype}", data={
                "csrf_token": token, "name": "", "text": "t", "text_format": "moodle", **fields})
            if created.status_code not in (200, 422):
                problems.append(f"new {qtype} {fields}: {created.status_code}")
    assert problems == []
    assert current(app, question_id) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 1


def test_quiz_forms_with_a_field_left_out_or_malformed_never_fail(authoring):
    app, author, quiz = authoring
    token = csrf_token(author, "/quizzes/manage")
    problems = []
    for url in ("/quizzes/manage", f"/quizzes/{quiz['quiz_id']}/edit"):
        for name in QUIZ_FIELDS:
            data = {"csrf_token": token, **{k: v for k, v in QUIZ_FIELDS.items() if k != name}}
            for value in (None, "x", "-1", "1e999", "99999999999999999999", "2026-13-45T99:99", "²"):
                status = author.post(url, data=data if value is None else {**data, name: value}).status_code
                if status not in (303, 400, 422):
                    problems.append(f"{url} {name}={value!r}: {status}")
    for data in ({}, {"add-question_ids": "x"}, {"add-question_ids": "99999999999999999999", "add-max_mark": "1"},
                 {"add-question_ids": "²", "add-max_mark": "1"}, {"add-max_mark": "1"},
                 {"add-question_ids": "1", "add-max_mark": "NaN"}):
        status = author.post(f"/quizzes/{quiz['quiz_id']}/questions", data={"csrf_token": token, **data}).status_code
        if status != 303:  # back to the quiz, saying there is no such question
            problems.append(f"add question {data}: {status}")
    for data in ({}, {"parent_id": "5"}, {"name": "y", "parent_id": "x"}, {"name": "z", "parent_id": "999999"}):
        status = author.post("/quizzes/bank", data={"csrf_token": token, **data}).status_code
        if status != 400:
            problems.append(f"category {data}: {status}")
    assert problems == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizQuestion)) == 1


def test_an_attempts_form_and_autosave_with_hostile_positions_never_fail(authoring):
    app, _author, quiz = authoring
    learner = login(app.test_client(), "learner")
    attempt_id = start(learner, quiz["quiz_id"])
    token = page_token(learner, attempt_id)
    for slots in ("99999999999999999999", "²", "0", "-1"):  # not a position: left out, the rest saves
        response = learner.post(f"/quizzes/attempts/{attempt_id}", data={
            "csrf_token": token, "slots": [slots, "1"], "s1": "Моё эссе", "action": "save"})
        assert response.status_code == 303, slots
    assert stored(app, attempt_id) == {1: {"text": "Моё эссе"}}
    missing = learner.post(f"/quizzes/attempts/{attempt_id}", data={"csrf_token": token, "slots": "2",
                                                                    "action": "save"})
    assert missing.status_code == 404  # the attempt has no question 2
    for position in (10**30, 2**31, 0, -1, "1", None, True):
        response = autosave(learner, attempt_id, position, {"s1": ["x"]}, token, version=None)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request", position
    assert stored(app, attempt_id) == {1: {"text": "Моё эссе"}}
    with app.app_context():
        assert db.session.scalar(sa.select(Quiz.title)) == "Exam"
