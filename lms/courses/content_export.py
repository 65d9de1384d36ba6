"""Write a ``CourseSource`` back as ``content/<slug>/`` in exactly the format ``content_files`` loads."""
from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from lms.courses.content_files import AssetSource, CourseSource, LessonSource, PackageFileSource


def _open_local(asset: AssetSource) -> BinaryIO:
    return open(asset.path, "rb")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {_toml_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value)
    if "\n" in text and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text):
        return '"""\n' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'
    # A JSON string is a valid TOML basic string once DEL, which JSON leaves raw, is escaped.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_lines(pairs: dict) -> list[str]:
    return [f"{key} = {_toml_value(value)}" for key, value in pairs.items() if value is not None]


def course_toml(course: CourseSource) -> str:
    """The canonical course.toml text for ``course``."""
    lines = _toml_lines({"title": course.title, "description": course.description or None,
                         "language": course.language, "published": course.published, "product_line": course.product_line})
    target = course.targeting
    lines += ["", "[targeting]"] + (["all = true"] if target.all else _toml_lines(
        {"tiers": list(target.tiers) or None, "regions": list(target.regions) or None, "dealers": list(target.dealers) or None}))
    if course.certificate_validity_months is not None:
        lines += ["", "[certificate]", f"validity_months = {course.certificate_validity_months}"]
        lines += _toml_lines({"template": course.certificate_template})
    # One exam keeps the original [quiz] table; several are an array of tables, [[quiz]].
    several = len(course.exams) > 1
    for number, quiz in enumerate(course.exams):
        lines += ["", "[[quiz]]" if several else "[quiz]"] + _toml_lines({
            "title": quiz.title, "file": quiz.file_name, "pass_percent": quiz.pass_percent,
            "max_attempts": quiz.max_attempts, "time_limit_minutes": quiz.time_limit_minutes, "shuffle": quiz.shuffle,
            "feedback": quiz.feedback,
            "completion": None if quiz.completion == "lessons_and_exam" or number else quiz.completion,
            "details": quiz.details_file,
            "draws": [{"category": list(d.category), "count": d.count, "mark": d.mark} for d in quiz.draws] or None})
    for section in course.sections:
        lines += ["", "[[sections]]", f"title = {_toml_value(section.title)}", "lessons = ["]
        lines += [f"    {_toml_value(lesson.file_name)}," for lesson in section.lessons] + ["]"]
    return "\n".join(lines) + "\n"


def lesson_text(lesson: LessonSource) -> str:
    """The lesson file text: canonical front matter followed by the body as authored."""
    meta = _toml_lines({"title": lesson.title, "kind": lesson.kind, "required": lesson.required, "minutes": lesson.minutes,
                        "file": lesson.file, "preview_pdf": lesson.preview_pdf, "video_url": lesson.video_url,
                        "attachments": list(lesson.attachments) or None})
    return "---\n" + "\n".join(meta) + "\n---\n" + lesson.body


def write_course_dir(course: CourseSource, content_root: str | Path,
                     open_asset: Callable[[AssetSource], BinaryIO] | None = None,
                     open_package: Callable[[PackageFileSource], BinaryIO] | None = None) -> Path:
    """Write ``course`` as ``<content_root>/<slug>/`` in the format ``load_course_dir`` reads; return that folder.

    ``open_asset`` reads an asset's bytes (from the portal's storage when exporting a stored course);
    by default each asset's ``path`` is a local file; ``open_package`` likewise for package zips.

    Refuses (FileExistsError) to write into a non-empty folder, so an export never mixes with old files.
    """
    target = Path(content_root) / course.slug
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    (target / "course.toml").write_text(course_toml(course), encoding="utf-8")
    for lesson in course.lessons:
        (target / lesson.file_name).write_text(lesson_text(lesson), encoding="utf-8")
    for quiz in course.exams:
        (target / quiz.file_name).write_text(quiz.text, encoding="utf-8")
        if quiz.details_file:
            (target / quiz.details_file).write_text(quiz.details_text, encoding="utf-8")
    for asset in course.assets:
        destination = target / "assets" / asset.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with (open_asset or _open_local)(asset) as source, open(destination, "wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
    for package in course.packages:
        with (open_package or _open_local)(package) as source, open(target / package.file_name, "wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
    return target
