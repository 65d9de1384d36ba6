"""Shared fixtures for the whole suite (tests/ and plugins/*/tests): one migrated database per
test session, emptied after every test.

``LMS_TEST_DATABASE_URL`` points the suite at PostgreSQL (CI: postgresql+psycopg://postgres@127.0.0.1:5432/test);
everything in that database's public schema is dropped at the start of the run. Without it the
suite uses a SQLite file in a temporary folder.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.extensions import db

from lms.testing import (  # noqa: F401  (re-exported for tests that import them from conftest)
    DEMO_EMAILS,
    DEMO_PASSWORD,
    PROJECT_ROOT,
    SHARED_FIXTURES,
    TEST_SECRET_KEY,
    browser_login,
    csrf_token,
    serious_accessibility_violations,
    sign_in,
)


def pytest_report_header(config):
    return (f"lms database: {os.environ.get('LMS_TEST_DATABASE_URL') or 'SQLite (temporary file)'}; "
            f"storage: {os.environ.get('LMS_TEST_STORAGE') or 'local'}")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:  # start from nothing: the previous run may have died
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def instance_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


def make_app(database_url, instance_path, plugins=(), **overrides):
    """An app for tests: testing mode, the session's database, CSRF on unless turned off."""
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_path),
        "SERVER_NAME": "lms.test",
    }
    config.update(overrides)
    # Plugins disabled for the whole run (CI's run without partner plugins) stay disabled even
    # when a test disables others: their tables were never migrated.
    run_disabled = [n for n in os.environ.get("LMS_DISABLED_PLUGINS", "").split(",") if n.strip()]
    if run_disabled and "DISABLED_PLUGINS" in overrides:
        own = [n for n in str(overrides["DISABLED_PLUGINS"] or "").split(",") if n.strip()]
        config["DISABLED_PLUGINS"] = ",".join(dict.fromkeys(own + run_disabled))
    return create_app(config, plugins=plugins)


@pytest.fixture(scope="session")
def _migrated(database_url, instance_root):
    """Run every migration once (the same ``upgrade heads`` that ``lms init`` runs)."""
    from flask_migrate import upgrade

    app = make_app(database_url, instance_root)
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    return True


@pytest.fixture(scope="session")
def cleanup_engine(database_url):
    from lms.database import database_uri

    engine = sa.create_engine(database_uri({"DATABASE_URL": database_url}, ""))
    yield engine
    engine.dispose()


def empty_all_tables(engine) -> None:
    """Delete every row (children first), keeping the schema and alembic_version.

    Only tables that exist: a run with plugins disabled never migrated theirs.
    """
    with engine.begin() as connection:
        existing = set(sa.inspect(connection).get_table_names())
        for table in reversed(db.metadata.sorted_tables):
            if table.name in existing:
                connection.execute(table.delete())


@pytest.fixture
def app_factory(_migrated, database_url, instance_root, cleanup_engine):
    """Build more apps on the test database (other plugins or settings); all share its cleanup."""
    created = []

    def factory(plugins=(), **overrides):
        app = make_app(database_url, instance_root, plugins=plugins, **overrides)
        created.append(app)
        return app

    yield factory
    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    empty_all_tables(cleanup_engine)


@pytest.fixture
def app(app_factory):
    """The portal with the core plugins. No app context is pushed: like a real server, every
    request gets its own (and so its own database session and ``g``); test code that touches
    the database opens one with ``with app.app_context():``."""
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo dealers and one account per role (password ``demo-password``)."""
    from lms.demo import load_core_demo_data
    from lms.events import commit

    with app.app_context():
        accounts = load_core_demo_data()
        commit()
    return accounts


@pytest.fixture
def login_as(client, demo):
    """Sign the test client in as the demo account with ``role`` (through the real form)."""

    return lambda role_or_email: sign_in(client, role_or_email)


@pytest.fixture
def query_counter():
    """Count SQL statements run inside a ``with query_counter() as counted:`` block.

    It listens on every engine, not just the ``app`` fixture's: tests that build their own app
    (``app_factory``) have their own engine, and a listener on the wrong one counts nothing.
    """
    from sqlalchemy.engine import Engine

    from lms.testing import sqlalchemy_statements

    return lambda: sqlalchemy_statements(Engine)


# --- real browser (Chromium through Playwright) -------------------------------------------------

CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
SCREENSHOTS = PROJECT_ROOT / "tests" / "screenshots"


@pytest.fixture
def live_server(app_factory):
    """Serve an app on 127.0.0.1 (a real HTTP server in a thread); yields an object with ``url``
    and ``app``. Build it with other plugins or settings through ``live_server.start(...)``."""
    import threading

    from lms.devserver import make_dev_server

    from werkzeug.wsgi import ClosingIterator

    servers = []
    in_flight = threading.Condition()
    running = [0]

    def counted(app):
        """Requests still being answered: the teardown waits for them, or a request thread cut off
        by the engine's disposal leaves a psycopg connection to be collected open, and its
        ResourceWarning fails whichever test runs next."""
        def wsgi(environ, start_response):
            def done():
                with in_flight:
                    running[0] -= 1
                    in_flight.notify_all()
            with in_flight:
                running[0] += 1
            try:
                return ClosingIterator(app(environ, start_response), [done])
            except BaseException:
                done()
                raise
        return wsgi

    class Live:
        app = None
        url = None

        def start(self, plugins=(), **config):
            config.setdefault("SERVER_NAME", None)
            # Bound before the app is built, so the app is configured with its public address
            # (the certificates' QR codes), as a deployment is.
            server = make_dev_server(counted(lambda environ, start_response: app(environ, start_response)))
            self.url = f"http://127.0.0.1:{server.server_port}"
            config.setdefault("PUBLIC_BASE_URL", self.url + "/")
            try:
                app = app_factory(plugins=plugins, **config)
            except BaseException:
                server.server_close()
                raise
            self.app = app
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            return self

    yield Live()
    for server in servers:
        server.shutdown()
        server.server_close()
    with in_flight:
        in_flight.wait_for(lambda: running[0] == 0, timeout=10)


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (Debian's /usr/bin/chromium, never a download).

    Module scope, not session: Playwright's sync API keeps an event loop running in the main
    thread, and code that calls ``asyncio.run`` (pyHanko's signer) must not meet it later on.
    """
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} does not exist")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    """A fresh browser context and page; a screenshot of the last state is kept for each test."""
    context = chromium.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)  # parametrized ids hold "/" and "["
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-speaking server for the whole run (``lms.testing.s3_server``); its URL."""
    from lms.testing import s3_server

    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_storage(s3_endpoint) -> dict:
    """Settings for a fresh bucket on the test S3 server: ``app_factory(**s3_storage)``."""
    from lms.testing import s3_bucket_settings

    return s3_bucket_settings(s3_endpoint)


@pytest.fixture(scope="session", autouse=True)
def _suite_storage(request):
    """``LMS_TEST_STORAGE=s3`` runs every test's app on one bucket of the test S3 server (through the
    ``LMS_STORAGE_*`` variables, so a test's own ``STORAGE_URL`` still wins); by default the instance folder."""
    if os.environ.get("LMS_TEST_STORAGE", "local") != "s3":
        yield
        return
    from lms.testing import s3_bucket_settings

    settings = {f"LMS_{key}": value for key, value in s3_bucket_settings(request.getfixturevalue("s3_endpoint")).items()}
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(params=["local", "s3"])
def storage_settings(request, tmp_path) -> dict:
    """Each storage backend in turn: a fresh local folder, then a fresh S3 bucket (``app_factory(**storage_settings)``)."""
    if request.param == "local":
        return {"STORAGE_URL": (tmp_path / "storage").as_uri()}
    return request.getfixturevalue("s3_storage")
