"""``content/`` ↔ database: validate everything, then create or update courses by slug; export back.

Besides the course folders (see content_files), an optional ``content/paths.toml`` defines learning
paths (format in lms.courses.paths, which also writes it back).
"""
from __future__ import annotations

from dataclasses import dataclass
import tomllib
from pathlib import Path

import sqlalchemy as sa

from lms.auth.models import Dealer
from lms import storage
from lms.courses.content_export import write_course_dir
from lms.courses.content_files import (
    AssetSource, ContentError, ContentProblem, CourseSource, LessonSource, QuizSource, SectionSource, Targeting,
    DrawSource, PackageFileSource,
    SLUG_RE, load_content_root,
)
from lms.courses.models import Course, CourseSection, LearningPath, Lesson
from lms.courses.paths import apply_entry
from lms.courses.services import (
    assign, check_file, embeddable_url, find_course, optional_module, publish_course, render_course, save_asset,
    set_targets, upload_limits, asset_key,
)
from lms.courses.uploads import UploadCheck, UploadError
from lms.extensions import db
from lms.plugins import plugin_manager


def N_(msgid: str) -> str:
    return msgid


@dataclass(frozen=True)
class ImportResult:
    slug: str
    created: bool
    changed: bool


def quiz_content():
    """``lms.quizzes.content`` when the quiz domain is loaded and provides it, else None."""
    if plugin_manager().get_plugin("lms.quizzes.hooks") is None:
        return None
    return optional_module("lms.quizzes.content")


def elearning_content():
    """``lms.elearning.content_packages`` when the e-learning domain is loaded, else None."""
    if plugin_manager().get_plugin("lms.elearning.hooks") is None:
        return None
    return optional_module("lms.elearning.content_packages")


def _package_slugs(packages, course_id: int) -> set[str]:
    ids = packages.package_lesson_ids(course_id)
    return set(db.session.scalars(sa.select(Lesson.slug).where(Lesson.id.in_(ids)))) if ids else set()


def _validate_extra(courses: list[CourseSource], root: Path) -> tuple[list[ContentProblem], dict]:
    """Checks that need the app: dealers exist, video hosts allowed, assets pass the upload checks."""
    problems: list[ContentProblem] = []
    checks: dict[tuple[str, str], UploadCheck] = {}
    tax_ids = set(db.session.scalars(sa.select(Dealer.tax_id).where(Dealer.tax_id.is_not(None))))
    limits = upload_limits()
    packages = elearning_content()
    for course in courses:
        toml_name = f"{course.slug}/course.toml"
        existing = find_course(course.slug) if packages else None
        taken = _package_slugs(packages, existing.id) if existing is not None else set()
        for lesson in course.lessons:
            if lesson.slug in taken:
                problems.append(ContentProblem(f"{course.slug}/{lesson.file_name}", None, N_(
                    "The lesson slug “%(slug)s” is taken by an e-learning package's lesson of the course."),
                    {"slug": lesson.slug}))
        for package in course.packages:
            # The upload page's checks (zip, XML, sizes), before anything is stored.
            problem = packages.package_problem(package.path) if packages else N_(
                "E-learning packages cannot be imported: the e-learning domain is not enabled.")
            if problem:
                problems.append(ContentProblem(f"{course.slug}/{package.file_name}", None, problem, {}))
        for tax_id in course.targeting.dealers:
            if tax_id not in tax_ids:
                problems.append(ContentProblem(toml_name, None, N_("No dealer has the tax ID “%(tax_id)s”."),
                                               {"tax_id": tax_id}))
        for lesson in course.lessons:
            if lesson.video_url and embeddable_url(lesson.video_url) is None:
                problems.append(ContentProblem(f"{course.slug}/{lesson.file_name}", None, N_(
                    "The video address is not on an allowed host (VIDEO_EMBED_HOSTS)."), {}))
        for asset in course.assets:
            try:
                with open(asset.path, "rb") as stream:
                    checks[(course.slug, asset.name)] = check_file(stream, Path(asset.name).name, limits)
            except UploadError as error:
                problems.append(ContentProblem(f"{course.slug}/assets/{asset.name}", None, error.message, error.params))
    return problems, checks


def import_content(path: str | Path) -> list[ImportResult]:
    """Import every course under ``path``; raise ``ContentError`` (and change nothing) on any problem."""
    root = Path(path)
    quiz_module = quiz_content()
    check_quiz = getattr(quiz_module, "gift_problems", None)
    courses = load_content_root(root, check_quiz=check_quiz, check_details=getattr(quiz_module, "details_problems", None))
    problems, checks = _validate_extra(courses, root)
    paths = _load_paths(root, {course.slug for course in courses}, problems)
    if problems:
        for check in checks.values():
            check.discard()
        raise ContentError(problems)
    dealers = dict(db.session.execute(sa.select(Dealer.tax_id, Dealer.id).where(Dealer.tax_id.is_not(None))).all())
    results = []
    try:
        for source in courses:
            results.append(_sync_course(source, checks, dealers, quiz_module))
    finally:
        for check in checks.values():
            check.discard()
    _sync_paths(paths)
    return results


def _load_paths(root: Path, slugs: set[str], problems: list[ContentProblem]) -> list[dict]:
    """Read the optional ``paths.toml`` (format in lms.courses.paths) into plain entries."""
    path = root / "paths.toml"
    if not path.is_file():
        return []
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problems.append(ContentProblem("paths.toml", None, N_("The file is not valid TOML: %(detail)s"),
                                       {"detail": str(error)}))
        return []
    known = slugs | set(db.session.scalars(sa.select(Course.slug)))
    entries = []
    for entry in table.get("paths", []):
        slug, title, courses = entry.get("slug"), entry.get("title"), entry.get("courses")
        audience, certificate = entry.get("audience"), entry.get("certificate", {})
        if not (isinstance(slug, str) and SLUG_RE.match(slug) and isinstance(title, str) and title.strip()
                and isinstance(courses, list) and courses and all(isinstance(c, str) for c in courses)):
            problems.append(ContentProblem("paths.toml", None, N_(
                "Each [[paths]] needs a slug, a title and a non-empty list of course slugs."), {}))
            continue
        tiers, regions = ((audience or {}).get("tiers", []), (audience or {}).get("regions", []))
        validity = certificate.get("validity_months") if isinstance(certificate, dict) else -1
        if (audience is not None and not (isinstance(audience, dict) and _strings(tiers) and _strings(regions)
                                          and (tiers or regions))) or not (
                validity is None or (isinstance(validity, int) and not isinstance(validity, bool) and validity >= 0)):
            problems.append(ContentProblem("paths.toml", None, N_(
                "In the path “%(slug)s”, audience needs tiers or regions (lists of text) and certificate a "
                "validity_months of 0 or more."), {"slug": slug}))
            continue
        for course_slug in courses:
            if course_slug not in known:
                problems.append(ContentProblem("paths.toml", None, N_("There is no course “%(slug)s”."),
                                               {"slug": course_slug}))
        entries.append({"slug": slug, "title": title.strip(), "courses": list(dict.fromkeys(courses)),
                        "targets_all": audience is None, "tiers": sorted(tiers), "regions": sorted(regions),
                        "certificate_validity_months": validity if "certificate" in entry else None})
    return entries


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)


def _sync_paths(entries: list[dict]) -> None:
    for position, entry in enumerate(entries):
        path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == entry["slug"]))
        if path is None:
            path = LearningPath(slug=entry["slug"], title=entry["title"], tiers=[], regions=[])
            db.session.add(path)
        assign(path, position=position)
        ids = dict(db.session.execute(sa.select(Course.slug, Course.id).where(Course.slug.in_(entry["courses"]))).all())
        apply_entry(path, entry, [ids[slug] for slug in entry["courses"]])
    db.session.flush()


def _sync_course(source: CourseSource, checks, dealers: dict, quiz_module) -> ImportResult:
    course = find_course(source.slug)
    created = course is None
    if created:
        course = Course(slug=source.slug, version=0, published=False)
        db.session.add(course)
    changed = assign(course, title=source.title, description=source.description, language=source.language,
                     product_line=source.product_line,
                     certificate_validity_months=source.certificate_validity_months,
                     certificate_template=source.certificate_template,
                     completion_rule=source.completion_rule)
    if source.certificate_validity_months is not None:
        assign(course, certificate_months_kept=source.certificate_validity_months)
    target = source.targeting
    set_targets(course, targets_all=target.all, tiers=target.tiers, regions=target.regions,
                dealer_ids=[dealers[tax_id] for tax_id in target.dealers])
    assets = {}
    for asset_source in source.assets:
        existing = next((a for a in course.assets if a.name == asset_source.name), None)
        if existing is not None and existing.sha256 == asset_source.sha256:
            assets[asset_source.name] = existing
        else:
            assets[asset_source.name] = save_asset(course, checks[(source.slug, asset_source.name)], asset_source.name)
    for asset in list(course.assets):
        if asset.name not in assets:
            course.assets.remove(asset)
    packages = elearning_content()
    package_lessons = packages.package_lesson_ids(course.id) if packages and course.id else set()
    _sync_sections(course, source.sections, assets, package_lessons)
    db.session.flush()
    packages_changed = bool(packages) and packages.sync_course_packages(
        course, [(p.file_name, p.sha256, p.path) for p in source.packages])
    if packages_changed:
        db.session.expire(course, ["sections"])
        _place_package_sections(course, len(source.sections), packages.package_lesson_ids(course.id))
    render_course(course)
    if quiz_module is not None and source.exams:
        quiz_module.sync_course_quizzes(course.id, [(quiz.text, {
            "pass_percent": quiz.pass_percent, "max_attempts": quiz.max_attempts,
            "time_limit_minutes": quiz.time_limit_minutes, "shuffle": quiz.shuffle, "feedback": quiz.feedback,
            "details": quiz.details_text, "title": quiz.title,
            "draws": [{"category": d.category, "count": d.count, "mark": d.mark} for d in quiz.draws]})
            for quiz in source.exams])
    if source.published and not course.published:
        publish_course(course)
    elif not source.published and course.published:
        course.published = False
    changed = changed or created or packages_changed or bool(db.session.dirty or db.session.new or db.session.deleted)
    db.session.flush()
    return ImportResult(source.slug, created, changed)


def _is_package_section(section: CourseSection, package_lessons: set[int]) -> bool:
    return bool(section.lessons) and all(lesson.id in package_lessons for lesson in section.lessons)


def _place_package_sections(course: Course, first: int, package_lessons: set[int]) -> None:
    """Package sections come after the sections of the course's files, in import order."""
    own = [s for s in course.sections if _is_package_section(s, package_lessons)]
    for position, section in enumerate(sorted(own, key=lambda s: s.id), first):
        assign(section, position=position)


def _sync_sections(course: Course, sections: tuple[SectionSource, ...], assets: dict,
                   package_lessons: set[int] = frozenset()) -> None:
    """Match sections by position and lessons by slug, so learners' progress survives an update.

    Sections holding only e-learning package lessons (``package_lessons``) are not the files' sections: kept as they are.
    """
    file_sections = [s for s in course.sections if not _is_package_section(s, package_lessons)]
    lessons = {lesson.slug: lesson for section in file_sections for lesson in section.lessons
               if lesson.id not in package_lessons}
    while len(file_sections) < len(sections):
        file_sections.append(CourseSection(title="", position=len(file_sections)))
        course.sections.append(file_sections[-1])
    kept = set()
    for position, (section, section_source) in enumerate(zip(file_sections, sections)):
        assign(section, title=section_source.title, position=position)
        for lesson_position, lesson_source in enumerate(section_source.lessons):
            lesson = lessons.get(lesson_source.slug)
            if lesson is None:
                lesson = Lesson(slug=lesson_source.slug, course=course)
                db.session.add(lesson)
            if lesson.section is not section:
                lesson.section = section
            kept.add(lesson_source.slug)
            _sync_lesson(lesson, lesson_source, lesson_position, assets)
    for slug, lesson in lessons.items():
        if slug not in kept:
            lesson.section.lessons.remove(lesson)
    for section in file_sections[len(sections):]:
        course.sections.remove(section)
    _place_package_sections(course, len(sections), package_lessons)


def _sync_lesson(lesson: Lesson, source: LessonSource, position: int, assets: dict) -> None:
    assign(lesson, title=source.title, kind=source.kind, position=position, required=source.required,
           minutes=source.minutes, body=source.body, video_url=source.video_url,
           attachments=list(source.attachments))
    file_asset = assets.get(source.file) if source.file else None
    preview = assets.get(source.preview_pdf) if source.preview_pdf else None
    if lesson.file_asset is not file_asset:
        lesson.file_asset = file_asset
    if lesson.preview_asset is not preview:
        lesson.preview_asset = preview


def course_source(course: Course) -> CourseSource:
    """The course as a ``CourseSource``, ready for ``write_course_dir``."""
    targets = course.targets
    dealer_ids = [t.dealer_id for t in targets if t.kind == "dealer"]
    tax_ids = dict(db.session.execute(sa.select(Dealer.id, Dealer.tax_id).where(Dealer.id.in_(dealer_ids))).all())
    targeting = Targeting(course.targets_all,
                          tuple(sorted(t.value for t in targets if t.kind == "tier")),
                          tuple(sorted(t.value for t in targets if t.kind == "region")),
                          tuple(sorted(tax_ids[d] for d in dealer_ids if tax_ids.get(d))))
    number = 0
    sections = []
    packages = elearning_content()
    package_lessons = packages.package_lesson_ids(course.id) if packages else set()
    # Package lessons are no .md files: their zips are written instead (those kept, see _package_sources).
    for section in (s for s in course.sections if not _is_package_section(s, package_lessons)):
        lessons = []
        for lesson in section.lessons:
            number += 1
            lessons.append(LessonSource(
                f"{number:02d}-{lesson.slug}.md", lesson.slug, lesson.title, lesson.kind, lesson.required,
                lesson.minutes, lesson.file_asset.name if lesson.file_asset else None,
                lesson.preview_asset.name if lesson.preview_asset else None, lesson.video_url,
                tuple(lesson.attachments or ()), lesson.body, 0))
        sections.append(SectionSource(section.title, tuple(lessons)))
    # The path of a stored asset is its storage key; ``export_course`` reads it from the storage.
    assets = tuple(AssetSource(a.name, a.sha256, a.size, a.kind, Path(asset_key(a)))
                   for a in sorted(course.assets, key=lambda a: a.name))
    exporter = getattr(quiz_content(), "export_course_quizzes", None)
    exams = []
    for number, (text, settings) in enumerate(exporter(course.id) if exporter else (), 1):
        # The only exam keeps the original names; several are numbered in their order.
        stem = course.slug if number == 1 else f"{course.slug}-exam-{number}"
        exams.append(QuizSource(f"{stem}.gift", text, **{k: settings[k] for k in (
            "pass_percent", "max_attempts", "time_limit_minutes", "shuffle", "feedback") if k in settings},
            completion=course.completion_rule, details_file=f"{stem}.quiz.json" if settings.get("details") else None,
            details_text=settings.get("details"), title=settings.get("title") if settings.get("title") != course.title else None,
            draws=tuple(DrawSource(tuple(d["category"]), d["count"], d["mark"]) for d in settings.get("draws") or ())))
    return CourseSource(course.slug, course.title, course.description, course.language, course.published, targeting,
                        course.certificate_validity_months, exams[0] if exams else None, tuple(sections), assets, Path("."),
                        product_line=course.product_line, certificate_template=course.certificate_template,
                        extra_exams=tuple(exams[1:]), packages=_package_sources(course.id))


def _package_sources(course_id: int) -> tuple[PackageFileSource, ...]:
    """Package zips kept from earlier imports; the path is the sha256 ``export_course`` opens in the storage."""
    packages = elearning_content()
    return tuple(PackageFileSource(name, sha256, Path(sha256))
                 for name, sha256 in (packages.exported_files(course_id) if packages else ()))


def export_course(slug: str, directory: str | Path) -> Path:
    """Write the course ``slug`` as ``<directory>/<slug>/``; LookupError when there is no such course."""
    course = find_course(slug)
    if course is None:
        raise LookupError(slug)
    return write_course_dir(course_source(course), directory,
                            open_asset=lambda asset: storage.backend().open(asset.path.as_posix()),
                            open_package=lambda package: elearning_content().open_original(package.sha256))
