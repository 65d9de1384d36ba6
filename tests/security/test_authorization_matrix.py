"""Every route × every role: the expected refusal, never a 500, never another role's page.

The table below must name every endpoint in ``app.url_map``: a new route without a rule fails
the suite, so access is always decided on purpose. Routes with URL variables are requested with
ids that do not exist; a role without access must get 403 or 404 and never a 2xx.
"""
import re

import pytest

from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token

PUBLIC = "public"          # anyone, signed in or not
SIGNED_IN = "signed-in"    # any signed-in role
TOKEN = "api-token"        # bearer token, no session
ALL_ROLES = ("learner", "dealer_admin", "author", "manager", "admin")
STAFF = ("author", "manager", "admin")
REPORTERS = ("manager", "admin")

ACCESS = {
    "static": PUBLIC,
    "portal.healthz": PUBLIC,
    "observability.readyz": PUBLIC,
    "observability.metrics": TOKEN,
    "portal.dashboard": SIGNED_IN,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.sign_out_everywhere": SIGNED_IN,
    "auth.set_timezone": SIGNED_IN,
    "auth.set_locale": PUBLIC,
    "admin.users": ("admin",),
    "admin.toggle_user": ("admin",),
    "admin.dealers": ("admin",),
    "admin.toggle_dealer": ("admin",),
    "admin.plugins": ("admin",),
    # people management: account links reached from e-mails, a dealer admin's own staff, admin editing and import
    "people.forgot_password": PUBLIC,
    "people.reset_password": PUBLIC,
    "people.accept_invitation": PUBLIC,
    "people.staff_page": ("dealer_admin",),
    "people.set_staff_active": ("dealer_admin", "admin"),
    "people.edit_user": ("admin",),
    "people.import_people": ("admin",),
    "reports.overview": REPORTERS,
    "reports.dealer": ("dealer_admin", *REPORTERS),
    "reports.dealer_pdf": ("dealer_admin", *REPORTERS),
    "reports.activity_page": ("dealer_admin", *REPORTERS),
    "reports.course": ("dealer_admin", *REPORTERS),
    "reports.courses": ("dealer_admin", *REPORTERS),
    "reports.coverage_matrix": ("dealer_admin", *REPORTERS),
    "reports.coverage_people": ("dealer_admin", *REPORTERS),
    # integrations
    "api.openapi": PUBLIC,
    "api.get_certificate": TOKEN,
    "api.get_dealer": TOKEN,
    "api.get_user": TOKEN,
    "api.get_user_by_external_id": TOKEN,
    "api.list_certificates": TOKEN,
    "api.list_dealers": TOKEN,
    "api.list_progress": TOKEN,
    "api.list_quiz_results": TOKEN,
    "api.list_users": TOKEN,
    "api.upsert_user": TOKEN,
    "api_admin.tokens": ("admin",),
    "api_admin.revoke": ("admin",),
    "api_admin.links": ("admin",),
    "api_admin.unlink_link": ("admin",),
    # the LRS: an API token or launch credential over HTTP Basic; a signed-in session is not one
    "xapi.about": PUBLIC,
    "xapi.statements": TOKEN,
    "xapi.state": TOKEN,
    "xapi.activity_profile": TOKEN,
    "xapi.agent_profile": TOKEN,
    "xapi.activities": TOKEN,
    "xapi.agents": TOKEN,
    "xapi.launch_credentials": TOKEN,
    "xapi_admin.forwarding": ("admin",),
    "webhooks_admin.subscriptions": ("admin",),
    "webhooks_admin.toggle": ("admin",),
    "webhooks_admin.deliveries": ("admin",),
    "webhooks_admin.retry": ("admin",),
    "sso.jwt_login": PUBLIC,
    "sso.embedded": PUBLIC,
    # certificates
    "certificates.mine": SIGNED_IN,
    "certificates.download": SIGNED_IN,
    "certificates.signed_file": PUBLIC,  # the HMAC signature is the access check (issue 21)
    "certificates.badge": SIGNED_IN,
    "certificates.retry": SIGNED_IN,
    "certificates_admin.index": ("dealer_admin", *REPORTERS),
    "certificates_admin.dealer_zip": ("dealer_admin", *REPORTERS),
    "certificates_admin.revoke": REPORTERS,
    "certificates_admin.reissue": REPORTERS,
    "certificates_admin.settings": ("admin",),
    "certificates_public.verify": PUBLIC,
    "certificates_public.verify_json": PUBLIC,
    "certificates_public.badge_status": PUBLIC,
    "certificates_public.issuer": PUBLIC,
    "certificates_public.jwks": PUBLIC,
    # courses
    "courses.catalogue": SIGNED_IN,
    "courses.course_page": SIGNED_IN,
    "courses.lesson_page": SIGNED_IN,
    "courses.asset": SIGNED_IN,
    "courses.complete": SIGNED_IN,
    "courses.manage": ("author", "admin"),
    "courses.new_course": ("author", "admin"),
    "courses.edit_course": ("author", "admin"),
    "courses.add_section": ("author", "admin"),
    "courses.new_lesson": ("author", "admin"),
    "courses.edit_lesson": ("author", "admin"),
    "courses.move_lesson": ("author", "admin"),
    "courses.preview": ("author", "admin"),
    "courses.publish": ("author", "admin"),
    "courses.unpublish": ("author", "admin"),
    "courses.upload_asset": ("author", "admin"),
    "courses.rename_section": ("author", "admin"),
    "courses.move_section": ("author", "admin"),
    "courses.delete_section": ("author", "admin"),
    "courses.rename_lesson": ("author", "admin"),
    "courses.delete_lesson": ("author", "admin"),
    "courses.copy_course": ("author", "admin"),
    "courses.new_version": ("author", "admin"),
    "courses.manage_paths": ("author", "admin"),
    "courses.new_path": ("author", "admin"),
    "courses.edit_path": ("author", "admin"),
    "courses.add_path_course": ("author", "admin"),
    "courses.move_path_course": ("author", "admin"),
    "courses.remove_path_course": ("author", "admin"),
    "courses.delete_path": ("author", "admin"),
    # SCORM (lms/elearning/scorm_views.py): learners play; authors set the completion rule and see reports
    "elearning_scorm.play": SIGNED_IN,
    "elearning_scorm.launch": SIGNED_IN,
    "elearning_scorm.runtime_call": SIGNED_IN,
    "elearning_scorm.settings": ("author", "admin"),
    "elearning_scorm.report": ("author", "admin"),
    "elearning_scorm.interactions": ("author", "admin"),
    # E-learning pipeline, cmi5, Tin Can (lms/elearning/views.py): authors import packages; learners play the
    # units of courses they may see (404 otherwise, per dealer as the course's targets say); the content
    # origin's files and cmi5's fetch URL are reached by their signed / one-time token, not a session.
    "elearning.upload": ("author", "admin"),
    "elearning.play": SIGNED_IN,
    "elearning.launch": SIGNED_IN,
    "elearning.return_to_lesson": SIGNED_IN,
    "elearning.runtime_call": SIGNED_IN,
    "elearning.fetch": PUBLIC,
    "elearning_content.package_file": PUBLIC,
    # quizzes
    "quizzes.index": SIGNED_IN,
    "quizzes.quiz_page": SIGNED_IN,
    "quizzes.start": SIGNED_IN,
    "quizzes.attempt_page": SIGNED_IN,
    "quizzes.submit_form": SIGNED_IN,
    "quizzes.autosave": SIGNED_IN,
    "quizzes.finish": SIGNED_IN,
    "quizzes.result": SIGNED_IN,
    "quizzes.manage": STAFF,
    "quizzes.edit_quiz": STAFF,
    "quizzes.assign_author": REPORTERS,
    "quizzes.add_question": STAFF,
    "quizzes.remove_question": STAFF,
    "quizzes.add_draw": STAFF,
    "quizzes.remove_draw": STAFF,
    "quizzes.move_question": STAFF,
    "quizzes.save_marks": STAFF,
    "quizzes.preview_question": STAFF,
    "quizzes.bank_page": STAFF,
    "quizzes.new_question": STAFF,
    "quizzes.edit_question": STAFF,
    "quizzes.import_gift": STAFF,
    "quizzes.export_gift": STAFF,
    "quizzes.grading_queue": STAFF,
    "quizzes.grade_slot": STAFF,
    "quizzes.item_analysis": STAFF,
    # surveys
    "surveys.index": SIGNED_IN,
    "surveys.respond": SIGNED_IN,
    "surveys.manage": REPORTERS,
    "surveys.edit": REPORTERS,
    "surveys.new_question": REPORTERS,
    "surveys.edit_question": REPORTERS,
    "surveys.change_question": REPORTERS,
    "surveys.publish": REPORTERS,
    "surveys.results": REPORTERS,
    "surveys.export_csv": REPORTERS,
    "surveys.export_xlsx": REPORTERS,
    # notifications (each person's own)
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "notifications.mark_unread": SIGNED_IN,
    "notifications.mark_all_read": SIGNED_IN,
    "notifications.preferences": SIGNED_IN,
    # assignments
    "assignments.index": ("dealer_admin", *REPORTERS),
    "assignments.new": ("dealer_admin", *REPORTERS),
    "assignments.detail": ("dealer_admin", *REPORTERS),
    "assignments.end": ("dealer_admin", *REPORTERS),
    "assignments.exempt": REPORTERS,
    "assignments.reinstate": REPORTERS,
    "assignments.calendar_page": SIGNED_IN,
    "assignments.new_calendar_url": SIGNED_IN,
    "assignments.revoke_calendar_url": SIGNED_IN,
    "assignments.calendar_feed": PUBLIC,
    # partner plugins
    "lms_polls.index": SIGNED_IN,
    "lms_polls.new": REPORTERS,
    "lms_polls.detail": REPORTERS,
    "lms_polls.remind": REPORTERS,
    "lms_polls.questions": REPORTERS,
    "lms_polls.new_question": REPORTERS,
    "lms_polls.edit_question": REPORTERS,
    "lms_polls.change_question": REPORTERS,
    "lms_polls.open_poll": REPORTERS,
    "lms_polls.static": PUBLIC,
    "lms_marketing.static": PUBLIC,
    "lms_marketing.catalogue": ("learner", "dealer_admin", *REPORTERS),
    "lms_marketing.item": ("learner", "dealer_admin", *REPORTERS),
    "lms_marketing.preview": SIGNED_IN,
    "lms_marketing.my_orders": ("learner", "dealer_admin"),
    "lms_marketing.order": ("learner", "dealer_admin", *REPORTERS),
    "lms_marketing.confirm_delivery": ("learner", "dealer_admin", *REPORTERS),
    "lms_marketing.my_profile": ("learner", "dealer_admin"),
    "lms_marketing.dealer_profile": REPORTERS,
    "lms_marketing.new_item": REPORTERS,
    "lms_marketing.edit_item": REPORTERS,
    "lms_marketing.queue": REPORTERS,
    "lms_marketing.queue_csv": REPORTERS,
    "lms_marketing.profiles": REPORTERS,
    "lms_marketing.order_action": REPORTERS,
}


def sample_url(rule) -> str:
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
                  lambda m: "987654" if m.group(1) == "int" else "no-such-thing", rule.rule)


def get_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)


def test_every_endpoint_has_an_access_rule(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(ACCESS))
    assert missing == [], "add these endpoints to ACCESS in tests/security/test_authorization_matrix.py"


def signed_in(app, role):
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    return client


@pytest.mark.parametrize("role", [None, *ALL_ROLES])
def test_get_routes_answer_as_the_table_says(app, demo, role):
    client = signed_in(app, role) if role else app.test_client()
    problems = []
    for rule in get_rules(app):
        rule_access = ACCESS.get(rule.endpoint)
        if rule_access is None or rule.endpoint == "static":
            continue
        url = sample_url(rule)
        status = client.get(url).status_code
        has_vars = bool(rule.arguments)
        if status >= 500:
            problems.append(f"{url}: {status}")
        elif rule_access == PUBLIC:
            continue
        elif rule_access == TOKEN:
            if status != 401:
                problems.append(f"{url}: {status} without a token")
        elif role is None:
            if status not in (302, 401):
                problems.append(f"{url}: {status} for a visitor")
        elif rule_access != SIGNED_IN and role not in rule_access:
            if status not in (403, 404) or (status == 404 and not has_vars):
                problems.append(f"{url}: {status} for {role}")
        elif status == 403:
            problems.append(f"{url}: 403 for {role}, who should have access")
    assert problems == []


# --- attempts of a quiz: per role, per author, per dealer ----------------------------------------
#
# The table above only shows that a role reaches a route; learners' results are personal data, so
# which quiz and whose attempt matter too. Managers and admins see every quiz's attempts; an author
# only those of the quizzes they are the author of, whichever dealer the learner is from; dealer
# admins no quiz's (their reports show their own staff's results); a learner only their own.

def quiz_attempts_fixture(app):
    """Quizzes by the demo author, by another author and by nobody, each with a finished attempt
    (an essay left for a grader) by a learner of dealer 1 and one of dealer 2."""
    import sqlalchemy as sa

    from lms.auth.models import Role, User
    from lms.extensions import db
    from lms.quizzes.models import AttemptSlot, QuestionVersion
    from tests.quizzes.quiz_testkit import autosave, build_quiz, load_demo, login, page_token, start, user_id

    load_demo(app)
    with app.app_context():
        other = User(email="author2@demo.example.com", name="Другой автор", role=Role.AUTHOR)
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    authors = {"mine": user_id(app, "author"), "other": other_id, "nobody": None}
    quizzes, attempts, essay_slots = {}, {}, {}
    for owner, author_id in authors.items():
        quizzes[owner] = build_quiz(app, types=["essay"], author_id=author_id)["quiz_id"]
        for learner in ("learner", "learner2"):  # dealers 1 and 2
            client = login(app.test_client(), learner)
            attempt_id = start(client, quizzes[owner])
            token = page_token(client, attempt_id)
            autosave(client, attempt_id, 1, {"s1": [f"essay of {learner}"]}, token)
            client.post(f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
            attempts[owner, learner] = attempt_id
            with app.app_context():
                essay_slots[owner, learner] = db.session.scalar(
                    sa.select(AttemptSlot.id).join(QuestionVersion).where(AttemptSlot.attempt_id == attempt_id))
    return quizzes, attempts, essay_slots


def sees_attempts(role: str, owner: str) -> bool:
    return role in REPORTERS or (role == "author" and owner == "mine")


def test_quiz_attempts_are_seen_by_their_author_managers_and_admins_only(app):
    quizzes, attempts, essay_slots = quiz_attempts_fixture(app)
    problems = []
    for role in ALL_ROLES:
        client = signed_in(app, role)
        token = csrf_token(client, "/")
        for owner, quiz_id in quizzes.items():
            allowed = sees_attempts(role, owner)
            for page in (f"/quizzes/{quiz_id}/grading", f"/quizzes/{quiz_id}/analysis"):
                status = client.get(page).status_code
                if status != (200 if allowed else 403):
                    problems.append(f"{role} {owner}: {page} {status}")
            for learner in ("learner", "learner2"):
                own = role == learner
                response = client.get(f"/quizzes/attempts/{attempts[owner, learner]}/result")
                html = response.get_data(as_text=True)
                if response.status_code != (200 if allowed or own else 404):
                    problems.append(f"{role} {owner}: {learner}'s result {response.status_code}")
                elif response.status_code == 200 and "essay of " + learner not in html:
                    problems.append(f"{role} {owner}: {learner}'s result page lacks the answer")
                if (f"/quizzes/slots/{essay_slots[owner, learner]}/grade" in html) != allowed:
                    problems.append(f"{role} {owner}: grading form {'missing' if allowed else 'shown'}")
                graded = client.post(f"/quizzes/slots/{essay_slots[owner, learner]}/grade",
                                     data={"csrf_token": token, "mark": "1"})
                if graded.status_code != (303 if allowed else 403 if role not in STAFF else 404):
                    problems.append(f"{role} {owner}: grading {learner} {graded.status_code}")
        if role in STAFF:
            listing = client.get("/quizzes/manage").get_data(as_text=True)
            for owner, quiz_id in quizzes.items():
                if (f"/quizzes/{quiz_id}/grading" in listing) != sees_attempts(role, owner):
                    problems.append(f"{role} {owner}: the list's link to the attempts is wrong")
    assert problems == []


def test_a_new_quiz_is_its_creators_and_managers_reassign_it(app):
    import re

    from lms.extensions import db
    from lms.quizzes.models import Quiz
    from tests.quizzes.quiz_testkit import load_demo, user_id

    load_demo(app)
    author = signed_in(app, "author")
    created = author.post("/quizzes/manage", data={
        "csrf_token": csrf_token(author, "/quizzes/manage"), "title": "Своё", "random_category_id": "0",
        "random_count": "0", "time_limit_minutes": "0", "attempts_allowed": "0", "cooldown_minutes": "0",
        "pass_percent": "70", "grading_method": "highest", "review": "with_answers"})
    quiz_id = int(re.search(r"/quizzes/(\d+)/edit", created.headers["Location"])[1])
    with app.app_context():
        assert db.session.get(Quiz, quiz_id).author_id == user_id(app, "author")
    assert author.get(f"/quizzes/{quiz_id}/grading").status_code == 200
    assert 'name="owner-author_id"' not in author.get(f"/quizzes/{quiz_id}/edit").get_data(as_text=True)
    assert author.post(f"/quizzes/{quiz_id}/author", data={"csrf_token": csrf_token(author, "/"),
                                                           "owner-author_id": "0"}).status_code == 403

    manager = signed_in(app, "manager")
    page = manager.get(f"/quizzes/{quiz_id}/edit").get_data(as_text=True)
    assert 'name="owner-author_id"' in page
    token = csrf_token(manager, f"/quizzes/{quiz_id}/edit")
    for refused in ({}, {"owner-author_id": "x"}, {"owner-author_id": str(user_id(app, "learner"))}):
        response = manager.post(f"/quizzes/{quiz_id}/author", data={"csrf_token": token, **refused})
        assert response.status_code == 400, refused
    assert manager.post(f"/quizzes/{quiz_id}/author", data={"csrf_token": token, "owner-author_id": "0"}
                        ).status_code == 303
    with app.app_context():
        assert db.session.get(Quiz, quiz_id).author_id is None
    assert author.get(f"/quizzes/{quiz_id}/grading").status_code == 403
    manager.post(f"/quizzes/{quiz_id}/author", data={"csrf_token": token,
                                                     "owner-author_id": str(user_id(app, "author"))})
    assert author.get(f"/quizzes/{quiz_id}/grading").status_code == 200
