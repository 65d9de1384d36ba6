"""Assignments: audiences, relative due dates, automatic assignment of newcomers, statuses, exemptions."""
import sqlalchemy as sa
from assignment_helpers import add_user, assign, dealer_id_of, statuses, user_id

from lms.testing import DEMO_EMAILS, add_published_course, complete_course, csrf_token, sign_in
from lms.timeutil import clock_moved


def test_region_assignment_reaches_its_staff_and_newcomers(app, demo):
    course = add_published_course(app, slug="safety", title="Safety")
    assignment = assign(app, course_id=course, audience_kind="region", audience_values=("Краснодарский край",),
                        due_kind="after_joining", due_days=14)
    assert statuses(app, assignment) == {DEMO_EMAILS["learner"]: "not_started",
                                         DEMO_EMAILS["dealer_admin"]: "not_started"}
    newcomer = add_user(app, "new@demo.example.com", dealer_id_of(app, "learner"))
    add_user(app, "elsewhere@demo.example.com", dealer_id_of(app, "learner2"))
    assert statuses(app, assignment)["new@demo.example.com"] == "not_started"
    assert "elsewhere@demo.example.com" not in statuses(app, assignment)
    with clock_moved(days=15):
        assert statuses(app, assignment)["new@demo.example.com"] == "overdue"
    complete_course(app, newcomer, course)
    with clock_moved(days=15):
        assert statuses(app, assignment)["new@demo.example.com"] == "done"
        assert statuses(app, assignment)[DEMO_EMAILS["learner"]] == "overdue"


def test_every_audience_kind(app, demo):
    course = add_published_course(app, slug="c", title="C")
    learner, learner2 = user_id(app, "learner"), user_id(app, "learner2")
    cases = {
        ("all", ()): 4,
        ("tier", ("silver", "bronze")): 2,
        ("dealers", (dealer_id_of(app, "learner2"),)): 1,
        ("roles", ("dealer_admin",)): 1,
        ("people", (learner, learner2)): 2,
    }
    for (kind, values), expected in cases.items():
        assignment = assign(app, course_id=course, audience_kind=kind, audience_values=values)
        assert len(statuses(app, assignment)) == expected, kind


def test_recurring_assignment_reopens_before_the_certificate_expires(app, demo):
    from lms.worker import run_once

    course = add_published_course(app, slug="renew", title="Renew", validity_months=12)
    learner = user_id(app, "learner")
    complete_course(app, learner, course)
    assignment = assign(app, course_id=course, audience_kind="people", audience_values=(learner,),
                        renew_days_before=30)
    assert statuses(app, assignment)[DEMO_EMAILS["learner"]] == "done"
    app.config["ASSIGNMENT_SWEEP_SECONDS"] = 0
    with clock_moved(days=340):
        with app.app_context():
            run_once(10)
        assert statuses(app, assignment)[DEMO_EMAILS["learner"]] in ("not_started", "in_progress")
        publish_new_version(app, course)
        complete_course(app, learner, course)
        assert statuses(app, assignment)[DEMO_EMAILS["learner"]] == "done"
        with app.app_context():
            run_once(10)
        assert statuses(app, assignment)[DEMO_EMAILS["learner"]] == "done"


def publish_new_version(app, course_id):
    from lms.courses.models import Course
    from lms.events import commit
    from lms.extensions import db

    with app.app_context():
        db.session.get(Course, course_id).version += 1
        commit()


def test_manager_assigns_through_the_form_and_exempts_with_a_reason(app, client, demo):
    course = add_published_course(app, slug="form", title="Form course")
    sign_in(client, "manager")
    token = csrf_token(client, "/assignments/new")
    page = client.get("/assignments/new").get_data(as_text=True)
    assert "Form course" in page and "Краснодарский край" in page
    response = client.post("/assignments/new", data={
        "csrf_token": token, "target": f"course:{course}", "audience_kind": "region",
        "regions": "Краснодарский край", "due_kind": "fixed", "due_on": ""})
    assert response.status_code == 200
    assert "Enter the due date." in response.get_data(as_text=True) or "Укажите срок" in response.get_data(as_text=True)
    response = client.post("/assignments/new", data={
        "csrf_token": token, "target": f"course:{course}", "audience_kind": "region",
        "regions": "Краснодарский край", "due_kind": "fixed", "due_on": "2030-01-31"})
    assert response.status_code == 302
    assignment = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    from lms.assignments.models import AssignmentPerson
    from lms.extensions import db

    with app.app_context():
        person = db.session.scalar(sa.select(AssignmentPerson.id).where(
            AssignmentPerson.assignment_id == assignment, AssignmentPerson.user_id == user_id(app, "learner")))
    url = f"/assignments/{assignment}/people/{person}/exempt"
    assert client.post(url, data={"csrf_token": token, "reason": "  "}).status_code == 302
    assert statuses(app, assignment)[DEMO_EMAILS["learner"]] == "not_started"
    assert client.post(url, data={"csrf_token": token, "reason": "On leave"}).status_code == 302
    assert statuses(app, assignment)[DEMO_EMAILS["learner"]] == "exempt"
    detail = client.get(f"/assignments/{assignment}").get_data(as_text=True)
    assert "On leave" in detail
    listing = client.get("/assignments/").get_data(as_text=True)
    assert "Form course" in listing


def test_dealer_admin_assigns_only_within_their_dealer(app, client, demo):
    course = add_published_course(app, slug="own", title="Own")
    sign_in(client, "dealer_admin")
    token = csrf_token(client, "/assignments/new")
    page = client.get("/assignments/new").get_data(as_text=True)
    assert DEMO_EMAILS["learner"] in page and DEMO_EMAILS["learner2"] not in page
    other = user_id(app, "learner2")
    response = client.post("/assignments/new", data={
        "csrf_token": token, "target": f"course:{course}", "audience_kind": "people", "people": str(other),
        "due_kind": "after_assignment", "due_days": "10"})
    assert response.status_code == 200  # not a choice: refused next to the field
    response = client.post("/assignments/new", data={
        "csrf_token": token, "target": f"course:{course}", "audience_kind": "all",
        "due_kind": "after_assignment", "due_days": "10"})
    assert response.status_code == 302
    assignment = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert set(statuses(app, assignment)) == {DEMO_EMAILS["learner"], DEMO_EMAILS["dealer_admin"]}
    # Exempting is a manager's call.
    assert client.post(f"/assignments/{assignment}/people/1/exempt",
                       data={"csrf_token": token, "reason": "x"}).status_code == 403


def test_other_dealers_admin_cannot_see_or_end_an_assignment(app, client, demo):
    course = add_published_course(app, slug="x", title="X")
    assignment = assign(app, by="dealer_admin", course_id=course)
    add_user(app, "admin2@demo.example.com", dealer_id_of(app, "learner2"), role="dealer_admin",
             password="admin2-password")
    sign_in(client, "admin2@demo.example.com", "admin2-password")
    assert client.get(f"/assignments/{assignment}").status_code == 404
    token = csrf_token(client, "/assignments/")
    assert client.post(f"/assignments/{assignment}/end", data={"csrf_token": token}).status_code == 404
    assert "X" not in client.get("/assignments/").get_data(as_text=True).split("<main", 1)[1]
    sign_in(client, "learner")
    assert client.get("/assignments/").status_code == 403
    assert client.get(f"/assignments/{assignment}").status_code == 403


def test_a_learning_path_is_done_when_every_course_of_it_is(app, demo):
    from lms.courses.models import LearningPath, LearningPathCourse
    from lms.events import commit
    from lms.extensions import db

    first = add_published_course(app, slug="p1", title="P1")
    second = add_published_course(app, slug="p2", title="P2")
    with app.app_context():
        path = LearningPath(slug="path", title="Path")
        db.session.add(path)
        db.session.flush()
        db.session.add_all([LearningPathCourse(path_id=path.id, course_id=first, position=1),
                            LearningPathCourse(path_id=path.id, course_id=second, position=2)])
        commit()
        path_id = path.id
    learner = user_id(app, "learner")
    assignment = assign(app, path_id=path_id, audience_kind="people", audience_values=(learner,))
    complete_course(app, learner, first)
    assert statuses(app, assignment)[DEMO_EMAILS["learner"]] == "not_started"
    complete_course(app, learner, second)
    assert statuses(app, assignment)[DEMO_EMAILS["learner"]] == "done"


def test_dealer_admin_cannot_aim_at_a_region(app, client, demo):
    course = add_published_course(app, slug="r", title="R")
    sign_in(client, "dealer_admin")
    page = client.post("/assignments/new", data={
        "csrf_token": csrf_token(client, "/assignments/new"), "target": f"course:{course}",
        "audience_kind": "region", "regions": "Краснодарский край", "due_kind": "after_assignment",
        "due_days": "5"})
    assert page.status_code == 200
    assert 'value="Краснодарский край"' not in page.get_data(as_text=True)
    from lms.assignments.models import Assignment
    from lms.extensions import db

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 0


def test_due_soon_notice_goes_out_once(app_factory, demo):
    from lms.notifications.models import Notification
    from lms.extensions import db
    from lms.worker import run_once

    app = app_factory(ASSIGNMENT_SWEEP_SECONDS=0)
    course = add_published_course(app, slug="soon", title="Soon")
    learner = user_id(app, "learner")
    assign(app, course_id=course, audience_kind="people", audience_values=(learner,), due_days=10)
    with clock_moved(days=8):
        for _ in range(3):
            with app.app_context():
                run_once(10)
    with app.app_context():
        kinds = sorted(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == learner)))
    assert kinds == ["assignment_due_soon", "assignment_new"]


def test_hook_lms_course_access_grants(app, client, demo):
    """A course aimed at another tier opens for the person it is assigned to, and only for them."""
    from lms.courses.models import Course, CourseTarget
    from lms.events import commit
    from lms.extensions import db

    course = add_published_course(app, slug="silver-only", title="Silver only")
    with app.app_context():
        db.session.get(Course, course).targets_all = False
        db.session.add(CourseTarget(course_id=course, kind="tier", value="silver"))
        commit()
    sign_in(client, "learner")
    assert client.get("/courses/silver-only").status_code == 404
    assign(app, course_id=course, audience_kind="people", audience_values=(user_id(app, "learner"),))
    assert client.get("/courses/silver-only").status_code == 200
    assert "Silver only" in client.get("/courses/").get_data(as_text=True)
    sign_in(client, "learner3")
    assert client.get("/courses/silver-only").status_code == 404


def test_the_worker_sweep_assigns_people_who_moved_into_the_audience(app_factory, demo):
    from lms.auth.models import User
    from lms.events import commit
    from lms.extensions import db
    from lms.worker import run_once

    app = app_factory(ASSIGNMENT_SWEEP_SECONDS=0)
    course = add_published_course(app, slug="move", title="Move")
    assignment = assign(app, course_id=course, audience_kind="region", audience_values=("Краснодарский край",))
    assert DEMO_EMAILS["learner2"] not in statuses(app, assignment)
    with app.app_context():
        db.session.get(User, user_id(app, "learner2")).dealer_id = dealer_id_of(app, "learner")
        commit()
        counts = run_once(10)
    assert counts["assignments given"] == 1
    assert statuses(app, assignment)[DEMO_EMAILS["learner2"]] == "not_started"
    with app.app_context():
        assert run_once(10)["assignments given"] == 0
