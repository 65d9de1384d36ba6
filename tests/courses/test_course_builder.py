"""The course builder page: sections and lessons added, renamed, moved and removed (buttons work
without JavaScript), the exam chosen by title with its completion rule, and certificate settings
that keep their values; bad input gets a message next to the field and keeps what was typed."""
import re

import sqlalchemy as sa
from lms.testing import csrf_token

from lms.courses.models import Course, Lesson
from lms.events import commit
from lms.extensions import db


def new_course(client, **values):
    data = {"csrf_token": csrf_token(client, "/courses/manage/new"), "title": "Хранение удобрений",
            "language": "ru", "targets_all": "y", **values}
    return client.post("/courses/manage/new", data=data)


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/manage/(\d+)", response.headers["Location"]).group(1))


def settings(client, course_id, **values):
    data = {"csrf_token": csrf_token(client, f"/courses/manage/{course_id}"), "title": "Хранение удобрений",
            "language": "ru", "targets_all": "y", **values}
    return client.post(f"/courses/manage/{course_id}", data=data)


def outline(app, course_id):
    with app.app_context():
        course = db.session.get(Course, course_id)
        return [(s.title, [lesson.title for lesson in s.lessons]) for s in course.sections]


def add_lesson(client, app, course_id, title, section_index=0):
    with app.app_context():
        section_id = db.session.get(Course, course_id).sections[section_index].id
    response = client.post(f"/courses/manage/{course_id}/lessons/new", data={
        "csrf_token": csrf_token(client, f"/courses/manage/{course_id}/lessons/new"), "title": title,
        "kind": "markdown", "section_id": str(section_id), "required": "y", "body": f"# {title}"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.id).where(Lesson.course_id == course_id, Lesson.title == title))


def post(client, course_id, path, **data):
    token = csrf_token(client, f"/courses/manage/{course_id}")
    return client.post(f"/courses/manage/{course_id}/{path}", data={"csrf_token": token, **data})


def test_sections_and_lessons_are_built_on_one_page_without_javascript(app, login_as):
    author = login_as("author")
    course_id = created_id(new_course(author))
    assert post(author, course_id, "sections", title="Приёмка").status_code == 302
    with app.app_context():
        first, second = (s.id for s in db.session.get(Course, course_id).sections)
    assert post(author, course_id, f"sections/{first}/rename", title="Введение").status_code == 302
    a, b = add_lesson(author, app, course_id, "Склад"), add_lesson(author, app, course_id, "Полки")
    c = add_lesson(author, app, course_id, "Документы", section_index=1)
    assert outline(app, course_id) == [("Введение", ["Склад", "Полки"]), ("Приёмка", ["Документы"])]
    post(author, course_id, f"lessons/{b}/move", direction="up")
    assert outline(app, course_id)[0] == ("Введение", ["Полки", "Склад"])
    post(author, course_id, f"lessons/{a}/move", direction="down")  # from the section's end into the next
    assert outline(app, course_id) == [("Введение", ["Полки"]), ("Приёмка", ["Склад", "Документы"])]
    # Drag and drop sends the target section and position to the same route.
    post(author, course_id, f"lessons/{c}/move", direction="to", section_id=str(first), position="0")
    assert outline(app, course_id) == [("Введение", ["Документы", "Полки"]), ("Приёмка", ["Склад"])]
    post(author, course_id, f"sections/{second}/move", direction="up")
    assert [title for title, _ in outline(app, course_id)] == ["Приёмка", "Введение"]
    post(author, course_id, f"lessons/{a}/rename", title="Склад и хранение")
    refused = post(author, course_id, f"sections/{second}/delete")
    assert refused.status_code == 422
    assert "Сначала перенесите или удалите уроки этого раздела." in refused.get_data(as_text=True)
    post(author, course_id, f"lessons/{a}/delete")
    post(author, course_id, f"sections/{second}/delete")
    assert outline(app, course_id) == [("Введение", ["Документы", "Полки"])]
    page = author.get(f"/courses/manage/{course_id}").get_data(as_text=True)
    assert 'aria-current="page"' in page and "Редактор курсов" in page  # breadcrumbs
    assert 'name="direction" value="up"' in page and "courses-builder.js" in page


def test_unticking_the_certificate_keeps_its_validity(app, login_as):
    author = login_as("author")
    course_id = created_id(new_course(author, certificate="y", validity_months="12"))
    assert settings(author, course_id, validity_months="12").status_code == 302  # unticked
    with app.app_context():
        course = db.session.get(Course, course_id)
        assert (course.certificate_validity_months, course.certificate_months_kept) == (None, 12)
    page = author.get(f"/courses/manage/{course_id}").get_data(as_text=True)
    assert re.search(r'name="validity_months"[^>]*value="12"', page)
    settings(author, course_id, certificate="y", validity_months="12")
    with app.app_context():
        assert db.session.get(Course, course_id).certificate_validity_months == 12


def test_bad_input_is_refused_next_to_the_field_and_kept(app, login_as):
    author = login_as("author")
    response = new_course(author, title="Курс о хранении", slug="Не латиница!", certificate="y", validity_months="",
                          completion_rule="exam_only", description="Мой текст")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="slug-error"' in html and "строчные латинские буквы" in html
    assert 'id="validity_months-error"' in html and "0 — сертификат бессрочный" in html
    assert 'id="completion_rule-error"' in html and "Сначала выберите экзамен" in html
    assert 'value="Курс о хранении"' in html and "Мой текст" in html and 'value="Не латиница!"' in html
    response = new_course(author, validity_months="abc", certificate="y")
    assert response.status_code == 422 and 'id="validity_months-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
    # In the author's language: English once the author chose it.
    author.post("/locale", data={"locale": "en", "csrf_token": csrf_token(author, "/")})
    html = new_course(author, certificate="y", completion_rule="exam_only").get_data(as_text=True)
    assert "Enter the validity in months (0: the certificate does not expire)." in html
    assert "Choose the exam first" in html and 'value="Хранение удобрений"' in html


def make_free_quiz(app, title):
    from lms.quizzes.models import Quiz

    with app.app_context():
        quiz = Quiz(title=title, published=True)
        db.session.add(quiz)
        commit()
        return quiz.id


def record_finished_attempt(app, quiz_id, user_id, percent):
    """A graded, finished attempt as the quiz domain stores it (its grading is tested in tests/quizzes)."""
    from decimal import Decimal

    from lms.quizzes.models import Attempt

    with app.app_context():
        db.session.add(Attempt(quiz_id=quiz_id, user_id=user_id, number=1, state="finished", marks=Decimal(percent),
                               max_marks=Decimal(100), percent=Decimal(percent), passed=percent >= 70))
        commit()


def test_the_exam_is_chosen_by_title_and_the_rule_decides_completion(app, login_as):
    from lms.auth.models import User
    from lms.courses.progress import evaluate_course_completion
    from lms.quizzes.models import Quiz

    author = login_as("author")
    quiz_id = make_free_quiz(app, "Итоговый тест по хранению")
    page = author.get("/courses/manage/new").get_data(as_text=True)
    assert f'type="checkbox" value="{quiz_id}"> Итоговый тест по хранению (проходной балл 70%)</label>' in page
    course_id = created_id(new_course(author, exam_ids=str(quiz_id), completion_rule="exam_only"))
    add_lesson(author, app, course_id, "Склад")
    post(author, course_id, "publish")
    with app.app_context():
        assert db.session.get(Quiz, quiz_id).course_id == course_id
        learner = db.session.scalar(sa.select(User.id).where(User.email.like("learner%")))
        assert evaluate_course_completion(learner, course_id) is None  # no exam passed yet
    record_finished_attempt(app, quiz_id, learner, 90)
    with app.app_context():
        assert evaluate_course_completion(learner, course_id) is not None  # the exam alone, no lesson done
        db.session.rollback()
    settings(author, course_id, exam_ids=str(quiz_id), completion_rule="lessons_and_exam")
    with app.app_context():
        assert evaluate_course_completion(learner, course_id) is None  # the required lesson is missing
    settings(author, course_id, exam_ids=[])
    with app.app_context():
        assert db.session.get(Quiz, quiz_id).course_id is None
        assert db.session.get(Course, course_id).completion_rule == "lessons_and_exam"


def test_small_builder_forms_refuse_next_to_the_field_keeping_what_was_typed(app, login_as):
    author = login_as("author")
    course_id = created_id(new_course(author))
    lesson = add_lesson(author, app, course_id, "Склад")
    with app.app_context():
        section = db.session.get(Course, course_id).sections[0].id
    too_long = "Очень длинное название раздела " * 10
    refused = post(author, course_id, f"sections/{section}/rename", title=too_long)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'value="{too_long}"' in page
    assert (f'<p class="field-error" id="section-{section}-title-error">'
            "Название раздела слишком длинное (не более 200 символов).</p>") in page
    assert f'aria-describedby="section-{section}-title-error"' in page
    assert 'value="Хранение удобрений"' in page  # the course settings keep their stored values

    refused = post(author, course_id, f"lessons/{lesson}/rename", title="   ")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f'id="lesson-{lesson}-title-error"' in page
    assert "У урока должно быть название" in page.split(f'id="lesson-{lesson}-title-error">')[1].split("</p>")[0]

    refused = post(author, course_id, f"sections/{section}/delete")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'<p class="field-error" id="remove-section-{section}-error" role="alert">' in page
    assert outline(app, course_id) == [("", ["Склад"])]

    refused = post(author, course_id, "sections", title=too_long)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'class="field-error"' in page and too_long in page

    # In English too.
    author.post("/locale", data={"csrf_token": csrf_token(author, "/"), "locale": "en"})
    page = post(author, course_id, f"sections/{section}/rename", title=too_long).get_data(as_text=True)
    assert "The section title is too long (at most 200 characters).</p>" in page
