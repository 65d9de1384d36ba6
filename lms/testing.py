"""Helpers for the portal's tests (and plugins' tests): demo logins and data, courses and their
completion, CSRF tokens, browser checks.

Importable as ``lms.testing`` from any test folder; the fixtures themselves live in the project's
root ``conftest.py``.
"""
from __future__ import annotations

import re
import time
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = PROJECT_ROOT.parent / "shared" / "fixtures"
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough"
DEMO_PASSWORD = "demo-password"
DEMO_EMAILS = {
    "learner": "learner@demo.example.com",
    "dealer_admin": "dealer-admin@demo.example.com",
    "author": "author@demo.example.com",
    "manager": "manager@demo.example.com",
    "admin": "admin@demo.example.com",
    "learner2": "learner2@demo.example.com",
    "learner3": "learner3@demo.example.com",
}


def shared_fixture(*parts: str) -> Path:
    """A file or folder under ``../shared/fixtures``. A user's clone has no ``../shared`` beside it,
    so the calling test is skipped there, saying why, instead of failing."""
    import pytest

    path = SHARED_FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {'/'.join(('shared', 'fixtures') + parts)} beside the project, which "
                    "only the project's developers and CI have")
    return path


# A form's hidden CSRF field, as WTForms' hidden_tag and the templates' own inputs print it
_FORM_TOKEN = r'name="csrf_token"(?: type="hidden")? value'
# Every token the templates print: the form field, the attempt's <meta>, a data attribute
_TOKENS = re.compile(rf'({_FORM_TOKEN}|name="csrf-token" content|data-csrf)="[^"]*"')


def csrf_token(client, path="/login") -> str:
    """Fetch a page and return the CSRF token of its first form, as a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(rf'{_FORM_TOKEN}="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def without_csrf_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: they are random text and may spell any short word."""
    return _TOKENS.sub(r'\1=""', html)


def sign_in(client, role_or_email: str, password: str = DEMO_PASSWORD):
    """Sign ``client`` in through the real form, as a demo role ("learner", "manager" …) or an
    e-mail; whoever was signed in before in that client is signed out. Returns the client."""
    email = role_or_email if "@" in role_or_email else DEMO_EMAILS[role_or_email]
    with client.session_transaction() as session:
        session.clear()
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})
    assert response.status_code == 302, (email, response.status_code, response.get_data(as_text=True)[:500])
    return client


def api_token(app, *scopes: str, integration: str = "partner-portal", name: str | None = None) -> str:
    """A real API token for ``integration`` with ``scopes`` (what ``lms api-tokens create`` makes);
    returns the secret value for ``Authorization: Bearer …``."""
    from lms.api.tokens import create_token
    from lms.events import commit

    with app.app_context():
        _token, value = create_token(name=name or integration, integration=integration, scopes=scopes)
        commit()
    return value


def fresh_sso_claims(**claims) -> dict:
    """A host portal's sign-in claims: ``claims`` with a fresh ``iat``, a two-minute ``exp`` and a
    new ``jti`` unless given; a claim given as ``None`` is left out (to test its absence)."""
    import time
    import uuid

    now = int(time.time())
    payload = {"iat": now, "exp": now + 120, "jti": uuid.uuid4().hex, **claims}
    return {key: value for key, value in payload.items() if value is not None}


def browser_login(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form in a Playwright page, as a person would."""
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(base_url + "/")


def serious_accessibility_violations(page) -> list[str]:
    """axe-core (bundled with axe-playwright-python) on the current page: serious and critical only."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} "
        f"{[node['target'] for node in violation.get('nodes', [])[:3]]}"  # where, to fix it without guessing
        for violation in results.response["violations"]
        if violation.get("impact") in ("serious", "critical")
    ]


# Every id an ARIA relation or a <label for> names, as the page stands after its scripts ran.
_BROKEN_REFERENCES_JS = """() => {
  const problems = [];
  const count = id => document.querySelectorAll('[id="' + CSS.escape(id) + '"]').length;
  for (const element of document.querySelectorAll('[aria-describedby], [aria-labelledby], [aria-controls], label[for]')) {
    for (const attribute of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for']) {
      const value = element.getAttribute(attribute);
      if (value === null || (attribute === 'for' && element.tagName !== 'LABEL')) continue;
      for (const id of value.split(/\\s+/).filter(Boolean)) {
        const found = count(id);
        if (found !== 1) problems.push(attribute + '="' + id + '" ' + (found ? 'names ' + found + ' elements' : 'names nothing'));
      }
    }
  }
  return [...new Set(problems)];
}"""


def broken_references(page) -> list[str]:
    """``aria-describedby``/``-labelledby``/``-controls`` and ``<label for>`` ids on the current page that name
    no element, or several (a screen reader then reads the wrong text, or none)."""
    return page.evaluate(_BROKEN_REFERENCES_JS)


def load_core_demo(app) -> None:
    """Load the core demo dealers and accounts (one per role, password ``DEMO_PASSWORD``) into ``app``'s database."""
    from lms.demo import load_core_demo_data
    from lms.events import commit

    with app.app_context():
        load_core_demo_data()
        commit()


def init_database(app, *, demo: bool = False) -> None:
    """What ``lms init [--demo]`` does (migrate, demo data of every loaded plugin, first admin), on ``app``'s database."""
    from lms.cli import init_database as init

    with app.app_context():
        init(demo=demo)


def add_published_course(app, *, slug: str, title: str, product_line: str | None = None,
                         validity_months: int | None = 12) -> int:
    """Add a published course (version 1, no lessons) and return its id; for plugins' tests that need one."""
    from lms.courses.models import Course
    from lms.events import commit
    from lms.extensions import db

    with app.app_context():
        course = Course(slug=slug, title=title, language="ru", version=1, published=True,
                        product_line=product_line, certificate_validity_months=validity_months)
        db.session.add(course)
        commit()
        return course.id


def complete_course(app, user_id: int, course_id: int, score_percent: float | None = None):
    """Record that the learner completed the course and fire ``lms_course_completed`` as the courses
    domain does, so the certificates domain issues the certificate. Returns the completion."""
    from lms.courses.contracts import CourseCompletion
    from lms.courses.models import Course, CourseCompletionRecord
    from lms.events import commit, emit
    from lms.extensions import db
    from lms.timeutil import utcnow

    with app.app_context():
        version = db.session.get(Course, course_id).version
        completion = CourseCompletion(user_id=user_id, course_id=course_id, course_version=version,
                                      score_percent=score_percent, completed_at=utcnow())
        db.session.add(CourseCompletionRecord(user_id=user_id, course_id=course_id, course_version=version,
                                              score_percent=score_percent, completed_at=completion.completed_at))
        emit("lms_course_completed", completion=completion)
        commit()
        return completion


def drop_pooled_connections(engine) -> int:
    """Terminate the server side of every idle connection in ``engine``'s pool (PostgreSQL), as a
    server restart does; returns how many. The pool does not know until it uses them."""
    import sqlalchemy as sa

    pooled = [engine.connect() for _ in range(engine.pool.checkedin())]
    pids = [connection.scalar(sa.text("SELECT pg_backend_pid()")) for connection in pooled]
    for connection in pooled:
        connection.close()
    admin = sa.create_engine(engine.url)
    try:
        with admin.connect() as connection:
            ended = connection.scalar(sa.text("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                                               "FROM unnest(CAST(:pids AS int[])) AS pid"), {"pids": pids})
            # pg_terminate_backend only signals; a restart is over before the next request, so
            # wait, as that request would, until the backends are gone (bounded: 10 s).
            for _ in range(200):
                connection.rollback()  # a new transaction: pg_stat_activity keeps one snapshot per transaction
                if not connection.scalar(sa.text("SELECT count(*) FROM pg_stat_activity "
                                                 "WHERE pid = ANY(CAST(:pids AS int[]))"), {"pids": pids}):
                    break
                time.sleep(0.05)
            return ended
    finally:
        admin.dispose()


def two_transactions_meet(app, first, second, hold: float = 0.5) -> tuple[list, list]:
    """Two requests writing the same row at once: ``first`` runs in a transaction that holds its
    uncommitted rows for ``hold`` seconds while ``second`` runs in another and commits, so the
    second one's statements meet the first one's row (PostgreSQL; SQLite queues writers whole).

    Each callable runs in its own app context (its own session). Returns what each returned, in
    the order they finished writing (first, then second), and the errors the second one raised.
    """
    import threading

    from lms.extensions import db

    first_wrote, results, errors = threading.Event(), [], []

    def run_first():
        with app.app_context():
            results.append(first())
            db.session.flush()
            first_wrote.set()
            threading.Event().wait(hold)  # the uncommitted row is held while the second one arrives
            db.session.commit()

    def run_second():
        with app.app_context():
            if not first_wrote.wait(10):
                errors.append(TimeoutError("the first transaction never wrote"))
                return
            try:
                results.append(second())
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - the caller asserts on it
                errors.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@contextmanager
def sqlalchemy_statements(target):
    """The statements SQLAlchemy sends inside the block, on ``target``: an engine, or the Engine
    class for every engine (the ``query_counter`` fixture)."""
    import sqlalchemy as sa

    sent: list[str] = []

    def before_execute(_conn, _cursor, statement, *_rest):
        sent.append(statement)

    sa.event.listen(target, "before_cursor_execute", before_execute)
    try:
        yield sent
    finally:
        sa.event.remove(target, "before_cursor_execute", before_execute)


@contextmanager
def statements_sent(engine):
    """Every SQL statement ``engine``'s connections send inside the block, as a list of strings.

    On PostgreSQL it listens on every psycopg cursor, so it also sees what the autosave sends on the
    pooled driver connection itself (quizzes.quick_save), and the pool's pings; SQLite's driver
    cannot be listened on, and there SQLAlchemy's ``before_cursor_execute`` sees everything.
    """
    if engine.dialect.name != "postgresql":
        with sqlalchemy_statements(engine) as sent:
            yield sent
        return
    import psycopg

    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def recording_execute(cursor, query, *args, **kwargs):
        sent.append(query.decode() if isinstance(query, bytes) else str(query))
        return execute(cursor, query, *args, **kwargs)

    psycopg.Cursor.execute = recording_execute
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = execute


S3_TEST_CREDENTIALS = {"STORAGE_S3_REGION": "us-east-1", "STORAGE_S3_ACCESS_KEY_ID": "lms-test",
                       "STORAGE_S3_SECRET_ACCESS_KEY": "lms-test-secret"}


@contextmanager
def s3_server():
    """Run a real S3-speaking HTTP server (moto's standalone server, in a subprocess) and yield its URL.

    MinIO, SeaweedFS and Garage are packaged neither in Debian nor on PyPI or npm; moto's server (a
    locked test dependency) speaks the S3 HTTP protocol (multipart uploads, ranged GETs, listings)
    to boto3 over a socket, as a real one would.
    """
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=2).close()  # nosec B310 - our own http://127.0.0.1
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the S3 test server did not start on {endpoint}") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        process.wait(10)


def s3_bucket_settings(endpoint: str, prefix: str = "portal") -> dict:
    """Create a fresh bucket on the S3 server at ``endpoint``; return the settings that point the portal at it."""
    import uuid

    import boto3

    bucket = f"lms-test-{uuid.uuid4().hex[:16]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="lms-test",
                 aws_secret_access_key="lms-test-secret").create_bucket(Bucket=bucket)
    return {"STORAGE_URL": f"s3://{bucket}/{prefix}", "STORAGE_S3_ENDPOINT_URL": endpoint, **S3_TEST_CREDENTIALS}
class ReceivedMail:
    """E-mails a test SMTP server accepted: ``messages`` are ``email.message.EmailMessage`` objects."""

    def __init__(self):
        self.messages = []
        self.port = None

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"].lower() == address.lower()]

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
        return "250 Message accepted"


@contextmanager
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 for a test; yields a ``ReceivedMail`` with its port."""
    from aiosmtpd.controller import Controller

    import socket

    with socket.socket() as probe:  # a free port (aiosmtpd checks its server by connecting to it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = ReceivedMail()
    received.port = port
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield received
    finally:
        controller.stop()


def smtp_settings(received: ReceivedMail) -> dict:
    """App settings sending mail to a ``smtp_server()``."""
    return {"MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": received.port, "MAIL_SMTP_STARTTLS": False,
            "MAIL_FROM": "training@agro.example"}
