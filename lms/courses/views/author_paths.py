"""Learning paths in the browser: title, address, audience, an optional certificate for the whole
path, and its courses in order (added, moved with buttons, removed) — what ``paths.toml`` holds."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from lms.auth.permissions import roles_required
from lms.courses.forms import MoveForm, PathCourseForm, PathForm, SectionRenameForm
from lms.courses.models import Course, LearningPath
from lms.courses.paths import all_paths, set_path_courses
from lms.courses.slugs import new_path_slug, path_slug_taken
from lms.courses.views import bp
from lms.courses.views.author_helpers import EDITORS, split_list
from lms.events import commit
from lms.extensions import db
from lms.listing import matches, page_of, search_term


def path_by_id(path_id: int) -> LearningPath:
    return db.session.get(LearningPath, path_id) or abort(404)


@bp.route("/manage/paths/")
@roles_required(*EDITORS)
def manage_paths():
    term = search_term(request.args.get("q"))
    query = sa.select(LearningPath).options(selectinload(LearningPath.steps))  # the course counts
    if term:
        query = query.where(matches(term, LearningPath.title, LearningPath.slug))
    page = page_of(query.order_by(LearningPath.position, LearningPath.title, LearningPath.id), request.args.get("page"))
    return render_template("courses/manage/paths.html", paths=page.items, page=page, term=term)


def path_form(path: LearningPath | None) -> PathForm:
    form = PathForm()
    if request.method == "GET":
        form.targets_all.data = path.targets_all if path else True
        if path is not None:
            form.title.data, form.slug.data = path.title, path.slug
            form.tiers.data, form.regions.data = ", ".join(path.tiers or ()), ", ".join(path.regions or ())
            form.certificate.data = path.certificate_validity_months is not None
            form.validity_months.data = path.certificate_validity_months
    return form


def path_form_ok(form: PathForm, path: LearningPath | None) -> bool:
    """Validate the fields and the rules across them, every message next to its field."""
    valid = form.validate()
    if form.slug.data and not form.slug.errors and path_slug_taken(form.slug.data, path.id if path else None):
        form.slug.errors.append(_("This address is already taken."))
    if not form.targets_all.data and not (split_list(form.tiers.data) or split_list(form.regions.data)):
        form.targets_all.errors.append(_("Choose who the path is for: all dealers, tiers or regions."))
    if form.certificate.data and form.validity_months.data is None and not form.validity_months.errors:
        form.validity_months.errors.append(_("Enter the validity in months (0: the certificate does not expire)."))
    return valid and not (form.slug.errors or form.targets_all.errors or form.validity_months.errors)


def apply_path_form(path: LearningPath, form: PathForm) -> None:
    path.title = form.title.data.strip()
    path.slug = form.slug.data or path.slug or new_path_slug(path.title)
    path.targets_all = bool(form.targets_all.data)
    path.tiers = [] if path.targets_all else split_list(form.tiers.data)
    path.regions = [] if path.targets_all else split_list(form.regions.data)
    path.certificate_validity_months = form.validity_months.data if form.certificate.data else None


@bp.route("/manage/paths/new", methods=["GET", "POST"], endpoint="new_path")
@bp.route("/manage/paths/<int:path_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_path(path_id: int | None = None):
    path = path_by_id(path_id) if path_id is not None else None
    form = path_form(path)
    status = 200
    if form.is_submitted():
        if path_form_ok(form, path):
            if path is None:
                path = LearningPath(slug="", position=len(all_paths()), steps=[])
                db.session.add(path)
            apply_path_form(path, form)
            commit()
            flash(_("Learning path saved."), "success")
            return redirect(url_for("courses.edit_path", path_id=path.id))
        status = 422
    return path_page(path, form, status)


def path_page(path: LearningPath | None, form: PathForm, status: int = 200):
    add_form = PathCourseForm()
    courses = {}
    if path is not None:
        courses = dict(db.session.execute(sa.select(Course.id, Course.title).where(Course.draft_of_id.is_(None))).all())
        taken = {step.course_id for step in path.steps}
        add_form.course_id.choices = [SelectChoice(i, t) for i, t in sorted(courses.items(), key=lambda kv: kv[1])
                                      if i not in taken]
    return render_template("courses/manage/path_form.html", form=form, path=path, add_form=add_form,
                           courses=courses, action_form=SectionRenameForm()), status


@bp.route("/manage/paths/<int:path_id>/courses", methods=["POST"])
@roles_required(*EDITORS)
def add_path_course(path_id: int):
    path = path_by_id(path_id)
    form = PathCourseForm()
    ids = [step.course_id for step in path.steps]
    form.course_id.choices = [SelectChoice(i, "") for i in db.session.scalars(
        sa.select(Course.id).where(Course.draft_of_id.is_(None))) if i not in ids]
    if not form.validate_on_submit():
        flash(_("Choose a course that is not in the path yet."), "error")
        return redirect(url_for("courses.edit_path", path_id=path.id))
    set_path_courses(path, [*ids, form.course_id.data])
    commit()
    return redirect(url_for("courses.edit_path", path_id=path.id) + "#courses")


@bp.route("/manage/paths/<int:path_id>/courses/<int:course_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move_path_course(path_id: int, course_id: int):
    path = path_by_id(path_id)
    form = MoveForm()
    ids = [step.course_id for step in path.steps]
    if not form.validate_on_submit() or course_id not in ids:
        abort(400 if course_id in ids else 404)
    index = ids.index(course_id)
    target = {"up": index - 1, "down": index + 1}.get(form.direction.data, form.position.data)
    if target is not None and 0 <= target < len(ids):
        ids.insert(target, ids.pop(index))
        set_path_courses(path, ids)
        commit()
    return redirect(url_for("courses.edit_path", path_id=path.id) + "#courses")


@bp.route("/manage/paths/<int:path_id>/courses/<int:course_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def remove_path_course(path_id: int, course_id: int):
    path = path_by_id(path_id)
    if not SectionRenameForm().validate_on_submit():
        abort(400)
    set_path_courses(path, [step.course_id for step in path.steps if step.course_id != course_id])
    commit()
    return redirect(url_for("courses.edit_path", path_id=path.id) + "#courses")


@bp.route("/manage/paths/<int:path_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_path(path_id: int):
    path = path_by_id(path_id)
    if not SectionRenameForm().validate_on_submit():
        abort(400)
    db.session.delete(path)
    commit()
    flash(_("Learning path removed."), "success")
    return redirect(url_for("courses.manage_paths"))
