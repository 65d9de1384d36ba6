"""Embedded mode: header-less layout, frame-ancestors per issuer (never *), CHIPS session cookie over HTTPS,
CSRF that works inside the iframe, and the postMessage script wired only to the allowed origins."""
from __future__ import annotations

import re
from urllib.parse import urlsplit
from pathlib import Path

import pytest
from flask import Blueprint, render_template, request
from flask_login import login_required

from lms import hookimpl
from sso_kit import EC_PARENTS, HTTPS, RSA_PARENT, es_token, hs_token, rs_token, write_issuers

IFRAME = {"Sec-Fetch-Dest": "iframe", "Sec-Fetch-Site": "cross-site"}
TOP_LEVEL = {"Sec-Fetch-Dest": "document"}


class QuizProbe:
    """A page with a form, as a quiz page has, to submit from inside the iframe."""

    @hookimpl
    def lms_register_blueprints(self, app):
        bp = Blueprint("sso_probe", __name__, template_folder=str(Path(__file__).parent / "templates"))

        @bp.route("/probe/quiz", methods=["GET", "POST"])
        @login_required
        def quiz():
            if request.method == "POST":
                return f"answer {request.form['answer']} saved"
            return render_template("sso_probe/quiz.html")

        app.register_blueprint(bp)


@pytest.fixture(scope="module")
def issuers_file(tmp_path_factory):
    return write_issuers(tmp_path_factory.mktemp("sso-embed"))


@pytest.fixture
def sso_app(app_factory, issuers_file):
    return app_factory(plugins=[QuizProbe()], SSO_ISSUERS=str(issuers_file))


@pytest.fixture
def client(sso_app):
    return sso_app.test_client()


def frame_ancestors(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    assert "*" not in policy
    (directive,) = [part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors")]
    assert "default-src 'self'" in policy  # the rest of the policy is kept
    return directive


def session_cookie(response) -> str:
    (cookie,) = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    return cookie


def launch(client, token, **extra):
    return client.post("/sso/jwt", data={"token": token, "embed": "1", **extra}, base_url=HTTPS, headers=IFRAME)


def test_an_embedded_launch_sets_a_chips_cookie_and_frames_only_for_the_issuer(client):
    response = launch(client, rs_token(), next="/probe/quiz")
    assert response.status_code == 302 and response.headers["Location"] == "/probe/quiz"
    cookie = session_cookie(response)
    for attribute in ("Secure", "SameSite=None", "Partitioned", "HttpOnly"):
        assert attribute in cookie.split("; "), cookie
    assert frame_ancestors(response) == f"frame-ancestors {RSA_PARENT}"

    page = client.get("/probe/quiz", base_url=HTTPS, headers=IFRAME)
    assert frame_ancestors(page) == f"frame-ancestors {RSA_PARENT}"
    html = page.get_data(as_text=True)
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html  # no header of ours
    assert re.search(r'<script src="/static/embed\.js" defer data-parent-origins="https://portal\.rsa\.example">'
                     r"</script>", html)
    assert "<script>" not in html and "onload=" not in html  # CSP allows no inline script


def test_frame_ancestors_list_every_origin_of_the_issuer(client):
    response = launch(client, es_token())
    assert frame_ancestors(response) == "frame-ancestors " + " ".join(EC_PARENTS)
    page = client.get("/", base_url=HTTPS, headers=IFRAME).get_data(as_text=True)
    assert f'data-parent-origins="{" ".join(EC_PARENTS)}"' in page


def test_an_issuer_without_frame_ancestors_cannot_frame_us(client):
    response = launch(client, hs_token())
    assert frame_ancestors(response) == "frame-ancestors 'self'"


def test_outside_embedded_mode_only_we_may_frame_the_portal_and_the_cookie_stays_lax(client):
    response = client.post("/sso/jwt", data={"token": rs_token()}, base_url=HTTPS)
    assert frame_ancestors(response) == "frame-ancestors 'self'"
    cookie = session_cookie(response).split("; ")
    assert "SameSite=Lax" in cookie and "Partitioned" not in cookie
    html = client.get("/", base_url=HTTPS).get_data(as_text=True)
    assert 'class="site-header"' in html and "embed.js" not in html


def test_over_plain_http_the_cookie_is_not_partitioned(client):
    response = client.post("/sso/jwt", data={"token": rs_token(), "embed": "1"}, headers=IFRAME)
    cookie = session_cookie(response).split("; ")
    assert "Partitioned" not in cookie and "SameSite=None" not in cookie
    assert frame_ancestors(response) == f"frame-ancestors {RSA_PARENT}"  # the layout and framing still apply


def test_a_quiz_form_can_be_submitted_inside_the_iframe(client):
    launch(client, rs_token())
    page = client.get("/probe/quiz", base_url=HTTPS, headers=IFRAME)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    # Inside the iframe our own page posts the form: the browser sends our origin as the Referer.
    own_page = {**IFRAME, "Sec-Fetch-Site": "same-origin", "Referer": f"{HTTPS}/probe/quiz", "Origin": HTTPS}
    response = client.post("/probe/quiz", data={"answer": "4", "csrf_token": token}, base_url=HTTPS,
                           headers=own_page)
    assert response.status_code == 200 and response.get_data(as_text=True) == "answer 4 saved"
    # Strict HTTPS Referer checking stays on: a post without our Referer or without the token fails.
    no_referer = {key: value for key, value in own_page.items() if key != "Referer"}
    assert client.post("/probe/quiz", data={"answer": "4", "csrf_token": token}, base_url=HTTPS,
                       headers=no_referer).status_code == 400
    foreign = {**own_page, "Referer": f"{RSA_PARENT}/training"}
    assert client.post("/probe/quiz", data={"answer": "4", "csrf_token": token}, base_url=HTTPS,
                       headers=foreign).status_code == 400
    assert client.post("/probe/quiz", data={"answer": "4"}, base_url=HTTPS, headers=own_page).status_code == 400


def test_embed_paths_switch_the_session_to_embedded_mode(client):
    client.post("/sso/jwt", data={"token": rs_token()}, base_url=HTTPS)  # signed in, not embedded
    response = client.get("/embed/probe/quiz?page=2", base_url=HTTPS, headers=IFRAME)
    assert response.status_code == 302 and response.headers["Location"] == "/probe/quiz?page=2"
    assert "Partitioned" in session_cookie(response)
    page = client.get("/probe/quiz", base_url=HTTPS, headers=IFRAME)
    assert frame_ancestors(page) == f"frame-ancestors {RSA_PARENT}"
    assert 'class="site-header"' not in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/embed//evil.example", "/embed/%2F%2Fevil.example", "/embed/\\evil.example"])
def test_embed_paths_never_redirect_off_site(client, path):
    for _hop in range(3):  # Werkzeug first merges "//" with a redirect to our own host
        response = client.get(path, base_url=HTTPS, headers=IFRAME)
        if response.status_code not in (301, 302, 308):
            break
        parts = urlsplit(response.headers["Location"])
        assert parts.netloc in ("", "lms.test") and parts.path.startswith("/") and not parts.path.startswith("//")
        path = parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_visitor_sent_to_an_embed_path_sees_sign_in_framed_for_trusted_issuers_only(client):
    client.get("/embed/", base_url=HTTPS, headers=IFRAME)
    page = client.get("/login", base_url=HTTPS, headers=IFRAME)
    assert frame_ancestors(page) == "frame-ancestors " + " ".join((RSA_PARENT, *EC_PARENTS))


def test_a_top_level_visit_of_an_embedded_session_gets_the_normal_page(client):
    launch(client, rs_token())
    page = client.get("/", base_url=HTTPS, headers=TOP_LEVEL)
    assert frame_ancestors(page) == "frame-ancestors 'self'"
    assert 'class="site-header"' in page.get_data(as_text=True)


def test_a_refused_embedded_launch_shows_its_reason_inside_the_frame(client):
    response = launch(client, rs_token(aud="someone-else"))
    assert response.status_code == 401
    assert frame_ancestors(response) == f"frame-ancestors {RSA_PARENT}"
    html = response.get_data(as_text=True)
    assert "Код: bad_audience" in html and 'class="site-header"' not in html


def test_error_pages_in_embedded_mode_use_the_embedded_layout(client):
    launch(client, rs_token())
    response = client.get("/no-such-page", base_url=HTTPS, headers=IFRAME)
    assert response.status_code == 404
    assert 'class="site-header"' not in response.get_data(as_text=True)
    assert frame_ancestors(response) == f"frame-ancestors {RSA_PARENT}"


def test_embedded_pages_get_a_compact_navigation_of_courses_certificates_and_language(client):
    launch(client, rs_token())
    html = client.get("/courses/", base_url=HTTPS, headers=IFRAME).get_data(as_text=True)
    nav = html.split('<nav class="embed-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'class="site-header"' not in html and 'aria-label="Разделы обучения"' in nav
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)
    assert links == [("/courses/", ' aria-current="page"', "Курсы"), ("/certificates/", "", "Мои сертификаты")]
    assert 'name="locale" value="en"' in nav and 'name="csrf_token"' in nav
    token = re.search(r'name="csrf_token" value="([^"]+)"', nav).group(1)
    own_page = {**IFRAME, "Sec-Fetch-Site": "same-origin", "Referer": f"{HTTPS}/courses/", "Origin": HTTPS}
    switched = client.post("/locale", data={"locale": "en", "next": "/certificates/", "csrf_token": token},
                           base_url=HTTPS, headers=own_page)
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/certificates/")
    html = client.get("/certificates/", base_url=HTTPS, headers=IFRAME).get_data(as_text=True)
    nav = html.split('<nav class="embed-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/certificates/" aria-current="page">My certificates</a>' in nav and ">Русский<" in nav
