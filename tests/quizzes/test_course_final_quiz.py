"""The course's final quiz: content sync/export, the course requirement and completion after a pass."""
import sqlalchemy as sa
from quiz_testkit import EventRecorder, autosave, load_demo, login, page_token, start, user_id

from lms import hookimpl
from lms.events import commit
from lms.extensions import db
from lms.quizzes.models import Question, QuestionVersion, Quiz

GIFT = """::Q1:: Which is a cereal? {=Wheat ~Potato ~Carrot}

::Q2:: The sky is green. {F}
"""


class CompletionRecorder:
    def __init__(self):
        self.completed = []

    @hookimpl
    def lms_course_completed(self, completion):
        self.completed.append(completion)


def make_course(app, slug="npk-basics"):
    from lms.courses.models import Course

    with app.app_context():
        course = Course(slug=slug, title="Основы NPK", published=True, version=1)
        db.session.add(course)
        commit()
        return course.id


def test_sync_is_idempotent_and_exports_back(app):
    from lms.quizzes.content import export_course_quiz, gift_problems, sync_course_quiz

    course_id = make_course(app)
    settings = {"pass_percent": 80, "max_attempts": 3, "time_limit_minutes": 10, "shuffle": False,
                "feedback": "after_pass"}
    with app.app_context():
        assert gift_problems(GIFT) == []
        assert gift_problems("::Q:: broken {=a ~b\n")[0][0] == 1
        quiz_id = sync_course_quiz(course_id, GIFT, settings)
        commit()
        again = sync_course_quiz(course_id, GIFT, settings)
        assert again == quiz_id and not db.session.dirty and not db.session.new
        commit()
        quiz = db.session.get(Quiz, quiz_id)
        assert (quiz.course_id, quiz.attempts_allowed, quiz.review, len(quiz.fixed)) == (course_id, 3, "answers_after_pass", 2)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionVersion)) == 2
        text, exported = export_course_quiz(course_id)
        details = exported.pop("details")
        assert (exported.pop("title"), exported.pop("draws")) == ("Основы NPK", [])
        assert exported == settings and '"format": 1' in details
        exported["details"] = details
        assert sync_course_quiz(course_id, text, exported) == quiz_id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 2
        assert export_course_quiz(course_id + 1000) is None


def test_hook_lms_course_requirements_and_completion_after_a_pass(app_factory):
    completions, events = CompletionRecorder(), EventRecorder()
    app = app_factory(plugins=[completions, events])
    load_demo(app)
    course_id = make_course(app)
    from lms.quizzes.content import sync_course_quiz
    from lms.quizzes.services import course_quiz_summaries

    with app.app_context():
        quiz_id = sync_course_quiz(course_id, GIFT, {"pass_percent": 100, "shuffle": False})
        commit()
    learner_id = user_id(app, "learner")
    with app.app_context():
        pm = app.extensions["lms"]
        [requirement] = [r for r in pm.hook.lms_course_requirements(user_id=learner_id, course_id=course_id) if r]
        assert requirement.met is False and requirement.score_percent is None and "100" in requirement.reason
        assert [r for r in pm.hook.lms_course_requirements(user_id=learner_id, course_id=course_id + 99) if r] == []
    client = login(app.test_client(), "learner")
    # A failed attempt completes nothing.
    attempt_id = start(client, quiz_id)
    token = page_token(client, attempt_id)
    autosave(client, attempt_id, 1, {"s1": ["wrong-id"]}, token)
    client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    assert completions.completed == []
    with app.test_request_context():
        [summary] = course_quiz_summaries(course_id, learner_id)
    assert summary["attempts_used"] == 1 and summary["passed"] is False and summary["url"] == f"/quizzes/{quiz_id}"
    # A passing attempt completes the course in the same transaction.
    attempt_id = start(client, quiz_id)
    token = page_token(client, attempt_id)
    with app.app_context():
        option = db.session.scalar(sa.select(QuestionVersion.definition).where(QuestionVersion.name == "Q1"))
        right = next(o["id"] for o in option["options"] if o["fraction"] == 1)
    html = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    q1_position = 1 if html.index("Which is a cereal") < html.index("The sky is green") else 2
    autosave(client, attempt_id, q1_position, {f"s{q1_position}": [right]}, token)
    autosave(client, attempt_id, 3 - q1_position, {f"s{3 - q1_position}": ["false"]}, token)
    client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    assert [(c.user_id, c.course_id, c.score_percent) for c in completions.completed] == [(learner_id, course_id, 100.0)]
    assert [e.passed for e in events.finished] == [False, True]
    with app.app_context():
        [requirement] = [r for r in app.extensions["lms"].hook.lms_course_requirements(
            user_id=learner_id, course_id=course_id) if r]
        assert requirement.met and requirement.score_percent == 100.0
    with app.test_request_context():
        assert course_quiz_summaries(course_id, learner_id)[0]["passed"] is True
