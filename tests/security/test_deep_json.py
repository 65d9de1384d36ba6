"""JSON nested thousands of levels deep is a clear 4xx wherever the portal parses JSON (issue 17, item 6).

Python's decoder recursed once per bracket and raised RecursionError, which is no ValueError: the
views' "not valid JSON" handling missed it and the request was a 500. Request bodies are refused
at the edge (lms.input_guard); JSON typed into form fields goes through lms.json_input.
"""
import json

import pytest

from lms.json_input import MAX_DEPTH, JSONTooDeep, loads, nesting_exceeds
from lms.testing import csrf_token

from tests.quizzes.quiz_testkit import autosave, build_quiz, load_demo, login, page_token, start, stored

DEEP = "[" * 5000 + "]" * 5000


def test_nesting_is_measured_outside_strings_and_bounded():
    assert not nesting_exceeds("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert nesting_exceeds("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert nesting_exceeds('{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))
    # Brackets inside strings are text, whatever their number; so are escaped quotes.
    text = json.dumps({"text": "[" * 5000, "more": ['\\"[[[' * 100, "}" * 5000]})
    assert not nesting_exceeds(text) and loads(text)["text"] == "[" * 5000
    # Many brackets side by side are not deep.
    assert loads("[" + ", ".join(["[]"] * 5000) + "]") == [[]] * 5000
    with pytest.raises(JSONTooDeep) as refused:
        loads(DEEP.encode("utf-16"))  # bytes in any of JSON's encodings, as json.loads takes them
    assert isinstance(refused.value, ValueError) and refused.value.limit == MAX_DEPTH
    with pytest.raises(ValueError):
        loads("[" * 10)  # too shallow to refuse for depth: the decoder's own ValueError


@pytest.fixture
def qapp(app_factory):
    app = app_factory()
    load_demo(app)
    return app


def test_a_deep_autosave_body_is_a_400_and_the_stored_answer_stays(qapp):
    quiz = build_quiz(qapp, types=["single_choice"])
    client = login(qapp.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    assert autosave(client, attempt_id, 1, {"s1": ["oa"]}, token).status_code == 200
    for body in (DEEP, '{"position": 1, "fields": {"s1": ' + DEEP + "}}"):
        response = client.post(f"/quizzes/attempts/{attempt_id}/autosave", data=body,
                               content_type="application/json", headers={"X-CSRFToken": token})
        assert response.status_code == 400 and response.is_json, response.status_code
        assert response.get_json()["error"]["message"]
    assert stored(qapp, attempt_id) == {1: {"choice": "oa"}}


def test_question_editors_take_no_json(qapp):
    """The editors are forms (issue 19): a deep JSON posted as a field is just an unknown field."""
    quiz = build_quiz(qapp, types=["single_choice"])
    author = login(qapp.test_client(), "author")
    question_id, category_id = quiz["question_ids"][0], quiz["category_id"]
    token = csrf_token(author, f"/quizzes/bank/questions/{question_id}")
    assert 'name="definition"' not in author.get(f"/quizzes/bank/questions/{question_id}").get_data(as_text=True)
    edited = author.post(f"/quizzes/bank/questions/{question_id}", data={
        "csrf_token": token, "name": "n", "text": "t", "text_format": "moodle", "definition": DEEP})
    created = author.post(f"/quizzes/bank/{category_id}/new/single_choice", data={
        "csrf_token": token, "name": "n", "text": "t", "text_format": "moodle", "definition": DEEP})
    for response in (edited, created):
        assert response.status_code == 422 and "Введите текст." in response.get_data(as_text=True)


def test_deep_survey_questions_are_a_form_error(app, login_as):
    # The polls plugin's twin of this test is in plugins/lms_polls/tests/test_polls_edges.py, so the
    # core's run without the partner plugins still passes.
    manager = login_as("manager")
    token = csrf_token(manager, "/surveys/manage/new")
    survey = manager.post("/surveys/manage/new", data={"csrf_token": token, "title": "Глубоко", "questions": DEEP})
    assert survey.status_code == 303  # the editor takes no JSON (issue 19): the field is ignored
    survey_id = int(survey.headers["Location"].split("/")[-2])
    question = manager.post(f"/surveys/manage/{survey_id}/questions/new/short_text", data={
        "csrf_token": token, "title": DEEP[:400], "description": DEEP})
    assert question.status_code in (303, 422)
