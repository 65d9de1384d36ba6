"""Recognising a package by the manifest at its root, and reading cmi5.xml and tincan.xml.

SCORM's ``imsmanifest.xml`` is read by the SCORM runtime, which registers its reader here with
``register_reader``; the pipeline itself knows only where manifests must be.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from defusedxml import ElementTree
from flask_babel import gettext as _

from lms.elearning.archive import PackageError
from lms.elearning.models import MOVE_ON


@dataclass
class UnitSpec:
    title: str
    identifier: str
    launch: str
    move_on: str = "Completed"
    mastery_score: float | None = None
    launch_method: str = "AnyWindow"
    launch_parameters: str | None = None
    details: dict = field(default_factory=dict)


@dataclass
class PackageSpec:
    kind: str
    title: str
    units: list[UnitSpec]
    manifest: dict = field(default_factory=dict)


# manifest file name at the package root → reader(bytes of the manifest, names in the package) → PackageSpec
READERS: dict[str, Callable[[bytes, list[str]], PackageSpec]] = {}


def register_reader(manifest_name: str, reader: Callable[[bytes, list[str]], PackageSpec]) -> None:
    READERS[manifest_name] = reader


def find_manifest(names: list[str]) -> str:
    """The manifest at the root; a clear refusal when there is none or it sits in a sub-folder."""
    for manifest in ("cmi5.xml", "tincan.xml", "imsmanifest.xml"):
        if manifest in names:
            return manifest
    for name in names:
        if posixpath.basename(name) in ("cmi5.xml", "tincan.xml", "imsmanifest.xml"):
            raise PackageError(_("The manifest %(name)s is inside the folder %(folder)s; it must be at the root "
                                 "of the zip. Zip the folder's contents, not the folder.",
                                 name=posixpath.basename(name), folder=posixpath.dirname(name)))
    raise PackageError(_("This zip is not an e-learning package: it has no imsmanifest.xml (SCORM), "
                         "cmi5.xml (cmi5) or tincan.xml (Tin Can) at its root."))


def parse_xml(content: bytes, name: str):
    try:
        return ElementTree.fromstring(content)
    except Exception:  # defusedxml's refusals and plain syntax errors alike
        raise PackageError(_("The manifest %(name)s is not valid XML.", name=name)) from None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def children(node, name: str) -> list:
    return [child for child in node if local(child.tag) == name]


def text_of(node, name: str) -> str:
    """The text of the first ``name`` child; a cmi5 ``langstring`` inside it counts too."""
    for child in children(node, name):
        strings = children(child, "langstring")
        value = (strings[0].text if strings else child.text) or ""
        return " ".join(value.split())
    return ""


def _check_launch(url: str, names: list[str], what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    if parts.scheme or parts.netloc or not parts.path:
        raise PackageError(_("The launch address of %(what)s is not a file of the package or an http(s) URL.",
                             what=what))
    path = posixpath.normpath(parts.path)
    if path not in names:
        raise PackageError(_("The launch file %(name)s of %(what)s is not in the package.", name=path, what=what))
    return url


def read_cmi5(content: bytes, names: list[str]) -> PackageSpec:
    root = parse_xml(content, "cmi5.xml")
    courses = children(root, "course")
    if local(root.tag) != "courseStructure" or not courses:
        raise PackageError(_("cmi5.xml has no course: it must hold a courseStructure with a course."))
    course = courses[0]
    units = []

    def walk(node, blocks):
        for child in node:
            kind = local(child.tag)
            if kind == "block":
                walk(child, blocks + [child.get("id", "")])
            elif kind == "au":
                identifier = child.get("id") or ""
                title = text_of(child, "title") or identifier
                url = text_of(child, "url")
                move_on = child.get("moveOn") or "NotApplicable"
                if not identifier or not url:
                    raise PackageError(_("An AU in cmi5.xml has no id or no url."))
                if move_on not in MOVE_ON:
                    raise PackageError(_("The AU %(title)s has an unknown moveOn value %(value)s.",
                                         title=title, value=move_on[:50]))
                mastery = child.get("masteryScore")
                try:
                    mastery_score = None if mastery in (None, "") else float(mastery)
                except ValueError:
                    mastery_score = -1.0
                if mastery_score is not None and not 0 <= mastery_score <= 1:
                    raise PackageError(_("The AU %(title)s has a masteryScore outside 0…1.", title=title))
                units.append(UnitSpec(
                    title=title[:300], identifier=identifier[:1000], launch=_check_launch(url, names, title),
                    move_on=move_on, mastery_score=mastery_score,
                    launch_method=child.get("launchMethod") or "AnyWindow",
                    launch_parameters=text_of(child, "launchParameters") or None,
                    details={"blocks": blocks, "activityType": child.get("activityType")}))

    walk(root, [])
    if not units:
        raise PackageError(_("cmi5.xml lists no AU (assignable unit)."))
    return PackageSpec("cmi5", (text_of(course, "title") or "cmi5")[:300], units,
                       {"course_id": course.get("id", "")})


def read_tincan(content: bytes, names: list[str]) -> PackageSpec:
    root = parse_xml(content, "tincan.xml")
    units = []
    for activities in children(root, "activities"):
        for activity in children(activities, "activity"):
            launch = text_of(activity, "launch")
            if not launch:
                continue  # only activities with a launch file are launchable (others are its parts)
            identifier = activity.get("id") or ""
            title = text_of(activity, "name") or identifier
            if not identifier:
                raise PackageError(_("An activity in tincan.xml has no id."))
            units.append(UnitSpec(title=title[:300], identifier=identifier[:1000],
                                  launch=_check_launch(launch, names, title), move_on="CompletedOrPassed",
                                  details={"type": activity.get("type")}))
    if not units:
        raise PackageError(_("tincan.xml lists no activity with a launch file."))
    return PackageSpec("tincan", units[0].title, units)


register_reader("cmi5.xml", read_cmi5)
register_reader("tincan.xml", read_tincan)
