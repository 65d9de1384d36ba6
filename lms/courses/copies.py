"""Copies of a course and drafts of its next version (services: they never commit).

A copy is a new, unpublished course with the same settings, targeting, sections, lessons and files
(files are stored by content hash, so the copy shares them). A draft of the next version is such a
copy tied to the published course by ``draft_of_id``; publishing the draft writes it into that
course as a new version (lessons matched by slug, so learners keep their progress) and removes it.
"""
from __future__ import annotations

from lms.courses.content_sync import _sync_sections, course_source
from lms.courses.models import Course, CourseAsset, CourseSection, CourseTarget, Lesson
from lms.courses.services import assign, publish_course, render_course
from lms.courses.slugs import course_slug_taken, unique_slug
from lms.extensions import db

COPIED_FIELDS = ("description", "language", "product_line", "certificate_validity_months", "certificate_months_kept",
                 "certificate_template", "completion_rule", "targets_all")


def _copy_assets(source: Course, target: Course) -> dict[str, CourseAsset]:
    assets = {asset.name: asset for asset in target.assets}
    for asset in source.assets:
        copy = assets.get(asset.name)
        if copy is None:
            copy = assets[asset.name] = CourseAsset(name=asset.name)
            target.assets.append(copy)
        assign(copy, sha256=asset.sha256, kind=asset.kind, mime_type=asset.mime_type, size=asset.size,
               storage_path=asset.storage_path)
    for asset in list(target.assets):
        if asset.name not in {a.name for a in source.assets}:
            target.assets.remove(asset)
            del assets[asset.name]
    return assets


def duplicate_course(source: Course, *, title: str, slug: str | None = None, draft_of: Course | None = None) -> Course:
    """A new unpublished course copied from ``source`` (its exam is not copied: a quiz is one course's exam)."""
    slug = slug or unique_slug(f"{source.slug}-next" if draft_of else f"{source.slug}-copy", course_slug_taken)
    copy = Course(slug=slug, title=title, version=0, published=False, draft_of_id=draft_of.id if draft_of else None,
                  **{name: getattr(source, name) for name in COPIED_FIELDS})
    db.session.add(copy)
    copy.targets = [CourseTarget(kind=t.kind, value=t.value, dealer_id=t.dealer_id) for t in source.targets]
    assets = _copy_assets(source, copy)
    for section in source.sections:
        new_section = CourseSection(title=section.title, position=section.position)
        copy.sections.append(new_section)
        for lesson in section.lessons:
            new_lesson = Lesson(
                course=copy, slug=lesson.slug, title=lesson.title, kind=lesson.kind, position=lesson.position,
                required=lesson.required, minutes=lesson.minutes, body=lesson.body, video_url=lesson.video_url,
                attachments=list(lesson.attachments or ()),
                file_asset=assets.get(lesson.file_asset.name) if lesson.file_asset else None,
                preview_asset=assets.get(lesson.preview_asset.name) if lesson.preview_asset else None)
            db.session.add(new_lesson)
            new_lesson.section = new_section
    db.session.flush()
    render_course(copy)
    return copy


def start_new_version(course: Course) -> Course:
    """The draft of ``course``'s next version (the existing one when already started)."""
    existing = db.session.query(Course).filter(Course.draft_of_id == course.id).one_or_none()
    return existing or duplicate_course(course, title=course.title, draft_of=course)


def publish_draft(draft: Course, *, requires_recertification: bool) -> tuple[Course, int]:
    """Write the draft into the course it drafts, publish that as a new version, delete the draft."""
    course = db.session.get(Course, draft.draft_of_id)
    assign(course, title=draft.title, **{name: getattr(draft, name) for name in COPIED_FIELDS})
    course.targets[:] = [CourseTarget(kind=t.kind, value=t.value, dealer_id=t.dealer_id) for t in draft.targets]
    assets = _copy_assets(draft, course)
    db.session.flush()
    _sync_sections(course, course_source(draft).sections, assets)
    db.session.delete(draft)
    db.session.flush()
    render_course(course)
    return course, publish_course(course, requires_recertification=requires_recertification)
