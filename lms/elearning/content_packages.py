"""Package zips in course folders (``content/<slug>/NN-slug.zip``), for ``lms import`` (lms.courses.content_sync).

Each zip goes through the upload page's pipeline (``import_package``: the same zip, XML and size checks).
A package remembers its file name in its manifest JSON (``content_file``), so a re-import of the same
bytes (same sha256) keeps the package and its lessons (learners' tracking stays), and a changed zip
is imported as a new package whose lessons take the place of the old package's lessons.
Services: the caller commits.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from lms.courses.models import Course, Lesson
from lms.elearning.archive import PackageError
from lms.elearning.models import ElearningPackage, ElearningUnit
from lms.elearning.packages import import_package, read_package
from lms.extensions import db
from lms import storage

FILE_KEY = "content_file"
# The zips as imported, so ``lms export`` writes back the very bytes (same sha256: a re-import keeps the package).
ORIGINALS = "elearning_originals"


def package_problem(path: Path) -> str | None:
    """Why the package at ``path`` would be refused (the upload page's checks), or None when it is fine."""
    try:
        with open(path, "rb") as stream:
            _spec, archive, _checked = read_package(stream)
            archive.close()
    except PackageError as refused:
        return str(refused)
    return None


def package_lesson_ids(course_id: int) -> set[int]:
    """Lessons that open a package of the course: ``lms import`` keeps them though no .md file names them."""
    return set(db.session.scalars(
        sa.select(ElearningUnit.lesson_id).join(ElearningPackage, ElearningPackage.id == ElearningUnit.package_id)
        .where(ElearningPackage.course_id == course_id, ElearningUnit.lesson_id.is_not(None))))


def _current_by_file(course_id: int) -> dict[str, ElearningPackage]:
    packages = db.session.scalars(sa.select(ElearningPackage).where(ElearningPackage.course_id == course_id)
                                  .order_by(ElearningPackage.id)).all()
    # The newest package imported from a file name is its current version.
    return {package.manifest[FILE_KEY]: package for package in packages if (package.manifest or {}).get(FILE_KEY)}


def _retire(package: ElearningPackage) -> None:
    """Remove the old version's lessons (and its section when emptied); the package row and its tracking stay."""
    units = db.session.scalars(sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id)).all()
    lessons = {unit.lesson_id for unit in units if unit.lesson_id is not None}
    for unit in units:
        unit.lesson_id = None
    for lesson_id in lessons:
        lesson = db.session.get(Lesson, lesson_id)
        section = lesson.section
        section.lessons.remove(lesson)
        if not section.lessons:
            db.session.delete(section)
    db.session.flush()


def sync_course_packages(course: Course, files: list[tuple[str, str, Path]]) -> bool:
    """Import the course's package files ``(file name, sha256, path)`` that are new or changed; True if any was."""
    current = _current_by_file(course.id)
    changed = False
    for file_name, sha256, path in files:
        old = current.get(file_name)
        if old is not None and old.sha256 == sha256:
            continue
        with open(path, "rb") as stream:
            package = import_package(stream, course_id=course.id, user_id=None)
            if storage.object_info(ORIGINALS, f"{sha256}.zip") is None:
                stream.seek(0)
                storage.put_object(ORIGINALS, f"{sha256}.zip", stream, content_type="application/zip")
        package.manifest = {**package.manifest, FILE_KEY: file_name}
        if old is not None:
            _retire(old)
        changed = True
    db.session.flush()
    return changed


def exported_files(course_id: int) -> list[tuple[str, str]]:
    """``(file name, sha256)`` of the course's packages that came from files and whose zip is kept.

    Packages uploaded in the browser have no kept zip (their files are stored unpacked) and are not exported.
    """
    return [(name, package.sha256) for name, package in sorted(_current_by_file(course_id).items())
            if storage.object_info(ORIGINALS, f"{package.sha256}.zip") is not None]


def open_original(sha256: str):
    return storage.open_object(ORIGINALS, f"{sha256}.zip")


__all__ = ["PackageError", "exported_files", "open_original", "package_lesson_ids", "package_problem",
           "sync_course_packages"]
