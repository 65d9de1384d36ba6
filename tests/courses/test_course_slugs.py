"""Addresses from titles: Cyrillic and Latin transliterated by python-slugify, unique, and editable."""
import re

import sqlalchemy as sa
from lms.testing import csrf_token

from lms.courses.models import Course, Lesson
from lms.courses.slugs import slug_from_title, unique_slug
from lms.extensions import db


def test_titles_are_transliterated():
    assert slug_from_title("Основы хранения удобрений") == "osnovy-khraneniia-udobrenii"
    assert slug_from_title("Über «NPK» 2024!") == "uber-npk-2024"
    assert slug_from_title("🦔 ***", fallback="course") == "course"
    assert len(slug_from_title("Очень " * 60)) <= 94


def test_unique_slug_takes_the_first_free_suffix():
    taken = {"sklad", "sklad-2"}
    assert unique_slug("sklad", taken.__contains__) == "sklad-3"
    assert unique_slug("polki", taken.__contains__) == "polki"


def create(client, title, slug=""):
    return client.post("/courses/manage/new", data={
        "csrf_token": csrf_token(client, "/courses/manage/new"), "title": title, "slug": slug, "language": "ru",
        "targets_all": "y"})


def test_a_cyrillic_title_makes_a_unique_address_that_stays_editable_until_published(app, login_as):
    author = login_as("author")
    first = create(author, "Хранение удобрений")
    second = create(author, "Хранение удобрений")
    assert first.status_code == second.status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(Course.slug))) == ["khranenie-udobrenii", "khranenie-udobrenii-2"]
    refused = create(author, "Другой", slug="khranenie-udobrenii")
    assert refused.status_code == 422 and "Этот адрес уже занят." in refused.get_data(as_text=True)
    assert "Введите адрес" not in refused.get_data(as_text=True)
    course_id = int(re.search(r"/manage/(\d+)", second.headers["Location"]).group(1))
    edit = author.post(f"/courses/manage/{course_id}", data={
        "csrf_token": csrf_token(author, f"/courses/manage/{course_id}"), "title": "Хранение удобрений",
        "slug": "storage-2", "language": "ru", "targets_all": "y"})
    assert edit.status_code == 302
    with app.app_context():
        assert db.session.get(Course, course_id).slug == "storage-2"
    # Lessons: the address comes from the title too, unique within the course.
    with app.app_context():
        section_id = db.session.get(Course, course_id).sections[0].id
    for _ in range(2):
        response = author.post(f"/courses/manage/{course_id}/lessons/new", data={
            "csrf_token": csrf_token(author, f"/courses/manage/{course_id}/lessons/new"), "title": "Приёмка товара",
            "kind": "markdown", "section_id": str(section_id), "body": "Текст"})
        assert response.status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(Lesson.slug))) == ["priemka-tovara", "priemka-tovara-2"]
    # Once published the address is fixed: shared links depend on it.
    author.post(f"/courses/manage/{course_id}/publish",
                data={"csrf_token": csrf_token(author, f"/courses/manage/{course_id}")})
    assert 'name="slug"' not in author.get(f"/courses/manage/{course_id}").get_data(as_text=True)
