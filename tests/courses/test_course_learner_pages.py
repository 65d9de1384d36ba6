"""The learner side: targeting, reading a lecture, a PDF inline, progress after reload, constant queries."""
import re
from urllib.parse import urljoin

import pytest
from course_helpers import import_demo_content, make_course
from lms.testing import csrf_token

SAFETY = "/courses/fertilizer-safety"


def titles(html):
    return set(re.findall(r'<h3 class="course-title">\s*<(?:a|span)[^>]*>([^<]+)<', html))


@pytest.mark.parametrize("role,expected", [
    ("learner", {"Безопасное хранение и применение минеральных удобрений", "AgroMax NPK product line"}),
    ("learner2", {"Безопасное хранение и применение минеральных удобрений", "AgroMax NPK product line"}),
    ("learner3", {"Безопасное хранение и применение минеральных удобрений"}),
])
def test_learners_see_only_courses_targeted_at_them(app, login_as, role, expected):
    import_demo_content(app)
    make_course(app, "draft-course", published=False)
    assert titles(login_as(role).get("/courses/").get_data(as_text=True)) == expected


def test_targeting_by_region_and_by_named_dealer(app, login_as):
    make_course(app, "siberia", targets_all=False, regions=["Новосибирская область"])
    make_course(app, "for-pole-i-sad", targets_all=False, dealer_tax_ids=["3620000002"])
    assert titles(login_as("learner3").get("/courses/").get_data(as_text=True)) == {"Course siberia"}
    assert titles(login_as("learner2").get("/courses/").get_data(as_text=True)) == {"Course for-pole-i-sad"}
    client = login_as("learner")
    assert titles(client.get("/courses/").get_data(as_text=True)) == set()
    assert client.get("/courses/siberia").status_code == 404
    assert client.get("/courses/siberia/lessons/l0").status_code == 404


def test_learner_reads_a_lecture_and_progress_shows_after_reload(app, login_as):
    import_demo_content(app)
    client = login_as("learner")
    catalogue = client.get("/courses/").get_data(as_text=True)
    assert 'href="/courses/fertilizer-safety/lessons/vvedenie"' in catalogue and "0% пройдено" in catalogue
    page = client.get(f"{SAFETY}/lessons/vvedenie")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Три главных риска" in html and "Изучено" in html
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]
    response = client.post(f"{SAFETY}/lessons/vvedenie/complete",
                           data={"csrf_token": csrf_token(client, f"{SAFETY}/lessons/vvedenie"),
                                 "next": f"{SAFETY}/lessons/ammiachnaya-selitra"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/lessons/ammiachnaya-selitra")
    catalogue = client.get("/courses/").get_data(as_text=True)
    assert "14% пройдено" in catalogue  # 1 of 7
    assert 'href="/courses/fertilizer-safety/lessons/ammiachnaya-selitra">Продолжить' in catalogue
    course = client.get(SAFETY).get_data(as_text=True)
    assert "1 из 7 изучено" in course and "Сертификат" in course


def test_completion_from_script_answers_json(app, login_as):
    import_demo_content(app)
    client = login_as("learner")
    token = csrf_token(client, f"{SAFETY}/lessons/vvedenie")
    response = client.post(f"{SAFETY}/lessons/vvedenie/complete", headers={"Accept": "application/json",
                                                                           "X-CSRFToken": token})
    assert response.get_json() == {"completed": True, "newly": True}
    again = client.post(f"{SAFETY}/lessons/vvedenie/complete", headers={"Accept": "application/json",
                                                                        "X-CSRFToken": token})
    assert again.get_json() == {"completed": True, "newly": False}


def test_pdf_lesson_is_shown_inline_and_offered_for_download(app, login_as):
    import_demo_content(app)
    client = login_as("learner")
    html = client.get(f"{SAFETY}/lessons/pamyatka").get_data(as_text=True)
    src = re.search(r'<iframe class="pdf-viewer" src="([^"]+)"', html).group(1)
    with client.get(src) as pdf:
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
        assert pdf.headers["Content-Disposition"].startswith("inline")
        assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    with client.get(src + "?download=1") as download:
        assert download.headers["Content-Disposition"].startswith("attachment")


def test_attachments_download_and_other_dealers_get_404(app, login_as):
    import_demo_content(app)
    client = login_as("learner")
    html = client.get(f"{SAFETY}/lessons/ammiachnaya-selitra").get_data(as_text=True)
    csv_url = re.search(r'href="([^"]+)"[^>]*>zhurnal-kontrolya-sklada.csv', html).group(1)
    with client.get(csv_url) as response:
        assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    images = re.findall(r'<img src="([^"]+)"', html)
    assert images
    for src in images:
        with client.get(urljoin(f"{SAFETY}/lessons/ammiachnaya-selitra", src)) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"
    npk = client.get("/courses/npk-product-line/lessons/the-range").get_data(as_text=True)
    assert client.get("/courses/npk-product-line").status_code == 200
    learner3 = login_as("learner3")
    assert learner3.get("/courses/npk-product-line").status_code == 404
    assert npk is not None


def test_video_embeds_only_from_allowed_hosts(app, login_as):
    from lms.courses.models import Lesson
    from lms.extensions import db

    make_course(app, "video-course", lessons=2)
    with app.app_context():
        lessons = {l.slug: l for l in db.session.query(Lesson)}
        lessons["l0"].kind, lessons["l0"].video_url = "video", "https://www.youtube-nocookie.com/embed/abc"
        lessons["l1"].kind, lessons["l1"].video_url = "video", "https://evil.example/embed/abc"
        db.session.commit()
    client = login_as("learner")
    good = client.get("/courses/video-course/lessons/l0")
    assert 'src="https://www.youtube-nocookie.com/embed/abc"' in good.get_data(as_text=True)
    assert "youtube-nocookie.com" in good.headers["Content-Security-Policy"]
    bad = client.get("/courses/video-course/lessons/l1").get_data(as_text=True)
    assert "evil.example" not in bad and "нет в списке разрешённых" in bad


@pytest.mark.parametrize("path", ["/courses/", "/courses/big", "/courses/big/lessons/l0"])
def test_pages_make_a_constant_number_of_queries(app, login_as, query_counter, path):
    client = login_as("learner")
    make_course(app, "big", lessons=2)
    make_course(app, "other-1", lessons=1)
    client.get(path)  # warm-up: the lesson page records the start once
    with query_counter() as few:
        assert client.get(path).status_code == 200
    for number in range(2, 8):
        make_course(app, f"other-{number}", lessons=3)
    from lms.courses.models import Course, Lesson
    from lms.extensions import db
    import sqlalchemy as sa
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "big"))
        section = course.sections[0]
        for number in range(2, 12):
            lesson = Lesson(course=course, slug=f"l{number}", title="x", kind="markdown", position=number, body="x",
                            body_html="<p>x</p>", attachments=[])
            db.session.add(lesson)
            lesson.section = section
        db.session.commit()
    client.get(path)
    with query_counter() as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), (len(few), len(many))


def test_learning_path_unlocks_later_courses_in_order(app, login_as, tmp_path):
    import shutil

    from course_helpers import CONTENT
    from lms.courses.content_sync import import_content
    from lms.events import commit

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("sources"))
    (content / "paths.toml").write_text(
        '[[paths]]\nslug = "seller"\ntitle = "Продавец удобрений"\ncourses = ["short", "npk-product-line"]\n',
        encoding="utf-8")
    make_course(app, "short", lessons=1)
    with app.app_context():
        import_content(content)
        commit()
        import_content(content)  # idempotent: the path is not duplicated
        commit()
    client = login_as("learner")
    html = client.get("/courses/").get_data(as_text=True)
    assert "Учебная программа: Продавец удобрений" in html
    assert html.count("Закрыт: сначала завершите предыдущие курсы программы.") == 1
    assert client.get("/courses/npk-product-line/lessons/the-range").status_code == 302
    token = csrf_token(client, "/courses/short/lessons/l0")
    client.post("/courses/short/lessons/l0/complete", data={"csrf_token": token})
    html = client.get("/courses/").get_data(as_text=True)
    assert "Закрыт" not in html
    assert client.get("/courses/npk-product-line/lessons/the-range").status_code == 200


def test_malicious_markdown_in_a_lesson_renders_inert(app, login_as):
    import sqlalchemy as sa

    from lms.courses.models import Course
    from lms.courses.services import render_course
    from lms.extensions import db

    make_course(app, "evil", lessons=1)
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "evil"))
        lesson = course.sections[0].lessons[0]
        lesson.body = ('<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n'
                       '[click](javascript:alert(3)) [v](vbscript:msgbox) [d](data:text/html;base64,PHNjcmlwdD4=) '
                       '[e](jav&#x61;script:alert(4)) ![p](javascript:alert(5)) ![q](https://evil.example/x.png)\n\n'
                       '<a href="javascript:alert(6)" onclick="x()">raw</a>\n')
        render_course(course)
        db.session.commit()
    html = login_as("learner").get("/courses/evil/lessons/l0").get_data(as_text=True)
    main = html.split('<div class="markdown">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in main and "<img" not in main and "<a " not in main
    assert "&lt;script&gt;" in main and "onclick=" not in main.replace("&quot;", '"').split("&lt;a")[0]


def test_course_page_shows_the_quiz_when_the_quiz_domain_is_loaded(app, login_as):
    from lms.plugins import plugin_manager

    with app.app_context():
        if plugin_manager().get_plugin("lms.quizzes.hooks") is None:
            pytest.skip("the quiz domain is disabled")
    import_demo_content(app)
    html = login_as("learner").get(SAFETY).get_data(as_text=True)
    assert "Итоговый тест" in html and 'href="/quizzes/' in html
