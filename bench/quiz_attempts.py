"""Benchmark: quiz start, answer autosave and finish, next to a bare Flask route measured the same way.

Run: .venv/bin/python bench/quiz_attempts.py [--users 30] [--questions 20]
Builds a portal on a temporary SQLite database (and on PostgreSQL too when LMS_BENCH_DATABASE_URL is
set; that database's public schema is dropped first), creates a quiz with 20 single-choice questions
and N learners, and times through the Flask test client: start, 20 autosaves per learner, finish.
CSRF protection is on, as in a browser: forms post their token, autosaves send the page's token in
``X-CSRFToken``, and every write carries the Origin and Referer a browser sends.
``--quick`` runs tiny sizes (CI runs it, so the script cannot rot).
It prints median and p95 per step beside the baseline, a bare route returning JSON, so the figures
show the application's own work rather than the machine's speed. No pass/fail threshold.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from flask import jsonify  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from lms import create_app  # noqa: E402
from lms.auth.passwords import hash_password  # noqa: E402
from lms.auth.models import Dealer, Role, User  # noqa: E402
from lms.events import commit  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.quizzes import bank  # noqa: E402
from lms.quizzes.models import Quiz, QuizQuestion  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from campaign_support import slot_versions  # noqa: E402 - the attempt page, read as exam_campaign reads it

PASSWORD = "bench-password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')
BROWSER = {"Origin": "http://lms.bench", "Referer": "http://lms.bench/"}


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise SystemExit("no CSRF token on the page: the benchmark no longer matches the portal")
    return match.group(1) or match.group(2)


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def timed(samples, call):
    started = time.perf_counter()
    result = call()
    samples.append((time.perf_counter() - started) * 1000)
    return result


def build(url: str, instance: str):
    if url.startswith("postgresql"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret-key-long-enough", "DATABASE_URL": url,
                      "INSTANCE_PATH": instance, "SERVER_NAME": "lms.bench"})

    @app.route("/bench-baseline", methods=["GET", "POST"])
    def baseline():
        return jsonify({"ok": True})

    with app.app_context():
        upgrade(revision="heads")
    return app


def seed(app, users: int, questions: int) -> int:
    with app.app_context():
        dealer = Dealer(name="Bench dealer", tier="gold", region="Bench")
        db.session.add(dealer)
        db.session.flush()
        password_hash = hash_password(PASSWORD)
        db.session.add_all([User(email=f"bench{n}@example.com", name=f"Learner {n}", role=Role.LEARNER,
                                 dealer_id=dealer.id, password_hash=password_hash) for n in range(users)])
        category = bank.ensure_category(["Bench"])
        definition = {"options": [{"id": f"o{k}", "text": f"Option {k}", "fraction": 1 if k == 0 else 0}
                                  for k in range(4)]}
        ids = [bank.create_question(category.id, "single_choice", {"name": f"Q{n}", "text": f"Question {n}?",
                                                                   "definition": definition}).id
               for n in range(questions)]
        quiz = Quiz(title="Bench quiz", published=True, time_limit_minutes=60, shuffle_questions=True)
        quiz.fixed = [QuizQuestion(question_id=qid, position=n) for n, qid in enumerate(ids, 1)]
        db.session.add(quiz)
        commit()
        return quiz.id


def run(label: str, url: str, users: int, questions: int) -> None:
    with tempfile.TemporaryDirectory() as instance:
        app = build(url, instance)
        quiz_id = seed(app, users, questions)
        steps = {"baseline GET": [], "baseline POST": [], "start": [], "autosave": [], "autosave, no version": [],
                 "finish": []}
        for n in range(users):
            client = app.test_client()
            token = csrf_of(client.get("/login").get_data(as_text=True))
            response = client.post("/login", headers=BROWSER, data={
                "email": f"bench{n}@example.com", "password": PASSWORD, "csrf_token": token})
            assert response.status_code == 302, response.status_code
            token = csrf_of(client.get(f"/quizzes/{quiz_id}").get_data(as_text=True))
            for _ in range(questions):
                timed(steps["baseline GET"], lambda: client.get("/bench-baseline"))
                timed(steps["baseline POST"], lambda: client.post("/bench-baseline", json={"x": 1}))
            response = timed(steps["start"], lambda: client.post(f"/quizzes/{quiz_id}/start", headers=BROWSER,
                                                                         data={"csrf_token": token}))
            attempt_id = int(re.search(r"/attempts/(\d+)", response.headers["Location"])[1])
            page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
            versions, token = slot_versions(page), csrf_of(page)
            json_headers = {**BROWSER, "X-CSRFToken": token}
            for position in range(1, questions + 1):
                # As quizzes.js sends it (the one-statement save), then as a page without data-version would.
                for step, extra in (("autosave", {"version": versions[position]}), ("autosave, no version", {})):
                    response = timed(steps[step], lambda p=position, e=extra: client.post(
                        f"/quizzes/attempts/{attempt_id}/autosave", headers=json_headers, json={"position": p, "fields": {f"s{p}": ["o0"]}, **e}))
                    assert response.status_code == 200, response.get_data(as_text=True)
            response = timed(steps["finish"], lambda: client.post(f"/quizzes/attempts/{attempt_id}/finish", headers=BROWSER,
                                                                          data={"csrf_token": token}))
            assert response.status_code == 303
        with app.app_context():
            db.engine.dispose()
        print(f"\n{label}: {users} learners × {questions} questions (ms, through the Flask test client)")
        print(f"{'step':<22}{'n':>6}{'median':>10}{'p95':>10}")
        for step, samples in steps.items():
            print(f"{step:<22}{len(samples):>6}{statistics.median(samples):>10.2f}{percentile(samples, 0.95):>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the script still runs")
    args = parser.parse_args()
    if args.quick:
        args.users, args.questions = 2, 3
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", "sqlite:///" + os.path.join(folder, "bench.sqlite3"), args.users, args.questions)
    pg = os.environ.get("LMS_BENCH_DATABASE_URL")
    if pg:
        run("PostgreSQL", pg, args.users, args.questions)


if __name__ == "__main__":
    main()
