"""Benchmark: a SCORM commit with 4 KB of suspend data against a quiz answer autosave, same run.

Run: .venv/bin/python bench/scorm_commit.py [--learners 200] [--rounds 3]
Builds a portal on a temporary SQLite database (and on PostgreSQL too when LMS_BENCH_DATABASE_URL is
set; that database's public schema is dropped first) with a SCORM 1.2 lesson and the quiz of
bench/quiz_attempts.py, signs in N learners and times through the Flask test client, CSRF on:
- "scorm commit": the lesson page's relay of one commit (POST .../runtime/scorm_commit, the whole
  flattened CMI data with 4 KB of cmi.suspend_data, as scorm-again sends it);
- "autosave": one quiz answer autosave, as quizzes.js sends it;
then "200 learners committing every 30 s": every learner commits once per round, in turn, for
``--rounds`` rounds; the p95 of those commits and each round's wall time (it must stay well under
30 s for the load to be sustainable on one process) are printed.
Targets (bench/targets.py): commit median ≤ SCORM_COMMIT_VS_AUTOSAVE × autosave median, and
p95 ≤ SCORM_COMMIT_P95_MS. ``--quick`` runs tiny sizes (CI runs it, so the script cannot rot).
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402

from lms.courses.models import Course  # noqa: E402
from lms.elearning.packages import import_package  # noqa: E402
from lms.elearning.scorm_demo import demo_scorm_zip  # noqa: E402
from lms.events import commit  # noqa: E402
from lms.extensions import db  # noqa: E402
from quiz_attempts import BROWSER, PASSWORD, build, csrf_of, percentile, seed, timed  # noqa: E402
from targets import SCORM_COMMIT_P95_MS, SCORM_COMMIT_VS_AUTOSAVE  # noqa: E402
from campaign_support import slot_versions  # noqa: E402

SUSPEND_DATA = ("bookmark=12;answers=" + "abcdefgh" * 600)[:4096]


def cmi(round_number: int) -> dict:
    """What scorm-again's flattened commit of a SCORM 1.2 SCO holds."""
    return {"cmi.core.lesson_status": "incomplete", "cmi.core.lesson_location": f"page-{round_number}",
            "cmi.core.exit": "suspend", "cmi.core.session_time": f"00:{round_number % 60:02d}:30",
            "cmi.core.score.raw": "", "cmi.core.score.min": "", "cmi.core.score.max": "",
            "cmi.suspend_data": SUSPEND_DATA, "cmi.launch_data": "", "cmi.comments": "",
            "cmi.core.lesson_mode": "normal", "cmi.core.credit": "credit", "cmi.core.entry": "",
            "cmi.core.student_id": "1", "cmi.core.student_name": "Learner", "cmi.core.total_time": "00:00:00"}


def add_scorm_lesson(app) -> int:
    with app.app_context():
        course = Course(slug="bench-scorm", title="Bench SCORM", language="ru", version=1, published=True,
                        targets_all=True)
        db.session.add(course)
        db.session.flush()
        package = import_package(io.BytesIO(demo_scorm_zip()), course_id=course.id, user_id=None)
        commit()
        return package.id


class Learner:
    def __init__(self, app, n: int, package_id: int, quiz_id: int):
        self.client = app.test_client()
        token = csrf_of(self.client.get("/login").get_data(as_text=True))
        response = self.client.post("/login", headers=BROWSER, data={
            "email": f"bench{n}@example.com", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.status_code
        page = self.client.get(f"/elearning/scorm/{package_id}/play").get_data(as_text=True)
        self.headers = {**BROWSER, "X-CSRFToken": csrf_of(page)}
        launch = self.client.post(f"/elearning/scorm/{package_id}/launch", headers=self.headers).get_json()
        self.runtime = launch["runtime"]
        self.item = self.call("scorm_init", {})["item"]
        self.quiz_id = quiz_id

    def call(self, method: str, data: dict) -> dict:
        response = self.client.post(self.runtime.replace("METHOD", method), headers=self.headers, json=data)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def commit(self, round_number: int) -> None:
        answer = self.call("scorm_commit", {"item": self.item, "cmi": cmi(round_number), "finished": False})
        assert answer["result"] is True, answer

    def start_quiz(self) -> tuple[int, dict, dict]:
        token = csrf_of(self.client.get(f"/quizzes/{self.quiz_id}").get_data(as_text=True))
        response = self.client.post(f"/quizzes/{self.quiz_id}/start", headers=BROWSER, data={"csrf_token": token})
        attempt_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
        page = self.client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
        return attempt_id, slot_versions(page), {**BROWSER, "X-CSRFToken": csrf_of(page)}


def run(label: str, url: str, learners: int, rounds: int, pairs: int) -> bool:
    with tempfile.TemporaryDirectory() as instance:
        app = build(url, instance)
        app.config["ELEARNING_CONTENT_ORIGIN"] = "http://content.bench"
        quiz_id = seed(app, learners, pairs)
        package_id = add_scorm_lesson(app)
        people = [Learner(app, n, package_id, quiz_id) for n in range(learners)]
        commits, autosaves, load, round_seconds = [], [], [], []
        # Interleaved pairs on the same learner: a SCORM commit, then an answer autosave.
        learner = people[0]
        attempt_id, versions, quiz_headers = learner.start_quiz()
        def autosave(p):
            response = learner.client.post(f"/quizzes/attempts/{attempt_id}/autosave", headers=quiz_headers,
                                           json={"position": p, "fields": {f"s{p}": ["o0"]}, "version": versions[p]})
            assert response.status_code == 200, response.get_data(as_text=True)

        for position in range(1, pairs + 1):
            # Alternate which goes first, so neither pays for the other's leftovers (a WAL checkpoint …).
            steps = [(commits, lambda p=position: learner.commit(p)), (autosaves, lambda p=position: autosave(p))]
            for samples, call in (steps if position % 2 else steps[::-1]):
                timed(samples, call)
        for round_number in range(rounds):
            started = time.perf_counter()
            for person in people:
                timed(load, lambda p=person, r=round_number: p.commit(r))
            round_seconds.append(time.perf_counter() - started)
        with app.app_context():
            stored = db.session.scalar(sa.text("SELECT count(*) FROM scorm_attempt"))
            db.engine.dispose()
        ratio = statistics.median(commits) / statistics.median(autosaves)
        p95 = percentile(load, 0.95)
        print(f"\n{label}: ms through the Flask test client ({stored} attempts stored)")
        print(f"{'step':<34}{'n':>6}{'median':>10}{'p95':>10}")
        for step, samples in (("scorm commit (4 KB suspend data)", commits), ("autosave", autosaves),
                              (f"{learners} learners, every 30 s", load)):
            print(f"{step:<34}{len(samples):>6}{statistics.median(samples):>10.2f}{percentile(samples, 0.95):>10.2f}")
        print(f"commit ÷ autosave (median): {ratio:.2f} (target ≤ {SCORM_COMMIT_VS_AUTOSAVE})")
        print(f"{learners} learners: p95 {p95:.1f} ms (target < {SCORM_COMMIT_P95_MS}); longest round "
              f"{max(round_seconds):.2f} s of the 30 s between commits")
        met = ratio <= SCORM_COMMIT_VS_AUTOSAVE and p95 < SCORM_COMMIT_P95_MS
        print(f"scorm commit targets: {'met' if met else 'NOT met'}")
        return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=100, help="interleaved commit/autosave pairs")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the script still runs")
    args = parser.parse_args()
    if args.quick:
        args.learners, args.rounds, args.pairs = 3, 1, 3
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{folder}/bench.db", args.learners, args.rounds, args.pairs)
    if os.environ.get("LMS_BENCH_DATABASE_URL"):
        run("PostgreSQL", os.environ["LMS_BENCH_DATABASE_URL"], args.learners, args.rounds, args.pairs)


if __name__ == "__main__":
    main()
