"""The app factory: configuration, the secret-key guard, health check and security headers."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lms import create_app
from lms.config import ConfigurationError

LMS_SCRIPT = Path(sys.executable).parent / "lms"


@pytest.mark.parametrize("key", [None, "", "insecure-development-key-change-me", "short"])
def test_production_refuses_missing_or_default_secret_key(tmp_path, key):
    with pytest.raises(ConfigurationError, match="LMS_SECRET_KEY"):
        create_app({"SECRET_KEY": key, "INSTANCE_PATH": str(tmp_path)})


def test_console_script_explains_missing_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env["LMS_INSTANCE_PATH"] = str(tmp_path)
    result = subprocess.run([str(LMS_SCRIPT), "routes"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "LMS_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_SECRET_KEY", "a-secret-key-from-the-environment")
    monkeypatch.setenv("LMS_PORTAL_NAME", "Портал АгроХим")
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-secret-key-from-the-environment"
    assert app.config["PORTAL_NAME"] == "Портал АгроХим"
    assert app.instance_path == str(tmp_path / "inst")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'lms.sqlite3'}"


def test_postgres_urls_use_psycopg3(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": "postgresql://u@127.0.0.1:5432/x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:5432/x"


def test_demo_mode_keeps_a_generated_secret_key(tmp_path):
    first = create_app({"DEMO": True, "INSTANCE_PATH": str(tmp_path)})
    second = create_app({"DEMO": True, "INSTANCE_PATH": str(tmp_path)})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "demo-secret-key").stat().st_mode & 0o077 == 0


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(app_factory, tmp_path):
    app = app_factory(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/login", base_url="https://lms.test")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_unknown_page_is_a_russian_404(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    assert "Такой страницы нет" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/no-such-page.json")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "http_404"


def test_base_layout_has_no_external_resources(login_as):
    html = login_as("learner").get("/").get_data(as_text=True)
    assert "http://" not in html.replace("http://lms.test", "")
    assert "https://" not in html
    for landmark in ('<header class="site-header" role="banner">', '<main id="main"', 'role="contentinfo"', "<nav"):
        assert landmark in html
