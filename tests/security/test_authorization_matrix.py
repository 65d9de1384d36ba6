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
    "portal.dashboard": SIGNED_IN,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.set_locale": PUBLIC,
    "admin.users": ("admin",),
    "admin.toggle_user": ("admin",),
    "admin.dealers": ("admin",),
    "admin.toggle_dealer": ("admin",),
    "admin.plugins": ("admin",),
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
    "webhooks_admin.subscriptions": ("admin",),
    "webhooks_admin.toggle": ("admin",),
    "webhooks_admin.deliveries": ("admin",),
    "webhooks_admin.retry": ("admin",),
    "sso.jwt_login": PUBLIC,
    "sso.embedded": PUBLIC,
    # certificates
    "certificates.mine": SIGNED_IN,
    "certificates.download": SIGNED_IN,
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
    "quizzes.add_question": STAFF,
    "quizzes.remove_question": STAFF,
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
    "surveys.publish": REPORTERS,
    "surveys.results": REPORTERS,
    "surveys.export_csv": REPORTERS,
    "surveys.export_xlsx": REPORTERS,
    # partner plugins
    "lms_polls.index": SIGNED_IN,
    "lms_polls.new": REPORTERS,
    "lms_polls.detail": REPORTERS,
    "lms_polls.remind": REPORTERS,
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
