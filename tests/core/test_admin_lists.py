"""Every admin and manager list page searches (``?q=``) and pages (``?page=``) through lms.listing.

The url_map is walked: each GET page without arguments under the management prefixes is either a
list (LISTS) or named in NOT_LISTS with the reason, so a new list page cannot be added unnoticed.
Lists that do not page yet are strict xfails: the day one starts paging, its mark must go.
"""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import sign_in

MANAGEMENT_PREFIXES = ("/admin/", "/staff/", "/assignments/", "/polls/")
PAGED = {
    "/admin/users": "admin.users",
    "/admin/dealers": "admin.dealers",
    "/admin/webhooks": "webhooks_admin.subscriptions",
    "/admin/webhooks/deliveries": "webhooks_admin.deliveries",
    "/admin/api-tokens": "api_admin.tokens",
    "/admin/api-tokens/links": "api_admin.links",
    "/surveys/manage/": "surveys.manage",
    "/courses/manage/": "courses.manage",
    "/quizzes/manage": "quizzes.manage",
    "/polls/": "lms_polls.index",  # plugins/lms_polls/tests/test_polls_list.py
    "/marketing/manage/profiles": "lms_marketing.profiles",  # plugins/lms_marketing/tests/test_marketing_lists.py
    "/marketing/manage/orders": "lms_marketing.queue",  # keeps its filters in the page links (same file)
    "/admin/xapi/forwarding": "xapi_admin.forwarding",
    "/assignments/": "assignments.index",
    "/courses/manage/paths/": "courses.manage_paths",
    "/quizzes/bank": "quizzes.bank_page",
    "/certificates/manage/": "certificates_admin.index",
}
NOT_PAGED_YET: dict[str, str] = {}  # every list pages now; a new list without paging goes here, as a strict xfail
SEARCH_ONLY: dict[str, str] = {}  # lists that search and filter but cap their rows instead of paging
NOT_LISTS = {
    "/admin/import": "the bulk import form",
    "/admin/plugins": "the installed plugins: a handful, never paged",
    "/staff/": "a dealer admin's staff list, paged and searched (tests/people/test_staff.py)",
    "/assignments/new": "a form",
    "/assignments/calendar": "the learner's calendar link",
    "/certificates/manage/settings": "a form",
    "/courses/manage/new": "a form",
    "/courses/manage/paths/new": "a form",
    "/marketing/manage/items/new": "a form",
    "/marketing/manage/orders.csv": "the queue's export: every row",
    "/surveys/manage/new": "a form",
    "/polls/new": "a form",
}


def _is_management(rule) -> bool:
    return ("GET" in rule.methods and not rule.arguments
            and (rule.rule.startswith(MANAGEMENT_PREFIXES) or "/manage" in rule.rule or rule.rule == "/quizzes/bank"))


def test_every_management_page_is_classified(app):
    found = {rule.rule for rule in app.url_map.iter_rules() if _is_management(rule)}
    known = set(PAGED) | set(SEARCH_ONLY) | set(NOT_PAGED_YET) | set(NOT_LISTS)
    assert found - known == set(), "a new management page: add it to PAGED (with search and paging) or NOT_LISTS"


def _list_params():
    for path in (*PAGED, *SEARCH_ONLY):
        yield pytest.param(path, id=path)
    for path in NOT_PAGED_YET:
        yield pytest.param(path, id=path, marks=pytest.mark.xfail(strict=True, reason="no search or paging yet"))


@pytest.mark.parametrize("path", list(_list_params()))
def test_list_page_searches_and_pages(app, client, demo, path):
    if not any(rule.rule == path for rule in app.url_map.iter_rules()):
        pytest.skip("its plugin is disabled")
    sign_in(client, "admin")
    for query in ("?q=zz-nothing-matches", "?page=2", "?page=99999&q=%25_", "?page=-1&q=" + "x" * 500):
        response = client.get(path + query)
        assert response.status_code == 200, (path, query)
    html = client.get(path).get_data(as_text=True)
    assert 'role="search"' in html


def _many_subscriptions(app, count):
    from lms.webhooks.models import WebhookSubscription

    with app.app_context():
        db.session.add_all(WebhookSubscription(url=f"https://hooks{n}.example/in", secret="s" * 32,
                                               events="user.created", description=f"receiver {n}")
                           for n in range(count))
        db.session.add(WebhookSubscription(url="https://needle.example/in", secret="s" * 32, events="user.created"))
        db.session.commit()


def test_webhook_subscriptions_page_and_search_by_url(app, client, demo):
    from lms.listing import PER_PAGE

    _many_subscriptions(app, PER_PAGE + 5)
    sign_in(client, "admin")
    first = client.get("/admin/webhooks").get_data(as_text=True)
    assert 'rel="next"' in first and "needle.example" not in first
    second = client.get("/admin/webhooks?page=2").get_data(as_text=True)
    assert "needle.example" in second and 'rel="prev"' in second
    found = client.get("/admin/webhooks?q=NEEDLE").get_data(as_text=True)
    assert "needle.example" in found and "hooks1.example" not in found and 'rel="next"' not in found


def test_api_tokens_page_and_search_by_name_or_integration(app, client, demo):
    from lms.api.tokens import create_token
    from lms.listing import PER_PAGE

    with app.app_context():
        for n in range(PER_PAGE + 1):
            create_token(name=f"Token {n}", integration="erp", scopes=["read:users"])
        create_token(name="Склад", integration="warehouse-sync", scopes=["read:users"])
        db.session.commit()
    sign_in(client, "admin")
    assert 'rel="next"' in client.get("/admin/api-tokens").get_data(as_text=True)
    found = client.get("/admin/api-tokens?q=warehouse").get_data(as_text=True)
    assert "Склад" in found and "Token 1<" not in found and 'rel="next"' not in found


def test_api_links_search_by_email_or_external_id(app, client, demo):
    from lms.api.links import link_user
    from lms.auth.models import User
    from lms.testing import DEMO_EMAILS

    from lms.api.tokens import create_token

    with app.app_context():
        admin_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["admin"]))
        create_token(name="ERP", integration="erp", scopes=["read:users"])
        link_user(integration="erp", external_id="EXT-777", user_reference=DEMO_EMAILS["learner"], linked_by_id=admin_id)
        db.session.commit()
    sign_in(client, "admin")
    assert DEMO_EMAILS["learner"] in client.get("/admin/api-tokens/links?q=ext-777").get_data(as_text=True)
    assert "EXT-777" not in client.get("/admin/api-tokens/links?q=nobody-here").get_data(as_text=True)


def test_surveys_manage_pages_and_searches_by_title(app, client, demo):
    from lms.listing import PER_PAGE
    from lms.surveys.models import Survey

    with app.app_context():
        db.session.add_all(Survey(title=f"Опрос {n}", questions=[]) for n in range(PER_PAGE + 1))
        db.session.add(Survey(title="Needle survey", questions=[]))
        db.session.commit()
    sign_in(client, "manager")
    assert 'rel="next"' in client.get("/surveys/manage/").get_data(as_text=True)
    found = client.get("/surveys/manage/?q=needle").get_data(as_text=True)
    assert "Needle survey" in found and "Опрос 1<" not in found and 'rel="next"' not in found


def test_courses_manage_pages_and_searches_by_title_or_slug(app, client, demo):
    from lms.listing import PER_PAGE
    from lms.testing import add_published_course

    for n in range(PER_PAGE + 1):
        add_published_course(app, slug=f"bulk-{n}", title=f"Bulk course {n:03d}")
    add_published_course(app, slug="needle-course", title="Zeta")
    sign_in(client, "admin")
    assert 'rel="next"' in client.get("/courses/manage/").get_data(as_text=True)
    found = client.get("/courses/manage/?q=NEEDLE").get_data(as_text=True)
    assert "/needle-course" in found and "Bulk course 001" not in found and 'rel="next"' not in found


def test_quizzes_manage_pages_and_searches_by_title(app, client, demo):
    from lms.listing import PER_PAGE
    from lms.quizzes.models import Quiz

    with app.app_context():
        db.session.add_all(Quiz(title=f"Bulk quiz {n:03d}") for n in range(PER_PAGE + 1))
        db.session.add(Quiz(title="Needle quiz"))
        db.session.commit()
    sign_in(client, "admin")
    assert 'rel="next"' in client.get("/quizzes/manage").get_data(as_text=True)
    found = client.get("/quizzes/manage?q=needle").get_data(as_text=True)
    assert "Needle quiz" in found and "Bulk quiz 001" not in found and 'rel="next"' not in found


def test_xapi_forwarding_pages_and_searches_by_url_or_description(app, client, demo):
    from lms.listing import PER_PAGE
    from lms.webhooks.models import WebhookSubscription
    from lms.xapi.forwarding import FORWARD_EVENT

    with app.app_context():
        db.session.add_all(WebhookSubscription(url=f"https://lrs{n:03d}.example/xapi", secret="s" * 32,
                                               events=FORWARD_EVENT) for n in range(PER_PAGE + 1))
        db.session.add(WebhookSubscription(url="https://other.example/xapi", secret="s" * 32, events=FORWARD_EVENT,
                                           description="Needle LRS"))
        db.session.commit()
    sign_in(client, "admin")
    assert 'rel="next"' in client.get("/admin/xapi/forwarding").get_data(as_text=True)
    found = client.get("/admin/xapi/forwarding?q=needle").get_data(as_text=True)
    assert "other.example" in found and "lrs001.example" not in found and 'rel="next"' not in found


def test_assignments_page_and_search_by_course_or_path_title(app, client, demo):
    from lms.assignments.models import Assignment
    from lms.courses.models import LearningPath
    from lms.listing import PER_PAGE
    from lms.testing import add_published_course

    course_id = add_published_course(app, slug="bulk-assigned", title="Bulk assigned course")
    with app.app_context():
        path = LearningPath(slug="needle-path", title="Needle path", position=0, steps=[])
        db.session.add(path)
        db.session.flush()
        db.session.add_all(Assignment(course_id=course_id, audience_kind="all", audience_values=[],
                                      due_kind="after_assignment", due_days=30) for _n in range(PER_PAGE + 1))
        db.session.add(Assignment(path_id=path.id, audience_kind="all", audience_values=[],
                                  due_kind="after_assignment", due_days=30))
        db.session.commit()
    sign_in(client, "manager")
    assert 'rel="next"' in client.get("/assignments/").get_data(as_text=True)
    found = client.get("/assignments/?q=NEEDLE").get_data(as_text=True)
    assert "Needle path" in found and "Bulk assigned course" not in found and 'rel="next"' not in found


def test_learning_paths_page_and_search_by_title_or_slug(app, client, demo):
    from lms.courses.models import LearningPath
    from lms.listing import PER_PAGE

    with app.app_context():
        db.session.add_all(LearningPath(slug=f"bulk-path-{n}", title=f"Bulk path {n:03d}", position=n, steps=[])
                           for n in range(PER_PAGE + 1))
        db.session.add(LearningPath(slug="needle-route", title="Zeta route", position=999, steps=[]))
        db.session.commit()
    sign_in(client, "admin")
    assert 'rel="next"' in client.get("/courses/manage/paths/").get_data(as_text=True)
    found = client.get("/courses/manage/paths/?q=needle").get_data(as_text=True)
    assert "Zeta route" in found and "Bulk path 001" not in found and 'rel="next"' not in found


def test_question_bank_pages_within_a_category_and_searches_by_name(app, client, demo):
    from lms.listing import PER_PAGE
    from lms.quizzes import bank

    with app.app_context():
        category = bank.ensure_category(["Bulk"], None)
        for n in range(PER_PAGE + 1):
            bank.create_question(category.id, "true_false", {"name": f"Bulk question {n:03d}", "text": "Yes?",
                                                              "definition": {"correct": True}})
        bank.create_question(category.id, "true_false", {"name": "Needle question", "text": "No?",
                                                       "definition": {"correct": False}})
        category_id = category.id
        db.session.commit()
    sign_in(client, "admin")
    first = client.get(f"/quizzes/bank?category={category_id}").get_data(as_text=True)
    assert 'rel="next"' in first and f"category={category_id}" in first.split('rel="next"')[1][:200]
    found = client.get(f"/quizzes/bank?category={category_id}&q=needle").get_data(as_text=True)
    assert "Needle question" in found and "Bulk question 001" not in found and 'rel="next"' not in found
    everywhere = client.get("/quizzes/bank?q=needle").get_data(as_text=True)
    assert "Needle question" in everywhere


def test_certificate_register_pages_and_keeps_its_filters(app, client, demo):
    from lms.auth.models import User
    from lms.certificates.models import Certificate
    from lms.listing import PER_PAGE
    from lms.testing import DEMO_EMAILS, add_published_course

    course_id = add_published_course(app, slug="cert-bulk", title="Cert bulk course")
    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAILS["learner"]))
        db.session.add_all(Certificate(serial=f"2026-9{n:05d}", code=f"BULK-{n}", user_id=learner.id,
                                       course_id=course_id, course_version=1, edition=n,
                                       learner_name=f"Bulk person {n:03d}",
                                       dealer_id=learner.dealer_id, course_title="Cert bulk course")
                           for n in range(PER_PAGE + 1))
        db.session.add(Certificate(serial="2026-800001", code="NEEDLE", user_id=learner.id, course_id=course_id,
                                   course_version=1, edition=PER_PAGE + 1, learner_name="Needle Person",
                                   course_title="Cert bulk course"))
        db.session.commit()
    sign_in(client, "manager")
    first = client.get(f"/certificates/manage/?course_id={course_id}&status=valid").get_data(as_text=True)
    next_link = first.split('rel="next" href="')[1].split('"')[0]
    assert f"course_id={course_id}" in next_link and "status=valid" in next_link
    assert 'rel="prev"' in client.get(next_link.replace("&amp;", "&")).get_data(as_text=True)
    found = client.get("/certificates/manage/?q=needle").get_data(as_text=True)
    assert "Needle Person" in found and "Bulk person 001" not in found and 'rel="next"' not in found
