"""bench/seed_reports.py: bulk data in every domain's tables, deterministic for a seed, and reports run on it."""
from datetime import datetime

import sqlalchemy as sa

from lms.certificates.models import Certificate
from lms.courses.models import CourseCompletionRecord, LessonProgress
from lms.extensions import db
from lms.quizzes.models import Attempt
from seed_reports import main, seed


def fingerprint(connection) -> tuple:
    return tuple(connection.scalar(query) for query in (
        sa.select(sa.func.sum(Attempt.percent)),
        sa.select(sa.func.count()).select_from(LessonProgress.__table__),
        sa.select(sa.func.count()).select_from(CourseCompletionRecord.__table__),
        sa.select(sa.func.count()).select_from(Certificate.__table__),
    ))


def test_seed_is_deterministic(app):
    prints = []
    with app.app_context():
        for _ in range(2):
            with db.engine.connect() as connection:
                transaction = connection.begin()
                seed(connection, dealers=4, users=40, courses=3, attempts=300, seed_value=7,
                     now=datetime(2026, 1, 15))
                prints.append(fingerprint(connection))
                transaction.rollback()
    assert prints[0] == prints[1] and prints[0][0] and all(prints[0])


def test_seed_script_fills_the_reports(app, login_as, capsys):
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    assert main(["--database", url, "--dealers", "5", "--users", "60", "--courses", "4", "--attempts", "400",
                 "--seed", "3", "--now", "2026-01-15"]) == 0
    assert "quiz_attempt 400" in capsys.readouterr().out
    assert main(["--database", url, "--dealers", "5", "--users", "60", "--courses", "4"]) == 1
    assert "already present" in capsys.readouterr().err
    client = login_as("manager")
    for page in ("/reports/coverage", "/reports/courses", "/reports/activity?weeks=26", "/reports/coverage.xlsx"):
        assert client.get(page).status_code == 200, page
