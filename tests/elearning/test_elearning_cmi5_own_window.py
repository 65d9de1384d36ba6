"""cmi5 launchMethod: an OwnWindow AU opens in a window of its own (no frame), an AnyWindow AU stays framed."""
import io
import re

import sqlalchemy as sa

from elearning_kit import make_zip
from lms.elearning.models import ElearningUnit
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db
from lms.testing import add_published_course, csrf_token

COURSE = "https://example.com/cmi5/windows"
CMI5_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
<course id="{COURSE}"><title><langstring lang="en-US">Windows</langstring></title></course>
<au id="{COURSE}/own" moveOn="Completed" launchMethod="OwnWindow"><title><langstring lang="en-US">Own</langstring>
</title><url>index.html</url></au>
<au id="{COURSE}/any" moveOn="Completed" launchMethod="AnyWindow"><title><langstring lang="en-US">Any</langstring>
</title><url>index.html</url></au>
</courseStructure>"""


def test_own_window_au_is_not_framed(app, client, demo, login_as):
    app.config["ELEARNING_CONTENT_ORIGIN"] = "http://content.test"
    course_id = add_published_course(app, slug="c5-windows", title="cmi5 windows")
    with app.app_context():
        package = import_package(io.BytesIO(make_zip({"cmi5.xml": CMI5_XML, "index.html": "<p>AU</p>"})),
                                 course_id=course_id, user_id=None)
        units = {unit.launch_method: unit.id for unit in db.session.scalars(
            sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id))}
        commit()
    login_as("learner")

    own = client.get(f"/elearning/units/{units['OwnWindow']}/play")
    assert own.status_code == 200
    page = own.get_data(as_text=True)
    assert "<iframe" not in page
    assert 'id="elearning-open-window"' in page                       # the button that opens the window
    assert f'data-launch-url="/elearning/units/{units["OwnWindow"]}/launch"' in page

    # The button's launch (what player.js POSTs) answers the AU's URL, whose returnURL leads back.
    launched = client.post(f"/elearning/units/{units['OwnWindow']}/launch", json={},
                           headers={"X-CSRFToken": csrf_token(client, f"/elearning/units/{units['OwnWindow']}/play")})
    assert launched.status_code == 200
    assert launched.json["url"].startswith("http://content.test/") and "fetch=" in launched.json["url"]
    back = client.get(f"/elearning/units/{units['OwnWindow']}/return")
    assert back.status_code == 302 and "/courses/" in back.headers["Location"]

    framed = client.get(f"/elearning/units/{units['AnyWindow']}/play").get_data(as_text=True)
    assert re.search(r'<iframe id="elearning-frame"', framed) and "elearning-open-window" not in framed
