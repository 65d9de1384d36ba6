"""Courses, their targeting, sections, lessons, assets, learner progress, completions and learning paths."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow

LESSON_KINDS = ("markdown", "pdf", "video", "attachment")
# How a course with an exam is completed: every required lesson and the exam, or the exam alone.
COMPLETION_RULES = ("lessons_and_exam", "exam_only")
TARGET_KINDS = ("tier", "region", "dealer")


class Course(db.Model):
    """A course; learners see it once published and targeted at them. ``version`` counts publications."""

    __tablename__ = "course"
    __table_args__ = (
        sa.CheckConstraint("completion_rule IN ('lessons_and_exam', 'exam_only')", name="completion_rule_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="ru")
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    published: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    product_line: Mapped[str | None] = mapped_column(sa.String(120))
    # None: no certificate for this course; 0: a certificate that never expires.
    certificate_validity_months: Mapped[int | None] = mapped_column()
    # The validity the author last set, kept while the certificate is switched off so that
    # switching it back on restores it instead of silently becoming "never expires".
    certificate_months_kept: Mapped[int | None] = mapped_column()
    # A file name under templates/certificates/pdf/ without ".html"; None is the default template.
    certificate_template: Mapped[str | None] = mapped_column(sa.String(100))
    completion_rule: Mapped[str] = mapped_column(sa.String(20), default="lessons_and_exam",
                                                 server_default="lessons_and_exam")
    targets_all: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # A draft of the next version of a published course: publishing it updates that course (whose
    # learners keep their progress, matched by lesson slug) and removes the draft.
    draft_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    targets: Mapped[list[CourseTarget]] = relationship(cascade="all, delete-orphan", back_populates="course")
    sections: Mapped[list[CourseSection]] = relationship(
        cascade="all, delete-orphan", back_populates="course", order_by="CourseSection.position")
    assets: Mapped[list[CourseAsset]] = relationship(cascade="all, delete-orphan", back_populates="course")

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.slug!r} v{self.version}>"


class CourseTarget(db.Model):
    """One targeting rule: dealers of a tier, of a region, or one named dealer."""

    __tablename__ = "course_target"
    __table_args__ = (sa.CheckConstraint("kind IN ('tier', 'region', 'dealer')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    value: Mapped[str | None] = mapped_column(sa.String(200))
    dealer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dealer.id", ondelete="CASCADE"), index=True)

    course: Mapped[Course] = relationship(back_populates="targets")


class CourseSection(db.Model):
    """An ordered group of lessons; an empty title is an untitled section."""

    __tablename__ = "course_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(back_populates="sections")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="section", order_by="Lesson.position", cascade="all, delete-orphan")


class CourseAsset(db.Model):
    """A file of a course, stored by content hash; ``name`` is how Markdown and lessons refer to it."""

    __tablename__ = "course_asset"
    __table_args__ = (sa.UniqueConstraint("course_id", "name", name="uq_course_asset_course_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    mime_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    storage_path: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="assets")


class Lesson(db.Model):
    """A lesson; Markdown is rendered to ``body_html`` when saved or imported, never per request."""

    __tablename__ = "lesson"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "slug", name="uq_lesson_course_id_slug"),
        sa.CheckConstraint("kind IN ('markdown', 'pdf', 'video', 'attachment')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("course_section.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(12), default="markdown")
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    minutes: Mapped[int | None] = mapped_column()
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    file_asset_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course_asset.id", ondelete="SET NULL"))
    preview_asset_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course_asset.id", ondelete="SET NULL"))
    video_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Asset names of extra downloads, in order (JSON list of strings).
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship()
    section: Mapped[CourseSection] = relationship(back_populates="lessons")
    file_asset: Mapped[CourseAsset | None] = relationship(foreign_keys=[file_asset_id])
    preview_asset: Mapped[CourseAsset | None] = relationship(foreign_keys=[preview_asset_id])


class LessonProgress(db.Model):
    """A learner opened (``started_at``) and perhaps completed (``completed_at``) a lesson."""

    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_id_lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column()


class CourseCompletionRecord(db.Model):
    """A learner completed a version of a course (at most one row per user, course and version)."""

    __tablename__ = "course_completion"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", "course_version", name="uq_course_completion_user_course_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    course_version: Mapped[int] = mapped_column()
    score_percent: Mapped[float | None] = mapped_column(sa.Float)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class LearningPath(db.Model):
    """An ordered list of courses: a course unlocks when every earlier one is completed.

    The audience is all dealers or the listed tiers and regions; ``certificate_validity_months``
    is None when completing the whole path earns no certificate of its own (0: never expires).
    """

    __tablename__ = "learning_path"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    targets_all: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    tiers: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    regions: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    certificate_validity_months: Mapped[int | None] = mapped_column()

    steps: Mapped[list[LearningPathCourse]] = relationship(
        cascade="all, delete-orphan", order_by="LearningPathCourse.position")


class LearningPathCourse(db.Model):
    """One course at ``position`` in a learning path."""

    __tablename__ = "learning_path_course"
    __table_args__ = (sa.UniqueConstraint("path_id", "course_id", name="uq_learning_path_course_path_id_course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_path.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
