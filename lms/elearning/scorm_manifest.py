"""Read a SCORM package's ``imsmanifest.xml`` (1.2 and 2004 2nd/3rd/4th editions) into plain values.

The parser is namespace-agnostic on purpose: real packages mix prefixes and namespace versions,
so elements are matched by local name. Entities and DTDs are refused by defusedxml. Nothing here
touches the database or storage: the caller refuses the package before anything is stored.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from flask_babel import gettext as _l

from lms.elearning.archive import PackageError

MANIFEST_NAME = "imsmanifest.xml"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


class PackageRefused(PackageError):
    """The SCORM manifest is refused; the message names the problem in the user's language."""


@dataclass
class ScormItem:
    """One activity of the organization tree (a leaf with a launch URL, or an aggregation)."""

    identifier: str
    title: str
    depth: int
    parent: str | None
    launch: str | None = None          # package-relative URL incl. parameters, None for aggregations
    scorm_type: str = "sco"            # "sco" or "asset"
    visible: bool = True
    mastery_score: float | None = None  # SCORM 1.2 adlcp:masteryscore
    completion_threshold: float | None = None
    data_from_lms: str = ""
    time_limit_action: str = ""
    sequencing: dict = field(default_factory=dict)
    # adlcp:data maps: the shared data stores (adl.data) this SCO reads and writes.
    data_maps: list[dict] = field(default_factory=list)
    # adlnav:hideLMSUI: the player buttons (continue, previous, exit, suspendAll …) the item hides.
    hide_lms_ui: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


@dataclass
class ScormPackage:
    """What the player and tracking need to know about a package."""

    version: str                       # "1.2", "2004 2nd", "2004 3rd", "2004 4th"
    identifier: str
    title: str
    items: list[ScormItem]             # depth-first, document order
    root_sequencing: dict = field(default_factory=dict)

    @property
    def is_2004(self) -> bool:
        return self.version.startswith("2004")

    def leaves(self) -> list[ScormItem]:
        return [item for item in self.items if item.launch]

    def to_json(self) -> dict:
        return {"version": self.version, "identifier": self.identifier, "title": self.title,
                "root_sequencing": self.root_sequencing,
                "items": [item.__dict__ for item in self.items]}

    @classmethod
    def from_json(cls, data: dict) -> "ScormPackage":
        return cls(version=data["version"], identifier=data["identifier"], title=data["title"],
                   root_sequencing=data.get("root_sequencing") or {},
                   items=[ScormItem(**item) for item in data["items"]])


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element, name: str) -> list:
    return [child for child in element if local(child.tag) == name]


def child(element, name: str):
    found = children(element, name)
    return found[0] if found else None


def first_child(element, *names: str):
    """The first child with one of the names (Element truthiness counts children, so no ``or``)."""
    return next((c for c in element if local(c.tag) in names), None)


def attr(element, name: str, default: str = "") -> str:
    """An attribute by local name, whatever its namespace prefix (``adlcp:scormtype`` …)."""
    for key, value in element.attrib.items():
        if local(key) == name:
            return value.strip()
    return default


def text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def parse_manifest(data: bytes, names: set[str]) -> ScormPackage:
    """Parse the manifest bytes; ``names`` are the package's file names (to check launch files)."""
    if not data or not data.strip():
        raise PackageRefused(_l("The package's imsmanifest.xml is empty."))
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException:
        raise PackageRefused(_l("The package's imsmanifest.xml uses XML entities or a DTD, which are refused."))
    except SafeET.ParseError as error:
        raise PackageRefused(_l("The package's imsmanifest.xml is not valid XML (%(error)s).", error=str(error)))
    if local(root.tag) != "manifest":
        raise PackageRefused(_l("The package's imsmanifest.xml does not start with a <manifest> element."))
    version = detect_version(root)
    resources = read_resources(root)
    collection = {attr(seq, "ID"): seq for seqs in root.iter() if local(seqs.tag) == "sequencingCollection"
                  for seq in children(seqs, "sequencing")}
    organizations = child(root, "organizations")
    organization = pick_organization(organizations)
    items: list[ScormItem] = []
    if organization is not None and children(organization, "item"):
        title = text(child(organization, "title")) or attr(root, "identifier")
        for element in children(organization, "item"):
            read_item(element, None, 0, resources, collection, items)
        root_sequencing = read_sequencing(child(organization, "sequencing"), collection)
    else:
        # No organization: other LMSs play the resources that can be launched, one item each.
        title = attr(root, "identifier") or "SCORM"
        root_sequencing = {}
        for identifier, resource in resources.items():
            if resource["href"]:
                items.append(ScormItem(identifier=identifier, title=posixpath.basename(resource["href"].split("?")[0]),
                                       depth=0, parent=None, launch=resource["href"], scorm_type=resource["type"]))
    if not any(item.launch for item in items):
        raise PackageRefused(_l("The package's manifest names nothing to launch (no item refers to a resource "
                                "with an href)."))
    for item in items:
        if item.launch and not launch_file_exists(item.launch, names):
            raise PackageRefused(_l("The launch file %(file)s named in the manifest is not in the package.",
                                    file=item.launch.split("?")[0]))
    return ScormPackage(version=version, identifier=attr(root, "identifier"), title=title[:200], items=items,
                        root_sequencing=root_sequencing)


def detect_version(root) -> str:
    schema_version = text(next((e for e in root.iter() if local(e.tag) == "schemaversion"), None)).lower()
    namespaces = " ".join([root.tag] + [str(e.tag) for e in root.iter()] + list(root.attrib.values())).lower()
    if schema_version.startswith("1.2") or ("adlcp_rootv1p2" in namespaces and "v1p3" not in namespaces):
        return "1.2"
    if "4th" in schema_version:
        return "2004 4th"
    if "3rd" in schema_version:
        return "2004 3rd"
    if "cam 1.3" in schema_version or "2nd" in schema_version:
        return "2004 2nd"
    if "v1p3" in namespaces or "imsss" in namespaces:
        return "2004 3rd"
    return "1.2"


def read_resources(root) -> dict[str, dict]:
    resources_element = child(root, "resources")
    if resources_element is None:
        raise PackageRefused(_l("The package's manifest has no <resources> element."))
    base = root.get(XML_BASE, "") + resources_element.get(XML_BASE, "")
    resources = {}
    for resource in children(resources_element, "resource"):
        href = attr(resource, "href")
        scorm_type = (attr(resource, "scormtype") or attr(resource, "scormType") or "asset").lower()
        resources[attr(resource, "identifier")] = {
            "href": (base + resource.get(XML_BASE, "") + href) if href else "",
            "type": "sco" if scorm_type == "sco" else "asset"}
    return resources


def pick_organization(organizations):
    if organizations is None:
        return None
    default = attr(organizations, "default")
    candidates = children(organizations, "organization")
    return next((o for o in candidates if attr(o, "identifier") == default), candidates[0] if candidates else None)


def read_item(element, parent, depth, resources, collection, items) -> str:
    identifier = attr(element, "identifier") or f"item-{len(items) + 1}"
    item = ScormItem(identifier=identifier, title=text(child(element, "title"))[:200] or identifier,
                     depth=depth, parent=parent, visible=attr(element, "isvisible", "true").lower() != "false")
    reference = attr(element, "identifierref")
    if reference:
        resource = resources.get(reference)
        if resource is None:
            raise PackageRefused(_l("The item %(item)s refers to a resource %(resource)s the manifest does not have.",
                                    item=identifier, resource=reference))
        if resource["href"]:
            item.launch = with_parameters(resource["href"], attr(element, "parameters"))
            item.scorm_type = resource["type"]
    mastery = text(child(element, "masteryscore"))
    item.mastery_score = to_float(mastery)
    threshold = child(element, "completionThreshold")
    if threshold is not None:
        item.completion_threshold = to_float(attr(threshold, "minProgressMeasure") or text(threshold))
    item.data_from_lms = text(child(element, "dataFromLMS")) or text(child(element, "datafromlms"))
    item.time_limit_action = text(child(element, "timeLimitAction")) or text(child(element, "timelimitaction"))
    item.sequencing = read_sequencing(child(element, "sequencing"), collection)
    data = child(element, "data")
    if data is not None:
        item.data_maps = [{"target": attr(m, "targetID"), "read": attr(m, "readSharedData", "true") == "true",
                           "write": attr(m, "writeSharedData", "false") == "true"}
                          for m in children(data, "map") if attr(m, "targetID")]
    for presentation in children(element, "presentation"):
        for interface in children(presentation, "navigationInterface"):
            item.hide_lms_ui += [text(hide) for hide in children(interface, "hideLMSUI") if text(hide)]
    items.append(item)
    for sub in children(element, "item"):
        item.children.append(read_item(sub, identifier, depth + 1, resources, collection, items))
    return identifier


def with_parameters(href: str, parameters: str) -> str:
    """Join an item's ``parameters`` to its resource href as the SCORM CAM book describes."""
    parameters = parameters.lstrip("?&") if not parameters.startswith("#") else parameters
    if not parameters:
        return href
    if parameters.startswith("#"):
        return href if "#" in href else href + parameters
    return href + ("&" if "?" in href else "?") + parameters


def to_float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def launch_file_exists(launch: str, names: set[str]) -> bool:
    if launch.startswith(("http://", "https://")):
        return True
    path = unquote(launch.split("?", 1)[0].split("#", 1)[0]).lstrip("/")
    return posixpath.normpath(path) in names


def read_sequencing(element, collection) -> dict:
    """The IMS Simple Sequencing of an activity, merged over its ``IDRef`` collection entry."""
    if element is None:
        return {}
    merged = read_sequencing(collection.get(attr(element, "IDRef")), {}) if attr(element, "IDRef") else {}
    own = {}
    control = child(element, "controlMode")
    if control is not None:
        own["control"] = {key: attr(control, key).lower() == "true" for key in
                          ("choice", "choiceExit", "flow", "forwardOnly", "useCurrentAttemptObjectiveInfo",
                           "useCurrentAttemptProgressInfo") if attr(control, key)}
    rules = child(element, "sequencingRules")
    if rules is not None:
        for kind in ("preConditionRule", "exitConditionRule", "postConditionRule"):
            found = [read_rule(rule) for rule in children(rules, kind)]
            if found:
                own[kind] = found
    rollup = child(element, "rollupRules")
    if rollup is not None:
        own["rollup"] = {"rules": [read_rule(rule) for rule in children(rollup, "rollupRule")],
                         "objective_measure_weight": to_float(attr(rollup, "objectiveMeasureWeight")),
                         "objective_satisfied": attr(rollup, "rollupObjectiveSatisfied", "true") == "true",
                         "progress_completion": attr(rollup, "rollupProgressCompletion", "true") == "true"}
    objectives = child(element, "objectives")
    if objectives is not None:
        own["objectives"] = [{"id": attr(o, "objectiveID"), "primary": local(o.tag) == "primaryObjective",
                              "satisfied_by_measure": attr(o, "satisfiedByMeasure") == "true",
                              "min_measure": to_float(text(child(o, "minNormalizedMeasure"))),
                              "maps": [dict(m.attrib) for m in children(o, "mapInfo")]}
                             for o in objectives if local(o.tag) in ("primaryObjective", "objective")]
    limits = child(element, "limitConditions")
    if limits is not None and attr(limits, "attemptLimit"):
        own["attempt_limit"] = int(to_float(attr(limits, "attemptLimit")) or 0)
    if limits is not None and attr(limits, "attemptAbsoluteDurationLimit"):
        own["attempt_duration_limit"] = attr(limits, "attemptAbsoluteDurationLimit")
    if limits is not None and attr(limits, "attemptExperiencedDurationLimit"):  # 3rd edition only
        own["attempt_experienced_limit"] = attr(limits, "attemptExperiencedDurationLimit")
    considerations = child(element, "rollupConsiderations")
    if considerations is not None:
        own["considerations"] = {key: attr(considerations, key) for key in
                                 ("requiredForSatisfied", "requiredForNotSatisfied", "requiredForCompleted",
                                  "requiredForIncomplete", "measureSatisfactionIfActive")
                                 if attr(considerations, key)}
    randomization = child(element, "randomizationControls")
    if randomization is not None:
        own["randomization"] = {"select_count": int(to_float(attr(randomization, "selectCount")) or 0),
                                "reorder": attr(randomization, "reorderChildren") == "true",
                                "timing": attr(randomization, "selectionTiming", "never"),
                                "randomization_timing": attr(randomization, "randomizationTiming", "never")}
    constrained = child(element, "constrainedChoiceConsiderations")
    if constrained is not None:
        own["constrained"] = {key: attr(constrained, key).lower() == "true" for key in
                              ("preventActivation", "constrainChoice") if attr(constrained, key)}
    delivery = child(element, "deliveryControls")
    if delivery is not None:
        own["delivery"] = {key: attr(delivery, key) for key in ("tracked", "completionSetByContent",
                                                                 "objectiveSetByContent") if attr(delivery, key)}
    merged.update(own)
    return merged


def read_rule(rule) -> dict:
    conditions_element = first_child(rule, "ruleConditions", "rollupConditions")
    conditions = []
    combination = "all"
    if conditions_element is not None:
        combination = attr(conditions_element, "conditionCombination", "all" if local(rule.tag) != "rollupRule"
                           else "any")
        conditions = [{"condition": attr(c, "condition"), "operator": attr(c, "operator", "noOp"),
                       "objective": attr(c, "referencedObjective"),
                       "threshold": to_float(attr(c, "measureThreshold"))}
                      for c in conditions_element if local(c.tag) in ("ruleCondition", "rollupCondition")]
    action = first_child(rule, "ruleAction", "rollupAction")
    return {"combination": combination, "conditions": conditions, "action": attr(action, "action") if action is not None
            else "", "child_activity_set": attr(rule, "childActivitySet", "all"),
            "minimum_count": int(to_float(attr(rule, "minimumCount")) or 0),
            "minimum_percent": to_float(attr(rule, "minimumPercent")) or 0.0}
