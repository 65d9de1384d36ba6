"""The ``lms`` command as an operator meets it."""
import sqlalchemy as sa
from click.testing import CliRunner

from lms.testing import TEST_SECRET_KEY
from lms.auth.models import Dealer, User
from lms.cli import cli
from lms.extensions import db


def env_for(database_url, instance_root, **extra):
    env = {"LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(instance_root),
           "LMS_SECRET_KEY": TEST_SECRET_KEY}
    env.update(extra)
    return env


def counts(app):
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count(Dealer.id))),
                db.session.scalar(sa.select(sa.func.count(User.id))))


def invoke(database_url, instance_root, *args, **env):
    return CliRunner().invoke(cli, list(args), env=env_for(database_url, instance_root, **env))


def test_init_demo_twice_is_harmless(app, database_url, instance_root):
    runner = CliRunner()
    first = runner.invoke(cli, ["init", "--demo"], env=env_for(database_url, instance_root))
    assert first.exit_code == 0, first.output
    assert "learner@demo.example.com" in first.output and "demo-password" in first.output
    after_first = counts(app)
    assert after_first == (3, 7)
    second = runner.invoke(cli, ["init", "--demo"], env=env_for(database_url, instance_root))
    assert second.exit_code == 0, second.output
    assert counts(app) == after_first
    with app.app_context():
        tiers = set(db.session.scalars(sa.select(Dealer.tier)))
        regions = set(db.session.scalars(sa.select(Dealer.region)))
    assert len(tiers) == 3 and len(regions) == 3


def test_init_creates_the_first_admin_from_the_environment(app, database_url, instance_root):
    result = CliRunner().invoke(cli, ["init"], env=env_for(
        database_url, instance_root, LMS_ADMIN_EMAIL="Boss@Example.com", LMS_ADMIN_PASSWORD="a-long-password"))
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "boss@example.com"))
        assert admin.role == "admin" and admin.password_hash.startswith("scrypt:")


def test_init_without_admin_settings_explains_what_to_do(app, database_url, instance_root):
    result = CliRunner().invoke(cli, ["init"], env=env_for(database_url, instance_root))
    assert result.exit_code == 0
    assert "LMS_ADMIN_EMAIL" in result.output


def test_users_create(app, demo, database_url, instance_root):
    result = invoke(database_url, instance_root, *["users", "create", "--email", "p.sidorov@demo.example.com", "--name",
                                 "Пётр Сидоров", "--role", "learner", "--dealer", "СибАгроТорг",
                                 "--password", "long-password-1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "p.sidorov@demo.example.com"))
        assert user.dealer.tax_id == "5400000003" and user.role == "learner"


def test_users_create_without_password_makes_an_sso_only_account(app, demo, database_url, instance_root):
    result = invoke(database_url, instance_root, *["users", "create", "--email", "sso@demo.example.com", "--name", "SSO",
                                 "--role", "manager"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.password_hash).where(User.email == "sso@demo.example.com")) is None


def test_users_create_refuses_bad_input_clearly(demo, database_url, instance_root):
    unknown_dealer = invoke(database_url, instance_root, *["users", "create", "--email", "a@demo.example.com", "--name", "A",
                                         "--role", "learner", "--dealer", "Нет такого"])
    assert unknown_dealer.exit_code == 2 and "No dealer matches" in unknown_dealer.output
    duplicate = invoke(database_url, instance_root, *["users", "create", "--email", "learner@demo.example.com", "--name", "B",
                                    "--role", "author"])
    assert duplicate.exit_code == 2 and "уже существует" in duplicate.output
    bad_role = invoke(database_url, instance_root, *["users", "create", "--email", "c@demo.example.com", "--name", "C",
                                   "--role", "boss"])
    assert bad_role.exit_code == 2


def test_flask_commands_are_available(app, database_url, instance_root):
    result = invoke(database_url, instance_root, "routes")
    assert result.exit_code == 0 and "/healthz" in result.output


def test_lms_demo_serves_a_russian_portal(tmp_path):
    """The README's first command, for real: a subprocess on a fresh instance, then HTTP."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env["LMS_INSTANCE_PATH"] = str(tmp_path / "instance")
    lms = Path(sys.executable).parent / "lms"
    server = subprocess.Popen([str(lms), "demo", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    html = response.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "lms demo did not start serving"
                time.sleep(0.5)
        assert '<html lang="ru">' in html and "Войти" in html
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "learner@demo.example.com" in output and f"http://127.0.0.1:{port}/" in output


def run_lms(tmp_path, *args, **env):
    """``lms`` as a person runs it: a new process, its own instance folder, warnings as Python
    shows them by default (no pytest filters)."""
    import os
    import subprocess
    import sys

    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("LMS_", "PYTHONWARNINGS"))}
    environ.update({"LMS_INSTANCE_PATH": str(tmp_path / "instance"),
                    "LMS_DATABASE_URL": "sqlite:///" + str(tmp_path / "cli.sqlite3")}, **env)
    return subprocess.run([sys.executable, "-c", "from lms.cli import main; main()", *args],
                          capture_output=True, text=True, env=environ, timeout=120, cwd=tmp_path)


def test_lms_help_prints_no_warning(tmp_path):
    result = run_lms(tmp_path, "--help", LMS_SECRET_KEY=TEST_SECRET_KEY)
    assert result.returncode == 0, result.stderr
    assert "worker" in result.stdout and "users" in result.stdout  # the app's own commands are listed
    assert result.stderr == ""


def test_lms_help_without_a_secret_key_lists_the_set_up_commands_without_a_traceback(tmp_path):
    result = run_lms(tmp_path, "--help")
    assert result.returncode == 0
    assert "demo" in result.stdout and "init" in result.stdout
    assert "Traceback" not in result.stderr and "warning" not in result.stderr.lower()
    assert "LMS_SECRET_KEY" in result.stderr
