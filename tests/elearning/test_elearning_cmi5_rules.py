"""cmi5 at the LRS: one-time fetch, LMS.LaunchData, and statements out of order refused (403, nothing stored)."""
import io
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from elearning_kit import fixture_package
from lms.auth.models import User
from lms.elearning import launching
from lms.elearning.models import ElearningUnit
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def test_cmi5_session_rules(app, client, demo):
    app.config["ELEARNING_CONTENT_ORIGIN"] = "http://content.test"
    course_id = add_published_course(app, slug="c5", title="cmi5")
    with app.app_context():
        package = import_package(io.BytesIO(fixture_package("cmi5-catapult", "single_au_basic_framed.zip")),
                                 course_id=course_id, user_id=None)
        unit = db.session.scalar(sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id))
        learner = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAILS["learner"]))
        row, url = launching.launch(unit, learner)
        session_id, learner_id, lesson_id = row.session_id, learner.id, unit.lesson_id
        commit()
    params = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    fetch_path = urlsplit(params["fetch"]).path
    token = client.post(fetch_path).json["auth-token"]
    assert client.post(fetch_path).json["error-code"] == "1"  # one time only
    headers = {"Authorization": "Basic " + token, "X-Experience-API-Version": "1.0.3"}
    query = {"stateId": "LMS.LaunchData", "activityId": params["activityId"], "agent": params["actor"],
             "registration": params["registration"]}
    launch_data = client.get("/xapi/activities/state", query_string=query, headers=headers).json
    assert launch_data["moveOn"] == "CompletedOrPassed"
    assert launch_data["contextTemplate"]["extensions"][SESSION] == session_id

    def send(verb, session=session_id, **extra):
        statement = {"id": str(uuid.uuid4()), "actor": json.loads(params["actor"]),
                     "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                     "object": {"id": params["activityId"]},
                     "context": {"registration": params["registration"], "extensions": {SESSION: session},
                                 "contextActivities": {"category": [{"id": CMI5}]}}, **extra}
        return client.post("/xapi/statements", json=statement, headers=headers)

    assert send("completed").status_code == 403          # before initialized
    assert send("initialized", session=str(uuid.uuid4())).status_code == 403  # another session
    assert send("launched").status_code == 403           # the LMS's verb
    assert send("initialized").status_code == 200
    assert send("initialized").status_code == 403        # once
    assert send("completed").status_code == 200
    assert send("completed").status_code == 403          # once per registration
    assert send("terminated").status_code == 200
    assert send("experienced").status_code == 403        # after terminated
    with app.app_context():
        from lms.courses.models import LessonProgress

        done = db.session.scalar(sa.select(LessonProgress.completed_at).where(
            LessonProgress.user_id == learner_id, LessonProgress.lesson_id == lesson_id))
        assert done is not None                           # moveOn CompletedOrPassed met
