"""Addresses (slugs) made from titles: Cyrillic and Latin are transliterated by python-slugify.

A slug is lower-case Latin letters, digits and dashes. A taken slug gets the first free suffix
``-2``, ``-3``…; authors may still type their own address, which is checked the same way.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from slugify import slugify

from lms.courses.models import Course, LearningPath, Lesson
from lms.extensions import db

MAX_SLUG = 100
# Names the courses blueprint uses under /courses/ itself.
RESERVED_SLUGS = frozenset({"manage", "assets", "lessons", "static", "paths"})


def slug_from_title(title: str, fallback: str = "course") -> str:
    """The transliterated slug of ``title`` (``fallback`` when nothing transliterable is left)."""
    # Room is left for a "-NNN" suffix so a unique slug still fits the column.
    return slugify(title or "", max_length=MAX_SLUG - 6, word_boundary=True) or fallback


def unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3``… — the first that ``taken`` says is free."""
    if not taken(base):
        return base
    number = 2
    while taken(f"{base}-{number}"):
        number += 1
    return f"{base}-{number}"


def course_slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    if slug in RESERVED_SLUGS:
        return True
    query = sa.select(Course.id).where(Course.slug == slug)
    if exclude_id is not None:
        query = query.where(Course.id != exclude_id)
    return db.session.scalar(query) is not None


def lesson_slug_taken(course_id: int, slug: str, exclude_id: int | None = None) -> bool:
    query = sa.select(Lesson.id).where(Lesson.course_id == course_id, Lesson.slug == slug)
    if exclude_id is not None:
        query = query.where(Lesson.id != exclude_id)
    return db.session.scalar(query) is not None


def path_slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    query = sa.select(LearningPath.id).where(LearningPath.slug == slug)
    if exclude_id is not None:
        query = query.where(LearningPath.id != exclude_id)
    return db.session.scalar(query) is not None


def new_course_slug(title: str) -> str:
    return unique_slug(slug_from_title(title, "course"), course_slug_taken)


def new_lesson_slug(course_id: int, title: str) -> str:
    return unique_slug(slug_from_title(title, "lesson"), lambda slug: lesson_slug_taken(course_id, slug))


def new_path_slug(title: str) -> str:
    return unique_slug(slug_from_title(title, "path"), path_slug_taken)
