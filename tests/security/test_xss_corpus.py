"""XSS corpus: script tags, event handlers, javascript:/data: URLs, SVG and broken HTML typed into every place
users write text that others see (lessons, course titles, questions and feedback, surveys, names of users
and dealers, marketing items). The server's HTML must be inert, and real Chromium must run nothing."""
from __future__ import annotations

import re
import threading
from urllib.parse import quote

import pytest

from lms.testing import DEMO_EMAILS, DEMO_PASSWORD
from xss_corpus_kit import PAYLOADS, inert_problems, plant, signed_in, sso_token, write_issuer


def in_thread(function, *args):
    """Run ``function`` in a fresh thread (certificate signing calls asyncio.run; Playwright's loop may be running)."""
    out, errors = [], []

    def run():
        try:
            out.append(function(*args))
        except BaseException as error:  # re-raised below, in the test's thread
            errors.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    return out[0]


@pytest.fixture
def corpus_app(app_factory, demo, tmp_path):
    app = app_factory(SSO_ISSUERS=str(write_issuer(tmp_path)))
    return app, in_thread(plant, app)


def clients(app, planted) -> dict:
    out = {role: signed_in(app, role) for role in ("learner", "author", "manager", "admin")}
    out["boss"] = planted.boss
    out["public"] = app.test_client()
    return out


def test_every_page_showing_typed_text_is_inert(corpus_app):
    app, planted = corpus_app
    by_role = clients(app, planted)
    checked, problems, text = 0, {}, []
    for who, paths in planted.pages.items():
        for path in paths:
            response = by_role[who].get(path)
            assert response.status_code == 200, (who, path, response.status_code)
            html = response.get_data(as_text=True)
            text.append(html)
            found = inert_problems(html)
            if found:
                problems[f"{who} {path}"] = found
            checked += 1
    assert problems == {}
    assert checked >= 40
    everything = "\n".join(text)
    # The payloads really reached the pages (escaped), in every place.
    places = ["course", "desc", "lesson", "ltitle", "qtext", "right", "fb", "general", "squestion",
              "ssoname", "ssodealer", "dealer", "username"]
    if "lms_marketing" in app.blueprints:  # CI also runs without the partner plugins
        places.append("item")
    for place in places:
        assert re.search(rf"xss-{place}-\d", everything), place
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
    assert "&lt;/textarea&gt;&lt;script&gt;" in everything


def test_markdown_lessons_drop_dangerous_links_and_raw_html(corpus_app):
    app, planted = corpus_app
    learner = signed_in(app, "learner")
    for index in range(len(PAYLOADS)):
        html = learner.get(f"/courses/xss-{index}/lessons/lesson").get_data(as_text=True)
        lesson = html.split('<div class="markdown">', 1)[1].split("</div>", 1)[0]
        assert f"xss-lesson-{index}" in lesson
        assert "<script" not in lesson.lower() and "<img src=\"x\"" not in lesson and "<svg" not in lesson.lower()
        assert not re.search(r"href=\"\s*(javascript|data|vbscript):", lesson, re.I), lesson
        assert inert_problems(lesson) == [], lesson


def test_sign_in_with_a_payload_name_keeps_the_header_inert(corpus_app):
    """The header shows the signed-in user's and dealer's names on every page."""
    app, planted = corpus_app
    html = planted.boss.get("/courses/").get_data(as_text=True)
    header = html.split("</header>", 1)[0]
    assert "xss-ssoname-0" in header and "xss-ssodealer-0" in header
    assert inert_problems(html) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in header


def console_error(message) -> bool:
    """An error in the console, other than the missing favicon (the portal serves none)."""
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


@pytest.mark.browser
def test_chromium_runs_no_script_from_the_corpus(live_server, demo, chromium, tmp_path):
    server = live_server.start(SSO_ISSUERS=str(write_issuer(tmp_path)))
    planted = in_thread(plant, server.app)
    dialogs, errors = [], []
    contexts = []
    try:
        for who, paths in planted.pages.items():
            context = chromium.new_context(locale="ru-RU")
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15000)
            page.on("dialog", lambda dialog, page=page: (dialogs.append((page.url, dialog.message)), dialog.dismiss()))
            page.on("pageerror", lambda error, page=page: errors.append((page.url, str(error))))
            page.on("console", lambda message, page=page: console_error(message) and errors.append(
                (page.url, message.text)))
            if who == "boss":  # the dealer admin whose own name and dealer's name are payloads, through SSO
                token = sso_token("xss-user-0", f"xss-ssoname-0 {PAYLOADS[0]}", f"xss-ssodealer-0 {PAYLOADS[6]}",
                                  ["boss"], "xss0@host.example")
                page.goto(f"{server.url}/sso/jwt?token={quote(token)}")
            elif who != "public":
                page.goto(server.url + "/login")
                page.get_by_label("Email").fill(DEMO_EMAILS[who])
                page.get_by_label("Пароль").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Войти").click()
                page.wait_for_url(server.url + "/")
            if not contexts[1:]:  # control: the listeners do see a dialog and a console error
                page.evaluate("() => { window.alert('control'); console.error('control'); }")
                assert [m for _u, m in dialogs] == ["control"] and [m for _u, m in errors] == ["control"]
                dialogs.clear(), errors.clear()
            for path in paths:
                page.goto(server.url + path)
                page.wait_for_load_state("load")
                # Hover and focus everything once: handlers like onmouseover/onfocus would fire now.
                page.evaluate("""() => document.querySelectorAll('main *').forEach(el => {
                    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
                    el.dispatchEvent(new FocusEvent('focus'));
                })""")
    finally:
        for context in contexts:
            context.close()
    assert dialogs == []
    assert errors == []
