"""Learning paths: edited in the browser, and ``content/paths.toml`` read and written (services: they never commit).

``paths.toml`` holds one ``[[paths]]`` table per path, in the catalogue's order::

    [[paths]]
    slug = "seller"
    title = "Продавец удобрений"
    courses = ["fertilizer-safety", "npk-product-line"]   # later courses unlock as earlier ones are completed
    audience = { tiers = ["gold"], regions = ["Юг"] }     # optional; absent: every dealer
    certificate = { validity_months = 24 }                # optional: a certificate for the whole path

What the export writes, the import reads back into the same paths.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from lms.courses.content_export import _toml_value
from lms.courses.models import Course, LearningPath, LearningPathCourse
from lms.extensions import db


def path_entry(path: LearningPath) -> dict:
    """A path as the plain entry ``paths.toml`` holds (and the import produces)."""
    slugs = dict(db.session.execute(sa.select(Course.id, Course.slug).where(
        Course.id.in_([step.course_id for step in path.steps]))).all())
    return {"slug": path.slug, "title": path.title, "courses": [slugs[step.course_id] for step in path.steps],
            "targets_all": path.targets_all, "tiers": sorted(path.tiers or ()), "regions": sorted(path.regions or ()),
            "certificate_validity_months": path.certificate_validity_months}


def all_paths() -> list[LearningPath]:
    return list(db.session.scalars(sa.select(LearningPath).order_by(LearningPath.position, LearningPath.title)))


def paths_toml(entries: list[dict]) -> str:
    """The canonical ``paths.toml`` text for ``entries``."""
    blocks = []
    for entry in entries:
        lines = ["[[paths]]", f"slug = {_toml_value(entry['slug'])}", f"title = {_toml_value(entry['title'])}",
                 f"courses = {_toml_value(entry['courses'])}"]
        if not entry["targets_all"]:
            audience = {key: entry[key] for key in ("tiers", "regions") if entry[key]}
            lines.append("audience = { " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in audience.items()) + " }")
        if entry["certificate_validity_months"] is not None:
            lines.append(f"certificate = {{ validity_months = {entry['certificate_validity_months']} }}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def export_paths(directory: str | Path) -> Path:
    """Write every learning path to ``<directory>/paths.toml``; return the file."""
    target = Path(directory) / "paths.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(paths_toml([path_entry(path) for path in all_paths()]), encoding="utf-8")
    return target


def apply_entry(path: LearningPath, entry: dict, course_ids: list[int]) -> None:
    """Store an entry's settings and its courses (in order) on ``path``."""
    path.title = entry["title"]
    path.targets_all = bool(entry["targets_all"])
    path.tiers = [] if path.targets_all else list(entry["tiers"])
    path.regions = [] if path.targets_all else list(entry["regions"])
    path.certificate_validity_months = entry["certificate_validity_months"]
    set_path_courses(path, course_ids)


def set_path_courses(path: LearningPath, course_ids: list[int]) -> None:
    """Make the path's courses exactly ``course_ids``, in that order."""
    if [step.course_id for step in path.steps] == course_ids:
        return
    path.steps[:] = []
    db.session.flush()  # the (path, course) pairs are unique: old rows go before new ones come
    path.steps.extend(LearningPathCourse(course_id=course_id, position=index)
                      for index, course_id in enumerate(course_ids))


def path_visible_to(path: LearningPath, user, staff_roles) -> bool:
    """Whether the path is meant for ``user``: every dealer, or the user's dealer's tier or region."""
    if path.targets_all or user.role in staff_roles:
        return True
    dealer = getattr(user, "dealer", None)
    return dealer is not None and (dealer.tier in (path.tiers or ()) or dealer.region in (path.regions or ()))
