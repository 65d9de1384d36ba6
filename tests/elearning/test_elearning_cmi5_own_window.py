"""cmi5 launchMethod: an OwnWindow AU opens in a window of its own (no frame), an AnyWindow AU stays framed."""
import io
import re
import zipfile

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from elearning_kit import fixture_package, make_zip
from test_elearning_browser import answer_quiz_if_shown, course_completed, wait_for
from lms.elearning.models import ElearningUnit
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course, browser_login, csrf_token

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


@pytest.mark.browser
def test_own_window_au_played_in_its_window_completes_the_course(live_server, demo, page):
    """Real Chromium: the button opens the CATAPULT AU in a new window; played there, the course completes."""
    with zipfile.ZipFile(io.BytesIO(fixture_package("cmi5-catapult", "single_au_basic_framed.zip"))) as source:
        files = {name: source.read(name) for name in source.namelist() if not name.endswith("/")}
    files["cmi5.xml"] = re.sub(rb"<au ", b'<au launchMethod="OwnWindow" ', files["cmi5.xml"], count=1)
    base = live_server.start().url
    app = live_server.app
    app.config["ELEARNING_CONTENT_ORIGIN"] = base.replace("127.0.0.1", "localhost")
    course_id = add_published_course(app, slug="own-window", title="Own window")
    with app.app_context():
        package = import_package(io.BytesIO(make_zip(files)), course_id=course_id, user_id=None)
        unit_id = db.session.scalar(sa.select(ElearningUnit.id).where(ElearningUnit.package_id == package.id))
        commit()
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.goto(base + f"/elearning/units/{unit_id}/play")
    assert page.locator("iframe").count() == 0
    with page.expect_popup() as opened:
        page.locator("#elearning-open-window").click()
    au = opened.value
    wait_for(page, lambda: "fetch=" in au.url, "the AU's launch URL in the new window")
    assert au.url.startswith(base.replace("127.0.0.1", "localhost") + "/elearning-content/")
    au.wait_for_load_state()
    # Every page, then the quiz; "Next" is clicked only when it is there and enabled (the AU may still
    # be initializing), so a slow start does not end the walk early.
    for _ in range(120):
        if answer_quiz_if_shown(au):
            break
        resume = au.locator("#bookmark-overlay.full-overlay-visible .resume-button")
        if resume.count():  # the AU offers its own bookmark back
            resume.click()
            continue
        following = au.locator("#next")
        if following.count() and following.first.is_visible() and following.first.is_enabled():
            try:
                following.first.click(timeout=2000)
            except PlaywrightTimeout:  # the AU raised its bookmark question meanwhile: handled above
                continue
        else:
            au.wait_for_timeout(250)
    wait_for(page, lambda: course_completed(app, course_id), "course completion")
