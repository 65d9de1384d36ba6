"""Learning paths made in the browser round-trip through content/paths.toml; courses are copied and
get a draft of their next version that, once published, updates the course (progress kept)."""
import re

import sqlalchemy as sa
from course_helpers import make_course
from lms.testing import csrf_token

from lms.courses.content_sync import import_content
from lms.courses.models import Course, LearningPath, Lesson, LessonProgress
from lms.courses.paths import export_paths, path_entry
from lms.events import commit
from lms.extensions import db


def build_path_in_the_browser(app, author, a, b):
    response = author.post("/courses/manage/paths/new", data={
        "csrf_token": csrf_token(author, "/courses/manage/paths/new"), "title": "Продавец удобрений",
        "tiers": "gold, silver", "regions": "Юг", "certificate": "y", "validity_months": "24"})
    assert response.status_code == 302, response.get_data(as_text=True)
    path_id = int(re.search(r"/paths/(\d+)", response.headers["Location"]).group(1))
    page = f"/courses/manage/paths/{path_id}"
    for course_id in (b, a):
        author.post(f"{page}/courses", data={"csrf_token": csrf_token(author, page), "course_id": str(course_id)})
    author.post(f"{page}/courses/{a}/move", data={"csrf_token": csrf_token(author, page), "direction": "up"})
    return path_id


def test_a_path_made_in_the_browser_round_trips_through_paths_toml(app, login_as, tmp_path):
    a, b = make_course(app, "npk-basics"), make_course(app, "fertilizer-safety")
    author = login_as("author")
    path_id = build_path_in_the_browser(app, author, a, b)
    with app.app_context():
        made = path_entry(db.session.get(LearningPath, path_id))
        assert made == {"slug": "prodavets-udobrenii", "title": "Продавец удобрений",
                        "courses": ["npk-basics", "fertilizer-safety"], "targets_all": False,
                        "tiers": ["gold", "silver"], "regions": ["Юг"], "certificate_validity_months": 24}
        text = export_paths(tmp_path).read_text(encoding="utf-8")
        assert 'audience = { tiers = ["gold", "silver"], regions = ["Юг"] }' in text
        db.session.delete(db.session.get(LearningPath, path_id))
        commit()
        import_content(tmp_path)  # the folder holds only paths.toml: the courses exist in the portal
        commit()
        [path] = db.session.scalars(sa.select(LearningPath)).all()
        assert path_entry(path) == made
        assert export_paths(tmp_path / "again").read_text(encoding="utf-8") == text


def test_path_form_refuses_bad_input_next_to_the_field(app, login_as):
    author = login_as("author")
    response = author.post("/courses/manage/paths/new", data={
        "csrf_token": csrf_token(author, "/courses/manage/paths/new"), "title": "", "slug": "Плохой адрес",
        "certificate": "y", "validity_months": "-3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("title", "slug", "validity_months", "targets_all"):
        assert f'id="{field}-error"' in html
    assert 'value="Плохой адрес"' in html and 'value="-3"' in html


def test_a_course_is_copied_with_its_lessons(app, login_as):
    course_id = make_course(app, "npk-basics", lessons=2)
    author = login_as("author")
    page = f"/courses/manage/{course_id}/copy"
    assert "Копия: Course npk-basics" in author.get(page).get_data(as_text=True)
    response = author.post(page, data={"csrf_token": csrf_token(author, page), "title": "Основы NPK для юга"})
    assert response.status_code == 302
    with app.app_context():
        copy = db.session.scalar(sa.select(Course).where(Course.title == "Основы NPK для юга"))
        assert (copy.slug, copy.published, copy.version) == ("npk-basics-copy", False, 0)
        assert [lesson.slug for s in copy.sections for lesson in s.lessons] == ["l0", "l1"]
    taken = author.post(page, data={"csrf_token": csrf_token(author, page), "title": "X", "slug": "npk-basics"})
    assert taken.status_code == 422 and 'id="slug-error"' in taken.get_data(as_text=True)


def test_a_new_version_is_drafted_then_published_with_the_recertification_choice(app, login_as):
    from lms.auth.models import User

    course_id = make_course(app, "npk-basics", lessons=2)
    with app.app_context():
        lessons = {lesson.slug: lesson.id for lesson in db.session.scalars(sa.select(Lesson))}
        learner = db.session.scalar(sa.select(User.id).where(User.email.like("learner%")))
        db.session.add(LessonProgress(user_id=learner, lesson_id=lessons["l0"]))
        commit()
    author = login_as("author")
    builder = f"/courses/manage/{course_id}"
    response = author.post(f"{builder}/new-version", data={"csrf_token": csrf_token(author, builder)})
    draft_id = int(re.search(r"/manage/(\d+)", response.headers["Location"]).group(1))
    assert draft_id != course_id
    draft_page = f"/courses/manage/{draft_id}"
    assert "черновик следующей версии" in author.get(draft_page).get_data(as_text=True)
    with app.app_context():
        draft_lesson = db.session.scalar(sa.select(Lesson.id).where(Lesson.course_id == draft_id, Lesson.slug == "l1"))
    author.post(f"{draft_page}/lessons/{draft_lesson}/rename",
                data={"csrf_token": csrf_token(author, draft_page), "title": "Урок обновлён"})
    with app.app_context():
        assert db.session.get(Course, course_id).version == 1  # learners still see version 1
    events = []
    from lms import hookimpl

    class Published:
        @hookimpl
        def lms_course_published(self, course_id, version, requires_recertification):
            events.append((course_id, version, requires_recertification))

    app.extensions["lms"].register(Published())
    response = author.post(f"{draft_page}/publish", data={"csrf_token": csrf_token(author, draft_page),
                                                         "requires_recertification": "y"})
    assert response.headers["Location"].endswith(builder)
    assert events == [(course_id, 2, True)]
    with app.app_context():
        course = db.session.get(Course, course_id)
        assert course.version == 2 and db.session.get(Course, draft_id) is None
        assert [lesson.title for s in course.sections for lesson in s.lessons] == ["Lesson 0", "Урок обновлён"]
        assert db.session.scalar(sa.select(LessonProgress.lesson_id)) == lessons["l0"]  # progress kept


def test_a_path_is_shown_only_to_its_audience(app, login_as):
    from lms.auth.models import Dealer, User
    from lms.courses.models import LearningPathCourse

    a = make_course(app, "npk-basics")
    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.email.like("learner@%")))
        tier = db.session.get(Dealer, learner.dealer_id).tier
        path = LearningPath(slug="seller", title="Путь продавца", tiers=["no-such-tier"], regions=[],
                            targets_all=False)
        path.steps.append(LearningPathCourse(course_id=a, position=0))
        db.session.add(path)
        commit()
    assert "Путь продавца" not in login_as("learner").get("/courses/").get_data(as_text=True)
    assert "Путь продавца" in login_as("author").get("/courses/").get_data(as_text=True)  # staff see every path
    with app.app_context():
        db.session.scalar(sa.select(LearningPath)).tiers = [tier]
        commit()
    assert "Путь продавца" in login_as("learner").get("/courses/").get_data(as_text=True)
