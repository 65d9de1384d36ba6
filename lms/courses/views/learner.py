"""Learner pages: the "Обучение" tab, the course page, the lesson player, assets and completion."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.courses import queries
from lms.courses.access import can_edit_courses, course_visible_to
from lms.courses.models import Course, CourseAsset, CourseCompletionRecord, Lesson, LessonProgress
from lms.courses.progress import complete_lesson, start_lesson
from lms.courses.rendering import lesson_body_html
from lms.courses.services import asset_key, embed_hosts, embeddable_url
from lms.courses.uploads import IMAGE_KINDS, VIDEO_KINDS
from lms.courses.views import bp
from lms.database import begin_write
from lms.events import commit
from lms.extensions import db
from lms.redirects import next_path_or
from lms.storage.serving import send_key
from lms.timeutil import utcnow

INLINE_KINDS = IMAGE_KINDS | VIDEO_KINDS | {"pdf"}


def course_or_404(slug: str) -> Course:
    """The course when the user may open it (drafts only for authors and admins), else 404."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    if can_edit_courses(current_user) or (course.published and course_visible_to(current_user, course.id)):
        return course
    abort(404)


@bp.route("/")
@login_required
def catalogue():
    paths, courses = queries.catalogue(current_user)
    return render_template("courses/catalogue.html", paths=paths, courses=courses)


@bp.route("/<slug>")
@login_required
def course_page(slug: str):
    course = course_or_404(slug)
    sections, progress = queries.lesson_outline(course.id, current_user.id)
    lessons = [lesson for section in sections for lesson in section.lessons]
    next_lesson = next((l for l in lessons if not (progress.get(l.id) and progress[l.id].completed_at)), None)
    completion = db.session.scalar(
        sa.select(CourseCompletionRecord).where(CourseCompletionRecord.user_id == current_user.id,
                                                CourseCompletionRecord.course_id == course.id)
        .order_by(CourseCompletionRecord.course_version.desc()).limit(1))
    return render_template(
        "courses/course.html", course=course, sections=sections, progress=progress, next_lesson=next_lesson,
        done=sum(1 for row in progress.values() if row.completed_at), total=len(lessons),
        minutes=sum(l.minutes or 0 for l in lessons), completion=completion,
        locked=queries.course_locked(current_user, course.id), exams=queries.exam_summaries(course.id, current_user.id),
        feedback_survey_id=queries.feedback_survey_id(course.id) if completion else None)


def lesson_or_404(course: Course, lesson_slug: str) -> Lesson:
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug))
    return lesson or abort(404)


@bp.route("/<slug>/lessons/<lesson_slug>")
@login_required
def lesson_page(slug: str, lesson_slug: str):
    course = course_or_404(slug)
    if queries.course_locked(current_user, course.id) and not can_edit_courses(current_user):
        flash(_("This course opens when you complete the earlier courses of its learning path."), "info")
        return redirect(url_for("courses.course_page", slug=slug))
    lesson = lesson_or_404(course, lesson_slug)
    sections, progress = queries.lesson_outline(course.id, current_user.id)
    if course.published and lesson.id not in progress:
        expired = begin_write()
        start_lesson(current_user.id, lesson.id)
        # What was read stays loaded: reading the outline back lazily would cost a query per
        # section and lesson (25 → 87 statements from 7 to 70 lessons), and the page needs only
        # to know that this lesson is now started. On SQLite begin_write had to expire it: two
        # statements load it again.
        commit(keep_loaded=True)
        if expired:
            sections, progress = queries.lesson_outline(course.id, current_user.id)
        else:
            progress[lesson.id] = LessonProgress(user_id=current_user.id, lesson_id=lesson.id, started_at=utcnow())
    ordered = [l for section in sections for l in section.lessons]
    index = next(i for i, l in enumerate(ordered) if l.id == lesson.id)
    assets = {a.name: a for a in db.session.scalars(sa.select(CourseAsset).where(CourseAsset.course_id == course.id))}
    done = sum(1 for l in ordered if progress.get(l.id) and progress[l.id].completed_at)
    response = render_template(
        "courses/lesson.html", course=course, lesson=lesson, sections=sections, progress=progress,
        body_html=lesson_body_html(lesson.body_html, lesson.title), done=done, total=len(ordered),
        previous=ordered[index - 1] if index > 0 else None,
        following=ordered[index + 1] if index + 1 < len(ordered) else None,
        file_asset=assets_by_id(assets).get(lesson.file_asset_id),
        preview_asset=assets_by_id(assets).get(lesson.preview_asset_id),
        attachments=[assets[name] for name in lesson.attachments or () if name in assets],
        embed_url=embeddable_url(lesson.video_url), played_by_module=queries.completed_by_its_player(lesson.id),
        completed=bool(progress.get(lesson.id)
                                                                    and progress[lesson.id].completed_at))
    headers = {}
    if lesson.video_url:
        frames = " ".join(f"https://{host} https://*.{host}" for host in embed_hosts())
        headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; "
            f"frame-src 'self' {frames}; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
    return response, 200, headers


def assets_by_id(assets: dict) -> dict:
    return {asset.id: asset for asset in assets.values()}


@bp.route("/<slug>/lessons/<lesson_slug>/complete", methods=["POST"])
@login_required
def complete(slug: str, lesson_slug: str):
    course = course_or_404(slug)
    if not course.published or queries.course_locked(current_user, course.id):
        abort(404)
    lesson = lesson_or_404(course, lesson_slug)
    if queries.completed_by_its_player(lesson.id):
        message = _("This lesson is completed by playing its module to the end.")
        if request.accept_mimetypes.best == "application/json":
            return jsonify({"completed": False, "error": message}), 409
        flash(message, "warning")
        return redirect(url_for("courses.lesson_page", slug=slug, lesson_slug=lesson_slug))
    newly = complete_lesson(current_user.id, lesson.id)
    commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"completed": True, "newly": newly})
    if newly:
        flash(_("Lesson marked as studied."), "success")
    return redirect(next_path_or(url_for("courses.course_page", slug=slug)))


@bp.route("/<slug>/assets/<sha>")
@login_required
def asset(slug: str, sha: str):
    course = course_or_404(slug)
    record = db.session.scalar(sa.select(CourseAsset).where(CourseAsset.course_id == course.id,
                                                             CourseAsset.sha256 == sha).limit(1))
    if record is None:
        abort(404)
    inline = record.kind in INLINE_KINDS and not request.args.get("download")
    # Older text assets were stored as "text/plain; charset=utf-8"; the charset is added when sent.
    # Streamed with ranges (video seeks) and the hash as ETag, or handed to the proxy; 404 when missing.
    return send_key(asset_key(record), mimetype=record.mime_type, etag=record.sha256, as_attachment=not inline,
                    download_name=record.name.rsplit("/", 1)[-1], max_age=3600)
