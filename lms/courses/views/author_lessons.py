"""Author pages for lessons: create, edit (with live preview), reorder; files are checked before anything is saved."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from lms.auth.permissions import roles_required
from lms.bounds import parse_id
from lms.courses.forms import LessonForm
from lms.courses.models import Course, Lesson
from lms.courses.services import check_file, embeddable_url, render_lesson, save_asset
from lms.courses.slugs import lesson_slug_taken, new_lesson_slug
from lms.courses.uploads import ATTACHMENT_KINDS, UploadError
from lms.courses.views import bp
from lms.courses.views.author_helpers import EDITORS, FILE_KINDS, course_by_id, upload_message
from lms.events import commit
from lms.extensions import db


def lesson_form(course: Course, lesson: Lesson | None) -> LessonForm:
    form = LessonForm(obj=lesson if request.method == "GET" else None)
    form.section_id.choices = [SelectChoice(s.id, s.title or _("Untitled section")) for s in course.sections]
    return form


def pending_uploads(form: LessonForm, lesson: Lesson | None) -> dict:
    """Check every uploaded file first; raises UploadError before anything is written."""
    kind = form.kind.data
    checks = {}
    try:
        for field, allowed in (("file", FILE_KINDS.get(kind)), ("preview", {"pdf"} if kind == "pdf" else None),
                               ("attachment", ATTACHMENT_KINDS)):
            upload = request.files.get(field)
            if upload and upload.filename:
                if allowed is None:
                    raise UploadError("not_here", "A file cannot be attached to this kind of lesson here.")
                checks[field] = check_file(upload.stream, upload.filename, allowed)
    except UploadError:
        for check in checks.values():
            check.discard()
        raise
    return checks


def problem_field(form: LessonForm):
    """The field a lesson problem belongs next to."""
    kind = form.kind.data
    if kind == "markdown":
        return form.body
    if kind == "video" and (form.video_url.data or "").strip():
        return form.video_url
    return form.file


def lesson_problem(form: LessonForm, lesson: Lesson | None, checks: dict) -> str | None:
    """What is missing for the chosen kind, as a translated message, or None."""
    kind = form.kind.data
    has_file = "file" in checks or (lesson is not None and lesson.file_asset_id is not None and lesson.kind == kind)
    if kind == "markdown" and not (form.body.data or "").strip():
        return _("A lecture needs some text.")
    if kind in ("pdf", "attachment") and not has_file:
        return _("Upload the file for this lesson.")
    if kind == "video":
        url = (form.video_url.data or "").strip()
        if url and embeddable_url(url) is None:
            return _("This video address is not on the list of allowed hosts.")
        if not has_file and not url:
            return _("Upload a video (MP4 or WebM) or give a video address.")
    if "preview" in checks and not (("file" in checks and checks["file"].kind == "pptx")
                                    or (lesson and lesson.file_asset and lesson.file_asset.kind == "pptx")):
        return _("A PDF preview is only for a PPTX file.")
    return None


@bp.route("/manage/<int:course_id>/lessons/new", methods=["GET", "POST"], endpoint="new_lesson")
@bp.route("/manage/<int:course_id>/lessons/<int:lesson_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_lesson(course_id: int, lesson_id: int | None = None):
    course = course_by_id(course_id)
    lesson = None
    if lesson_id is not None:
        lesson = db.session.get(Lesson, lesson_id)
        if lesson is None or lesson.course_id != course.id:
            abort(404)
    form = lesson_form(course, lesson)
    status = 200
    if request.method == "GET" and lesson is None:
        form.required.data = True
        wanted = parse_id(request.args.get("section_id"))  # "Add a lesson" under a section of the builder
        if wanted in {section.id for section in course.sections}:
            form.section_id.data = wanted
    if form.validate_on_submit():
        slug_taken = bool(form.slug.data) and lesson_slug_taken(course.id, form.slug.data, lesson.id if lesson else None)
        try:
            checks = pending_uploads(form, lesson)
        except UploadError as error:
            form.file.errors.append(upload_message(error))
            flash(upload_message(error), "error")
            db.session.rollback()
            return render_template("courses/manage/lesson_form.html", form=form, course=course, lesson=lesson), 422
        problem = None if slug_taken else lesson_problem(form, lesson, checks)
        if slug_taken or problem:
            for check in checks.values():
                check.discard()
            if slug_taken:
                form.slug.errors.append(_("This address is already used by another lesson."))
            else:
                problem_field(form).errors.append(problem)
            flash(problem or _("This address is already used by another lesson."), "error")
            status = 422
        else:
            lesson = save_lesson(course, lesson, form, checks)
            commit()
            flash(_("Lesson saved."), "success")
            return redirect(url_for("courses.edit_lesson", course_id=course.id, lesson_id=lesson.id))
    elif form.is_submitted():
        status = 400
    return render_template("courses/manage/lesson_form.html", form=form, course=course, lesson=lesson), status


def save_lesson(course: Course, lesson: Lesson | None, form: LessonForm, checks: dict) -> Lesson:
    section = next(s for s in course.sections if s.id == form.section_id.data)
    slug = form.slug.data or (lesson.slug if lesson else None) or new_lesson_slug(course.id, form.title.data)
    if lesson is None:
        lesson = Lesson(course=course, attachments=[], position=len(section.lessons))
        db.session.add(lesson)
        lesson.section = section
    elif lesson.section is not section:
        lesson.section = section
        lesson.position = len(section.lessons)
    lesson.slug = slug
    lesson.title = form.title.data.strip()
    lesson.kind = form.kind.data
    lesson.required = form.required.data
    lesson.minutes = form.minutes.data
    lesson.body = (form.body.data or "").replace("\r\n", "\n")  # browsers send CRLF; files and exports use LF
    lesson.video_url = (form.video_url.data or "").strip() or None if lesson.kind == "video" else None
    if "file" in checks:
        lesson.file_asset = save_asset(course, checks["file"])
    if lesson.kind == "markdown":
        lesson.file_asset = None
    if "preview" in checks:
        lesson.preview_asset = save_asset(course, checks["preview"])
    if "attachment" in checks:
        name = save_asset(course, checks["attachment"]).name
        lesson.attachments = [*(a for a in lesson.attachments or () if a != name), name]
    db.session.flush()
    render_lesson(course, lesson)
    return lesson
