"""Benchmark: every report page and export on PostgreSQL at scale, next to a trivial SELECT 1 in the same run.

Run (the database is emptied and seeded unless --reuse):
  psql -h 127.0.0.1 -U postgres -c "create database bench_reports"
  LMS_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports \
    .venv/bin/python bench/reports.py --dealers 2000 --users 50000 --courses 100 --attempts 1000000
Each figure is the median of --runs requests through the app (query, template or export, response).
Target (issue 8): under 1 s per report page and export at the full scale. ``--check`` exits 1 when one is not.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import targets  # noqa: E402 - beside this script

TARGET_SECONDS = targets.REPORT_SECONDS
PASSWORD = "bench-password-1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dealers", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50000)
    parser.add_argument("--courses", type=int, default=100)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the data already in the database")
    parser.add_argument("--check", action="store_true", help="exit 1 when a report misses the target")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the script still runs (CI)")
    args = parser.parse_args()
    if args.quick:
        args.dealers, args.users, args.courses, args.attempts, args.runs = 4, 40, 3, 200, 1
    return args


def median_time(action, runs: int) -> float:
    action()  # warm-up: connection pool, template compilation, plan cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    args = parse_args()
    url = os.environ.get("LMS_BENCH_DATABASE_URL")
    if not url:
        print("Set LMS_BENCH_DATABASE_URL to a PostgreSQL database (e.g. .../bench_reports).", file=sys.stderr)
        return 2
    instance = tempfile.mkdtemp(prefix="lms-bench-reports-")
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench-" + "x" * 40,
                      "TESTING": True, "SERVER_NAME": "bench.test"})
    with app.app_context():
        from flask_migrate import upgrade

        if args.reuse:
            upgrade(revision="heads")  # data kept, schema brought up to date
        else:
            from seed_reports import seed  # beside this script

            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
            upgrade(revision="heads")
            started = time.perf_counter()
            from lms.timeutil import utcnow

            with db.engine.begin() as connection:
                counts = seed(connection, dealers=args.dealers, users=args.users, courses=args.courses,
                              attempts=args.attempts, seed_value=args.seed,
                              now=utcnow().replace(hour=0, minute=0, second=0, microsecond=0),
                              log=lambda message: print("  seed:", message, flush=True))
            print(f"seeded in {time.perf_counter() - started:.1f} s: {counts}", flush=True)
            # As autovacuum would on a live server: without it no page is all-visible, so every
            # index-only scan reads the heap too, and the figures measure a state no server stays in.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        from lms.auth.models import Role, User
        from lms.auth.services import create_user
        from lms.courses.models import Course
        from lms.events import commit

        for email, role, dealer_id in (("bench-manager@bench.example.com", Role.MANAGER, None),):
            if not db.session.scalar(sa.select(User.id).where(User.email == email)):
                create_user(email=email, name="Bench", role=role, dealer_id=dealer_id, password=PASSWORD, source="cli")
        commit()
        course_id = db.session.scalar(sa.select(Course.id).where(Course.certificate_validity_months.is_not(None))
                                      .order_by(Course.id).limit(1))
        dealer_id, region = db.session.execute(sa.text(
            "SELECT d.id, d.region FROM dealer d JOIN \"user\" u ON u.dealer_id = d.id "
            "WHERE u.role = 'dealer_admin' AND d.active ORDER BY d.id LIMIT 1")).one()
        admin_email = db.session.scalar(sa.select(User.email).where(User.dealer_id == dealer_id,
                                                                    User.role == Role.DEALER_ADMIN).limit(1))

    client = app.test_client()

    def login(email):
        from lms.testing import csrf_token

        response = client.post("/login", headers={"Origin": "http://bench.test", "Referer": "http://bench.test/login"},
                               data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    login("bench-manager@bench.example.com")
    pages = [
        ("dealers overview", "/reports/"),
        ("dealers overview .xlsx", "/reports/dealers.xlsx"),
        ("coverage × courses", "/reports/coverage"),
        ("coverage × product lines", "/reports/coverage?by=product_line"),
        ("coverage, one region", f"/reports/coverage?region={region}"),
        ("coverage, page 20", "/reports/coverage?page=20"),
        ("coverage .csv (summary)", "/reports/coverage.csv"),
        ("coverage .csv (matrix page)", "/reports/coverage.csv?table=matrix"),
        ("coverage .xlsx", "/reports/coverage.xlsx"),
        ("people, one course", f"/reports/coverage/people?key={course_id}"),
        ("people, not certified", f"/reports/coverage/people?key={course_id}&state=never"),
        ("people .xlsx", f"/reports/coverage/people.xlsx?key={course_id}"),
        ("courses", "/reports/courses"),
        ("courses .xlsx", "/reports/courses.xlsx"),
        ("course detail + funnel", f"/reports/courses/{course_id}"),
        ("course .xlsx", f"/reports/courses/{course_id}.xlsx"),
        ("activity 12 weeks", "/reports/activity"),
        ("activity 26 weeks .xlsx", "/reports/activity.xlsx?weeks=26"),
        ("dealer page", f"/reports/dealers/{dealer_id}"),
        ("dealer .xlsx", f"/reports/dealers/{dealer_id}.xlsx"),
        ("dealer summary .pdf", f"/reports/dealers/{dealer_id}/summary.pdf"),
    ]
    results = []
    with app.app_context():
        baseline = median_time(lambda: db.session.execute(sa.text("SELECT 1")).scalar(), max(args.runs, 20))
    # The all-dealer courses, activity and coverage-summary figures are served from lms worker's
    # snapshots (lms/reports/snapshots.py). First computed live, as without a worker; then the worker's.
    snapshot_pages = {"courses", "courses .xlsx", "activity 12 weeks", "activity 26 weeks .xlsx",
                      "coverage × courses", "coverage × product lines", "coverage, page 20",
                      "coverage .csv (summary)", "coverage .csv (matrix page)", "coverage .xlsx"}
    app.config["REPORT_SNAPSHOT_MINUTES"] = 0
    for name, path in pages:
        if name in snapshot_pages:
            def fetch(path=path):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            results.append((name + ", computed live", median_time(fetch, args.runs)))
    app.config["REPORT_SNAPSHOT_MINUTES"] = 10
    with app.app_context():
        from lms.reports.snapshots import refresh_due

        started = time.perf_counter()
        refresh_due()
        worker_seconds = time.perf_counter() - started
    pages = [(name + (", worker snapshot" if name in snapshot_pages else ""), path) for name, path in pages]
    for name, path in pages:
        def fetch(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        results.append((name, median_time(fetch, args.runs)))
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == admin_email))
        from lms.auth.passwords import hash_password

        user.password_hash = hash_password(PASSWORD)  # seeded staff have no password
        db.session.commit()
    client = app.test_client()  # a fresh session: signing in again while signed in keeps the manager
    login(admin_email)
    assert client.get("/reports/").status_code == 403  # really the dealer admin now
    for name, path in (("dealer admin: coverage", "/reports/coverage"), ("dealer admin: courses", "/reports/courses"),
                       ("dealer admin: course detail", f"/reports/courses/{course_id}"),
                       ("dealer admin: activity", "/reports/activity"),
                       ("dealer admin: dealer summary .pdf", f"/reports/dealers/{dealer_id}/summary.pdf")):
        def fetch(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        results.append((name, median_time(fetch, args.runs)))

    print(f"\nreports benchmark: {args.dealers} dealers, {args.users} users, {args.courses} courses, "
          f"{args.attempts} attempts; median of {args.runs} runs")
    print(f"{'SELECT 1 (baseline)':42} {baseline * 1000:9.2f} ms")
    print(f"{'lms worker: all four snapshots':42} {worker_seconds * 1000:9.1f} ms  (in the background, every 5 min)")
    slow = []
    for name, seconds in results:
        mark = "" if seconds < TARGET_SECONDS else "  > 1 s"
        if mark and not name.endswith("computed live"):  # what users get is the snapshot
            slow.append(name)
        print(f"{name:42} {seconds * 1000:9.1f} ms{mark}")
    return 1 if args.check and slow else 0


if __name__ == "__main__":
    sys.exit(main())
