"""Copies and versions from the course builder: duplicate a course; start the next version of a published one."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.auth.permissions import roles_required
from lms.courses.copies import duplicate_course, start_new_version
from lms.courses.forms import CopyForm, SectionRenameForm
from lms.courses.slugs import course_slug_taken
from lms.courses.views import bp
from lms.courses.views.author_helpers import EDITORS, course_by_id
from lms.events import commit


@bp.route("/manage/<int:course_id>/copy", methods=["GET", "POST"])
@roles_required(*EDITORS)
def copy_course(course_id: int):
    course = course_by_id(course_id)
    form = CopyForm()
    status = 200
    if not form.is_submitted():
        form.title.data = _("Copy of %(title)s", title=course.title)[:200]
    elif form.validate_on_submit():
        if form.slug.data and course_slug_taken(form.slug.data):
            form.slug.errors.append(_("This address is already taken."))
            status = 422
        else:
            copy = duplicate_course(course, title=form.title.data.strip(), slug=form.slug.data or None)
            commit()
            flash(_("Copy made. It is a draft: learners see it once you publish it."), "success")
            return redirect(url_for("courses.edit_course", course_id=copy.id))
    else:
        status = 422
    return render_template("courses/manage/copy.html", form=form, course=course), status


@bp.route("/manage/<int:course_id>/new-version", methods=["POST"])
@roles_required(*EDITORS)
def new_version(course_id: int):
    course = course_by_id(course_id)
    if not SectionRenameForm().validate_on_submit():
        abort(400)
    if not course.published or course.draft_of_id is not None:
        flash(_("A new version starts from a published course."), "error")
        return redirect(url_for("courses.edit_course", course_id=course.id))
    draft = start_new_version(course)
    commit()
    flash(_("This is the draft of the next version. Learners keep the published one until you publish this."),
          "success")
    return redirect(url_for("courses.edit_course", course_id=draft.id))
