"""What the author pages share (course pages in author.py, lesson pages in author_lessons.py)."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from lms.auth.models import Role
from lms.courses.models import Course
from lms.courses.uploads import ATTACHMENT_KINDS, SLIDE_KINDS, VIDEO_KINDS, UploadError
from lms.extensions import db

EDITORS = (Role.AUTHOR, Role.ADMIN)
FILE_KINDS = {"pdf": SLIDE_KINDS, "video": VIDEO_KINDS, "attachment": ATTACHMENT_KINDS}


def course_by_id(course_id: int) -> Course:
    return db.session.get(Course, course_id) or abort(404)


def split_list(text: str | None) -> list[str]:
    return sorted({part.strip() for part in (text or "").split(",") if part.strip()})


def upload_message(error: UploadError) -> str:
    message = _(error.message)
    return message % error.params if error.params else message
