"""Disabling the partner plugins removes the «Опросы» tab and blueprint and leaves a working core."""
import re

from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token, load_core_demo


def test_disabled_plugins_leave_a_working_core(app_factory, tmp_path):
    # Its own instance folder: compiled catalogues are cached there per plugin set.
    app = app_factory(DISABLED_PLUGINS="lms_polls,lms_marketing", INSTANCE_PATH=str(tmp_path))
    assert "lms_polls" not in app.blueprints
    assert app.extensions["lms"].get_plugin("lms_polls") is None
    assert not hasattr(app.extensions["lms"].hook, "lms_polls_reminder_sent")
    assert not any(rule.rule.startswith("/polls") for rule in app.url_map.iter_rules())
    load_core_demo(app)
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    home = client.get("/")
    assert home.status_code == 200
    nav = re.search(r'<nav class="tabs".*?</nav>', home.get_data(as_text=True), re.S).group(0)
    assert "Опросы" not in nav
    assert client.get("/polls/").status_code == 404
    assert client.get("/surveys/").status_code == 200  # the core survey engine stays


def test_enabled_by_default(app):
    assert "lms_polls" in app.blueprints
    assert app.extensions["lms"].get_plugin("lms_polls") is not None
