"""The author side: a course with a Markdown lesson and a PDF made in the browser, published, seen by a learner."""
import io
import re

import sqlalchemy as sa
from lms.testing import csrf_token
from course_helpers import CONTENT

from lms.courses.models import Course, CourseAsset, Lesson
from lms.extensions import db

PDF = (CONTENT / "fertilizer-safety/assets/pamyatka-razliv.pdf").read_bytes()
PNG = (CONTENT / "fertilizer-safety/assets/sklad-skhema.png").read_bytes()


def stored_files(app):
    """Every stored upload's key (``uploads/…``), whichever storage the app uses."""
    from lms import storage

    with app.app_context():
        return set(storage.backend().keys("uploads/"))


def create_course(client, slug="storage-basics", **extra):
    data = {"csrf_token": csrf_token(client, "/courses/manage/new"), "title": "Основы хранения", "slug": slug,
            "description": "Курс о **хранении**.", "language": "ru", "targets_all": "y", "certificate": "y",
            "validity_months": "12", **extra}
    response = client.post("/courses/manage/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/manage/(\d+)", response.headers["Location"]).group(1))


def section_id(app, course_id):
    with app.app_context():
        return db.session.get(Course, course_id).sections[0].id


def lesson_data(client, app, course_id, **values):
    data = {"csrf_token": csrf_token(client, f"/courses/manage/{course_id}/lessons/new"),
            "section_id": str(section_id(app, course_id)), "required": "y", "minutes": "10"}
    data.update(values)
    return data


def test_author_creates_and_publishes_a_course_that_a_learner_sees(app, login_as):
    author = login_as("author")
    course_id = create_course(author)
    response = author.post(f"/courses/manage/{course_id}/lessons/new", data=lesson_data(
        author, app, course_id, title="Склад", slug="sklad", kind="markdown",
        body="# Склад\n\n::: warning\nНе курить!\n:::\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert response.status_code == 302, response.get_data(as_text=True)
    response = author.post(f"/courses/manage/{course_id}/lessons/new", content_type="multipart/form-data",
                           data=lesson_data(author, app, course_id, title="Памятка", slug="pamyatka", kind="pdf",
                                            body="Распечатайте.", file=(io.BytesIO(PDF), "памятка.pdf")))
    assert response.status_code == 302, response.get_data(as_text=True)
    learner = login_as("learner")
    assert "Основы хранения" not in learner.get("/courses/").get_data(as_text=True)
    assert learner.get("/courses/storage-basics").status_code == 404
    author = login_as("author")
    response = author.post(f"/courses/manage/{course_id}/publish",
                           data={"csrf_token": csrf_token(author, f"/courses/manage/{course_id}")})
    assert response.status_code == 302
    assert "Опубликовано как версия 1." in author.get(response.headers["Location"]).get_data(as_text=True)
    learner = login_as("learner")
    assert "Основы хранения" in learner.get("/courses/").get_data(as_text=True)
    lecture = learner.get("/courses/storage-basics/lessons/sklad").get_data(as_text=True)
    assert 'class="callout callout-warning"' in lecture and "Внимание" in lecture and "<table>" in lecture
    pdf_page = learner.get("/courses/storage-basics/lessons/pamyatka").get_data(as_text=True)
    src = re.search(r'<iframe class="pdf-viewer" src="([^"]+)"', pdf_page).group(1)
    with learner.get(src) as response:
        assert response.data == PDF and response.mimetype == "application/pdf"
    assert "памятка.pdf" in pdf_page


def test_live_preview_uses_the_learner_renderer_and_stays_inert(app, login_as):
    author = login_as("author")
    course_id = create_course(author)
    token = csrf_token(author, f"/courses/manage/{course_id}")
    body = ('<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](JaVaScRiPt&#58;alert(2)) '
            '<img src=x onerror=alert(3)> ![i](https://evil.example/t.png)\n\n::: tip\nok\n:::\n')
    html = author.post(f"/courses/manage/{course_id}/preview", data={"csrf_token": token, "body": body}
                       ).get_data(as_text=True)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "href=\"javascript" not in html.lower() and "<a" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(3)&gt;" in html  # shown as text, never an element
    assert 'class="callout callout-tip"' in html and "Совет" in html


def test_upload_abuse_is_refused_with_clear_errors_and_nothing_written(app, login_as):
    author = login_as("author")
    course_id = create_course(author)
    before = stored_files(app)
    cases = [
        ((PNG, "fake.pdf"), "png"),
        ((b"MZ\x90\x00" + b"\x00" * 100, "tool.pdf"), "не поддерживается"),
        ((PDF, "../../etc/passwd.pdf"), "Недопустимое имя файла"),
        ((PDF, "C:\\temp\\x.pdf"), "Недопустимое имя файла"),
        ((b"%PDF-1.4\n" + b"0" * 300_000, "big.pdf"), "Файл слишком большой"),
    ]
    app.config["UPLOAD_LIMITS_MB"] = {"pdf": 0.25}
    for upload, message in cases:
        response = author.post(f"/courses/manage/{course_id}/lessons/new", content_type="multipart/form-data",
                               data=lesson_data(author, app, course_id, title="PDF", slug="pdf", kind="pdf", file=(io.BytesIO(upload[0]), upload[1])))
        assert response.status_code == 422, response.get_data(as_text=True)
        assert message in response.get_data(as_text=True)
        response = author.post(f"/courses/manage/{course_id}/assets", content_type="multipart/form-data",
                               data={"csrf_token": csrf_token(author, f"/courses/manage/{course_id}"),
                                     "file": (io.BytesIO(upload[0]), upload[1])})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
        if upload[1] == "fake.pdf":
            assert "Имя файла оканчивается на «.pdf», а по содержимому это файл png." in response.get_data(as_text=True)
    assert stored_files(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseAsset)) == 0


def test_lessons_can_be_reordered(app, login_as):
    author = login_as("author")
    course_id = create_course(author)
    for slug in ("one", "two", "three"):
        author.post(f"/courses/manage/{course_id}/lessons/new",
                    data=lesson_data(author, app, course_id, title=slug, slug=slug, kind="markdown", body=slug))
    with app.app_context():
        three = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "three"))
    token = csrf_token(author, f"/courses/manage/{course_id}")
    author.post(f"/courses/manage/{course_id}/lessons/{three}/move", data={"csrf_token": token, "direction": "up"})
    with app.app_context():
        order = db.session.scalars(sa.select(Lesson.slug).order_by(Lesson.position)).all()
    assert order == ["one", "three", "two"]


def test_learners_and_managers_cannot_edit(login_as):
    assert login_as("learner").get("/courses/manage/").status_code == 403
    assert login_as("manager").get("/courses/manage/new").status_code == 403
    assert login_as("admin").get("/courses/manage/").status_code == 200
