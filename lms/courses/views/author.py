"""Author pages (roles author and admin): courses, sections, lessons, uploads, preview, publishing."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from lms.auth.models import Dealer
from lms.auth.permissions import roles_required
from lms.courses.copies import publish_draft
from lms.courses.exams import course_exam_ids, exam_choices, set_course_exams
from lms.courses.forms import LESSON_KIND_LABELS, AssetForm, CourseForm, PublishForm, SectionForm, SectionRenameForm
from lms.courses.models import Course, CourseSection
from lms.courses.rendering import render_course_markdown
from lms.courses.services import (
    asset_names, certificate_templates, check_file, publish_course, render_course, save_asset, set_targets,
)
from lms.courses.slugs import course_slug_taken, new_course_slug
from lms.courses.uploads import IMAGE_KINDS, MIME_TYPES, UploadError
from lms.courses.views import bp
from lms.courses.views.author_helpers import EDITORS, course_by_id, split_list, upload_message
from lms.events import commit
from lms.extensions import db
from lms.listing import matches, page_of, search_term

@bp.route("/manage/")
@roles_required(*EDITORS)
def manage():
    term = search_term(request.args.get("q"))
    query = sa.select(Course)
    if term:
        query = query.where(matches(term, Course.title, Course.slug))
    page = page_of(query.order_by(Course.title, Course.id), request.args.get("page"))
    return render_template("courses/manage/index.html", courses=page.items, page=page, term=term)



def course_form(course: Course | None, stored: bool = False) -> CourseForm:
    """The settings form: from the request on POST, or the stored values (on GET, or ``stored``:
    when another small form of the builder page was posted)."""
    stored = stored or request.method == "GET"
    form = CourseForm(formdata=None, obj=course) if stored and request.method != "GET" else CourseForm(
        obj=course if stored else None)
    form.dealers.choices = [SelectChoice(i, n) for i, n in db.session.execute(
        sa.select(Dealer.id, Dealer.name).order_by(Dealer.name))]
    form.exam_ids.choices = [SelectChoice(i, _("%(title)s (pass mark %(percent)s%%)", title=t,
                                               percent=format(p.normalize(), "f")))
                             for i, t, p in exam_choices(course.id if course else None)]
    form.certificate_template.choices = [SelectChoice("", _("Standard"))] + [
        SelectChoice(name, name) for name in certificate_templates() if name != "default"]
    if course is not None and stored:
        form.certificate.data = course.certificate_validity_months is not None
        form.validity_months.data = (course.certificate_validity_months if course.certificate_validity_months
                                     is not None else course.certificate_months_kept)
        form.certificate_template.data = course.certificate_template or ""
        form.exam_ids.data = course_exam_ids(course.id)
        form.tiers.data = ", ".join(t.value for t in course.targets if t.kind == "tier")
        form.regions.data = ", ".join(t.value for t in course.targets if t.kind == "region")
        form.dealers.data = [t.dealer_id for t in course.targets if t.kind == "dealer"]
    elif course is None and stored:
        form.targets_all.data = True
        form.exam_ids.data = []
    return form


def course_form_ok(form: CourseForm, course: Course | None) -> bool:
    """Validate the fields and the rules across them, every message next to its field."""
    valid = form.validate()
    if form.slug is not None and form.slug.data and not form.slug.errors and course_slug_taken(
            form.slug.data, course.id if course else None):
        form.slug.errors.append(_("This address is already taken."))
    if not form.targets_all.data and not (split_list(form.tiers.data) or split_list(form.regions.data)
                                          or form.dealers.data):
        form.targets_all.errors.append(_("Choose who sees the course: all dealers, tiers, regions or dealers."))
    if form.certificate.data and form.validity_months.data is None and not form.validity_months.errors:
        form.validity_months.errors.append(_("Enter the validity in months (0: the certificate does not expire)."))
    if form.completion_rule.data == "exam_only" and not form.exam_ids.data and not form.exam_ids.errors:
        form.completion_rule.errors.append(_("Choose the exam first: without one the lessons complete the course."))
    return valid and not (form.targets_all.errors or form.validity_months.errors or form.completion_rule.errors
                          or (form.slug is not None and form.slug.errors))


def apply_course_form(course: Course, form: CourseForm) -> None:
    course.title = form.title.data.strip()
    course.description = (form.description.data or "").replace("\r\n", "\n")  # browsers send CRLF
    course.language = form.language.data
    course.product_line = (form.product_line.data or "").strip() or None
    if form.validity_months.data is not None:  # kept while the certificate is off, restored when it is on again
        course.certificate_months_kept = form.validity_months.data
    course.certificate_validity_months = course.certificate_months_kept if form.certificate.data else None
    course.certificate_template = form.certificate_template.data or None
    course.completion_rule = form.completion_rule.data
    set_targets(course, targets_all=form.targets_all.data, tiers=split_list(form.tiers.data),
                regions=split_list(form.regions.data), dealer_ids=form.dealers.data or [])
    db.session.flush()
    set_course_exams(course.id, form.exam_ids.data or [])
    render_course(course)


def settings_form(course: Course, stored: bool = False) -> CourseForm:
    form = course_form(course, stored)
    if course.version:
        del form.slug  # once published the address stays: shared links and cached HTML depend on it
    elif stored or request.method == "GET":
        form.slug.data = course.slug
    return form


def builder_page(course: Course | None, form: CourseForm, status: int, refusal: dict | None = None,
                 section_form: SectionForm | None = None):
    """The builder; ``refusal`` ({"target": "section-3"/"lesson-7"/"remove-section-3", "value", "message"})
    shows a small form's problem next to its field, with what was typed kept."""
    if course is None:
        return render_template("courses/manage/course_form.html", form=form, course=None), status
    return render_template("courses/manage/course_form.html", form=form, course=course,
                           section_form=section_form or SectionForm(), asset_form=AssetForm(), publish_form=PublishForm(),
                           action_form=SectionRenameForm(), kind_labels=LESSON_KIND_LABELS, refusal=refusal or {}), status


@bp.route("/manage/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_course():
    form = course_form(None)
    status = 200
    if form.is_submitted():
        if course_form_ok(form, None):
            course = Course(slug=form.slug.data or new_course_slug(form.title.data), version=0, published=False)
            db.session.add(course)
            course.sections.append(CourseSection(title="", position=0))
            apply_course_form(course, form)
            commit()
            flash(_("Course created. Add lessons, then publish it."), "success")
            return redirect(url_for("courses.edit_course", course_id=course.id))
        status = 422
    return builder_page(None, form, status)


@bp.route("/manage/<int:course_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_course(course_id: int):
    course = course_by_id(course_id)
    form = settings_form(course)
    status = 200
    if form.is_submitted():
        if course_form_ok(form, course):
            if form.slug is not None and form.slug.data:
                course.slug = form.slug.data
            apply_course_form(course, form)
            commit()
            flash(_("Course saved."), "success")
            return redirect(url_for("courses.edit_course", course_id=course.id))
        status = 422
    return builder_page(course, form, status)


@bp.route("/manage/<int:course_id>/assets", methods=["POST"])
@roles_required(*EDITORS)
def upload_asset(course_id: int):
    course = course_by_id(course_id)
    form = AssetForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or not upload or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("courses.edit_course", course_id=course.id)), 303
    try:
        check = check_file(upload.stream, upload.filename, MIME_TYPES.keys())
    except UploadError as error:
        flash(upload_message(error), "error")
        return render_template("courses/manage/refused.html", course=course, message=upload_message(error)), 422
    asset = save_asset(course, check)
    db.session.flush()
    render_course(course)
    commit()
    flash(_("File uploaded. Use it in Markdown as ![description](assets/%(name)s).", name=asset.name)
          if asset.kind in IMAGE_KINDS else _("File uploaded."), "success")
    return redirect(url_for("courses.edit_course", course_id=course.id))


@bp.route("/manage/<int:course_id>/publish", methods=["POST"])
@roles_required(*EDITORS)
def publish(course_id: int):
    course = course_by_id(course_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    if not any(section.lessons for section in course.sections):
        flash(_("Add at least one lesson before publishing."), "error")
        return redirect(url_for("courses.edit_course", course_id=course.id))
    if course.draft_of_id is not None:
        course, version = publish_draft(course, requires_recertification=form.requires_recertification.data)
    else:
        version = publish_course(course, requires_recertification=form.requires_recertification.data)
    commit()
    flash(_("Published as version %(version)d.", version=version), "success")
    return redirect(url_for("courses.edit_course", course_id=course.id))


@bp.route("/manage/<int:course_id>/unpublish", methods=["POST"])
@roles_required(*EDITORS)
def unpublish(course_id: int):
    course = course_by_id(course_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    course.published = False
    commit()
    flash(_("The course is a draft again: learners no longer see it."), "success")
    return redirect(url_for("courses.edit_course", course_id=course.id))


@bp.route("/manage/<int:course_id>/preview", methods=["POST"])
@roles_required(*EDITORS)
def preview(course_id: int):
    course = course_by_id(course_id)
    base = url_for("courses.course_page", slug=course.slug) + "/assets/"
    html = render_course_markdown(request.form.get("body", ""), asset_names(course), language=course.language, base=base)
    return html, 200, {"Content-Type": "text/html; charset=utf-8"}


