"""Question bank through HTTP and the CLI: registry hook, GIFT upload/CLI, versions, essay grading, analysis."""
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from lms.testing import csrf_token, shared_fixture
from quiz_testkit import autosave, build_quiz, load_demo, login, page_token, start, user_id

from lms import hookimpl
from lms.extensions import db
from lms.quizzes.models import Attempt, AttemptSlot, Question, QuestionCategory, QuestionVersion
from lms.quizzes.qtypes import DuplicateQuestionType, EssayType

GOOD_GIFT = """$CATEGORY: $course$/top/Seeds

::Q1:: Which is a cereal? {=Wheat ~Potato ~Carrot}

::Q2:: 2+2 {#4}
"""
BAD_GIFT = """::Q1:: Fine {=a ~b}

::Q2:: Broken {=a ~b

::Q3:: Also broken {#abc}
"""


class ExtraTypes:
    """A plugin adding one new type."""

    class Rating(EssayType):
        name = "rating"

    @hookimpl
    def lms_register_question_types(self):
        return [self.Rating()]


class DuplicateTypes:
    @hookimpl
    def lms_register_question_types(self):
        return [EssayType()]


def test_hook_lms_register_question_types(app_factory):
    app = app_factory(plugins=[ExtraTypes()])
    registry = app.extensions["lms_question_types"]
    assert "rating" in registry and "essay" in registry and len(registry.names()) == 9
    with pytest.raises(DuplicateQuestionType, match="essay"):
        app_factory(plugins=[DuplicateTypes()])


@pytest.fixture
def author(app_factory):
    app = app_factory()
    load_demo(app)
    return app, login(app.test_client(), "author")


def _category(app, name="Bank"):
    from lms.events import commit
    from lms.quizzes.bank import ensure_category

    with app.app_context():
        category = ensure_category([name])
        commit()
        return category.id


def test_gift_upload_imports_or_refuses_whole_with_line_numbers(author):
    app, client = author
    category_id = _category(app)
    token = csrf_token(client, f"/quizzes/bank?category={category_id}")
    bad = client.post(f"/quizzes/bank/{category_id}/import", content_type="multipart/form-data",
                      data={"csrf_token": token, "gift-file": (__import__("io").BytesIO(BAD_GIFT.encode()), "bad.gift")})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Строка 3" in html and "Строка 5" in html and "Файл не импортирован" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    good = client.post(f"/quizzes/bank/{category_id}/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "gift-file": (__import__("io").BytesIO(GOOD_GIFT.encode()), "ok.gift")})
    assert good.status_code == 303
    with app.app_context():
        names = db.session.scalars(sa.select(QuestionCategory.name)).all()
        assert set(names) == {"Bank", "Seeds"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 2
    page = client.get(f"/quizzes/bank?category={category_id}").get_data(as_text=True)
    assert "Seeds" in page
    exported = client.get(f"/quizzes/bank/{category_id}/export.gift")
    assert exported.status_code == 200 and "::Q1::" in exported.get_data(as_text=True)
    learner = login(app.test_client(), "learner")
    assert learner.get("/quizzes/bank").status_code == 403


def test_cli_import_export_round_trip(app, runner, tmp_path):
    source = tmp_path / "in.gift"
    source.write_text(GOOD_GIFT, encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(source), "--category", "Products/Agro"])
    assert result.exit_code == 0, result.output
    assert "Imported 2" in result.output
    out = tmp_path / "out.gift"
    result = runner.invoke(args=["questions", "export", "--category", "Products/Agro", str(out)])
    assert result.exit_code == 0, result.output
    from lms.quizzes.gift import import_gift

    again = import_gift(out.read_text(encoding="utf-8"))
    original = import_gift(GOOD_GIFT)
    assert [(q["type"], q["name"], q["definition"]) for q in again] == \
        [(q["type"], q["name"], q["definition"]) for q in original]
    bad = tmp_path / "bad.gift"
    bad.write_text(BAD_GIFT, encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(bad), "--category", "Products/Other"])
    assert result.exit_code != 0 and "line 3" in result.output and "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 2


def test_moodle_fixtures_import_through_the_cli(app, runner):
    files = sorted(shared_fixture("moodle-gift").glob("*.gift.txt"))
    assert files
    for n, path in enumerate(files):
        result = runner.invoke(args=["questions", "import", str(path), "--category", f"Moodle/{n}"])
        assert result.exit_code == 0, (path.name, result.output)


def test_editing_a_used_question_makes_a_new_version(author):
    app, client = author
    quiz = build_quiz(app, types=["single_choice"])
    learner = login(app.test_client(), "learner")
    attempt_id = start(learner, quiz["quiz_id"])
    question_id = quiz["question_ids"][0]
    token = csrf_token(client, f"/quizzes/bank/questions/{question_id}")
    options = {"options-0-id": "oa", "options-0-text": "Gold", "options-0-correct": "y",
               "options-1-id": "ob", "options-1-text": "Lead"}
    response = client.post(f"/quizzes/bank/questions/{question_id}", data={
        "csrf_token": token, "name": "Metal", "text": "Which is precious?", "text_format": "plain",
        "general_feedback": "", **options})
    assert response.status_code == 303
    with app.app_context():
        versions = db.session.scalars(sa.select(QuestionVersion.number).where(
            QuestionVersion.question_id == question_id)).all()
        assert sorted(versions) == [1, 2]
        slot_version = db.session.scalar(sa.select(QuestionVersion.number).join(AttemptSlot).where(
            AttemptSlot.attempt_id == attempt_id))
        assert slot_version == 1
    # The running attempt still shows version 1; a new attempt gets version 2.
    assert "Yellow" in learner.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    bad = client.post(f"/quizzes/bank/questions/{question_id}", data={
        "csrf_token": token, "name": "Metal", "text": "x", "text_format": "plain", **options, "options-0-correct": ""})
    assert bad.status_code == 422 and "Один из ответов должен стоить 100%" in bad.get_data(as_text=True)


def test_essay_is_graded_by_hand_with_a_comment(author):
    app, client = author
    quiz = build_quiz(app, types=["single_choice", "essay"], pass_percent=75, author_id=user_id(app, "author"))
    learner = login(app.test_client(), "learner")
    attempt_id = start(learner, quiz["quiz_id"])
    token = page_token(learner, attempt_id)
    with app.app_context():
        positions = dict(db.session.execute(sa.select(QuestionVersion.qtype, AttemptSlot.position)
                                            .join(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id)).all())
        essay_slot = db.session.scalar(sa.select(AttemptSlot.id).join(QuestionVersion).where(
            AttemptSlot.attempt_id == attempt_id, QuestionVersion.qtype == "essay"))
    autosave(learner, attempt_id, positions["single_choice"], {f"s{positions['single_choice']}": ["oa"]}, token)
    autosave(learner, attempt_id, positions["essay"], {f"s{positions['essay']}": ["My essay text"]}, token)
    learner.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.needs_grading and attempt.passed is None
    page = client.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "My essay text" in page and "look for detail" in page
    grade_token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    bad = client.post(f"/quizzes/slots/{essay_slot}/grade", data={"csrf_token": grade_token, "mark": "5"})
    assert bad.status_code == 303
    response = client.post(f"/quizzes/slots/{essay_slot}/grade",
                           data={"csrf_token": grade_token, "mark": "0.5", "comment": "Needs more detail"})
    assert response.status_code == 303
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert not attempt.needs_grading and attempt.percent == Decimal("75.00") and attempt.passed
    result = learner.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Needs more detail" in result
    assert learner.post(f"/quizzes/slots/{essay_slot}/grade", data={"csrf_token": token, "mark": "1"}).status_code == 403


def test_item_analysis_page(author):
    app, client = author
    quiz = build_quiz(app, types=["single_choice", "true_false"], author_id=user_id(app, "author"))
    for role, choice in (("learner", "oa"), ("learner2", "oc"), ("learner3", "ob")):
        learner = login(app.test_client(), role)
        attempt_id = start(learner, quiz["quiz_id"])
        token = page_token(learner, attempt_id)
        autosave(learner, attempt_id, 1, {"s1": [choice]}, token)
        autosave(learner, attempt_id, 2, {"s2": ["false" if role == "learner" else "true"]}, token)
        learner.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    response = client.get(f"/quizzes/{quiz['quiz_id']}/analysis")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg" in html and "Yellow: 1" in html
    assert login(app.test_client(), "learner").get(f"/quizzes/{quiz['quiz_id']}/analysis").status_code == 403


def test_author_creates_a_quiz_and_adds_questions(author):
    app, client = author
    token = csrf_token(client, "/quizzes/manage")
    response = client.post("/quizzes/manage", data={
        "csrf_token": token, "title": "Новый тест", "random_category_id": "0", "random_count": "0",
        "time_limit_minutes": "15", "attempts_allowed": "3", "cooldown_minutes": "0", "pass_percent": "80",
        "grading_method": "highest", "review": "score_only", "published": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)
    quiz_id = int(re.search(r"/quizzes/(\d+)/edit", response.headers["Location"])[1])
    category_id = _category(app)
    from lms.events import commit
    from lms.quizzes.bank import create_question

    with app.app_context():
        qid = create_question(category_id, "true_false", {"name": "TF", "text": "Sky is blue", "definition": {"correct": True}}).id
        commit()
    edit = client.get(f"/quizzes/{quiz_id}/edit").get_data(as_text=True)
    add_token = re.search(r'id="add-csrf_token" name="add-csrf_token" type="hidden" value="([^"]+)"', edit)
    add_token = add_token[1] if add_token else token
    response = client.post(f"/quizzes/{quiz_id}/questions",
                           data={"add-csrf_token": add_token, "add-question_ids": str(qid), "add-max_mark": "2"})
    assert response.status_code == 303
    assert "Sky is blue" not in client.get(f"/quizzes/{quiz_id}/edit").get_data(as_text=True)
    assert "TF" in client.get(f"/quizzes/{quiz_id}/edit").get_data(as_text=True)


def test_author_adds_a_question_in_the_bank(author, query_counter):
    app, client = author
    category_id = _category(app)
    page = client.get(f"/quizzes/bank?category={category_id}").get_data(as_text=True)
    assert f"/quizzes/bank/{category_id}/new/numerical" in page and "Число" in page
    url = f"/quizzes/bank/{category_id}/new/numerical"
    token = csrf_token(client, url)
    data = {"csrf_token": token, "name": "Dose", "text": "kg/ha?", "text_format": "plain",
            "answers-0-value": "150", "answers-0-tolerance": "10", "answers-0-grade": "100"}
    assert client.post(url, data=data).status_code == 303
    bad = client.post(url, data={**data, "answers-0-value": "{"})
    assert bad.status_code == 422 and "Неверное десятичное число." in bad.get_data(as_text=True)
    counts = []
    for extra in range(2):
        with query_counter() as statements:
            assert client.get(f"/quizzes/bank?category={category_id}").status_code == 200
        counts.append(len(statements))
        client.post(url, data={**data, "name": f"Dose {extra}"})
    assert counts[0] == counts[1]


def test_unpublished_quiz_is_hidden_from_learners(author):
    app, client = author
    quiz = build_quiz(app, types=["single_choice"])
    with app.app_context():
        from lms.quizzes.models import Quiz

        db.session.get(Quiz, quiz["quiz_id"]).published = False
        db.session.commit()
    learner = login(app.test_client(), "learner")
    assert learner.get(f"/quizzes/{quiz['quiz_id']}").status_code == 404
    assert client.get(f"/quizzes/{quiz['quiz_id']}").status_code == 200
