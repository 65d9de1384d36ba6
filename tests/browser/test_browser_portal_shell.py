"""The portal shell in real Chromium: sign-in, tabs per role, language, accessibility."""
import pytest

from lms.testing import DEMO_EMAILS, browser_login, serious_accessibility_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def portal(live_server, demo):
    return live_server.start()


def test_learner_signs_in_and_sees_the_training_tab(portal, page):
    page.goto(portal.url + "/")
    assert page.url.startswith(portal.url + "/login")
    assert page.locator("html").get_attribute("lang") == "ru"
    browser_login(page, portal.url, DEMO_EMAILS["learner"])
    tabs = page.locator("nav.tabs a").all_inner_texts()
    assert tabs[0] == "Обучение"
    assert "Администрирование" not in tabs
    page.get_by_role("button", name="Выйти").click()
    assert "/login" in page.url


def test_wrong_password_shows_a_russian_message(portal, page):
    page.goto(portal.url + "/login")
    page.get_by_label("Email").fill(DEMO_EMAILS["learner"])
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_text("Неверный email или пароль.").is_visible()


def test_dealer_admin_sees_own_dealer(portal, page):
    browser_login(page, portal.url, DEMO_EMAILS["dealer_admin"])
    assert page.locator(".dealer-name").inner_text() == "АгроСнаб-Юг"
    page.get_by_role("link", name="Мой дилер").click()
    assert page.get_by_role("cell", name="Иван Петров").is_visible()


def test_language_switch_to_english(portal, page):
    browser_login(page, portal.url, DEMO_EMAILS["manager"])
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Reports").is_visible()


@pytest.mark.parametrize("path", ["/login", "/"])
def test_pages_have_no_serious_accessibility_violations(portal, page, path):
    if path != "/login":
        browser_login(page, portal.url, DEMO_EMAILS["learner"])
    page.goto(portal.url + path)
    assert serious_accessibility_violations(page) == []
