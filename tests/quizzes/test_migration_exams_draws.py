"""Migration quizzes_0004 keeps data both ways: a quiz's one random draw becomes a quiz_random_draw
row, and the unique quiz.course_id goes (a course may hold several exams). On SQLite the quiz table is
rebuilt: its fixed questions and attempts (ON DELETE CASCADE children) must survive that."""
from decimal import Decimal

import sqlalchemy as sa

from lms.events import commit
from lms.extensions import db
from lms.testing import add_published_course


def test_downgrade_and_upgrade_keep_the_draw_and_the_exam(app):
    from flask_migrate import downgrade, upgrade

    from lms.quizzes import bank
    from lms.auth.models import User
    from lms.quizzes.models import Attempt, Quiz, QuizQuestion, QuizRandomDraw
    from lms.timeutil import utcnow

    course_id = add_published_course(app, slug="migrated", title="Курс")
    with app.app_context():
        storage, safety = bank.ensure_category(["Хранение"]), bank.ensure_category(["Безопасность"])
        first = Quiz(title="Первый", course_id=course_id)
        first.draws = [QuizRandomDraw(category_id=storage.id, count=4, mark=Decimal("1.5"), position=1),
                       QuizRandomDraw(category_id=safety.id, count=2, position=2)]
        second = Quiz(title="Второй", course_id=course_id)
        question = bank.create_question(storage.id, "true_false", {"name": "Сухо", "text": "Сухо?",
                                                                   "definition": {"correct": True}})
        first.fixed = [QuizQuestion(question_id=question.id, position=1)]
        db.session.add_all([first, second])
        db.session.flush()
        learner = User(email="migrated@example.com", name="У", role="learner", created_at=utcnow())
        db.session.add(learner)
        db.session.flush()
        db.session.add(Attempt(quiz_id=first.id, user_id=learner.id, number=1, state="finished"))
        commit()
        ids = (first.id, second.id, storage.id)
        db.session.close()  # no snapshot of the new schema may outlive the migration
        downgrade(revision="quizzes_0003")
        try:
            with db.engine.connect() as connection:
                old = connection.execute(sa.text(
                    "SELECT id, course_id, random_category_id, random_count, random_mark FROM quiz ORDER BY id")).all()
        finally:
            upgrade(revision="heads")
        # One draw and one exam per course was all the old schema could hold: the first of each.
        assert [tuple(row) for row in old] == [(ids[0], course_id, ids[2], 4, Decimal("1.50")),
                                               (ids[1], None, None, 0, Decimal("1.00"))]
        draws = db.session.execute(sa.select(QuizRandomDraw.quiz_id, QuizRandomDraw.category_id, QuizRandomDraw.count,
                                             QuizRandomDraw.mark, QuizRandomDraw.position)).all()
        assert [tuple(row) for row in draws] == [(ids[0], ids[2], 4, Decimal("1.50"), 1)]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizQuestion)) == 1
        # Without the unique constraint a course holds two exams again.
        db.session.get(Quiz, ids[1]).course_id = course_id
        commit()
        assert db.session.scalar(sa.select(sa.func.count()).where(Quiz.course_id == course_id)) == 2
