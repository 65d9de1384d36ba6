"""API v1 resources as a host system uses them: dealers, users (upsert by external id), progress,
quiz results and certificates with filters and cursor pagination."""
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.api.models import ApiUserLink
from lms.testing import api_token
from lms.auth.models import Dealer, User
from lms.events import commit
from lms.extensions import db
from lms.timeutil import utcnow

ALL_SCOPES = ("read:dealers", "read:users", "write:users", "read:progress", "read:certificates")


@pytest.fixture
def api(app, demo):
    """A test client that sends a token with every scope, of the integration "partner-portal"."""
    value = api_token(app, *ALL_SCOPES, name="test")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {value}"
    return client


def ids(app):
    with app.app_context():
        dealers = {d.tax_id: d.id for d in db.session.scalars(sa.select(Dealer))}
        users = {u.email.split("@")[0]: u.id for u in db.session.scalars(sa.select(User))}
    return dealers, users


def walk(api, url):
    """Follow next_cursor to the end; returns every row and the number of pages."""
    rows, pages, cursor = [], 0, None
    while True:
        response = api.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.json
        rows += response.json["data"]
        pages += 1
        cursor = response.json["next_cursor"]
        if cursor is None:
            return rows, pages


def test_dealers_list_pages_and_get(api, app):
    rows, pages = walk(api, "/api/v1/dealers?limit=2")
    assert pages == 2 and len(rows) == 3 and [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    one = api.get(f"/api/v1/dealers/{rows[0]['id']}").json
    assert one == rows[0] and one["created_at"].endswith("Z")
    missing = api.get("/api/v1/dealers/999999")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert api.get("/api/v1/dealers/99999999999999").status_code == 404


@pytest.mark.parametrize("query, code", [
    ("limit=0", "invalid_parameter"), ("limit=abc", "invalid_parameter"), ("limit=201", "invalid_parameter"),
    ("cursor=%%%", "invalid_cursor"), ("cursor=WyJ4Il0", "invalid_cursor"), ("cursor=" + "A" * 300, "invalid_cursor"),
])
def test_bad_query_parameters_are_400_with_a_code(api, query, code):
    response = api.get(f"/api/v1/dealers?{query}")
    assert response.status_code == 400 and response.json["error"]["code"] == code


def test_users_list_filters_and_get(api, app):
    dealers, users = ids(app)
    rows, _ = walk(api, f"/api/v1/users?dealer_id={dealers['2310000001']}&limit=1")
    assert {r["email"] for r in rows} == {"learner@demo.example.com", "dealer-admin@demo.example.com"}
    by_email = api.get("/api/v1/users?email=Learner2@demo.example.com").json["data"]
    assert [u["id"] for u in by_email] == [users["learner2"]]
    assert api.get(f"/api/v1/users/{users['learner']}").json["external_id"] is None
    assert api.get("/api/v1/users?dealer_id=-1").status_code == 400


def test_users_list_runs_a_fixed_number_of_queries(api, app, query_counter):
    api.get("/api/v1/users")  # warm-up: token last-used update
    with query_counter() as statements:
        assert len(api.get("/api/v1/users?limit=200").json["data"]) == 7
    assert len(statements) <= 3


def test_upsert_by_external_id_creates_then_updates(api, app):
    dealers, _ = ids(app)
    body = {"email": "New.Person@Partner.example.com", "name": "Новый Сотрудник", "dealer_id": dealers["3620000002"]}
    created = api.put("/api/v1/users/by-external-id/crm-42", json=body)
    assert created.status_code == 201, created.json
    assert created.json["email"] == "new.person@partner.example.com" and created.json["external_id"] == "crm-42"
    assert created.json["role"] == "learner" and created.json["active"] is True
    updated = api.put("/api/v1/users/by-external-id/crm-42",
                      json={**body, "name": "Переименован", "role": "dealer_admin", "locale": "en", "active": False})
    assert updated.status_code == 200 and updated.json["id"] == created.json["id"]
    assert updated.json["name"] == "Переименован" and updated.json["role"] == "dealer_admin"
    assert api.get("/api/v1/users/by-external-id/crm-42").json["active"] is False
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiUserLink.id))) == 1


def test_external_ids_are_namespaced_by_integration(api, app):
    dealers, _ = ids(app)
    body = {"email": "a@partner.example.com", "name": "A", "dealer_id": dealers["3620000002"]}
    assert api.put("/api/v1/users/by-external-id/7", json=body).status_code == 201
    other = api_token(app, "read:users", integration="another-host")
    response = app.test_client().get("/api/v1/users/by-external-id/7", headers={"Authorization": f"Bearer {other}"})
    assert response.status_code == 404


def test_upsert_never_adopts_an_existing_account_by_email(api, app):
    # The whole rule, with each takeover path, is in test_api_account_linking.py.
    dealers, users = ids(app)
    learner = api.put("/api/v1/users/by-external-id/ext-learner", json={
        "email": "learner@demo.example.com", "name": "Иван Петров", "dealer_id": dealers["2310000001"]})
    assert learner.status_code == 409 and learner.json["error"]["code"] == "account_exists"
    staff = api.put("/api/v1/users/by-external-id/ext-admin", json={
        "email": "admin@demo.example.com", "name": "Hijack", "dealer_id": dealers["2310000001"]})
    assert staff.status_code == 409 and staff.json["error"]["code"] == "staff_account"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiUserLink.id))) == 0


@pytest.mark.parametrize("body, status, fields", [
    ("not json", 400, None),
    ([1, 2], 400, None),
    ({}, 422, {"email", "name", "dealer_id"}),
    ({"email": "bad", "name": "x", "dealer_id": 999999}, 422, {"email", "dealer_id"}),
    ({"email": "a@b.example.com", "name": "x", "dealer_id": True, "role": "admin", "locale": "de", "active": "yes"},
     422, {"dealer_id", "role", "locale", "active"}),
])
def test_upsert_refuses_bad_bodies_clearly(api, body, status, fields):
    if isinstance(body, str):
        response = api.put("/api/v1/users/by-external-id/x", data=body, content_type="application/json")
    else:
        response = api.put("/api/v1/users/by-external-id/x", json=body)
    assert response.status_code == status
    assert response.json["error"]["code"] == ("invalid_json" if status == 400 else "validation_failed")
    if fields:
        assert set(response.json["error"]["fields"]) == fields


def test_upsert_needs_write_scope_and_no_csrf(app, demo):
    value = api_token(app, "read:users", integration="x")
    response = app.test_client().put("/api/v1/users/by-external-id/1", json={},
                                     headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 403


@pytest.fixture
def learning(app, demo):
    """A published course with two required lessons, progress, a completion, a quiz attempt and certificates."""
    from lms.certificates.models import Certificate
    from lms.courses.models import Course, CourseCompletionRecord, CourseSection, Lesson, LessonProgress
    from lms.quizzes.models import Attempt, Quiz

    _dealers, users = ids(app)
    now = utcnow()
    with app.app_context():
        course = Course(slug="safety", title="Техника безопасности", version=1, published=True)
        db.session.add(course)
        db.session.flush()
        section = CourseSection(course_id=course.id, title="1")
        db.session.add(section)
        db.session.flush()
        lessons = [Lesson(course_id=course.id, section_id=section.id, slug=f"l{i}", title=f"L{i}", position=i)
                   for i in (1, 2)]
        db.session.add_all(lessons)
        db.session.flush()
        db.session.add_all([
            LessonProgress(user_id=users["learner"], lesson_id=lessons[0].id, completed_at=now),
            LessonProgress(user_id=users["learner"], lesson_id=lessons[1].id, completed_at=now),
            LessonProgress(user_id=users["learner2"], lesson_id=lessons[0].id, completed_at=now),
            LessonProgress(user_id=users["learner3"], lesson_id=lessons[1].id),
            CourseCompletionRecord(user_id=users["learner"], course_id=course.id, course_version=1,
                                   score_percent=92.5, completed_at=now),
        ])
        quiz = Quiz(course_id=course.id, title="Итоговый тест")
        db.session.add(quiz)
        db.session.flush()
        db.session.add_all([
            Attempt(quiz_id=quiz.id, user_id=users["learner"], number=1, state="finished", started_at=now,
                    finished_at=now, percent=Decimal("92.50"), passed=True),
            Attempt(quiz_id=quiz.id, user_id=users["learner2"], number=1, state="open", open_key="x", started_at=now),
        ])
        dealer_of = {u.id: u.dealer_id for u in db.session.scalars(sa.select(User))}
        for i, who in enumerate(("learner", "learner2", "learner3", "learner")):
            db.session.add(Certificate(
                serial=f"2026-{i:06d}", code=f"CODE-{i}", user_id=users[who], course_id=course.id, course_version=1,
                edition=i, learner_name=who, dealer_id=dealer_of[users[who]], dealer_name="D",
                course_title=course.title, score_percent=90.0, pdf_sha256="0" * 64, pdf_size=1,
                issued_at=now, updated_at=now + timedelta(minutes=i % 2)))
        commit()
        return {"course_id": course.id, "quiz_id": quiz.id, "users": users}


def test_progress_per_learner_and_course(api, learning):
    users, course_id = learning["users"], learning["course_id"]
    rows, pages = walk(api, f"/api/v1/progress?course_id={course_id}&limit=2")
    assert pages == 2
    by_user = {r["user_id"]: r for r in rows}
    assert by_user[users["learner"]]["completed"] is True and by_user[users["learner"]]["score_percent"] == 92.5
    assert by_user[users["learner"]]["completed_at"].endswith("Z")
    assert by_user[users["learner2"]]["percent"] == 50.0 and by_user[users["learner2"]]["completed"] is False
    assert by_user[users["learner3"]]["completed_lessons"] == 0
    mine = api.get(f"/api/v1/progress?user_id={users['learner']}").json["data"]
    assert len(mine) == 1 and mine[0]["course_slug"] == "safety" and mine[0]["completed_current_version"] is True


def test_quiz_results_are_finished_attempts(api, learning):
    rows = api.get(f"/api/v1/quiz-results?course_id={learning['course_id']}").json["data"]
    assert len(rows) == 1 and rows[0]["percent"] == 92.5 and rows[0]["passed"] is True
    assert rows[0]["quiz_title"] == "Итоговый тест"
    assert api.get("/api/v1/quiz-results?finished_since=yesterday").status_code == 400


def test_certificates_filter_and_page_by_updated_at_then_id(api, app, learning):
    users = learning["users"]
    rows, pages = walk(api, "/api/v1/certificates?limit=1")
    assert pages == 4
    keys = [(r["updated_at"], r["id"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == 4
    assert rows[0]["status"] == "valid" and rows[0]["verify_url"].endswith("/verify/" + rows[0]["code"])
    mine = api.get(f"/api/v1/certificates?user_id={users['learner']}").json["data"]
    assert len(mine) == 2
    dealers, _ = ids(app)
    by_dealer = api.get(f"/api/v1/certificates?dealer_id={dealers['3620000002']}").json["data"]
    assert [r["user_id"] for r in by_dealer] == [users["learner2"]]
    latest = rows[-1]["updated_at"]
    since = api.get(f"/api/v1/certificates?updated_since={latest.replace('Z', '%2B00:00')}").json["data"]
    assert {r["updated_at"] for r in since} == {latest} and len(since) == 2
    assert api.get("/api/v1/certificates?updated_since=2026-13-01").json["error"]["code"] == "invalid_parameter"
    one = api.get(f"/api/v1/certificates/{rows[0]['id']}")
    assert one.json == rows[0]
    assert api.get("/api/v1/certificates/424242").status_code == 404


def test_an_update_keeps_optional_fields_that_are_left_out(api, app):
    dealers, _ = ids(app)
    body = {"email": "keep@partner.example.com", "name": "K", "dealer_id": dealers["2310000001"]}
    api.put("/api/v1/users/by-external-id/keep", json={**body, "role": "dealer_admin", "locale": "en", "active": False})
    updated = api.put("/api/v1/users/by-external-id/keep", json={**body, "name": "Kept"}).json
    assert (updated["name"], updated["role"], updated["locale"], updated["active"]) == ("Kept", "dealer_admin", "en", False)


def test_a_learning_paths_certificate_is_listed_with_its_path(api, app, learning):
    from lms.certificates.path_issuing import issue_path_certificate
    from lms.courses.models import LearningPath
    from lms.courses.paths import set_path_courses

    with app.app_context():
        path = LearningPath(slug="seller", title="Продавец удобрений", certificate_validity_months=24)
        db.session.add(path)
        db.session.flush()
        set_path_courses(path, [learning["course_id"]])
        # Last year: the fixture's certificates took this year's first serials by hand.
        last_year = utcnow().replace(month=6, day=1)
        last_year = last_year.replace(year=last_year.year - 1)
        certificate_id, created = issue_path_certificate(learning["users"]["learner"], path.id, issued_at=last_year)
        path_id = path.id
        commit()
    assert created
    (row,) = api.get(f"/api/v1/certificates?learning_path_id={path_id}").json["data"]
    assert (row["id"], row["course_id"], row["learning_path_id"]) == (certificate_id, None, path_id)
    assert row["course_title"] == "Продавец удобрений" and row["status"] == "valid"
    course_rows = api.get(f"/api/v1/certificates?course_id={learning['course_id']}").json["data"]
    assert {r["learning_path_id"] for r in course_rows} == {None} and len(course_rows) == 4
    assert api.get(f"/api/v1/certificates/{certificate_id}").json == row
