"""Several workers and web requests share the certificate PDFs through leases: none is rendered twice.

Real worker processes on the test database (SQLite file or PostgreSQL), real downloads through
the app; each render writes a line, so a second render of any certificate would show.
"""
from __future__ import annotations

import collections
import datetime as dt
import threading
import time

import sqlalchemy as sa
from two_nodes import TROUBLE
from worker_processes import start_counting_worker, stop

from lms.certificates.issuing import issue_certificate
from lms.certificates.models import Certificate
from lms.certificates.pdf_pipeline import claim_renders
from lms.coordination import heartbeat
from lms.coordination.models import NamedLease, WorkerHeartbeat
from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course, sign_in
from lms.timeutil import utcnow

LEARNERS = ("learner", "learner2", "learner3")
PUBLIC = "https://lms.example/"


def issue_without_pdfs(app, courses: int) -> list[int]:
    """Certificates recorded without their PDFs (what the completing request leaves to the workers)."""
    from lms.auth.models import User

    course_ids = [add_published_course(app, slug=f"leases-{n}", title=f"Курс {n}") for n in range(courses)]
    ids = []
    with app.app_context():
        for email in (DEMO_EMAILS[name] for name in LEARNERS):
            uid = db.session.scalar(sa.select(User.id).where(User.email == email))
            for course_id in course_ids:
                ids.append(issue_certificate(uid, course_id, base_url=PUBLIC).certificate_id)
                commit()
    return ids


def pdf_digests(app) -> dict[int, str | None]:
    with app.app_context():
        return dict(db.session.execute(sa.select(Certificate.id, Certificate.pdf_sha256)).all())


def worker_config(app) -> dict:
    return {"DATABASE_URL": app.config["DATABASE_URL"], "INSTANCE_PATH": app.instance_path,
            "SECRET_KEY": app.config["SECRET_KEY"], "TESTING": True, "PUBLIC_BASE_URL": PUBLIC,
            "CERTIFICATE_PDF_IN_WORKER": True}


def test_two_workers_and_concurrent_downloads_render_each_pdf_once(app_factory, demo, tmp_path, monkeypatch):
    from lms.certificates import pdf_pipeline

    app = app_factory(CERTIFICATE_PDF_IN_WORKER=True, PUBLIC_BASE_URL=PUBLIC)
    ids = issue_without_pdfs(app, courses=3)  # 9 certificates
    render_log = tmp_path / "renders.log"
    real_render = pdf_pipeline.render_signed_pdf

    def counted_render(*, course, values):  # the downloads' renders (while no worker is alive yet)
        with open(render_log, "a", encoding="utf-8") as log:
            log.write(f"{values['serial']} web\n")
        return real_render(course=course, values=values)

    monkeypatch.setattr(pdf_pipeline, "render_signed_pdf", counted_render)
    statuses, errors = collections.Counter(), []

    def download_all(name: str) -> None:
        try:
            client = app.test_client()
            sign_in(client, DEMO_EMAILS[name])
            deadline = time.monotonic() + 120
            waiting = set(ids)
            while waiting and time.monotonic() < deadline:
                for certificate_id in sorted(waiting):
                    response = client.get(f"/certificates/{certificate_id}/download")
                    statuses[response.status_code] += 1
                    if response.status_code in (200, 404):  # 404: another learner's certificate
                        waiting.discard(certificate_id)
                time.sleep(0.1)
        except BaseException as error:  # reported below
            errors.append(error)

    workers = [start_counting_worker(render_log, worker_config(app), tmp_path / f"worker{n}.out") for n in (1, 2)]
    try:
        downloaders = [threading.Thread(target=download_all, args=(name,)) for name in LEARNERS for _ in (0, 1)]
        for thread in downloaders:
            thread.start()
        for thread in downloaders:
            thread.join(150)
        deadline = time.monotonic() + 120
        while None in pdf_digests(app).values() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for worker in workers:
            stop(worker)

    assert errors == [] and statuses[500] == 0, (errors, statuses)
    digests = pdf_digests(app)
    assert None not in digests.values()
    renders = collections.Counter(line.split()[0] for line in render_log.read_text().splitlines())
    with app.app_context():
        serials = set(db.session.scalars(sa.select(Certificate.serial)))
    assert set(renders) == serials and set(renders.values()) == {1}, renders
    outputs = "".join((tmp_path / f"worker{n}.out").read_text() for n in (1, 2))
    assert "Rendering the PDF of certificate" not in outputs and not TROUBLE.search(outputs), outputs
    with app.app_context():  # both stopped cleanly: their heartbeats are gone
        assert heartbeat.workers_alive() == 0


def test_a_killed_workers_render_is_taken_over_after_its_lease(app_factory, demo):
    app = app_factory(CERTIFICATE_PDF_IN_WORKER=True, PUBLIC_BASE_URL=PUBLIC)
    ids = issue_without_pdfs(app, courses=1)
    with app.app_context():  # a worker claimed them, then was killed with -9
        assert claim_renders("killed-host:4242:0", 10) == ids
    runner = app.test_cli_runner()
    assert "certificate PDFs" not in runner.invoke(args=["worker", "--once"]).output  # the lease holds

    with app.app_context():  # time passes beyond the lease
        db.session.execute(sa.update(Certificate).values(pdf_locked_until=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert "certificate PDFs: 3" in result.output, result.output
    assert None not in pdf_digests(app).values()


def test_a_web_request_never_renders_while_a_worker_is_alive(app_factory, demo):
    app = app_factory(PUBLIC_BASE_URL=PUBLIC)  # renders in the request unless a worker is alive
    certificate_id = issue_without_pdfs(app, courses=1)[0]  # the learner's
    client = app.test_client()
    sign_in(client, DEMO_EMAILS["learner"])
    with app.app_context():
        heartbeat.beat("alive-worker")
    assert client.get(f"/certificates/{certificate_id}/download").status_code == 202
    assert pdf_digests(app)[certificate_id] is None

    with app.app_context():  # the worker died: its heartbeat ages past WORKER_ALIVE_SECONDS
        db.session.execute(sa.update(WorkerHeartbeat).values(seen_at=utcnow() - dt.timedelta(minutes=1)))
        db.session.commit()
    response = client.get(f"/certificates/{certificate_id}/download")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF")


def test_only_one_worker_at_a_time_refreshes_the_report_snapshots(app):
    from lms.coordination import leases

    with app.app_context():
        assert leases.hold("reports.snapshots", "worker-a", 60)
        assert leases.hold("reports.snapshots", "worker-a", 60)  # renewed by its holder
        assert not leases.hold("reports.snapshots", "worker-b", 60)
        db.session.execute(sa.update(NamedLease).values(held_until=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
        assert leases.hold("reports.snapshots", "worker-b", 60)  # worker-a died: its lease ran out
