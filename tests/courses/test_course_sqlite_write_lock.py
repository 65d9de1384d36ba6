"""A page view that records progress takes SQLite's write lock up front, so it cannot fail with
"database is locked" when another writer committed while it was reading."""
import pytest

from course_helpers import make_course


def test_first_visit_of_a_lesson_writes_in_an_immediate_transaction(app, login_as, query_counter):
    from lms.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("BEGIN IMMEDIATE is how SQLite queues writers; PostgreSQL has row locks")
    make_course(app, "lock-course", lessons=2)
    client = login_as("learner")
    with query_counter() as statements:
        assert client.get("/courses/lock-course/lessons/l0").status_code == 200
    writes = [i for i, s in enumerate(statements) if s.lstrip().upper().startswith("INSERT INTO LESSON_PROGRESS")]
    assert writes, statements
    begins = [i for i, s in enumerate(statements) if s.strip().upper().startswith("BEGIN")]
    last_begin = max(i for i in begins if i < writes[0])
    assert statements[last_begin].strip().upper() == "BEGIN IMMEDIATE"
    with query_counter() as again:  # a second visit only reads: no write lock taken
        assert client.get("/courses/lock-course/lessons/l0").status_code == 200
    assert not any(s.strip().upper() == "BEGIN IMMEDIATE" for s in again)
