"""`lms export` then `lms import` into an emptied portal gives the same exam: every built-in question
type (ordering too, which GIFT cannot hold), the order, the marks and the tags."""
import json
from decimal import Decimal

import sqlalchemy as sa
from quiz_testkit import QUESTIONS

from lms.events import commit
from lms.extensions import db
from lms.testing import add_published_course

SLUG = "exam-roundtrip"


def exam_snapshot(app) -> list[tuple]:
    from lms.courses.models import Course
    from lms.quizzes import bank
    from lms.quizzes.services import course_quizzes

    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        quiz = course_quizzes(course.id)[0]
        rows = []
        for link in quiz.fixed:
            version = bank.current_version(link.question_id)
            rows.append((version.qtype, version.name, version.text, version.text_format, version.general_feedback,
                         json.dumps(version.definition, sort_keys=True, default=str), float(link.max_mark),
                         bank.tags_text(link.question.tags)))
        return [float(quiz.pass_percent), course.completion_rule, rows]


def build_exam(app):
    from lms.quizzes import bank
    from lms.quizzes.content import sync_course_quiz
    from lms.quizzes.models import QuizQuestion

    course_id = add_published_course(app, slug=SLUG, title="Экзамен целиком")
    with app.app_context():
        quiz_id = sync_course_quiz(course_id, "", {"pass_percent": 75})
        from lms.quizzes.models import Quiz

        quiz = db.session.get(Quiz, quiz_id)
        category = bank.ensure_category(["Склад"])
        # Reversed, so the exam's order is not the bank's or the GIFT file's.
        for position, (qtype, text, definition) in enumerate(reversed(QUESTIONS), 1):
            question = bank.create_question(category.id, qtype, {"name": f"Вопрос {qtype}", "text": text,
                                                                 "general_feedback": "Общий отзыв",
                                                                 "definition": definition})
            bank.set_tags(question.id, f"склад, {qtype}" if position % 2 else "")
            quiz.fixed.append(QuizQuestion(question_id=question.id, position=position,
                                           max_mark=Decimal(position) / 2))
        commit()


def test_export_import_keeps_every_question_type_marks_and_tags(app, runner, tmp_path):
    build_exam(app)
    before = exam_snapshot(app)
    assert "ordering" in [row[0] for row in before[2]] and len(before[2]) == 8
    result = runner.invoke(args=["export", SLUG, str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert 'details = "exam-roundtrip.quiz.json"' in (tmp_path / SLUG / "course.toml").read_text(encoding="utf-8")
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    result = runner.invoke(args=["import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert exam_snapshot(app) == before
    # Importing the export again changes nothing.
    result = runner.invoke(args=["import", str(tmp_path)])
    assert result.exit_code == 0 and exam_snapshot(app) == before


def test_a_broken_sidecar_is_refused_with_its_problem_and_changes_nothing(app, runner, tmp_path):
    build_exam(app)
    assert runner.invoke(args=["export", SLUG, str(tmp_path)]).exit_code == 0
    sidecar = tmp_path / SLUG / f"{SLUG}.quiz.json"
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    before = exam_snapshot(app)
    for change, problem in ((lambda d: d["questions"][0].update(mark="много"), "questions[0]: mark must be a number."),
                            (lambda d: d["questions"].append({"name": "Нет такого"}),
                             "“Нет такого” is neither in the GIFT file nor given whole.")):
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        change(data)
        sidecar.with_suffix(".bak").write_text(sidecar.read_text(encoding="utf-8"), encoding="utf-8")
        sidecar.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result = runner.invoke(args=["import", str(tmp_path)])
        assert result.exit_code != 0 and problem in result.output, result.output
        assert exam_snapshot(app) == before
        sidecar.write_text(sidecar.with_suffix(".bak").read_text(encoding="utf-8"), encoding="utf-8")


def test_two_exam_questions_of_the_same_name_both_come_back(app):
    from lms.quizzes.exam_details import exam_items, export_exam

    same = {"type": "true_false", "name": "Склад", "text": "Верно?", "text_format": "moodle", "general_feedback": "",
            "general_feedback_format": "moodle", "definition": {"correct": True}}
    with app.app_context():
        gift, details = export_exam([(same, Decimal(1), []), ({**same, "text": "Неверно?"}, Decimal(2), ["x"])])
        items = exam_items(gift, details)
    assert [(item["name"], item["text"], mark, tags) for item, mark, tags in items] == [
        ("Склад", "Верно?", Decimal(1), []), ("Склад (2)", "Неверно?", Decimal(2), ["x"])]
