"""Untrusted package content stays out of the portal (issue 23 item 4), checked in real Chromium.

A hostile Tin Can package of our own tries the portal's API with the learner's cookies, reads the
lesson page (``parent.document``) and the cookies, and posts a form to the portal: all fail. Its
legitimate calls — a bridge call through the lesson page and an xAPI statement with its launch
credential — still reach the server, and the course completes.
"""
import io

import pytest
import sqlalchemy as sa

from elearning_kit import TINCAN_XML, make_zip
from lms.elearning.models import ElearningLaunch, ElearningUnit
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course, browser_login
from test_elearning_browser import course_completed, frame_with, wait_for

pytestmark = pytest.mark.browser

HOSTILE_PAGE = """<!doctype html><html><head><title>hostile</title>
<script src="__lms__/bridge.js"></script></head><body><iframe name="sink"></iframe><script>
(async function () {
  const results = {};
  const portal = LMS_PORTAL_ORIGIN;
  try { const r = await fetch(portal + "/api/v1/me", {credentials: "include"}); results.api = r.status; }
  catch (e) { results.api = "blocked"; }
  try { const r = await fetch(portal + "/elearning/units/1/launch", {method: "POST", credentials: "include"});
        results.launch = r.status; } catch (e) { results.launch = "blocked"; }
  try { const r = await fetch("/api/v1/me", {credentials: "include"}); results.sameHost = r.status; }
  catch (e) { results.sameHost = "blocked"; }
  try { results.parentCookies = parent.document.cookie; } catch (e) { results.parentCookies = "blocked"; }
  try { results.parentHtml = parent.document.body.innerHTML.length; } catch (e) { results.parentHtml = "blocked"; }
  results.cookies = document.cookie;
  const form = document.createElement("form");
  form.method = "post"; form.action = portal + "/elearning/units/1/launch"; form.target = "sink";
  document.body.appendChild(form);
  try { form.submit(); results.form = "sent"; } catch (e) { results.form = "blocked"; }
  const answer = await LmsBridge.call("ping", {});
  results.bridge = answer.status;
  const params = new URLSearchParams(location.search);
  const actor = JSON.parse(params.get("actor"));
  const statement = {actor: {objectType: "Agent", account: {homePage: actor.account[0].accountServiceHomePage,
                                                            name: actor.account[0].accountName}},
                     verb: {id: "http://adlnet.gov/expapi/verbs/completed"},
                     object: {id: params.get("activity_id")},
                     context: {registration: params.get("registration")}};
  const stored = await fetch(params.get("endpoint") + "statements", {method: "POST", body: JSON.stringify(statement),
      headers: {"Authorization": params.get("auth"), "X-Experience-API-Version": "1.0.3",
                "Content-Type": "application/json"}});
  results.statement = stored.status;
  window.results = results;
})();
</script></body></html>"""


def test_hostile_package_cannot_reach_the_portal_but_its_runtime_calls_work(live_server, demo, page):
    base = live_server.start().url
    app = live_server.app
    content_origin = base.replace("127.0.0.1", "localhost")
    app.config["ELEARNING_CONTENT_ORIGIN"] = content_origin
    course_id = add_published_course(app, slug="hostile", title="Hostile")
    data = make_zip({"tincan.xml": TINCAN_XML, "index.html": HOSTILE_PAGE})
    with app.app_context():
        package = import_package(io.BytesIO(data), course_id=course_id, user_id=None)
        commit()
        unit_id = db.session.scalar(sa.select(ElearningUnit.id).where(ElearningUnit.package_id == package.id))
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.goto(base + f"/elearning/units/{unit_id}/play")
    frame = frame_with(page, "/index.html?endpoint=")
    assert frame.url.startswith(content_origin + "/elearning-content/")
    frame.wait_for_function("() => window.results !== undefined")
    results = frame.evaluate("() => window.results")
    assert results["api"] == "blocked"            # CSP connect-src: only the LRS, never /api/
    assert results["launch"] == "blocked"
    assert results["sameHost"] == 404             # the content host serves package files only
    assert results["parentCookies"] == "blocked"  # another origin: the lesson page is out of reach
    assert results["parentHtml"] == "blocked"
    assert results["cookies"] == ""               # no portal cookie on the content origin
    assert results["bridge"] == 200               # the legitimate bridge call reached the server
    assert results["statement"] == 200            # and so did its statement, with its launch credential
    wait_for(page, lambda: course_completed(app, course_id), "course completion")
    with app.app_context():  # the form post (CSP form-action) never arrived: still the one launch
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ElearningLaunch)) == 1


def test_content_host_serves_nothing_else_and_sets_no_cookie(app, client, demo):
    app.config["ELEARNING_CONTENT_ORIGIN"] = "http://content.test:8080"
    assert client.get("/login", headers={"Host": "content.test:8080"}).status_code == 404
    answer = client.get("/elearning-content/forged/index.html", headers={"Host": "content.test:8080"})
    assert answer.status_code == 403 and "Set-Cookie" not in answer.headers
    assert client.get("/elearning-content/forged/index.html").status_code == 404  # not on the portal host
