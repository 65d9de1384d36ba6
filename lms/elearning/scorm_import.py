"""The SCORM reader the package pipeline calls for a zip with ``imsmanifest.xml`` at its root."""
from __future__ import annotations

from lms.elearning.manifests import PackageSpec, UnitSpec, register_reader
from lms.elearning.scorm_manifest import MANIFEST_NAME, parse_manifest

# What the author chose for the lesson; kept in the package's manifest JSON under "settings".
DEFAULT_SETTINGS = {"complete_on": "completed", "min_score": None, "attempts": "review"}
COMPLETE_ON = ("completed", "passed", "score")
ATTEMPTS = ("review", "new")


def read_scorm(content: bytes, names: list[str]) -> PackageSpec:
    """One unit per launchable item (SCO or asset); the whole package is one lesson with a contents list."""
    package = parse_manifest(content, set(names))
    units = [UnitSpec(title=item.title, identifier=item.identifier[:1000], launch=item.launch,
                      move_on="Completed", mastery_score=item.mastery_score,
                      details={"scorm_type": item.scorm_type, "parent": item.parent, "depth": item.depth,
                               "data_from_lms": item.data_from_lms[:4096],
                               "completion_threshold": item.completion_threshold,
                               "time_limit_action": item.time_limit_action})
             for item in package.leaves()]
    manifest = package.to_json()
    manifest["settings"] = dict(DEFAULT_SETTINGS)
    return PackageSpec("scorm2004" if package.is_2004 else "scorm12", package.title[:300], units, manifest)


register_reader(MANIFEST_NAME, read_scorm)
