"""Every demo role sees what it may, and nothing more."""
import re

import pytest
import sqlalchemy as sa

from lms.auth.models import Dealer
from lms.extensions import db

PARTNER_TABS = {"Опросы", "Маркетинговые материалы"}  # the two shipped plugins
TABS = {
    "learner": {"Обучение", "Мои сертификаты", *PARTNER_TABS},
    "dealer_admin": {"Обучение", "Мой дилер", "Мои сертификаты", "Сертификаты", "Назначения", "Сотрудники",
                     *PARTNER_TABS},
    "author": {"Обучение", "Редактор курсов", "Тесты", "Банк вопросов"},
    "manager": {"Обучение", "Тесты", "Сертификаты", "Отчёты", "Назначения", *PARTNER_TABS},
    "admin": {"Обучение", "Редактор курсов", "Тесты", "Банк вопросов", "Сертификаты", "Отчёты", "Администрирование",
              "Назначения", *PARTNER_TABS},
}


def tab_labels(html: str) -> set[str]:
    nav = re.search(r'<nav class="tabs".*?</nav>', html, re.S).group(0)
    return set(re.findall(r"<a [^>]*>([^<]+)</a>", nav))


def partner_tabs_of_this_run() -> set[str]:
    """CI also runs the suite with the partner plugins disabled."""
    import os

    disabled = os.environ.get("LMS_DISABLED_PLUGINS", "")
    return {tab for plugin, tab in (("lms_polls", "Опросы"), ("lms_marketing", "Маркетинговые материалы"))
            if plugin in disabled}


@pytest.mark.parametrize("role", sorted(TABS))
def test_each_role_sees_its_tabs(login_as, role):
    html = login_as(role).get("/").get_data(as_text=True)
    assert tab_labels(html) == TABS[role] - partner_tabs_of_this_run()


@pytest.mark.parametrize("role", sorted(TABS))
def test_disabling_the_partner_plugins_removes_only_their_tabs(app_factory, demo, role):
    from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token

    app = app_factory(DISABLED_PLUGINS="lms_marketing,lms_polls")
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    assert tab_labels(client.get("/").get_data(as_text=True)) == TABS[role] - PARTNER_TABS


@pytest.mark.parametrize("role,path,status", [
    ("learner", "/reports/", 403),
    ("learner", "/admin/users", 403),
    ("dealer_admin", "/reports/", 403),
    ("dealer_admin", "/admin/dealers", 403),
    ("author", "/reports/", 403),
    ("author", "/admin/plugins", 403),
    ("manager", "/reports/", 200),
    ("manager", "/admin/users", 403),
    ("admin", "/reports/", 200),
    ("admin", "/admin/users", 200),
    ("admin", "/admin/dealers", 200),
    ("admin", "/admin/plugins", 200),
])
def test_role_access(login_as, role, path, status):
    assert login_as(role).get(path).status_code == status


def test_forbidden_page_explains_in_russian(login_as):
    response = login_as("learner").get("/reports/")
    assert "У вас нет доступа к этой странице." in response.get_data(as_text=True)


def test_visitors_are_sent_to_sign_in(client):
    for path in ("/", "/courses/", "/reports/", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def dealer_id(app, tax_id):
    with app.app_context():
        return db.session.scalar(sa.select(Dealer.id).where(Dealer.tax_id == tax_id))


def dealer_active(app, dealer_id):
    with app.app_context():
        return db.session.get(Dealer, dealer_id).active


def test_dealer_admin_sees_own_dealer_name_and_staff(app, login_as):
    client = login_as("dealer_admin")
    html = client.get("/").get_data(as_text=True)
    assert '<span class="dealer-name">АгроСнаб-Юг</span>' in html
    page = client.get(f"/reports/dealers/{dealer_id(app, '2310000001')}").get_data(as_text=True)
    assert "Иван Петров" in page and "Мария Соколова" not in page


def test_dealer_admin_cannot_open_another_dealer(app, login_as):
    client = login_as("dealer_admin")
    response = client.get(f"/reports/dealers/{dealer_id(app, '3620000002')}")
    assert response.status_code == 404
    assert "Мария Соколова" not in response.get_data(as_text=True)


def test_manager_sees_every_dealer_with_staff_counts(login_as):
    html = login_as("manager").get("/reports/").get_data(as_text=True)
    for name in ("АгроСнаб-Юг", "Поле и Сад", "СибАгроТорг"):
        assert name in html


def test_dealer_overview_makes_one_query_whatever_the_number_of_dealers(app, login_as, query_counter):
    client = login_as("manager")
    with query_counter() as few:
        client.get("/reports/")
    with app.app_context():
        for n in range(20):
            db.session.add(Dealer(name=f"Дилер {n}", tier="bronze", region="Тест"))
        db.session.commit()
    with query_counter() as many:
        client.get("/reports/")
    assert len(many) == len(few)


def test_admin_creates_a_user_and_sees_clear_errors(app, login_as):
    from lms.testing import csrf_token

    client = login_as("admin")
    token = csrf_token(client, "/admin/users")
    ok = client.post("/admin/users", data={
        "email": "new.learner@demo.example.com", "name": "Новый Слушатель", "role": "learner",
        "dealer_id": dealer_id(app, "2310000001"), "password": "long-enough-1", "csrf_token": token})
    assert ok.status_code == 302
    duplicate = client.post("/admin/users", data={
        "email": "new.learner@demo.example.com", "name": "Дубль", "role": "learner",
        "dealer_id": dealer_id(app, "2310000001"), "csrf_token": token})
    assert duplicate.status_code == 422
    assert "Пользователь с таким email уже существует." in duplicate.get_data(as_text=True)
    no_dealer = client.post("/admin/users", data={
        "email": "x@demo.example.com", "name": "Без дилера", "role": "learner", "dealer_id": 0,
        "csrf_token": token})
    assert "должны быть привязаны к дилеру" in no_dealer.get_data(as_text=True)


def test_admin_deactivates_a_dealer(app, login_as):
    from lms.testing import csrf_token

    client = login_as("admin")
    target = dealer_id(app, "5400000003")
    response = client.post(f"/admin/dealers/{target}/toggle", data={"csrf_token": csrf_token(client, "/admin/dealers")})
    assert response.status_code == 302
    assert dealer_active(app, target) is False


def test_state_changes_without_csrf_token_are_refused(app, login_as):
    client = login_as("admin")
    target = dealer_id(app, "5400000003")
    assert client.post(f"/admin/dealers/{target}/toggle").status_code == 400
    assert dealer_active(app, target) is True
