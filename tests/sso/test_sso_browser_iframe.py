"""Real Chromium with third-party cookies blocked: a page on another site embeds the portal, signs in
through SSO, receives postMessage events and submits a quiz answer inside the iframe."""
from __future__ import annotations

import json
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Blueprint, g, make_response, render_template, request
from flask_login import login_required
from werkzeug.serving import generate_adhoc_ssl_context, make_server

from lms import hookimpl
from sso_kit import AUDIENCE, HS_SECRET, hs_token

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class IframeProbe:
    """A quiz-like form, plus a plain (unpartitioned) cookie to prove third-party cookies are blocked."""

    @hookimpl
    def lms_register_blueprints(self, app):
        bp = Blueprint("sso_iframe_probe", __name__, template_folder=str(Path(__file__).parent / "templates"))

        @bp.route("/probe/quiz", methods=["GET", "POST"])
        @login_required
        def quiz():
            if request.method == "POST":
                return f"<p id=saved>answer {request.form['answer']} saved</p>"
            return render_template("sso_probe/quiz.html")

        @bp.route("/probe/plain-cookie")
        def plain_cookie():
            g.lms_embed = True  # frameable by the trusted host, like every embedded page
            response = make_response(f"plain={request.cookies.get('plain', 'absent')}")
            response.set_cookie("plain", "1", secure=True, samesite="None")
            return response

        app.register_blueprint(bp)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_sso_inside_a_cross_site_iframe_with_third_party_cookies_blocked(app_factory, tmp_path):
    from playwright.sync_api import sync_playwright

    lms_port, parent_port = free_port(), free_port()
    parent_origin, lms_origin = f"https://localhost:{parent_port}", f"https://127.0.0.1:{lms_port}"
    (tmp_path / "issuers.toml").write_text(f"""
[[issuer]]
name = "host"
iss = "https://host.example"
audience = "{AUDIENCE}"
algorithms = ["HS256"]
secret = "{HS_SECRET}"
frame_ancestors = ["{parent_origin}"]
""")
    app = app_factory(plugins=[IframeProbe()], SSO_ISSUERS=str(tmp_path / "issuers.toml"), SERVER_NAME=None)
    token = hs_token(iss="https://host.example", sub="browser-1", name="Пётр Браузеров")
    launch = f"{lms_origin}/sso/jwt?embed=1&next=/probe/quiz&token={quote(token)}"
    parent_html = f"""<!doctype html><title>Host portal</title>
<script>window.lmsMessages = [];
window.addEventListener("message", function (e) {{ window.lmsMessages.push({{origin: e.origin, data: e.data}}); }});
</script>
<iframe id="plain" src="{lms_origin}/probe/plain-cookie"></iframe>
<iframe id="lms" src="{launch}" style="width:100%;height:600px"></iframe>""".encode()

    class Parent(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(parent_html)

        def log_message(self, *args):
            pass

    parent = ThreadingHTTPServer(("127.0.0.1", parent_port), Parent)
    context = generate_adhoc_ssl_context()
    parent.socket = context.wrap_socket(parent.socket, server_side=True)
    lms = make_server("127.0.0.1", lms_port, app, threaded=True, ssl_context=generate_adhoc_ssl_context())
    serve(parent), serve(lms)
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    # Block third-party cookies, as Safari and Chrome's tracking protection do.
    (profile / "Default" / "Preferences").write_text(json.dumps(
        {"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}}))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, ignore_https_errors=True,
                args=["--no-sandbox", "--test-third-party-cookie-phaseout"])
            page = browser.new_page()
            page.goto(f"{parent_origin}/")
            frame = page.frame_locator("#lms")
            frame.locator("input[name=answer]").fill("4", timeout=15000)
            # The plain cookie set in the other iframe never comes back: third-party cookies are blocked.
            page.frame_locator("#plain").locator("body").wait_for()
            page.evaluate("document.getElementById('plain').src += '?again'")
            assert page.frame_locator("#plain").locator("body").inner_text(timeout=5000) == "plain=absent"
            frame.locator("#probe-submit").click()  # the embedded nav has its own (language) button
            assert frame.locator("#saved").inner_text(timeout=10000) == "answer 4 saved"
            messages = page.evaluate("window.lmsMessages")
            browser.close()
    finally:
        for server in (lms, parent):
            server.shutdown()
            server.server_close()
    ours = [m for m in messages if isinstance(m["data"], dict) and m["data"].get("source") == "dealer-lms"]
    assert ours and all(m["origin"] == lms_origin for m in ours)
    assert any(m["data"]["type"] == "lms:navigate" and m["data"]["path"] == "/probe/quiz" for m in ours)
    assert any(m["data"]["type"] == "lms:resize" and m["data"]["height"] > 0 for m in ours)
