"""A course with several exams (issue 19, item 1): an intermediate test and a final exam ticked in the
course builder, each passed by its own pass mark; the completion rule applies to all of them, the
completion's score is their mean, and `lms export`/`lms import` carries both (with their random draws)."""
import re
from decimal import Decimal

import sqlalchemy as sa
from test_course_builder import add_lesson, created_id, new_course, post, settings

from lms.courses.models import Course
from lms.events import commit
from lms.extensions import db
from lms.testing import add_published_course, sign_in


def free_quiz(app, title, pass_percent):
    from lms.quizzes.models import Quiz

    with app.app_context():
        quiz = Quiz(title=title, published=True, pass_percent=Decimal(pass_percent))
        db.session.add(quiz)
        commit()
        return quiz.id


def graded_attempt(app, quiz_id, user_id, percent, number=1):
    from lms.quizzes.models import Attempt

    with app.app_context():
        db.session.add(Attempt(quiz_id=quiz_id, user_id=user_id, number=number, state="finished",
                               marks=Decimal(percent), max_marks=Decimal(100), percent=Decimal(percent)))
        commit()


def course_exams(app, course_id):
    from lms.quizzes.services import course_quizzes

    with app.app_context():
        return [quiz.id for quiz in course_quizzes(course_id)]


def test_two_exams_are_ticked_in_the_builder_and_both_must_be_passed(app, login_as):
    from lms.auth.models import User
    from lms.courses.models import CourseCompletionRecord
    from lms.courses.progress import evaluate_course_completion

    author = login_as("author")
    middle, final = free_quiz(app, "Промежуточный тест", 60), free_quiz(app, "Итоговый экзамен", 80)
    page = author.get("/courses/manage/new").get_data(as_text=True)
    assert "Промежуточный тест (проходной балл 60%)" in page and "Итоговый экзамен (проходной балл 80%)" in page
    course_id = created_id(new_course(author, exam_ids=[str(middle), str(final)], completion_rule="exam_only"))
    assert course_exams(app, course_id) == [middle, final]
    page = author.get(f"/courses/manage/{course_id}").get_data(as_text=True)
    assert sorted(int(v) for v in re.findall(r'<input checked[^>]*name="exam_ids" type="checkbox" value="(\d+)"', page)) \
        == [middle, final]
    add_lesson(author, app, course_id, "Склад")
    post(author, course_id, "publish")
    with app.app_context():
        learner = db.session.scalar(sa.select(User.id).where(User.email.like("learner%")))

    graded_attempt(app, middle, learner, 70)  # the intermediate test alone is not enough
    with app.app_context():
        assert evaluate_course_completion(learner, course_id) is None
        db.session.rollback()
    graded_attempt(app, final, learner, 75)  # below the final exam's own pass mark of 80
    with app.app_context():
        assert evaluate_course_completion(learner, course_id) is None
        db.session.rollback()
    graded_attempt(app, final, learner, 90, number=2)
    with app.app_context():
        completion = evaluate_course_completion(learner, course_id)
        assert completion is not None and completion.score_percent == 80.0  # the mean of 70 and 90
        db.session.commit()
        assert db.session.scalar(sa.select(CourseCompletionRecord.score_percent)
                                 .where(CourseCompletionRecord.user_id == learner)) == 80.0

    # The course page lists both tests, each with its pass mark and the learner's result.
    with app.app_context():
        slug = db.session.get(Course, course_id).slug
    learner_client = sign_in(app.test_client(), "learner")
    html = learner_client.get(f"/courses/{slug}").get_data(as_text=True)
    assert "Тест 1 из 2" in html and "Тест 2 из 2" in html
    assert "Проходной балл: 60%" in html and "Проходной балл: 80%" in html

    # Unticking one frees it; "every exam passed" then needs the one left, the lessons too.
    answer = settings(author, course_id, exam_ids=[str(final)], completion_rule="lessons_and_exam")
    assert answer.status_code == 302, re.findall(r'field-error[^<]*<|flash-error[^<]*<', answer.get_data(as_text=True))
    assert course_exams(app, course_id) == [final]
    settings(author, course_id, exam_ids=[], completion_rule="exam_only")  # refused: no exam to stand on
    assert course_exams(app, course_id) == [final]
    refused = settings(author, course_id, exam_ids=["999999"])
    assert refused.status_code == 422 and course_exams(app, course_id) == [final]


GIFT_MIDDLE = "::Склад 1:: Удобрения хранят в сухом месте. {T}\n\n::Склад 2:: 2 + 2 = {=4 ~5}\n"
GIFT_FINAL = "::Склад 1:: Мешки кладут на поддоны. {T}\n"


def snapshot(app, slug):
    from lms.quizzes import bank
    from lms.quizzes.services import course_quizzes

    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        exams = []
        for quiz in course_quizzes(course.id):
            questions = [(bank.current_version(link.question_id).text, float(link.max_mark)) for link in quiz.fixed]
            paths = {c.id: path for c, _depth, path in bank.category_tree()}
            draws = [(paths[d.category_id], d.count, float(d.mark)) for d in quiz.draws]
            exams.append((quiz.title, float(quiz.pass_percent), quiz.attempts_allowed, questions, draws))
        return course.completion_rule, exams


def test_two_exams_and_two_draws_survive_export_and_import(app, runner, tmp_path):
    from lms.quizzes.content import sync_course_quizzes

    slug = "two-exams"
    course_id = add_published_course(app, slug=slug, title="Хранение удобрений")
    with app.app_context():
        db.session.get(Course, course_id).completion_rule = "exam_only"
        sync_course_quizzes(course_id, [
            (GIFT_MIDDLE, {"title": "Промежуточный тест", "pass_percent": 60,
                           "draws": [{"category": ["Банк", "Хранение"], "count": 3, "mark": 1.5},
                                     {"category": ["Банк", "Безопасность"], "count": 2}]}),
            (GIFT_FINAL, {"title": "Итоговый экзамен", "pass_percent": 80, "max_attempts": 2})])
        commit()
    before = snapshot(app, slug)
    assert [exam[0] for exam in before[1]] == ["Промежуточный тест", "Итоговый экзамен"]
    assert before[1][0][4] == [("Банк/Хранение", 3, 1.5), ("Банк/Безопасность", 2, 1.0)]

    result = runner.invoke(args=["export", slug, str(tmp_path)])
    assert result.exit_code == 0, result.output
    toml = (tmp_path / slug / "course.toml").read_text(encoding="utf-8")
    assert toml.count("[[quiz]]") == 2 and 'completion = "exam_only"' in toml
    assert 'draws = [{category = ["Банк", "Хранение"], count = 3, mark = 1.5}' in toml
    assert (tmp_path / slug / f"{slug}.gift").is_file() and (tmp_path / slug / f"{slug}-exam-2.gift").is_file()

    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    result = runner.invoke(args=["import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert snapshot(app, slug) == before
    result = runner.invoke(args=["import", str(tmp_path)])  # again: nothing changes
    assert result.exit_code == 0 and snapshot(app, slug) == before


def test_a_file_whose_exams_disagree_on_completion_is_refused(app, runner, tmp_path):
    folder = tmp_path / "bad-exams"
    folder.mkdir()
    (folder / "a.gift").write_text(GIFT_FINAL, encoding="utf-8")
    (folder / "course.toml").write_text(
        'title = "Т"\nlanguage = "ru"\n[targeting]\nall = true\n'
        '[[quiz]]\nfile = "a.gift"\ncompletion = "exam_only"\n'
        '[[quiz]]\nfile = "a.gift"\ncompletion = "lessons_and_exam"\n'
        '[[quiz]]\nfile = "a.gift"\ndraws = [{category = [], count = 0}]\n', encoding="utf-8")
    result = runner.invoke(args=["import", str(tmp_path)])
    assert result.exit_code != 0
    assert "Every exam of a course must give the same completion." in result.output
    assert "quiz.draws" in result.output
