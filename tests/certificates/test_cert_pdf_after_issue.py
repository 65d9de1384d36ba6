"""The PDF is rendered after the certificate is recorded, with no lock held, and a lost render is redone.

Rendering and signing take 50–500 ms. When they ran inside the issuing transaction, every other
write of the portal waited for them (SQLite's write lock) or every other certificate did
(PostgreSQL's serial-counter row lock): the exam-campaign benchmark's answer-save p95.
"""
import datetime as dt
import threading

import sqlalchemy as sa
from cert_support import certificates, complete, make_course, pdfsig, user_id
from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token

from lms import hookimpl
from lms import storage as lms_storage
from lms.certificates import storage
from lms.certificates.issuing import issue_certificate
from lms.certificates.pdf_pipeline import attach_pdf
from lms.coordination import heartbeat
from lms.coordination.models import WorkerHeartbeat
from lms.events import commit
from lms.extensions import db
from lms.timeutil import utcnow


class LockProbe:
    """While the PDF renders (the template hook runs then), tries to take the locks issuing holds."""

    def __init__(self, database_url: str):
        self.database_url, self.outcomes, self.issued = database_url, [], []

    @hookimpl
    def lms_certificate_template(self, course):
        self.outcomes.append(self._try_the_locks())
        return None  # the default template

    @hookimpl
    def lms_certificate_issued(self, certificate):
        self.issued.append(certificate.serial)

    def _try_the_locks(self) -> str:
        if self.database_url.startswith("sqlite"):
            engine = sa.create_engine(self.database_url, connect_args={"timeout": 0}, isolation_level=None)
            statements = ["BEGIN IMMEDIATE", "ROLLBACK"]  # fails at once if anyone holds the write lock
        else:
            engine = sa.create_engine(self.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
            statements = ["SELECT last_number FROM certificate_serial_counter FOR UPDATE NOWAIT"]
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)
                connection.rollback()
            return "free"
        except sa.exc.OperationalError as error:
            return f"locked: {error.orig}"
        finally:
            engine.dispose()


def test_nothing_is_locked_while_the_pdf_renders(app_factory, demo, database_url, tmp_path):
    probe = LockProbe(database_url)
    app = app_factory(plugins=[probe])
    uid = user_id(app, DEMO_EMAILS["learner"])

    complete(app, uid, make_course(app), score_percent=90.0)

    assert probe.outcomes == ["free"]
    (certificate,) = certificates(app, user_id=uid)
    assert certificate.pdf_size > 0 and probe.issued == [certificate.serial]
    with app.app_context():
        pdf = storage.read_pdf(certificate.pdf_sha256)
    assert "Signature is Valid." in pdfsig(pdf, tmp_path)


def test_a_certificate_recorded_without_its_pdf_gets_it_on_download(app_factory, demo, tmp_path):
    probe = LockProbe("sqlite://")  # only counts the renders and the issued events here
    app = app_factory(plugins=[probe])
    uid, course_id = user_id(app, DEMO_EMAILS["learner"]), make_course(app)
    with app.app_context():  # the issuing process died after recording, before attaching the PDF
        outcome = issue_certificate(uid, course_id, score_percent=80.0)
        commit()
    (certificate,) = certificates(app)
    assert outcome.created and certificate.pdf_sha256 is None and probe.issued == []

    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    assert certificate.serial in client.get("/certificates/").get_data(as_text=True)
    first = client.get(f"/certificates/{certificate.id}/download")
    again = client.get(f"/certificates/{certificate.id}/download")

    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert again.get_data() == first.get_data()  # rendered once, then served from storage
    assert "Signature is Valid." in pdfsig(first.get_data(), tmp_path)
    (certificate,) = certificates(app)
    assert certificate.pdf_size == len(first.get_data()) and probe.issued == [certificate.serial]
    assert len(probe.outcomes) == 1


def stored_pdfs(app) -> set[str]:
    with app.app_context():
        return set(lms_storage.backend().keys("certificates/"))


def test_concurrent_attaches_keep_one_pdf(app, demo):
    uid, course_id = user_id(app, DEMO_EMAILS["learner"]), make_course(app)
    with app.app_context():
        certificate_id = issue_certificate(uid, course_id).certificate_id
        commit()
    before = stored_pdfs(app)  # the storage is shared with earlier tests
    barrier, results, errors = threading.Barrier(3), [], []

    def attach():
        try:
            with app.app_context():
                barrier.wait()
                results.append(attach_pdf(certificate_id))
                commit()
                db.session.remove()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=attach) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert errors == [] and sorted(results) == [False, False, True]
    (certificate,) = certificates(app)
    assert [key.rsplit("/", 1)[-1] for key in stored_pdfs(app) - before] == [f"{certificate.pdf_sha256}.pdf"]


def test_in_worker_mode_the_worker_renders_and_the_download_waits_for_it(app_factory, demo, tmp_path):
    from cert_support import qr_text

    probe = LockProbe("sqlite://")
    app = app_factory(plugins=[probe], CERTIFICATE_PDF_IN_WORKER=True, PUBLIC_BASE_URL="https://lms.example/")
    uid = user_id(app, DEMO_EMAILS["learner"])
    complete(app, uid, make_course(app), score_percent=95.0)
    (certificate,) = certificates(app)
    assert certificate.pdf_sha256 is None and probe.outcomes == [] and probe.issued == []

    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    with app.app_context():  # a worker is alive: the download must leave the PDF to it
        heartbeat.beat("test-worker")
    waiting = client.get(f"/certificates/{certificate.id}/download")
    assert waiting.status_code == 202 and waiting.headers["Retry-After"] == "3"
    assert probe.outcomes == []
    assert "PDF готовится" in waiting.get_data(as_text=True)

    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "certificate PDFs: 1" in result.output, result.output
    ready = client.get(f"/certificates/{certificate.id}/download")
    assert ready.status_code == 200 and "Signature is Valid." in pdfsig(ready.get_data(), tmp_path)
    assert qr_text(ready.get_data(), tmp_path) == f"https://lms.example/verify/{certificate.code}"
    assert probe.issued == [certificate.serial]
    assert "certificate PDFs" not in app.test_cli_runner().invoke(args=["worker", "--once"]).output


def test_in_worker_mode_with_no_worker_alive_the_download_renders_the_pdf(app_factory, demo):
    app = app_factory(CERTIFICATE_PDF_IN_WORKER=True, PUBLIC_BASE_URL="https://lms.example/")
    with app.app_context():  # a worker killed long ago: its heartbeat is older than WORKER_ALIVE_SECONDS
        heartbeat.beat("dead-worker")
        db.session.execute(sa.update(WorkerHeartbeat).values(seen_at=utcnow() - dt.timedelta(minutes=5)))
        db.session.commit()
    complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
    (certificate,) = certificates(app)
    client = app.test_client()
    client.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                "csrf_token": csrf_token(client)})
    response = client.get(f"/certificates/{certificate.id}/download")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF")


def test_worker_mode_without_a_public_address_refuses_to_start(app_factory):
    import pytest

    from lms.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="LMS_PUBLIC_BASE_URL"):
        app_factory(CERTIFICATE_PDF_IN_WORKER=True)


class BrokenTemplate:
    @hookimpl
    def lms_certificate_template(self, course):
        raise RuntimeError("the template plugin is broken")


def test_a_failing_render_does_not_stop_the_worker_nor_repeat_every_second(app_factory, demo, caplog):
    from lms.certificates.pdf_pipeline import RENDER_RETRY_AFTER

    app = app_factory(plugins=[BrokenTemplate()], CERTIFICATE_PDF_IN_WORKER=True,
                      PUBLIC_BASE_URL="https://lms.example/")
    complete(app, user_id(app, DEMO_EMAILS["learner"]), make_course(app))
    first = app.test_cli_runner().invoke(args=["worker", "--once"])
    # Another worker process (another app on the same database) skips it too: the delay is shared.
    again = app_factory(plugins=[BrokenTemplate()]).test_cli_runner().invoke(args=["worker", "--once"])
    assert first.exit_code == 0 and again.exit_code == 0, first.output
    (certificate,) = certificates(app)
    assert certificate.pdf_sha256 is None and certificate.pdf_claimed_by is not None
    assert certificate.pdf_locked_until > utcnow() + RENDER_RETRY_AFTER - dt.timedelta(minutes=1)
    failures = [r for r in caplog.records if "Rendering the PDF of certificate" in r.getMessage()]
    assert len(failures) == 1  # the second run skipped it: no retry storm
