"""A small hand-built data set for the report tests (the counts in the tests are worked out by hand)."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from lms.auth.models import Dealer, Role, User
from lms.certificates.models import Certificate
from lms.courses.models import Course, CourseCompletionRecord, CourseSection, Lesson, LessonProgress
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz
from lms.reports.activity import first_monday
from lms.timeutil import utcnow

A, B, C = "2310000001", "3620000002", "5400000003"


def csv_rows(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def dealer(tax_id: str) -> Dealer:
    return db.session.scalar(sa.select(Dealer).where(Dealer.tax_id == tax_id))


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def add_user(email, name, tax_id, active=True, role=Role.LEARNER) -> User:
    person = User(email=email, name=name, dealer_id=dealer(tax_id).id, role=role, active=active)
    db.session.add(person)
    db.session.flush()
    return person


_serial = [0]


def certify(person: User, course: Course, expires_in_days=None, revoked=False, version=1, never_expires=False):
    _serial[0] += 1
    now = utcnow()
    expires = None if never_expires else now + timedelta(days=expires_in_days)
    db.session.add(Certificate(
        serial=f"T-{_serial[0]:06d}", code=f"test-code-{_serial[0]:06d}", user_id=person.id, course_id=course.id,
        course_version=version, learner_name=person.name, dealer_id=person.dealer_id, dealer_name="x",
        course_title=course.title, score_percent=90.0, issued_at=now - timedelta(days=400), expires_at=expires,
        revoked_at=now - timedelta(days=1) if revoked else None, pdf_sha256="0" * 64, pdf_size=0))


def course(slug, title, validity, product_line="Тракторы", published=True) -> Course:
    item = Course(slug=slug, title=title, version=1, published=published, product_line=product_line,
                  certificate_validity_months=validity)
    db.session.add(item)
    db.session.flush()
    return item


def build(app) -> dict:
    """Staff: A = Иван, Ольга (admin), a1, a2, a3 (+ inactive a4); B = Мария, b1; C = Дмитрий."""
    with app.app_context():
        ivan, olga = user("learner@demo.example.com"), user("dealer-admin@demo.example.com")
        maria, dmitry = user("learner2@demo.example.com"), user("learner3@demo.example.com")
        a1, a2, a3 = (add_user(f"a{i}@t.example.com", f"Сотрудник А{i}", A) for i in (1, 2, 3))
        a4 = add_user("a4@t.example.com", "Уволенный А4", A, active=False)
        b1 = add_user("b1@t.example.com", "Сотрудник Б1", B)
        c1 = course("safety", "Безопасность", 12)
        c2 = course("service", "Сервис", 24)
        course("no-cert", "Без сертификата", None)
        course("draft", "Черновик", 12, published=False)
        certify(ivan, c1, 200)
        certify(ivan, c1, -10, version=0)  # an older, expired one: Иван still counts once, as valid
        certify(olga, c1, 10)
        certify(a1, c1, -5)
        certify(a2, c1, 200, revoked=True)  # revoked: not valid, so "not certified"
        certify(a4, c1, 200)  # inactive: not staff
        certify(maria, c1, 300)
        certify(b1, c1, 20)
        certify(ivan, c2, -1)
        certify(dmitry, c2, None, never_expires=True)
        # Course activity on c1: two lessons and a final quiz.
        section = CourseSection(course_id=c1.id, title="", position=0)
        db.session.add(section)
        db.session.flush()
        lessons = [Lesson(course_id=c1.id, section_id=section.id, slug=f"l{i}", title=f"Урок {i}", position=i)
                   for i in (1, 2)]
        db.session.add_all(lessons)
        quiz = Quiz(course_id=c1.id, title="Итоговый тест", published=True)
        db.session.add(quiz)
        db.session.flush()
        # Three hours ago, but never before this week's Monday: the weekly-activity test counts this
        # week's completions, and on a Monday before 03:00 UTC three hours ago was last week.
        moment = utcnow()
        now = max(moment - timedelta(hours=3), first_monday(moment, 1))
        for person in (ivan, maria):
            for lesson in lessons:
                db.session.add(LessonProgress(user_id=person.id, lesson_id=lesson.id, started_at=now,
                                              completed_at=now + timedelta(minutes=10)))
        db.session.add(LessonProgress(user_id=a1.id, lesson_id=lessons[0].id, started_at=now))
        for number, (person, percent) in enumerate(((ivan, 50), (ivan, 90), (maria, 80)), start=1):
            db.session.add(Attempt(quiz_id=quiz.id, user_id=person.id, number=number, state="finished",
                                   started_at=now, finished_at=now + timedelta(minutes=15),
                                   percent=Decimal(percent), passed=percent >= 70))
        for person in (ivan, maria):
            db.session.add(CourseCompletionRecord(user_id=person.id, course_id=c1.id, course_version=1,
                                                  score_percent=90.0, completed_at=now + timedelta(minutes=30)))
        db.session.commit()
        return {"c1": c1.id, "c2": c2.id, "quiz": quiz.id, "A": dealer(A).id, "B": dealer(B).id, "C": dealer(C).id}
