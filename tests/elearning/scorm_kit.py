"""Helpers for the SCORM tests: import a fixture into a course and call the run-time as the page does."""
from __future__ import annotations

import io

import sqlalchemy as sa

from lms.courses.models import Course, Lesson
from lms.elearning.models import ElearningUnit
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db
from lms.testing import add_published_course, csrf_token, shared_fixture

CONTENT_ORIGIN = "http://content.localhost"


def import_fixture(app, name: str, slug: str = "golf") -> tuple[int, int, int]:
    """(course id, package id, lesson id) of a Rustici Golf fixture imported into a new course."""
    return import_zip(app, shared_fixture("elearning", "rustici-golf", name).read_bytes(), slug)


def import_zip(app, data: bytes, slug: str) -> tuple[int, int, int]:
    """(course id, package id, lesson id) of a package zip imported into a new course."""
    course_id = add_published_course(app, slug=slug, title="Golf")
    with app.app_context():
        db.session.get(Course, course_id).targets_all = True
        package = import_package(io.BytesIO(data), course_id=course_id, user_id=None)
        lesson_id = db.session.scalar(sa.select(ElearningUnit.lesson_id).where(ElearningUnit.package_id == package.id))
        commit()
        return course_id, package.id, lesson_id


class Runtime:
    """The lesson page's side of the bridge, driven from a test client."""

    def __init__(self, client, package_id: int, item: str | None = None):
        self.client = client
        self.csrf = csrf_token(client, f"/elearning/scorm/{package_id}/play")
        url = f"/elearning/scorm/{package_id}/launch" + (f"?item={item}" if item else "")
        answer = client.post(url, headers={"X-CSRFToken": self.csrf})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        self.launch = answer.get_json()

    def call(self, method: str, data: dict) -> dict:
        answer = self.client.post(self.launch["runtime"].replace("METHOD", method), json=data,
                                  headers={"X-CSRFToken": self.csrf})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()


def lesson_of(app, lesson_id: int) -> Lesson:
    with app.app_context():
        return db.session.get(Lesson, lesson_id)
