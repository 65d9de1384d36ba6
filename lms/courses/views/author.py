"""Author pages (roles author and admin): courses, sections, lessons, uploads, preview, publishing."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from lms.auth.models import Dealer
from lms.auth.permissions import roles_required
from lms.courses.forms import AssetForm, CourseForm, PublishForm, SectionForm
from lms.courses.models import Course, CourseSection
from lms.courses.rendering import render_course_markdown
from lms.courses.services import (
    RESERVED_SLUGS, asset_names, check_file, publish_course, render_course, save_asset, set_targets,
)
from lms.courses.uploads import IMAGE_KINDS, MIME_TYPES, UploadError
from lms.courses.views import bp
from lms.courses.views.author_helpers import EDITORS, course_by_id, split_list, upload_message
from lms.events import commit
from lms.extensions import db

@bp.route("/manage/")
@roles_required(*EDITORS)
def manage():
    courses = db.session.scalars(sa.select(Course).order_by(Course.title)).all()
    return render_template("courses/manage/index.html", courses=courses)


def course_form(course: Course | None) -> CourseForm:
    form = CourseForm(obj=course if request.method == "GET" else None)
    form.dealers.choices = [SelectChoice(i, n) for i, n in db.session.execute(
        sa.select(Dealer.id, Dealer.name).order_by(Dealer.name))]
    if course is not None and request.method == "GET":
        form.certificate.data = course.certificate_validity_months is not None
        form.validity_months.data = course.certificate_validity_months
        form.tiers.data = ", ".join(t.value for t in course.targets if t.kind == "tier")
        form.regions.data = ", ".join(t.value for t in course.targets if t.kind == "region")
        form.dealers.data = [t.dealer_id for t in course.targets if t.kind == "dealer"]
    elif course is None and request.method == "GET":
        form.targets_all.data = True
    return form


def apply_course_form(course: Course, form: CourseForm) -> None:
    course.title = form.title.data.strip()
    course.description = form.description.data or ""
    course.language = form.language.data
    course.product_line = (form.product_line.data or "").strip() or None
    course.certificate_validity_months = (form.validity_months.data or 0) if form.certificate.data else None
    set_targets(course, targets_all=form.targets_all.data, tiers=split_list(form.tiers.data),
                regions=split_list(form.regions.data), dealer_ids=form.dealers.data or [])
    render_course(course)


@bp.route("/manage/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_course():
    form = course_form(None)
    status = 200
    if form.validate_on_submit():
        slug = form.slug.data.strip()
        if slug in RESERVED_SLUGS or db.session.scalar(sa.select(Course.id).where(Course.slug == slug)):
            form.slug.errors.append(_("This address is already taken."))
            status = 422
        elif not form.targets_all.data and not (split_list(form.tiers.data) or split_list(form.regions.data)
                                                or form.dealers.data):
            form.targets_all.errors.append(_("Choose who sees the course: all dealers, tiers, regions or dealers."))
            status = 422
        else:
            course = Course(slug=slug, version=0, published=False)
            db.session.add(course)
            apply_course_form(course, form)
            course.sections.append(CourseSection(title="", position=0))
            commit()
            flash(_("Course created. Add lessons, then publish it."), "success")
            return redirect(url_for("courses.edit_course", course_id=course.id))
    elif form.is_submitted():
        status = 400
    return render_template("courses/manage/course_form.html", form=form, course=None), status


@bp.route("/manage/<int:course_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_course(course_id: int):
    course = course_by_id(course_id)
    form = course_form(course)
    del form.slug  # the address never changes: cached HTML and shared links depend on it
    status = 200
    if form.validate_on_submit():
        if not form.targets_all.data and not (split_list(form.tiers.data) or split_list(form.regions.data)
                                              or form.dealers.data):
            form.targets_all.errors.append(_("Choose who sees the course: all dealers, tiers, regions or dealers."))
            status = 422
        else:
            apply_course_form(course, form)
            commit()
            flash(_("Course saved."), "success")
            return redirect(url_for("courses.edit_course", course_id=course.id))
    elif form.is_submitted():
        status = 400
    return render_template("courses/manage/course_form.html", form=form, course=course, section_form=SectionForm(),
                           asset_form=AssetForm(), publish_form=PublishForm()), status


@bp.route("/manage/<int:course_id>/sections", methods=["POST"])
@roles_required(*EDITORS)
def add_section(course_id: int):
    course = course_by_id(course_id)
    form = SectionForm()
    if not form.validate_on_submit():
        abort(400)
    course.sections.append(CourseSection(title=(form.title.data or "").strip(), position=len(course.sections)))
    commit()
    flash(_("Section added."), "success")
    return redirect(url_for("courses.edit_course", course_id=course.id))


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


