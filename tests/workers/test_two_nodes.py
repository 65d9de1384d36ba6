"""Two nodes, two workers, one database and one storage folder; one node and one worker die mid-campaign.

A bounded exam campaign (20 learners, 4 answers each, CSRF on, real HTTP) alternates between two
gunicorn nodes. Once half the answers are acknowledged, one node (master and workers) and one
``lms worker`` are killed with SIGKILL. Then: no acknowledged answer is lost, every certificate is
issued once with its PDF (the dead worker's renders are taken over after their lease), a file
uploaded through one node downloads through the other, and a session ended on one node is
refused by the other.
"""
from __future__ import annotations

import io
import os
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
from two_nodes import TROUBLE, csrf_of, start_node, start_worker, wait_ready
from worker_processes import ROOT

from lms.testing import DEMO_PASSWORD

LEARNERS, QUESTIONS = 20, 4
PASSWORD = DEMO_PASSWORD
PUBLIC = "https://lms.two-nodes.example/"


@pytest.fixture
def postgresql_only(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("two nodes share a database server: a SQLite file cannot be shared between machines "
                    "(set LMS_TEST_DATABASE_URL to a PostgreSQL database)")


def exam_setup(app) -> dict:
    """The demo data, 20 learners, and the fertiliser course's final exam of 4 questions."""
    from lms.auth.models import Dealer, Role
    from lms.auth.services import create_user
    from lms.courses.models import Course, Lesson
    from lms.demo import load_core_demo_data
    from lms.events import commit
    from lms.extensions import db
    from lms.plugins import plugin_manager
    from lms.quizzes.content import sync_course_quiz
    from lms.quizzes.models import QuestionVersion

    with app.app_context():
        load_core_demo_data()
        plugin_manager().hook.lms_load_demo_data()
        commit()
        dealer_id = db.session.scalar(sa.select(Dealer.id).order_by(Dealer.id).limit(1))
        for n in range(LEARNERS):
            create_user(email=f"node-learner{n}@two-nodes.example", name=f"Ученик {n}", role=Role.LEARNER,
                        dealer_id=dealer_id, password=PASSWORD)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "fertilizer-safety"))
        gift = "\n\n".join(f"::node-q{n}::Вопрос {n}? {{=Верно ~Неверно 1 ~Неверно 2}}" for n in range(QUESTIONS))
        quiz_id = sync_course_quiz(course.id, gift, {"pass_percent": 70, "max_attempts": 3, "time_limit_minutes": 60})
        db.session.execute(sa.update(Lesson).where(Lesson.course_id == course.id).values(required=False))
        (options,) = {tuple((o["id"], o["fraction"]) for o in definition["options"]) for definition in db.session.scalars(
            sa.select(QuestionVersion.definition).where(QuestionVersion.name.like("node-q%")))}
        commit()
        return {"quiz_id": quiz_id, "course_id": course.id, "right": next(i for i, f in options if f == 1)}


class Campaign:
    """Learners' browsers, each request alternating between the nodes; a dead node's share goes to the other."""

    def __init__(self, nodes):
        self.nodes, self.dead = nodes, set()
        self.acks: dict[int, dict[int, str]] = {}
        self.saved = 0
        self.half = threading.Event()
        self.lock = threading.Lock()
        self.turn = 0

    def call(self, browser, method, path, **kwargs):
        with self.lock:
            self.turn += 1
            order = [self.nodes[self.turn % 2], self.nodes[(self.turn + 1) % 2]]
        for attempt in range(3):
            for node in order:
                if node.name in self.dead and attempt == 0:
                    continue
                try:
                    return browser.request(method, node.url + path, allow_redirects=False, timeout=30, **kwargs)
                except requests.ConnectionError:
                    continue  # the node died under this request: unacknowledged, so sent again elsewhere
            time.sleep(0.2)
        raise AssertionError(f"no node answered {method} {path}")

    def sign_in(self, email):
        browser = requests.Session()
        token = csrf_of(self.call(browser, "GET", "/login").text)
        response = self.call(browser, "POST", "/login", data={"email": email, "password": PASSWORD,
                                                               "csrf_token": token})
        assert response.status_code == 302, response.text[:500]
        return browser

    def learner(self, n: int, plan: dict) -> None:
        browser = self.sign_in(f"node-learner{n}@two-nodes.example")
        token = csrf_of(self.call(browser, "GET", "/").text)
        started = self.call(browser, "POST", f"/quizzes/{plan['quiz_id']}/start", data={"csrf_token": token})
        assert started.status_code == 303, started.text[:500]
        attempt_id = int(re.search(r"/attempts/(\d+)", started.headers["Location"])[1])
        page = self.call(browser, "GET", f"/quizzes/attempts/{attempt_id}")
        token = csrf_of(page.text)
        versions = {int(p): int(v) for p, v in re.findall(r'data-position="(\d+)" data-version="(\d+)"', page.text)}
        self.acks[n] = {}
        for position in sorted(versions):
            body = {"position": position, "version": versions[position],
                    "fields": {f"s{position}": [plan["right"]]}}
            while True:
                response = self.call(browser, "POST", f"/quizzes/attempts/{attempt_id}/autosave", json=body,
                                     headers={"X-CSRFToken": token, "Accept": "application/json"})
                if response.status_code == 200 and response.json().get("position") == position:
                    break
                assert response.status_code >= 500, response.text[:500]  # only a dying node may fail it
            with self.lock:
                self.acks[n][position] = plan["right"]
                self.saved += 1
                if self.saved >= LEARNERS * QUESTIONS // 2:
                    self.half.set()
            time.sleep(0.05)
        finished = self.call(browser, "POST", f"/quizzes/attempts/{attempt_id}/finish", data={"csrf_token": token})
        assert finished.status_code == 303, finished.text[:500]


def test_two_nodes_survive_losing_a_node_and_a_worker(postgresql_only, app_factory, database_url, tmp_path):
    from lms import storage
    from lms.certificates.keys import ensure_dev_signing_identity
    from lms.certificates.models import Certificate
    from lms.extensions import db
    from lms.quizzes.models import Attempt

    shared = tmp_path / "shared-storage"
    shared.mkdir()
    keys = ensure_dev_signing_identity(tmp_path / "keys")  # the organisation's key, the same on every machine
    app = app_factory(STORAGE_URL=shared.as_uri(), PUBLIC_BASE_URL=PUBLIC)
    plan = exam_setup(app)
    env = {"LMS_DATABASE_URL": database_url, "LMS_SECRET_KEY": app.config["SECRET_KEY"],
           "LMS_STORAGE_URL": shared.as_uri(), "LMS_PUBLIC_BASE_URL": PUBLIC, "LMS_CERTIFICATE_PDF_IN_WORKER": "true",
           "LMS_CERT_SIGNING_KEY": str(keys.key_path), "LMS_CERT_SIGNING_CERT": str(keys.cert_path),
           "LMS_CERTIFICATE_PDF_LEASE_SECONDS": "5", "LMS_WORKER_ALIVE_SECONDS": "10"}
    processes = []
    try:
        # Started side by side; node C joins after node B's death (as a replacement would).
        node_a, node_b, node_c = (start_node(f"node-{x}", env, tmp_path) for x in "abc")
        processes.extend([node_a, node_b, node_c])
        workers = [start_worker(f"worker-{n}", env, tmp_path) for n in (1, 2)]
        processes.extend(workers)
        for node in (node_a, node_b, node_c):
            wait_ready(node)
        campaign = Campaign([node_a, node_b])

        with ThreadPoolExecutor(max_workers=10) as pool:
            runs = [pool.submit(campaign.learner, n, plan) for n in range(LEARNERS)]
            assert campaign.half.wait(60), "half of the answers were never acknowledged"
            node_b.kill_hard()
            workers[1].kill_hard()
            campaign.dead.add(node_b.name)
            for run in runs:
                try:
                    run.result(timeout=120)
                except AssertionError as error:  # a 500 says nothing by itself: the nodes' logs say why
                    logs = "\n".join(f"--- {node.name}\n{node.log()[-4000:]}" for node in (node_a, node_b))
                    raise AssertionError(f"{error}\n{logs}") from error

        # The dead worker's claims return after their 5 s lease; a certificate the dead node never
        # issued (killed between the completion's commit and the issue) is issued late by the worker.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with app.app_context():
                ready = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)
                                          .where(Certificate.pdf_sha256.is_not(None)))
                db.session.rollback()
            if ready >= LEARNERS:
                break
            time.sleep(0.5)

        with app.app_context():
            attempts = db.session.execute(sa.select(Attempt.user_id, Attempt.state, Attempt.percent)
                                          .where(Attempt.quiz_id == plan["quiz_id"])).all()
            certificates = db.session.execute(sa.select(Certificate.user_id, Certificate.pdf_sha256)
                                              .where(Certificate.course_id == plan["course_id"])).all()
            stored = set(storage.backend().keys("certificates/"))
        # Every acknowledged answer counted: each learner answered all four right and scored 100 %.
        assert sum(len(a) for a in campaign.acks.values()) == LEARNERS * QUESTIONS
        assert len(attempts) == LEARNERS and {(s, float(p)) for _, s, p in attempts} == {("finished", 100.0)}
        # Every certificate issued once, with its PDF, and no second render left a file behind.
        assert len(certificates) == LEARNERS == len({uid for uid, _ in certificates})
        assert all(digest for _, digest in certificates)
        assert len(stored) == LEARNERS, stored

        # A file uploaded through one node downloads through the other (node B is gone: a fresh one).
        upload_and_download_across(Campaign([node_a, node_c]), node_a, node_c, app)
        # A session ended on one node is refused by the other.
        browser = Campaign([node_a, node_a]).sign_in("node-learner0@two-nodes.example")
        copied = {"session": browser.cookies.get("session")}  # the same browser, balanced to the other node
        assert requests.get(node_c.url + "/", cookies=copied, allow_redirects=False).status_code == 200
        token = csrf_of(browser.get(node_a.url + "/").text)
        assert browser.post(node_a.url + "/logout", data={"csrf_token": token},
                            allow_redirects=False).status_code == 302
        refused = requests.get(node_c.url + "/", cookies=copied, allow_redirects=False)
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    finally:
        for process in processes:  # SIGTERM to all first, so they stop side by side
            if process.popen.poll() is None:
                try:
                    os.killpg(process.popen.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for process in processes:
            process.stop()
    assert {p.name: p.outlived() for p in processes} == {p.name: [] for p in processes}
    for process in (node_a, workers[0]):
        assert not TROUBLE.search(process.log()), process.log()[-3000:]


def upload_and_download_across(campaign: Campaign, upload_node, download_node, app) -> None:
    from lms.testing import DEMO_EMAILS

    pdf = (ROOT / "content/fertilizer-safety/assets/pamyatka-razliv.pdf").read_bytes()
    author = Campaign([upload_node, upload_node]).sign_in(DEMO_EMAILS["author"])
    new_form = author.get(upload_node.url + "/courses/manage/new")
    response = author.post(upload_node.url + "/courses/manage/new", allow_redirects=False, data={
        "csrf_token": csrf_of(new_form.text), "title": "Два узла", "slug": "two-nodes", "description": "Курс.",
        "language": "ru", "targets_all": "y", "validity_months": "12"})
    assert response.status_code == 302, response.text[:500]
    course_id = int(re.search(r"/manage/(\d+)", response.headers["Location"])[1])
    lesson_form = author.get(upload_node.url + f"/courses/manage/{course_id}/lessons/new")
    section = re.search(r'name="section_id"[^>]*>\s*<option[^>]*value="(\d+)"', lesson_form.text, re.S)[1]
    response = author.post(upload_node.url + f"/courses/manage/{course_id}/lessons/new", allow_redirects=False,
                           data={"csrf_token": csrf_of(lesson_form.text), "section_id": section, "required": "y",
                                 "minutes": "5", "title": "Памятка", "slug": "pamyatka", "kind": "pdf",
                                 "body": "Распечатайте."},
                           files={"file": ("памятка.pdf", io.BytesIO(pdf), "application/pdf")})
    assert response.status_code == 302, response.text[:800]
    publish_page = author.get(upload_node.url + f"/courses/manage/{course_id}")
    response = author.post(upload_node.url + f"/courses/manage/{course_id}/publish", allow_redirects=False,
                           data={"csrf_token": csrf_of(publish_page.text)})
    assert response.status_code == 302
    learner = Campaign([download_node, download_node]).sign_in(DEMO_EMAILS["learner"])
    page = learner.get(download_node.url + "/courses/two-nodes/lessons/pamyatka")
    assert page.status_code == 200, page.text[:500]
    src = re.search(r'<iframe class="pdf-viewer" src="([^"]+)"', page.text)[1].replace("&amp;", "&")
    download = learner.get(download_node.url + src)
    assert download.status_code == 200 and download.content == pdf
