"""The course builder's actions on one page: sections added, renamed, moved and removed; lessons
renamed, moved (up/down buttons that work without JavaScript, or drag and drop) and removed."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from lms.auth.permissions import roles_required
from lms.courses.forms import MoveForm, SectionForm, SectionRenameForm
from lms.courses.models import Course, CourseSection, Lesson
from lms.courses.views import bp
from lms.courses.views.author_helpers import EDITORS, course_by_id
from lms.events import commit
from lms.extensions import db


def back_to_builder(course: Course, anchor: str = "lessons"):
    return redirect(url_for("courses.edit_course", course_id=course.id) + "#" + anchor)


def section_of(course: Course, section_id: int) -> CourseSection:
    section = db.session.get(CourseSection, section_id)
    if section is None or section.course_id != course.id:
        abort(404)
    return section


def lesson_of(course: Course, lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != course.id:
        abort(404)
    return lesson


def refused(course: Course, target: str, message, value: str | None = None, section_form: SectionForm | None = None):
    """The builder again (422) with the problem next to the field it concerns, keeping what was typed."""
    from lms.courses.views.author import builder_page, settings_form

    return builder_page(course, settings_form(course, stored=True), 422, {"target": target, "value": value, "message": message},
                        section_form=section_form)


def typed_title() -> str:
    return (request.form.get("title") or "")[:1000]


def renumber(course: Course) -> None:
    for position, section in enumerate(course.sections):
        section.position = position
        for index, lesson in enumerate(sorted(section.lessons, key=lambda item: item.position)):
            lesson.position = index


@bp.route("/manage/<int:course_id>/sections", methods=["POST"])
@roles_required(*EDITORS)
def add_section(course_id: int):
    course = course_by_id(course_id)
    form = SectionForm()
    if not form.validate_on_submit():
        return refused(course, "new-section", None, section_form=form)
    course.sections.append(CourseSection(title=(form.title.data or "").strip(), position=len(course.sections)))
    commit()
    flash(_("Section added."), "success")
    return back_to_builder(course)


@bp.route("/manage/<int:course_id>/sections/<int:section_id>/rename", methods=["POST"])
@roles_required(*EDITORS)
def rename_section(course_id: int, section_id: int):
    course = course_by_id(course_id)
    section = section_of(course, section_id)
    form = SectionRenameForm()
    if not form.validate_on_submit():
        return refused(course, f"section-{section.id}", _("The section title is too long (at most 200 characters)."),
                       typed_title())
    section.title = (form.title.data or "").strip()
    commit()
    flash(_("Section renamed."), "success")
    return back_to_builder(course)


@bp.route("/manage/<int:course_id>/sections/<int:section_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move_section(course_id: int, section_id: int):
    course = course_by_id(course_id)
    section = section_of(course, section_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    sections = list(course.sections)
    index = sections.index(section)
    target = {"up": index - 1, "down": index + 1}.get(form.direction.data, form.position.data)
    if target is not None and 0 <= target < len(sections) and target != index:
        sections.insert(target, sections.pop(index))
        for position, item in enumerate(sections):
            item.position = position
        commit()
    return back_to_builder(course)


@bp.route("/manage/<int:course_id>/sections/<int:section_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_section(course_id: int, section_id: int):
    course = course_by_id(course_id)
    section = section_of(course, section_id)
    if not SectionRenameForm().validate_on_submit():
        abort(400)
    if section.lessons:
        return refused(course, f"remove-section-{section.id}", _("Move or remove the lessons of this section first."))
    if len(course.sections) == 1:
        return refused(course, f"remove-section-{section.id}", _("A course keeps at least one section."))
    else:
        course.sections.remove(section)
        renumber(course)
        commit()
        flash(_("Section removed."), "success")
    return back_to_builder(course)


@bp.route("/manage/<int:course_id>/lessons/<int:lesson_id>/rename", methods=["POST"])
@roles_required(*EDITORS)
def rename_lesson(course_id: int, lesson_id: int):
    course = course_by_id(course_id)
    lesson = lesson_of(course, lesson_id)
    form = SectionRenameForm()
    title = (form.title.data or "").strip() if form.validate_on_submit() else ""
    if not title:
        return refused(course, f"lesson-{lesson.id}", _("A lesson needs a title (at most 200 characters)."),
                       typed_title())
    lesson.title = title
    commit()
    flash(_("Lesson renamed."), "success")
    return back_to_builder(course)


@bp.route("/manage/<int:course_id>/lessons/<int:lesson_id>/move", methods=["POST"])
@roles_required(*EDITORS)
def move_lesson(course_id: int, lesson_id: int):
    """One step up or down (from a section's edge into the neighbouring section, even an empty one),
    or, from drag and drop, to a section and position."""
    course = course_by_id(course_id)
    lesson = lesson_of(course, lesson_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    sections = list(course.sections)
    here = sections.index(lesson.section)
    siblings = sorted(lesson.section.lessons, key=lambda item: item.position)
    index = siblings.index(lesson)
    if form.direction.data == "up":
        section, position = ((lesson.section, index - 1) if index > 0 else
                             (sections[here - 1], 10**6) if here > 0 else (None, None))
    elif form.direction.data == "down":
        section, position = ((lesson.section, index + 1) if index < len(siblings) - 1 else
                             (sections[here + 1], 0) if here < len(sections) - 1 else (None, None))
    elif form.section_id.data is None or form.position.data is None:
        abort(400)
    else:
        section, position = section_of(course, form.section_id.data), form.position.data
    if section is None:
        return back_to_builder(course)
    order = [item for item in sorted(section.lessons, key=lambda item: item.position) if item is not lesson]
    order.insert(min(position, len(order)), lesson)
    if lesson.section is not section:
        lesson.section = section
    for number, item in enumerate(order):
        item.position = number
    renumber(course)
    commit()
    return back_to_builder(course)


@bp.route("/manage/<int:course_id>/lessons/<int:lesson_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_lesson(course_id: int, lesson_id: int):
    course = course_by_id(course_id)
    lesson = lesson_of(course, lesson_id)
    if not SectionRenameForm().validate_on_submit():
        abort(400)
    lesson.section.lessons.remove(lesson)
    renumber(course)
    commit()
    flash(_("Lesson removed."), "success")
    return back_to_builder(course)
