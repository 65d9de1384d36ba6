"""The exam campaign's set-up (bench/exam_campaign.py): a fresh database with the demo data, the
exam course and its 20-question final quiz, the practice quiz, and SSO tokens for the dealers."""
from __future__ import annotations

import os
import re
import time
import uuid


ISS, AUDIENCE, DEALERS = "https://portal.bench.example", "dealer-lms", 20  # the SSO issuer and dealers
QUESTIONS, RIGHT_PER_USER = 20, 18  # the exam, and how many a dealer answers right


def prepare_database(url: str | None, folder: str) -> str:
    """The database URL to use; PostgreSQL gets its database created if missing and its schema emptied."""
    if not url:
        return "sqlite:///" + os.path.join(folder, "lms.sqlite3")
    import sqlalchemy as sa

    url = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", url)
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def exam_gift() -> str:
    return "\n\n".join(f"::bench-q{n:02d}::Вопрос экзамена {n}: выберите верный ответ. "
                       "{=Верный ответ ~Неверный ответ 1 ~Неверный ответ 2 ~Неверный ответ 3}"
                       for n in range(1, QUESTIONS + 1))


def set_up(config: dict) -> dict:
    """Migrate, load the demo data, build the exam and the practice quiz; return ids for the clients."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from lms import create_app
    from lms.courses.models import Course, Lesson
    from lms.demo import load_core_demo_data
    from lms.events import commit
    from lms.extensions import db
    from lms.plugins import plugin_manager
    from lms.quizzes import bank
    from lms.quizzes.content import sync_course_quiz
    from lms.quizzes.models import QuestionVersion, Quiz, QuizQuestion

    app = create_app(dict(config))
    with app.app_context():
        upgrade(revision="heads")
        load_core_demo_data()
        plugin_manager().hook.lms_load_demo_data()
        commit()
        course = db.session.scalar(sa.select(Course).where(Course.slug == "fertilizer-safety"))
        quiz_id = sync_course_quiz(course.id, exam_gift(), {"pass_percent": 70, "max_attempts": 3,
                                                            "time_limit_minutes": 120, "shuffle": True})
        db.session.execute(sa.update(Lesson).where(Lesson.course_id == course.id).values(required=False))
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.course_id == course.id)
                                   .order_by(Lesson.section_id, Lesson.position).limit(1))
        options = {tuple((o["id"], o["fraction"]) for o in definition["options"]) for definition in db.session.scalars(
            sa.select(QuestionVersion.definition).where(QuestionVersion.name.like("bench-q%")))}
        assert len(options) == 1, "the exam's questions should share their option ids"
        (shared,) = options
        right = next(i for i, fraction in shared if fraction == 1)
        wrong = [i for i, fraction in shared if fraction != 1]
        category = bank.ensure_category(["Bench practice"])
        definition = {"options": [{"id": f"o{k}", "text": f"Вариант {k}", "fraction": 1 if k == 0 else 0}
                                  for k in range(4)]}
        ids = [bank.create_question(category.id, "single_choice", {"name": f"P{n}", "text": f"Вопрос {n}?",
                                                                   "definition": definition}).id
               for n in range(QUESTIONS)]
        practice = Quiz(title="Тренировка", published=True, time_limit_minutes=120, shuffle_questions=True)
        practice.fixed = [QuizQuestion(question_id=qid, position=n) for n, qid in enumerate(ids, 1)]
        db.session.add(practice)
        commit()
        out = {"exam_quiz_id": quiz_id, "practice_quiz_id": practice.id, "right": right, "wrong": wrong,
               "lesson_url": f"/courses/{course.slug}/lessons/{lesson.slug}", "course_id": course.id}
        db.engine.dispose()
    return out


def sso_token(secret: str, n: int) -> str:
    import jwt

    now = int(time.time())
    return jwt.encode({"iss": ISS, "aud": AUDIENCE, "sub": f"bench-{n}", "iat": now, "exp": now + 120,
                       "jti": uuid.uuid4().hex, "email": f"dealer{n}@bench.example", "name": f"Дилер {n}",
                       "locale": "ru", "dealer": {"id": f"D-{n % DEALERS}", "name": f"Дилер-центр {n % DEALERS}",
                                                  "tier": "gold", "region": "Бенч"}}, secret, algorithm="HS256")
