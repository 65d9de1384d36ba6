"""The courses domain's hooks, each exercised through the app as a plugin would meet it."""
import sqlalchemy as sa
from lms.testing import csrf_token
from course_helpers import make_course

from lms import hookimpl
from lms.courses.contracts import CourseCompletion, CourseRequirement
from lms.courses.models import CourseCompletionRecord, LessonProgress
from lms.extensions import db


class Recorder:
    """A plugin that records the courses events it hears, and whether the change was committed."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def lms_lesson_completed(self, user_id, lesson_id, course_id):
        committed = db.session.scalar(sa.select(LessonProgress.completed_at).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id))
        self.calls.append(("lesson", user_id, lesson_id, course_id, committed is not None))

    @hookimpl
    def lms_course_completed(self, completion):
        self.calls.append(("course", completion))

    @hookimpl
    def lms_course_published(self, course_id, version, requires_recertification):
        self.calls.append(("published", course_id, version, requires_recertification))


class Requirement:
    def __init__(self, met, score=None):
        self.met, self.score = met, score

    @hookimpl
    def lms_course_requirements(self, user_id, course_id):
        return CourseRequirement(met=self.met, reason="final quiz", score_percent=self.score)


def complete(client, slug, lesson_slug):
    token = csrf_token(client, f"/courses/{slug}/lessons/{lesson_slug}")
    return client.post(f"/courses/{slug}/lessons/{lesson_slug}/complete", data={"csrf_token": token})


def login(app, client, role):
    from lms.testing import DEMO_EMAILS, DEMO_PASSWORD
    from lms.demo import load_core_demo_data
    from lms.events import commit

    with app.app_context():
        load_core_demo_data()
        commit()
    response = client.post("/login", data={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    with app.app_context():
        from lms.auth.models import User
        return db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS[role]))


def test_hook_lms_lesson_completed(app_factory):
    recorder = Recorder()
    app = app_factory(plugins=[recorder])
    client = app.test_client()
    user_id = login(app, client, "learner")
    course_id = make_course(app, "hooked", lessons=2)
    complete(client, "hooked", "l0")
    complete(client, "hooked", "l0")  # a second click is not a second event
    lessons = [call for call in recorder.calls if call[0] == "lesson"]
    assert len(lessons) == 1
    kind, uid, lesson_id, cid, committed = lessons[0]
    assert (uid, cid, committed) == (user_id, course_id, True) and isinstance(lesson_id, int)


def test_hook_lms_course_completed(app_factory):
    recorder = Recorder()
    app = app_factory(plugins=[recorder])
    client = app.test_client()
    user_id = login(app, client, "learner")
    course_id = make_course(app, "hooked", lessons=2)
    complete(client, "hooked", "l0")
    assert not [c for c in recorder.calls if c[0] == "course"]
    complete(client, "hooked", "l1")
    completions = [c[1] for c in recorder.calls if c[0] == "course"]
    assert len(completions) == 1 and isinstance(completions[0], CourseCompletion)
    assert (completions[0].user_id, completions[0].course_id, completions[0].course_version) == (user_id, course_id, 1)
    html = client.get("/courses/").get_data(as_text=True)
    assert "100% пройдено" in html and "Завершён" in html


def test_hook_lms_course_requirements(app_factory):
    blocker = Requirement(met=False)
    app = app_factory(plugins=[blocker])
    client = app.test_client()
    user_id = login(app, client, "learner")
    course_id = make_course(app, "quizzed", lessons=1)
    complete(client, "quizzed", "l0")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletionRecord)) == 0
        blocker.met, blocker.score = True, 92.5
        from lms.courses.progress import evaluate_course_completion
        from lms.events import commit

        completion = evaluate_course_completion(user_id, course_id)
        commit()
        assert completion.score_percent == 92.5
        assert evaluate_course_completion(user_id, course_id) is None  # once per version
        assert db.session.scalar(sa.select(CourseCompletionRecord.score_percent)) == 92.5


def test_hook_lms_course_published(app_factory):
    recorder = Recorder()
    app = app_factory(plugins=[recorder])
    client = app.test_client()
    login(app, client, "author")
    course_id = make_course(app, "to-publish", published=False)
    token = csrf_token(client, f"/courses/manage/{course_id}")
    client.post(f"/courses/manage/{course_id}/publish", data={"csrf_token": token})
    client.post(f"/courses/manage/{course_id}/publish", data={"csrf_token": token, "requires_recertification": "y"})
    assert [c for c in recorder.calls if c[0] == "published"] == [
        ("published", course_id, 1, False), ("published", course_id, 2, True)]


class Tractor:
    """Adds a rule turning :tractor: into an emoji, and tries (in vain) to switch raw HTML on."""

    @hookimpl
    def lms_markdown_setup(self, md):
        md.options["html"] = True

        def tractor(state):
            for token in state.tokens:
                for child in token.children or ():
                    if child.type == "text":
                        child.content = child.content.replace(":tractor:", "🚜")

        md.core.ruler.push("tractor", tractor)


def test_hook_lms_markdown_setup(app_factory):
    app = app_factory(plugins=[Tractor()])
    renderer = app.extensions["lms_markdown"]
    assert app.extensions["lms_markdown"] is renderer  # built once per app
    html = renderer.render("Едем :tractor: <script>x</script> [a](javascript:alert(1))")
    assert "🚜" in html and "<script>" not in html and "&lt;script&gt;" in html and "<a" not in html
    client = app.test_client()
    login(app, client, "author")
    course_id = make_course(app, "md", published=False)
    preview = client.post(f"/courses/manage/{course_id}/preview",
                          data={"csrf_token": csrf_token(client, f"/courses/manage/{course_id}"), "body": ":tractor:"})
    assert "🚜" in preview.get_data(as_text=True)
