"""Two transactions that meet the same activity at once (a thousand learners finishing one quiz).

The second one's insert used to fail on the primary key once the first committed: the finish
request answered 500 (seen in tests/workers/test_two_nodes.py on PostgreSQL).
"""
import pytest

ACTIVITY = "https://lms.example/xapi/activities/quiz/race"


def test_a_second_transaction_merges_into_the_activity_the_first_one_created(app, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite queues writers whole (BEGIN IMMEDIATE): two cannot write at once")
    from lms.extensions import db
    from lms.testing import two_transactions_meet
    from lms.xapi.models import XapiActivity
    from lms.xapi.statements import remember_activity

    _, errors = two_transactions_meet(
        app, lambda: remember_activity({"id": ACTIVITY, "definition": {"name": {"ru": "Экзамен"}}}),
        lambda: remember_activity({"id": ACTIVITY, "definition": {"name": {"en": "Exam"}}}))
    assert errors == []
    with app.app_context():
        row = db.session.get(XapiActivity, ACTIVITY)
        assert row.definition == {"name": {"ru": "Экзамен", "en": "Exam"}}


def test_an_unchanged_definition_is_not_rewritten(app):
    from lms.extensions import db
    from lms.xapi.models import XapiActivity
    from lms.xapi.statements import remember_activity

    with app.app_context():
        remember_activity({"id": ACTIVITY, "definition": {"name": {"ru": "Экзамен"}}})
        db.session.commit()
        remember_activity({"id": ACTIVITY, "definition": {"name": {"ru": "Экзамен"}}})
        assert not db.session.dirty
        remember_activity({"id": ACTIVITY, "definition": {"type": "http://adlnet.gov/expapi/activities/assessment"}})
        assert db.session.dirty
        db.session.commit()
        assert db.session.get(XapiActivity, ACTIVITY).definition == {
            "name": {"ru": "Экзамен"}, "type": "http://adlnet.gov/expapi/activities/assessment"}
