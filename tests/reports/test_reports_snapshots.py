"""All-dealer report snapshots: lms worker computes them, pages read them, narrower views never do."""

import pytest
import sqlalchemy as sa

from lms.courses.models import CourseCompletionRecord
from lms.extensions import db
from lms.reports.models import ReportSnapshot
from lms.timeutil import utcnow
from reports_data import build, csv_rows, user

AS_OF = "рассчитано в"


@pytest.fixture
def data(app, demo):
    return build(app)


def run_worker(app) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_pages_read_the_worker_snapshot_and_say_when_it_was_computed(app, login_as, data):
    manager = login_as("manager")
    live_courses = csv_rows(manager.get("/reports/courses.csv"))
    live_activity = csv_rows(manager.get("/reports/activity.csv?weeks=4"))
    live_coverage = {by: csv_rows(manager.get(f"/reports/coverage.csv?by={by}")) for by in ("course", "product_line")}
    assert AS_OF not in manager.get("/reports/courses").get_data(as_text=True)  # no worker yet: live

    assert "report snapshots: 4" in run_worker(app)
    assert "report snapshots" not in run_worker(app)  # fresh: nothing to redo

    assert csv_rows(manager.get("/reports/courses.csv")) == live_courses
    assert csv_rows(manager.get("/reports/activity.csv?weeks=4")) == live_activity
    for by, rows in live_coverage.items():
        assert csv_rows(manager.get(f"/reports/coverage.csv?by={by}")) == rows
    assert AS_OF not in manager.get("/reports/coverage?days=60").get_data(as_text=True)  # another horizon: live
    for page in ("/reports/courses", "/reports/activity", "/reports/coverage"):
        assert AS_OF in manager.get(page).get_data(as_text=True)

    # A completion after the snapshot shows once the snapshot is recomputed, live for a region at once.
    with app.app_context():
        db.session.add(CourseCompletionRecord(user_id=user("b1@t.example.com").id, course_id=data["c1"],
                                              course_version=1, completed_at=utcnow()))
        db.session.execute(sa.update(ReportSnapshot).values(computed_at=utcnow().replace(year=2020)))
        db.session.commit()
    assert AS_OF not in manager.get("/reports/courses").get_data(as_text=True)  # stale: live again
    refreshed = csv_rows(manager.get("/reports/courses.csv"))
    assert refreshed != live_courses
    run_worker(app)
    assert csv_rows(manager.get("/reports/courses.csv")) == refreshed


def test_a_dealer_admin_never_reads_the_all_dealer_snapshot(app, login_as, data):
    run_worker(app)
    with app.app_context():  # poison the snapshot: any page that read it would show the marker
        db.session.execute(sa.update(ReportSnapshot).where(ReportSnapshot.key == "courses")
                           .values(payload=[{"id": data["c1"], "slug": "x", "title": "ОТРАВЛЕНО", "product_line": None,
                                             "quiz_id": None, "enrolled": 999, "completed": 0, "in_progress": 999,
                                             "graded": 0, "passed": 0, "pass_rate": None, "avg_score": None,
                                             "avg_minutes": None}]))
        db.session.commit()
    assert "ОТРАВЛЕНО" in login_as("manager").get("/reports/courses").get_data(as_text=True)
    admin_page = login_as("dealer_admin").get("/reports/courses").get_data(as_text=True)
    assert "ОТРАВЛЕНО" not in admin_page and AS_OF not in admin_page
    assert AS_OF not in login_as("dealer_admin").get("/reports/coverage").get_data(as_text=True)
    region = login_as("manager").get("/reports/courses?region=Нет такого").get_data(as_text=True)
    assert "ОТРАВЛЕНО" not in region and AS_OF not in region


def test_snapshots_can_be_turned_off(app_factory, demo, login_as, data):
    app = app_factory(REPORT_SNAPSHOT_MINUTES=0)
    assert "report snapshots" not in run_worker(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportSnapshot)) == 0
