"""Courses as files (``content/<slug>/``): load and validate everything first (content_export writes it back).

Layout of one course; the folder name is the course slug (``[a-z0-9]+(-[a-z0-9]+)*``)::

    content/<slug>/course.toml
    content/<slug>/NN-<lesson-slug>.md     lessons, NN = 2 or 3 digits
    content/<slug>/assets/…                images, PDFs, slides, videos, attachments
    content/<slug>/<quiz>.gift             the course's exams, if any
    content/<slug>/NN-<slug>.zip           e-learning packages (SCORM 1.2/2004, cmi5, Tin Can); see docs/features.md

Other files and folders (``README.md``, ``sources/`` for originals of generated assets, dot files) are
ignored; any other ``*.md`` is an error, so a misnamed lesson is never silently dropped.

``course.toml`` (unknown keys are errors)::

    title = "…"                      # required
    description = "…"                # optional Markdown, default ""
    language = "ru"                  # required, two lower-case letters
    published = true                 # optional, default true; false imports as a draft
    product_line = "AgroMax NPK"     # optional: the product line a certificate attests
    [targeting]                      # required: all = true, or at least one non-empty list
    all = false
    tiers = ["gold", "silver"]       # dealer tiers
    regions = ["Краснодарский край"] # dealer regions
    dealers = ["2310000001"]         # dealer tax ids (ИНН)
    [certificate]                    # optional: present = a certificate is issued on completion
    validity_months = 24             # 0 = never expires (default)
    template = "default"             # optional: a file of templates/certificates/pdf/ without .html
    [quiz]                           # optional: the exam, or [[quiz]] for several (lms.courses.content_exams)
    file = "final-exam.gift"         # required in [quiz]; a GIFT file next to course.toml
    pass_percent = 80                # and the other settings: see lms.courses.content_exams
    [[sections]]                     # optional; without it all lessons form one untitled section
    title = "Хранение"               # in NN order; "" = untitled
    lessons = ["01-storage.md", "02-ppe.md"]   # every lesson file exactly once, in order

Lesson front matter (TOML between ``---`` lines, see ``split_front_matter``; unknown keys are errors)::

    title = "…"                      # required
    kind = "markdown"                # markdown (default) | pdf | video | attachment
    required = true                  # default true: needed to complete the course
    minutes = 10                     # optional estimated time, 0..1000
    file = "guide.pdf"               # asset name; pdf: a PDF or PPTX; video: MP4/WebM; attachment: any
    preview_pdf = "guide-export.pdf" # pdf kind with a PPTX file only: PDF export shown inline
    video_url = "https://…"          # video kind, instead of file; host allow-list is checked on import
    attachments = ["form.xlsx"]      # optional extra downloads, any kind

Asset names are paths relative to ``assets/``; Markdown refers to them as ``assets/<name>``.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

# Re-exported: the loader returns these values and its callers import them from here.
from lms.courses.content_sources import (  # noqa: F401
    ContentProblem,
    ContentError,
    PackageFileSource,
    AssetSource,
    LessonSource,
    SectionSource,
    Targeting,
    QuizSource,
    CourseSource,
    DrawSource,
)
from lms.courses.content_exams import DetailsChecker, QuizChecker, load_exams
from lms.courses.content_toml import REQUIRED, Problems, line_of, load_toml, read_table
from lms.courses.markdown import FrontMatterError, image_asset_names, make_renderer, split_front_matter, url_scheme
from lms.courses.uploads import KIND_EXTENSIONS, SLIDE_KINDS, VIDEO_KINDS, detect_file_kind, is_unsafe_name

LESSON_KINDS = ("markdown", "pdf", "video", "attachment")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE_RE = re.compile(r"^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
PACKAGE_FILE_RE = re.compile(r"^\d{2,3}-[a-z0-9]+(?:-[a-z0-9]+)*\.zip$")


def _load_assets(course_dir: Path, problems: Problems) -> dict[str, AssetSource]:
    assets = {}
    folder = course_dir / "assets"
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        name = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in name.split("/")) or (path.is_dir() and not path.is_symlink()):
            continue
        if path.is_symlink() or any(is_unsafe_name(part) for part in name.split("/")):
            problems.add(path, None, "Assets must be plain files with plain names.")
            continue
        kind = detect_file_kind(path)
        extension = path.suffix.lower()
        if kind is None or extension not in KIND_EXTENSIONS[kind]:
            problems.add(path, None, "The asset's content does not match its name or is not a supported type.")
            continue
        data = path.read_bytes()
        assets[name] = AssetSource(name, hashlib.sha256(data).hexdigest(), len(data), kind, path)
    return assets


LESSON_SPEC = {
    "title": (str, REQUIRED), "kind": (str, "markdown"), "required": (bool, True), "minutes": (int, None),
    "file": (str, None), "preview_pdf": (str, None), "video_url": (str, None), "attachments": ("list[str]", ()),
}


def _check_asset(path: Path, line: int | None, name: str, kinds: frozenset[str] | None, assets: dict, problems: Problems) -> None:
    asset = assets.get(name)
    if asset is None:
        problems.add(path, line, "The asset “%(name)s” does not exist in assets/.", name=name)
    elif kinds is not None and asset.kind not in kinds:
        problems.add(path, line, "The asset “%(name)s” is a %(kind)s file, expected one of: %(expected)s.",
                     name=name, kind=asset.kind, expected=", ".join(sorted(kinds)))


def _load_lesson(path: Path, assets: dict, renderer, problems: Problems) -> LessonSource | None:
    slug = LESSON_FILE_RE.match(path.name).group(2)
    try:
        text = path.read_text(encoding="utf-8")
        meta, body, body_line = split_front_matter(text)
    except UnicodeDecodeError:
        problems.add(path, None, "The file is not UTF-8 text.")
        return None
    except FrontMatterError as error:
        problems.add(path, error.line, error.message, **error.params)
        return None
    if body_line == 1:
        problems.add(path, 1, "A lesson must start with front matter between --- lines.")
        return None
    fm_text = "\n".join(text.splitlines()[1 : body_line - 2])
    values = read_table(meta, LESSON_SPEC, problems, path, fm_text, offset=1)
    def key_line(key: str) -> int:
        return (line_of(fm_text, key) or 0) + 1
    kind = values["kind"]
    if kind not in LESSON_KINDS:
        problems.add(path, key_line("kind"), "Unknown lesson kind “%(kind)s”; use one of: %(kinds)s.", kind=kind, kinds=", ".join(LESSON_KINDS))
    if values["minutes"] is not None and not 0 <= values["minutes"] <= 1000:
        problems.add(path, key_line("minutes"), "“minutes” must be between 0 and 1000.")
    if values["title"] is not None and not values["title"].strip():
        problems.add(path, key_line("title"), "The title must not be empty.")
    allowed = {"markdown": set(), "pdf": {"file", "preview_pdf"}, "video": {"file", "video_url"}, "attachment": {"file"}}.get(kind, set())
    for key in ("file", "preview_pdf", "video_url"):
        if values[key] is not None and key not in allowed:
            problems.add(path, key_line(key), "“%(key)s” cannot be used in a %(kind)s lesson.", key=key, kind=kind)
    if kind == "markdown" and not body.strip():
        problems.add(path, body_line, "A Markdown lesson needs some text after the front matter.")
    if kind in ("pdf", "attachment") and values["file"] is None:
        problems.add(path, 2, "A %(kind)s lesson needs “file”.", kind=kind)
    if kind == "video" and (values["file"] is None) == (values["video_url"] is None):
        problems.add(path, 2, "A video lesson needs exactly one of “file” or “video_url”.")
    if values["video_url"] is not None and url_scheme(values["video_url"]) != "https":
        problems.add(path, key_line("video_url"), "“video_url” must be an https:// address.")
    file_kinds = {"pdf": SLIDE_KINDS, "video": VIDEO_KINDS}.get(kind)
    if values["file"] is not None and "file" in allowed:
        _check_asset(path, key_line("file"), values["file"], file_kinds, assets, problems)
    if values["preview_pdf"] is not None and kind == "pdf":
        if values["file"] in assets and assets[values["file"]].kind != "pptx":
            problems.add(path, key_line("preview_pdf"), "“preview_pdf” is only for a lesson whose file is a PPTX.")
        _check_asset(path, key_line("preview_pdf"), values["preview_pdf"], frozenset({"pdf"}), assets, problems)
    for name in values["attachments"]:
        _check_asset(path, key_line("attachments"), name, None, assets, problems)
    for line, name, src in image_asset_names(body, renderer=renderer):
        if name is None:
            problems.add(path, line + body_line - 1, "Images must come from the course's assets/: “%(src)s”.", src=src)
        else:
            _check_asset(path, line + body_line - 1, name, frozenset({"png", "jpeg", "gif", "webp"}), assets, problems)
    return LessonSource(path.name, slug, values["title"] or "", kind, values["required"], values["minutes"],
                        values["file"], values["preview_pdf"], values["video_url"], values["attachments"], body, body_line)


COURSE_SPEC = {
    "title": (str, REQUIRED), "description": (str, ""), "language": (str, REQUIRED), "published": (bool, True),
    "product_line": (str, None), "targeting": (dict, REQUIRED), "certificate": (dict, None), "quiz": (object, None), "sections": (list, None),
}
TARGETING_SPEC = {"all": (bool, False), "tiers": ("list[str]", ()), "regions": ("list[str]", ()), "dealers": ("list[str]", ())}
SECTION_SPEC = {"title": (str, ""), "lessons": ("list[str]", REQUIRED)}


def _load_targeting(table: dict, text: str, path: Path, problems: Problems) -> Targeting:
    values = read_table(table, TARGETING_SPEC, problems, path, text, prefix="targeting.", start=line_of(text, "targeting") or 1)
    lists = (values["tiers"], values["regions"], values["dealers"])
    if values["all"] == any(lists):
        problems.add(path, line_of(text, "targeting"), "Targeting needs either all = true or at least one of tiers, regions, dealers, not both.")
    return Targeting(values["all"], *lists)


def _lesson_files(course_dir: Path, problems: Problems) -> list[Path]:
    files = []
    for path in sorted(course_dir.glob("*.md")):
        if path.name == "README.md":
            continue
        if LESSON_FILE_RE.match(path.name) and path.is_file() and not path.is_symlink():
            files.append(path)
        else:
            problems.add(path, None, "A lesson file must be a plain file named NN-slug.md (e.g. 01-storage.md).")
    return files


def _package_files(course_dir: Path, problems: Problems) -> tuple[PackageFileSource, ...]:
    """The package zips; their content is checked on import by the e-learning pipeline (lms.courses.content_sync)."""
    packages = []
    for path in sorted(course_dir.glob("*.zip")):
        if PACKAGE_FILE_RE.match(path.name) and path.is_file() and not path.is_symlink():
            with open(path, "rb") as stream:
                packages.append(PackageFileSource(path.name, hashlib.file_digest(stream, "sha256").hexdigest(), path))
        else:
            problems.add(path, None, "A package file must be a plain file named NN-slug.zip (e.g. 08-golf.zip).")
    return tuple(packages)


def _build_sections(course_dir, sections_table, lessons: dict, text, problems) -> tuple[SectionSource, ...]:
    toml_path = course_dir / "course.toml"
    if sections_table is None:
        numbers = [LESSON_FILE_RE.match(name).group(1) for name in lessons]
        for number in {n for n in numbers if numbers.count(n) > 1}:
            problems.add(toml_path, None, "Two lessons share the number %(number)s; number them uniquely or list [[sections]].", number=number)
        ordered = sorted(lessons, key=lambda name: (int(LESSON_FILE_RE.match(name).group(1)), name))
        return (SectionSource("", tuple(lessons[name] for name in ordered if lessons[name])),)
    sections, seen = [], set()
    line = 1
    for table in sections_table:
        line = line_of(text, "sections", line) or line
        if not isinstance(table, dict):
            problems.add(toml_path, line, "Each entry of sections must be a [[sections]] table.")
            continue
        values = read_table(table, SECTION_SPEC, problems, toml_path, text, prefix="sections.", start=line)
        for name in values["lessons"] or ():
            if name not in lessons:
                problems.add(toml_path, line, "The lesson file “%(name)s” does not exist.", name=name)
            elif name in seen:
                problems.add(toml_path, line, "The lesson file “%(name)s” is listed twice.", name=name)
            seen.add(name)
        sections.append(SectionSource(values["title"], tuple(lessons[n] for n in values["lessons"] or () if lessons.get(n))))
        line += 1
    for name in sorted(set(lessons) - seen):
        problems.add(course_dir / name, None, "The lesson is not listed in any [[sections]] of course.toml.")
    return tuple(sections)


def _load_course(course_dir: Path, problems: Problems, check_quiz: QuizChecker | None, renderer,
                 check_details: DetailsChecker | None = None) -> CourseSource | None:
    start = len(problems.items)
    toml_path = course_dir / "course.toml"
    if not SLUG_RE.match(course_dir.name):
        problems.add(course_dir, None, "The course folder name must be a slug: lower-case letters, digits and dashes.")
    if not toml_path.is_file():
        problems.add(course_dir, None, "The course folder has no course.toml.")
        return None
    table, text = load_toml(toml_path, problems)
    if table is None:
        return None
    values = read_table(table, COURSE_SPEC, problems, toml_path, text)
    if values["language"] is not None and not re.fullmatch(r"[a-z]{2}", values["language"]):
        problems.add(toml_path, line_of(text, "language"), "language must be a two-letter code such as ru or en.")
    if values["title"] is not None and not values["title"].strip():
        problems.add(toml_path, line_of(text, "title"), "The title must not be empty.")
    targeting = _load_targeting(values["targeting"] or {}, text, toml_path, problems)
    validity = template = None
    if values["certificate"] is not None:
        certificate = read_table(values["certificate"], {"validity_months": (int, 0), "template": (str, None)}, problems,
                                  toml_path, text, prefix="certificate.", start=line_of(text, "certificate") or 1)
        validity, template = certificate["validity_months"], certificate["template"]
        if validity < 0:
            problems.add(toml_path, line_of(text, "validity_months"), "validity_months must not be negative.")
        if template is not None and not SLUG_RE.match(template):
            problems.add(toml_path, line_of(text, "template"), "template must name a file of templates/certificates/pdf/ without “.html”.")
    exams = load_exams(course_dir, values["quiz"], text, problems, check_quiz, check_details) if values["quiz"] is not None else ()
    assets = _load_assets(course_dir, problems)
    lessons = {path.name: _load_lesson(path, assets, renderer, problems) for path in _lesson_files(course_dir, problems)}
    slugs = [LESSON_FILE_RE.match(name).group(2) for name in lessons]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        problems.add(course_dir, None, "Two lesson files share the slug “%(slug)s”.", slug=slug)
    sections = _build_sections(course_dir, values["sections"], lessons, text, problems)
    packages = _package_files(course_dir, problems)
    if len(problems.items) > start:
        return None
    return CourseSource(course_dir.name, values["title"], values["description"], values["language"], values["published"],
                        targeting, validity, exams[0] if exams else None, sections,
                        tuple(assets[name] for name in sorted(assets)), course_dir,
                        product_line=(values["product_line"] or "").strip() or None, certificate_template=template,
                        extra_exams=exams[1:], packages=packages)


def load_course_dir(path: str | Path, *, check_quiz: QuizChecker | None = None) -> CourseSource:
    """Load and validate one course folder; raise ``ContentError`` listing every problem."""
    course_dir = Path(path)
    problems = Problems(course_dir.parent)
    course = _load_course(course_dir, problems, check_quiz, make_renderer())
    if problems.items or course is None:
        raise ContentError(problems.items)
    return course


def load_content_root(path: str | Path, *, check_quiz: QuizChecker | None = None,
                      check_details: DetailsChecker | None = None) -> list[CourseSource]:
    """Load every course folder under ``path``; all are validated before any is returned (all or nothing).

    ``check_quiz(text)`` may return ``(line, message)`` problems for a GIFT file (the app passes the GIFT parser),
    ``check_details(gift_text, json_text)`` problems of the quiz's JSON sidecar.
    """
    root = Path(path)
    problems = Problems(root)
    if not root.is_dir():
        raise ContentError([ContentProblem(root.as_posix(), None, "The content folder does not exist.")])
    renderer = make_renderer()
    courses = [_load_course(folder, problems, check_quiz, renderer, check_details)
               for folder in sorted(root.iterdir()) if folder.is_dir() and not folder.name.startswith(".")]
    if problems.items:
        raise ContentError(problems.items)
    return [course for course in courses if course is not None]
