"""Routes: package upload, the player page, cmi5's fetch URL, the run-time bridge and the content origin."""
from __future__ import annotations

import json
import posixpath
from pathlib import Path

import sqlalchemy as sa
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.courses.access import can_edit_courses, course_visible_to
from lms.courses.models import Course, Lesson
from lms.elearning import content, launching
from lms.elearning.archive import AREA, PackageError, safe_name, storage_name
from lms.elearning.forms import PackageUploadForm
from lms.elearning.models import ElearningLaunch, ElearningPackage, ElearningUnit
from lms.elearning.packages import import_package
from lms.elearning.runtime import find_method
from lms.events import commit
from lms.extensions import csrf, db
from lms import storage

bp = Blueprint("elearning", __name__, url_prefix="/elearning")
content_bp = Blueprint("elearning_content", __name__)


def is_content_request() -> bool:
    origin = content.content_origin()
    return bool(origin) and request.host.lower() == urlsplit(origin).netloc.lower()


def restrict_hosts():
    """before_app_request: the content host serves package files and nothing else; the portal host no package files."""
    if not content.content_origin():
        return None
    from flask import Response

    on_content = is_content_request()
    if on_content != (request.endpoint == content.CONTENT_ENDPOINT):
        # A plain answer: the portal's error page would start a session (a cookie) on the content host.
        return Response("Not found", 404, mimetype="text/plain")
    return None


def strip_cookies(response):
    """after_app_request: nothing on the content host sets a cookie."""
    if content.content_origin() and is_content_request():
        response.headers.remove("Set-Cookie")
        response.headers["Content-Security-Policy"] = content.package_policy()
    return response


bp.before_app_request(restrict_hosts)
bp.after_app_request(strip_cookies)


@bp.route("/courses/<int:course_id>/packages", methods=["GET", "POST"])
@login_required
def upload(course_id: int):
    if not can_edit_courses(current_user):
        abort(403)
    course = db.session.get(Course, course_id) or abort(404)
    form = PackageUploadForm()
    error = None
    if form.validate_on_submit():
        try:
            package = import_package(form.package.data.stream, course_id=course.id, user_id=current_user.id)
        except PackageError as refused:
            db.session.rollback()
            error = str(refused)
            form.package.errors = [*form.package.errors, error]
        else:
            commit()
            return redirect(url_for("elearning.upload", course_id=course.id, imported=package.id))
    packages = db.session.scalars(sa.select(ElearningPackage).where(ElearningPackage.course_id == course.id)
                                  .order_by(ElearningPackage.id)).all()
    return render_template("elearning/upload.html", form=form, course=course, packages=packages,
                           status=422 if error else 200), 422 if error else 200


def unit_for_learner(unit_id: int) -> tuple[ElearningUnit, Lesson, Course]:
    unit = db.session.get(ElearningUnit, unit_id) or abort(404)
    lesson = db.session.get(Lesson, unit.lesson_id) if unit.lesson_id else None
    course = db.session.get(Course, lesson.course_id) if lesson else None
    if course is None or not (can_edit_courses(current_user)
                              or (course.published and course_visible_to(current_user, course.id))):
        abort(404)
    return unit, lesson, course


@bp.route("/units/<int:unit_id>/play")
@login_required
def play(unit_id: int):
    unit, lesson, course = unit_for_learner(unit_id)
    origin = content.content_origin()
    policy = ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
              f"frame-src 'self' {origin or ''}; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
    page = render_template("elearning/play.html", unit=unit, lesson=lesson, course=course, content_origin=origin,
                           can_edit=can_edit_courses(current_user))
    return page, 200, {"Content-Security-Policy": policy}


@bp.route("/units/<int:unit_id>/launch", methods=["POST"])
@login_required
def launch(unit_id: int):
    unit, _lesson, _course = unit_for_learner(unit_id)
    try:
        row, url = launching.launch(unit, current_user)
    except launching.LaunchError:
        db.session.rollback()
        return jsonify({"error": _("Packages cannot be opened: the content origin is not configured.")}), 409
    commit()
    return jsonify({"url": url, "launch": row.id,
                    "runtime": url_for("elearning.runtime_call", launch_id=row.id, method="METHOD")})


@bp.route("/units/<int:unit_id>/return")
@login_required
def return_to_lesson(unit_id: int):
    _unit, lesson, course = unit_for_learner(unit_id)
    return redirect(url_for("courses.lesson_page", slug=course.slug, lesson_slug=lesson.slug))


@bp.route("/fetch/<token>", methods=["POST"])
@csrf.exempt  # called by the AU from the content origin; the one-time token is the proof
def fetch(token: str):
    answer = launching.fetch(token[:100])
    commit()
    response = jsonify(answer)
    response.status_code = 200 if "auth-token" in answer else 400
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/launches/<int:launch_id>/runtime/<method>", methods=["POST"])
@login_required
def runtime_call(launch_id: int, method: str):
    row = db.session.get(ElearningLaunch, launch_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    unit = db.session.get(ElearningUnit, row.unit_id)
    package = db.session.get(ElearningPackage, unit.package_id)
    handler = find_method(package.kind, method[:40])
    if handler is None:
        return jsonify({"error": _("Unknown run-time call.")}), 404
    data = request.get_json(silent=True)
    answer = handler(row, unit, package, data if isinstance(data, dict) else {})
    commit()
    return jsonify(answer)


@content_bp.route("/elearning-content/<token>/<path:path>")
def package_file(token: str, path: str):
    """A package file on the content origin, for the learner and package the signed token names."""
    granted = content.read_token(token)
    if granted is None:
        return Response(_("This link to the module has expired. Open the lesson again."), 403,
                        mimetype="text/plain")
    if path.startswith("__lms__/"):
        return portal_script(path[len("__lms__/"):])
    try:
        name = storage_name(granted["s"], safe_name(path))
        found = storage.object_info(AREA, name)
    except (PackageError, ValueError):
        found = None
    if found is None:
        return Response(_("There is no such file in the module."), 404, mimetype="text/plain")
    response = storage.send_object(AREA, name, mime_type=content.mime_type(posixpath.basename(path)))
    response.headers["Content-Security-Policy"] = content.package_policy()
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


# The portal's own files for package frames (the bridge, the SCORM wrapper), on the content origin:
# path under __lms__/ → (folder under the static folder, whether LMS_PORTAL_ORIGIN is set in front).
PORTAL_FILES = {
    "bridge.js": ("elearning", True),
    "scorm.html": ("elearning", False),
    "scorm-wrapper.js": ("elearning", True),
    "vendor/scorm-again/scorm12.min.js": ("vendor/scorm-again", False),
    "vendor/scorm-again/scorm2004.min.js": ("vendor/scorm-again", False),
}


def portal_script(name: str) -> Response:
    """One of PORTAL_FILES, served on the content origin with the package CSP."""
    if name not in PORTAL_FILES:
        return Response(_("There is no such file in the module."), 404, mimetype="text/plain")
    folder, with_origin = PORTAL_FILES[name]
    path = Path(current_app.static_folder) / folder / posixpath.basename(name)
    if not path.is_file():
        return Response(_("There is no such file in the module."), 404, mimetype="text/plain")
    text = path.read_text(encoding="utf-8")
    if with_origin:
        text = f"var LMS_PORTAL_ORIGIN = {json.dumps(content.portal_origin())};\n" + text
    response = Response(text, mimetype=content.mime_type(name).split(";")[0])
    response.headers["Content-Security-Policy"] = content.package_policy()
    response.headers["Cache-Control"] = "private, max-age=3600" if with_origin else "public, max-age=86400"
    return response
