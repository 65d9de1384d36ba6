"""A new account's sign-in and the worker's sweep reach the same person at the same moment.

At 1,000 sign-ins in a minute (bench/exam_campaign.py) the second insert failed on the unique key:
the sign-in's hook logged a traceback and the person got the assignment only from the sweep.
"""
import pytest
import sqlalchemy as sa

from assignment_helpers import add_user, assign, dealer_id_of, user_id

from lms.testing import add_published_course, two_transactions_meet


def test_two_transactions_reaching_one_person_add_one_copy(app, demo, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite queues writers whole (BEGIN IMMEDIATE): two cannot write at once")
    from lms.assignments.models import AssignmentPerson
    from lms.assignments.services import reach_audience
    from lms.extensions import db

    course = add_published_course(app, slug="race", title="Race")
    assignment = assign(app, course_id=course, audience_kind="all")
    newcomer = add_user(app, "race@demo.example.com", dealer_id_of(app, "learner"))
    with app.app_context():  # add_user's own hook gave it already: take it back to race for it
        db.session.execute(sa.delete(AssignmentPerson).where(AssignmentPerson.user_id == newcomer))
        db.session.commit()
    reach = lambda: reach_audience(user_ids=[newcomer])  # noqa: E731 - the second's SELECT misses the first's row
    added, errors = two_transactions_meet(app, reach, reach)
    assert errors == []
    assert sorted(added) == [0, 1]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AssignmentPerson).where(
            AssignmentPerson.assignment_id == assignment, AssignmentPerson.user_id == newcomer)) == 1
    assert user_id(app, "race@demo.example.com") == newcomer
