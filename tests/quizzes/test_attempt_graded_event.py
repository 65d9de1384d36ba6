"""A grader's mark is announced after commit (lms_attempt_graded), and the courses domain learns of
passed attempts through the attempt events alone: grading the last essay completes the course."""
import re

import sqlalchemy as sa
from quiz_testkit import autosave, build_quiz, load_demo, login, page_token, start, user_id

from lms import hookimpl
from lms.extensions import db
from lms.quizzes.contracts import AttemptResult
from lms.quizzes.models import AttemptSlot, QuestionVersion
from lms.testing import add_published_course


class Listener:
    def __init__(self):
        self.finished, self.graded, self.completed = [], [], []

    @hookimpl
    def lms_attempt_finished(self, attempt):
        self.finished.append(attempt)

    @hookimpl
    def lms_attempt_graded(self, attempt):
        self.graded.append(attempt)

    @hookimpl
    def lms_course_completed(self, completion):
        self.completed.append(completion)


def test_hook_lms_attempt_graded(app_factory):
    listener = Listener()
    app = app_factory(plugins=[listener])
    load_demo(app)
    course_id = add_published_course(app, slug="essay-course", title="Курс с эссе")
    quiz = build_quiz(app, types=["single_choice", "essay"], pass_percent=75, course_id=course_id)
    learner = login(app.test_client(), "learner")
    attempt_id = start(learner, quiz["quiz_id"])
    token = page_token(learner, attempt_id)
    with app.app_context():
        slots = dict(db.session.execute(sa.select(QuestionVersion.qtype, AttemptSlot.position)
                                        .join(AttemptSlot).where(AttemptSlot.attempt_id == attempt_id)).all())
        essay_slot = db.session.scalar(sa.select(AttemptSlot.id).join(QuestionVersion).where(
            AttemptSlot.attempt_id == attempt_id, QuestionVersion.qtype == "essay"))
    autosave(learner, attempt_id, slots["single_choice"], {f"s{slots['single_choice']}": ["oa"]}, token)
    autosave(learner, attempt_id, slots["essay"], {f"s{slots['essay']}": ["My essay text"]}, token)
    learner.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
    [finished] = listener.finished
    assert finished.passed is None and finished.needs_grading and finished.course_id == course_id
    assert listener.graded == [] and listener.completed == []  # waiting for the grader

    grader = login(app.test_client(), "manager")
    page = grader.get(f"/quizzes/attempts/{attempt_id}/result").get_data(as_text=True)
    grade_token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    refused = grader.post(f"/quizzes/slots/{essay_slot}/grade", data={"csrf_token": grade_token, "mark": "5"})
    assert refused.status_code == 303 and listener.graded == []  # a refused mark announces nothing
    grader.post(f"/quizzes/slots/{essay_slot}/grade", data={"csrf_token": grade_token, "mark": "0.5"})

    [graded] = listener.graded
    assert isinstance(graded, AttemptResult)
    assert (graded.attempt_id, graded.user_id, graded.course_id) == (attempt_id, user_id(app, "learner"), course_id)
    assert (graded.passed, graded.needs_grading, graded.percent, graded.expired) == (True, False, 75.0, False)
    [completion] = listener.completed  # the courses domain heard the pass
    assert (completion.user_id, completion.course_id, completion.score_percent) == (graded.user_id, course_id, 75.0)

    grader.post(f"/quizzes/slots/{essay_slot}/grade", data={"csrf_token": grade_token, "mark": "1"})
    assert [event.percent for event in listener.graded] == [75.0, 100.0]
    assert len(listener.completed) == 1  # completed once per course version
