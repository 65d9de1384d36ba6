"""Importing a package: check the zip, read its manifest, unpack it, record it and its lessons.

Services: the caller commits. A refused package raises PackageError before anything is stored.
"""
from __future__ import annotations

import re
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.courses.models import Course, CourseSection, Lesson
from lms.courses.services import render_lesson
from lms.elearning.archive import PackageError, check_zip, read_entry, unpack
from lms.elearning.manifests import READERS, PackageSpec, find_manifest
from lms.elearning.models import ElearningPackage, ElearningUnit
from lms.extensions import db


def read_package(stream: BinaryIO) -> tuple[PackageSpec, object, object]:
    """Check the zip and read its manifest (nothing stored yet)."""
    archive, checked = check_zip(stream)
    manifest = find_manifest(checked.names)
    reader = READERS.get(manifest)
    if reader is None:
        raise PackageError(_("Packages with %(name)s cannot be imported yet.", name=manifest))
    spec = reader(read_entry(archive, manifest), checked.names)
    return spec, archive, checked


def import_package(stream: BinaryIO, *, course_id: int | None, user_id: int | None) -> ElearningPackage:
    """Check, unpack and record a package; with ``course_id`` each unit becomes a lesson of that course."""
    spec, archive, checked = read_package(stream)
    unpack(archive, checked)
    package = ElearningPackage(sha256=checked.sha256, kind=spec.kind, title=spec.title, course_id=course_id,
                               file_count=len(checked.names), total_bytes=checked.total_bytes,
                               manifest=spec.manifest, created_by_id=user_id)
    db.session.add(package)
    db.session.flush()
    units = []
    for position, unit in enumerate(spec.units):
        units.append(ElearningUnit(package_id=package.id, position=position, title=unit.title,
                                   identifier=unit.identifier, launch=unit.launch, move_on=unit.move_on,
                                   mastery_score=unit.mastery_score, launch_method=unit.launch_method,
                                   launch_parameters=unit.launch_parameters, details=unit.details))
    db.session.add_all(units)
    db.session.flush()
    if course_id is not None:
        add_lessons(db.session.get(Course, course_id), package, units)
    return package


def _free_slug(course_id: int, base: str) -> str:
    taken = set(db.session.scalars(sa.select(Lesson.slug).where(Lesson.course_id == course_id)))
    base = (re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "module")[:80]
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def add_lessons(course: Course, package: ElearningPackage, units: list[ElearningUnit]) -> None:
    """One lesson per unit, in a new section named after the package; the lesson opens the player."""
    position = db.session.scalar(sa.select(sa.func.max(CourseSection.position))
                                 .where(CourseSection.course_id == course.id))
    section = CourseSection(course_id=course.id, title=package.title[:200], position=(position or 0) + 1)
    db.session.add(section)
    db.session.flush()
    if package.kind in ("scorm12", "scorm2004"):
        add_scorm_lesson(course, section, package, units)
        return
    for number, unit in enumerate(units):
        lesson = Lesson(course_id=course.id, section_id=section.id, slug=_free_slug(course.id, f"module-{unit.id}"),
                        title=unit.title[:200], kind="markdown", position=number,
                        required=unit.move_on != "NotApplicable",
                        body=f"[{_('Open the module')}](/elearning/units/{unit.id}/play)")
        db.session.add(lesson)
        db.session.flush()
        render_lesson(course, lesson)
        unit.lesson_id = lesson.id


def add_scorm_lesson(course: Course, section: CourseSection, package: ElearningPackage,
                     units: list[ElearningUnit]) -> None:
    """A SCORM package is ONE lesson (its player shows the package's table of contents)."""
    lesson = Lesson(course_id=course.id, section_id=section.id, slug=_free_slug(course.id, package.title or "scorm"),
                    title=package.title[:200], kind="markdown", position=0, required=True,
                    body=f"[{_('Open the module')}](/elearning/scorm/{package.id}/play)")
    db.session.add(lesson)
    db.session.flush()
    render_lesson(course, lesson)
    for unit in units:
        unit.lesson_id = lesson.id
