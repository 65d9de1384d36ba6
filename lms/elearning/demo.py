"""The demo portal's e-learning course: a tiny Tin Can package made here (no third-party files)."""
from __future__ import annotations

import io
import zipfile

import sqlalchemy as sa

from lms.courses.models import Course
from lms.extensions import db

DEMO_SLUG = "demo-elearning"
ACTIVITY = "https://demo.lms.example/activities/safety-basics"

TINCAN_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
<activity id="{ACTIVITY}" type="http://adlnet.gov/expapi/activities/course">
<name>Техника безопасности: основы</name><launch lang="ru">index.html</launch></activity></activities></tincan>"""

INDEX_HTML = """<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Техника безопасности</title></head>
<body><h1>Техника безопасности: основы</h1><p>Перед работой с техникой проверьте защитные кожухи.</p>
<button id="done" type="button">Я изучил модуль</button><p id="status"></p>
<script src="done.js"></script></body></html>"""

DONE_JS = """document.getElementById("done").addEventListener("click", function () {
  var params = new URLSearchParams(location.search);
  var actor = JSON.parse(params.get("actor"));
  var statement = {actor: {objectType: "Agent", account: {homePage: actor.account[0].accountServiceHomePage,
                                                          name: actor.account[0].accountName}},
                   verb: {id: "http://adlnet.gov/expapi/verbs/completed", display: {"ru-RU": "завершил"}},
                   object: {id: params.get("activity_id")}, context: {registration: params.get("registration")}};
  fetch(params.get("endpoint") + "statements", {method: "POST", body: JSON.stringify(statement),
    headers: {"Authorization": params.get("auth"), "X-Experience-API-Version": "1.0.3",
              "Content-Type": "application/json"}}).then(function (r) {
    document.getElementById("status").textContent = r.ok ? "Модуль пройден." : "Ошибка " + r.status;
  });
});"""


def demo_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tincan.xml", TINCAN_XML)
        archive.writestr("index.html", INDEX_HTML)
        archive.writestr("done.js", DONE_JS)
    return buffer.getvalue()


def load_demo_package() -> None:
    """A published demo course with the demo package as its lesson (once)."""
    from lms.elearning.packages import import_package

    if db.session.scalar(sa.select(Course.id).where(Course.slug == DEMO_SLUG)) is not None:
        return
    course = Course(slug=DEMO_SLUG, title="Электронный модуль: техника безопасности", language="ru", version=1,
                    published=True, certificate_validity_months=12)
    db.session.add(course)
    db.session.flush()
    import_package(io.BytesIO(demo_zip()), course_id=course.id, user_id=None)
