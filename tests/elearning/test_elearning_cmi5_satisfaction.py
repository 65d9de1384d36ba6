"""cmi5 above the AU: NotApplicable AUs waived once per registration, nested blocks and the course satisfied once."""
import io
import json
import uuid
import zipfile
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from elearning_kit import fixture_package, make_zip
from lms.auth.models import User
from lms.elearning import launching
from lms.elearning.models import ElearningUnit
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course
from lms.xapi.models import XapiStatement

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"
WAIVED = "https://w3id.org/xapi/adl/verbs/waived"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
PUBLISHER = "https://example.com/cmi5/blocks"


def au(number: int, move_on: str) -> str:
    return (f'<au id="{PUBLISHER}/au{number}" moveOn="{move_on}"><title><langstring lang="en-US">AU {number}'
            f'</langstring></title><url>index.html?pages={number}&amp;complete=launch</url></au>')


# outer{ au1, inner{ au2, au3 (NotApplicable) } }, only-waived{ au4 (NotApplicable) }
CMI5_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
<course id="{PUBLISHER}"><title><langstring lang="en-US">Blocks</langstring></title></course>
<block id="{PUBLISHER}/outer"><title><langstring lang="en-US">Outer</langstring></title>
  {au(1, "Completed")}
  <block id="{PUBLISHER}/inner"><title><langstring lang="en-US">Inner</langstring></title>
    {au(2, "CompletedOrPassed")}{au(3, "NotApplicable")}</block></block>
<block id="{PUBLISHER}/only-waived"><title><langstring lang="en-US">Waived</langstring></title>
  {au(4, "NotApplicable")}</block>
</courseStructure>"""


def blocks_package() -> bytes:
    """The CATAPULT multi-AU course's files with a cmi5.xml of nested blocks."""
    with zipfile.ZipFile(io.BytesIO(fixture_package("cmi5-catapult", "multi_au_framed.zip"))) as source:
        files = {name: source.read(name) for name in source.namelist() if not name.endswith("/")}
    files["cmi5.xml"] = CMI5_XML
    return make_zip(files)


def launch(app, unit_id: int) -> tuple[dict, str]:
    with app.app_context():
        unit = db.session.get(ElearningUnit, unit_id)
        learner = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAILS["learner"]))
        row, url = launching.launch(unit, learner)
        session_id = row.session_id
        commit()
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}, session_id


def complete(client, params: dict, session_id: str) -> None:
    token = client.post(urlsplit(params["fetch"]).path).json["auth-token"]
    headers = {"Authorization": "Basic " + token, "X-Experience-API-Version": "1.0.3"}
    for verb in ("initialized", "completed", "terminated"):
        statement = {"id": str(uuid.uuid4()), "actor": json.loads(params["actor"]),
                     "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                     "object": {"id": params["activityId"]},
                     "context": {"registration": params["registration"], "extensions": {SESSION: session_id},
                                 "contextActivities": {"category": [{"id": CMI5}]}}}
        assert client.post("/xapi/statements", json=statement, headers=headers).status_code == 200


def lms_statements(app, registration: str, verb: str) -> list[dict]:
    with app.app_context():
        return list(db.session.scalars(sa.select(XapiStatement.statement).where(
            XapiStatement.registration == registration, XapiStatement.verb_id == verb)
            .order_by(XapiStatement.stored_seq)))


def test_cmi5_waived_and_block_satisfied(app, client, demo):
    app.config["ELEARNING_CONTENT_ORIGIN"] = "http://content.test"
    course_id = add_published_course(app, slug="c5-blocks", title="cmi5 blocks")
    with app.app_context():
        package = import_package(io.BytesIO(blocks_package()), course_id=course_id, user_id=None)
        units = {unit.identifier.rsplit("/", 1)[-1]: unit.id for unit in db.session.scalars(
            sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id))}
        commit()

    params, first_session = launch(app, units["au1"])
    registration = params["registration"]
    waived = lms_statements(app, registration, WAIVED)
    assert [s["context"]["contextActivities"]["grouping"][0]["id"] for s in waived] == [
        f"{PUBLISHER}/au3", f"{PUBLISHER}/au4"]
    for statement in waived:
        assert statement["result"]["success"] is True and statement["result"]["completion"] is True
        assert statement["result"]["extensions"][REASON] == "Administrative"
        assert {item["id"] for item in statement["context"]["contextActivities"]["category"]} == {CMI5, MOVEON}
        assert statement["context"]["extensions"][SESSION] not in (first_session, None)  # its own session
    # The block holding only a waived AU is satisfied by the waiver, in the waiver's session.
    satisfied = lms_statements(app, registration, SATISFIED)
    assert [s["context"]["contextActivities"]["grouping"][0]["id"] for s in satisfied] == [
        f"{PUBLISHER}/only-waived"]
    assert satisfied[0]["context"]["extensions"][SESSION] == waived[1]["context"]["extensions"][SESSION]

    complete(client, params, first_session)
    params, _session = launch(app, units["au1"])     # a later launch waives nothing again
    assert len(lms_statements(app, registration, WAIVED)) == 2
    assert len(lms_statements(app, registration, SATISFIED)) == 1   # outer still waits for au2

    params, au2_session = launch(app, units["au2"])
    complete(client, params, au2_session)
    satisfied = lms_statements(app, registration, SATISFIED)
    publisher_ids = [s["context"]["contextActivities"]["grouping"][0]["id"] for s in satisfied]
    assert publisher_ids == [f"{PUBLISHER}/only-waived", f"{PUBLISHER}/inner", f"{PUBLISHER}/outer", PUBLISHER]
    for statement in satisfied[1:]:
        assert statement["context"]["extensions"][SESSION] == au2_session
        assert statement["context"]["registration"] == registration
        assert CMI5 in {item["id"] for item in statement["context"]["contextActivities"]["category"]}
    types = [s["object"]["definition"]["type"].rsplit("/", 1)[-1] for s in satisfied]
    assert types == ["block", "block", "block", "course"]
    object_ids = [s["object"]["id"] for s in satisfied]
    assert len(set(object_ids)) == 4 and not set(object_ids) & set(publisher_ids)  # the LMS's own ids
