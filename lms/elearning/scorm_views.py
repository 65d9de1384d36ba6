"""SCORM routes: the player page with its table of contents, the launch, settings and reports."""
from __future__ import annotations

import uuid
from urllib.parse import quote

import sqlalchemy as sa
from flask import (Blueprint, Response, abort, current_app, g, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.session_user import session_login_required
from lms.courses.access import can_edit_courses, course_visible_to
from lms.courses.models import Course, Lesson
from lms.elearning import content
from lms.elearning.models import ElearningLaunch, ElearningPackage, ElearningUnit
from lms.elearning.scorm_forms import ScormSettingsForm
from lms.elearning import scorm_reports
from lms.elearning.scorm_runtime import SCORM_KINDS
from lms.elearning.scorm_state import sequencer_for, start_item
from lms.elearning.runtime import find_method
from lms.elearning.scorm_quick_commit import quick_commit
from lms.elearning.scorm_tracking import CmiRefused, clean_cmi, settings_of
from lms.events import commit
from lms.extensions import db

bp = Blueprint("elearning_scorm", __name__, url_prefix="/elearning/scorm")


def package_for_learner(package_id: int) -> tuple[ElearningPackage, Lesson, Course]:
    package = db.session.get(ElearningPackage, package_id)
    if package is None or package.kind not in SCORM_KINDS:
        abort(404)
    lesson_id = db.session.scalar(sa.select(ElearningUnit.lesson_id).where(ElearningUnit.package_id == package.id,
                                                                           ElearningUnit.lesson_id.is_not(None)))
    lesson = db.session.get(Lesson, lesson_id) if lesson_id else None
    course = db.session.get(Course, lesson.course_id) if lesson else None
    if course is None or not (can_edit_courses(current_user)
                              or (course.published and course_visible_to(current_user, course.id))):
        abort(404)
    return package, lesson, course


def package_for_author(package_id: int) -> tuple[ElearningPackage, Lesson, Course]:
    if not can_edit_courses(current_user):
        abort(403)
    return package_for_learner(package_id)


@bp.route("/<int:package_id>/play")
@login_required
def play(package_id: int):
    package, lesson, course = package_for_learner(package_id)
    contents = sequencer_for(current_user.id, package).table_of_contents()
    item = request.args.get("item", "")[:1000]
    if not any(row["identifier"] == item and row["choosable"] for row in contents):
        item = ""
    origin = content.content_origin()
    policy = ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
              f"frame-src {origin or 'none'}; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
    page = render_template("elearning/scorm_play.html", package=package, lesson=lesson, course=course,
                           contents=contents, item=item, content_origin=origin, can_edit=can_edit_courses(current_user),
                           launch_url=url_for("elearning_scorm.launch", package_id=package.id, item=item or None))
    return page, 200, {"Content-Security-Policy": policy}


@bp.route("/<int:package_id>/launch", methods=["POST"])
@login_required
def launch(package_id: int):
    """One launch per visit; the wrapper frame on the content origin names the item in each call."""
    package, _lesson, _course = package_for_learner(package_id)
    if not content.content_origin():
        return jsonify({"error": _("Packages cannot be opened: the content origin is not configured.")}), 409
    item = request.args.get("item", "")[:1000] or start_item(current_user.id, package) or ""
    unit = db.session.scalar(sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id,
                                                            ElearningUnit.identifier == item)) \
        or db.session.scalar(sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id)
                             .order_by(ElearningUnit.position).limit(1))
    if unit is None:
        abort(404)
    row = ElearningLaunch(unit_id=unit.id, user_id=current_user.id, registration=str(uuid.uuid4()),
                          session_id=str(uuid.uuid4()))
    db.session.add(row)
    db.session.flush()
    url = content.content_url(current_user.id, package.sha256, "__lms__/scorm.html") + "?item=" + \
        quote(unit.identifier, safe="")
    commit()
    return jsonify({"url": url, "launch": row.id,
                    "runtime": url_for("elearning_scorm.runtime_call", launch_id=row.id, method="METHOD")})


@bp.route("/launches/<int:launch_id>/runtime/<method>", methods=["POST"])
@session_login_required
def runtime_call(launch_id: int, method: str):
    """The bridge's SCORM calls; a commit that moves no status is one UPDATE in its own transaction
    (the hot path: every learner's SCO commits every 30 s; see scorm_quick_commit), the others go
    through the registered handlers."""
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    if method == "scorm_commit" and isinstance(data.get("item"), str):
        try:
            cmi = clean_cmi(data.get("cmi"))
        except CmiRefused as refused:
            return jsonify({"result": False, "error": str(refused)})
        answer = quick_commit(launch_id, g.lms_user_id, g.lms_session_token, data["item"], cmi,
                              data.get("finished") is True)
        if answer is not None:  # stored and committed by its one statement
            return jsonify(answer)
    if not current_user.is_authenticated:  # loads the account and checks its session, as login_required
        return current_app.login_manager.unauthorized()
    row = db.session.get(ElearningLaunch, launch_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    unit = db.session.get(ElearningUnit, row.unit_id)
    package = db.session.get(ElearningPackage, unit.package_id)
    handler = find_method(package.kind, method[:40])
    if handler is None:
        return jsonify({"error": _("Unknown run-time call.")}), 404
    answer = handler(row, unit, package, data)
    commit()
    return jsonify(answer)


@bp.route("/<int:package_id>/settings", methods=["GET", "POST"])
@login_required
def settings(package_id: int):
    package, lesson, course = package_for_author(package_id)
    current = settings_of(package)
    form = ScormSettingsForm(data=current)
    if form.validate_on_submit():
        manifest = dict(package.manifest or {})
        manifest["settings"] = {"complete_on": form.complete_on.data, "min_score": form.min_score.data,
                                "attempts": form.attempts.data}
        package.manifest = manifest
        commit()
        return redirect(url_for("elearning_scorm.settings", package_id=package.id, saved=1))
    status = 422 if form.errors else 200
    return render_template("elearning/scorm_settings.html", form=form, package=package, lesson=lesson,
                           course=course, saved=request.args.get("saved") == "1"), status


@bp.route("/<int:package_id>/report")
@login_required
def report(package_id: int):
    package, lesson, course = package_for_author(package_id)
    return render_template("elearning/scorm_report.html", package=package, lesson=lesson, course=course,
                           rows=scorm_reports.learner_rows(package.id))


@bp.route("/<int:package_id>/interactions.<fmt>")
@login_required
def interactions(package_id: int, fmt: str):
    package, _lesson, _course = package_for_author(package_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    if fmt == "csv":
        body, mimetype = scorm_reports.interactions_csv(package.id), "text/csv"  # Flask adds the charset
    else:
        body = scorm_reports.interactions_xlsx(package.id)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=scorm-{package.id}-interactions.{fmt}"})
