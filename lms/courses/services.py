"""Course editing services shared by the author pages and the content importer (they never commit)."""
from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from lms import storage
from lms.config import DefaultConfig
from lms.courses.models import Course, CourseAsset, CourseTarget, Lesson
from lms.courses.rendering import render_course_markdown
from lms.courses.uploads import MIME_TYPES, UploadCheck, check_upload, storage_path
from lms.events import emit
from lms.extensions import db

CERTIFICATE_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "certificates" / "pdf"


def certificate_templates() -> list[str]:
    """Names of the certificate templates shipped under templates/certificates/pdf/ ("default" first)."""
    names = sorted(path.stem for path in CERTIFICATE_TEMPLATES.glob("*.html"))
    return sorted(names, key=lambda name: name != "default")


def upload_limits() -> dict[str, int]:
    """Per-kind byte limits: ``UPLOAD_LIMITS_MB`` (kind → MB) over the defaults."""
    # An override names only the kinds it changes; the rest keep their shipped limits.
    limits = dict(DefaultConfig.UPLOAD_LIMITS_MB)
    limits.update(current_app.config["UPLOAD_LIMITS_MB"] or {})
    return {kind: int(float(mb) * 1024 * 1024) for kind, mb in limits.items() if kind in MIME_TYPES}


def asset_key(asset: CourseAsset) -> str:
    """The storage key of a course file: ``uploads/`` and its ``storage_path`` (``ab/cd/<sha256>``)."""
    return f"{storage.UPLOADS}/{asset.storage_path}"


def check_file(stream: BinaryIO, declared_name: str, allowed_kinds: Iterable[str]) -> UploadCheck:
    """Check an upload against its kind and the configured size limit; raises ``UploadError``."""
    incoming = storage.staging_dir(storage.UPLOADS)
    limits = upload_limits()
    allowed = [kind for kind in allowed_kinds if kind in limits]
    return check_upload(stream, declared_name=declared_name, allowed_kinds=allowed, size_limits=limits,
                        temp_dir=incoming)


def save_asset(course: Course, check: UploadCheck, name: str | None = None) -> CourseAsset:
    """Store a checked upload and attach it to the course under ``name`` (replacing the same name)."""
    name = name or check.display_name
    relative = storage_path(check.sha256)
    storage.store_checked(check, storage.blob_key(check.sha256))
    asset = next((a for a in course.assets if a.name == name), None)
    if asset is None:
        asset = CourseAsset(name=name)
        course.assets.append(asset)
    assign(asset, sha256=check.sha256, kind=check.kind, mime_type=check.mime_type, size=check.size,
           storage_path=relative)
    return asset


def assign(obj, **values) -> bool:
    """Set only the attributes that differ, so unchanged rows are not updated; True if any changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def asset_names(course: Course) -> dict[str, str]:
    """Asset name → sha256 for rendering the course's Markdown."""
    return {asset.name: asset.sha256 for asset in course.assets}


def render_lesson(course: Course, lesson: Lesson, assets: dict[str, str] | None = None) -> None:
    """Cache the lesson's HTML (called whenever the lesson or the course's assets change)."""
    html = render_course_markdown(lesson.body, asset_names(course) if assets is None else assets,
                                  language=course.language)
    assign(lesson, body_html=html)


def render_course(course: Course) -> None:
    """Re-render the description and every lesson of the course."""
    assign(course, description_html=render_course_markdown(course.description, {}, language=course.language))
    assets = asset_names(course)
    for section in course.sections:
        for lesson in section.lessons:
            render_lesson(course, lesson, assets)


def set_targets(course: Course, *, targets_all: bool, tiers=(), regions=(), dealer_ids=()) -> None:
    """Replace the course's targeting when it differs from what is stored."""
    wanted = set() if targets_all else (
        {("tier", t, None) for t in tiers} | {("region", r, None) for r in regions}
        | {("dealer", None, d) for d in dealer_ids})
    current = {(t.kind, t.value, t.dealer_id) for t in course.targets}
    assign(course, targets_all=bool(targets_all))
    if wanted != current:
        course.targets[:] = [CourseTarget(kind=k, value=v, dealer_id=d) for k, v, d in sorted(wanted, key=str)]


def publish_course(course: Course, *, requires_recertification: bool = False) -> int:
    """Publish the course as a new version and emit ``lms_course_published``; return the version."""
    course.version = (course.version or 0) + 1
    course.published = True
    db.session.flush()
    emit("lms_course_published", course_id=course.id, version=course.version,
         requires_recertification=bool(requires_recertification))
    return course.version


def embed_hosts() -> tuple[str, ...]:
    """Hosts whose players may be embedded (``VIDEO_EMBED_HOSTS``)."""
    hosts = current_app.config["VIDEO_EMBED_HOSTS"] or DefaultConfig.VIDEO_EMBED_HOSTS
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    return tuple(host.strip().lower() for host in hosts if host.strip())


def embeddable_url(url: str | None) -> str | None:
    """The URL when it is an https address on an allowed host (or its subdomain), else None."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or parts.username or parts.password:
        return None
    if any(host == allowed or host.endswith("." + allowed) for allowed in embed_hosts()):
        return url.strip()
    return None


def find_course(slug: str) -> Course | None:
    return db.session.scalar(sa.select(Course).where(Course.slug == slug))


def optional_module(name: str):
    """Import another domain's module when it exists (domains are built independently)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):
            return None
        raise
