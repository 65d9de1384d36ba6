"""Small SCORM 2004 4th edition packages written in the test: an imsmanifest.xml and one page per SCO."""
from __future__ import annotations

import io
import re
import zipfile

NAMESPACES = ('xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss" '
              'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"')


def leaf(identifier: str, sequencing: str = "", extra: str = "") -> str:
    return (f'<item identifier="{identifier}" identifierref="r_{identifier}"><title>{identifier}</title>'
            f'{extra}{seq(sequencing)}</item>')


def cluster(identifier: str, children: list[str], sequencing: str = "") -> str:
    return f'<item identifier="{identifier}"><title>{identifier}</title>{"".join(children)}{seq(sequencing)}</item>'


def seq(body: str) -> str:
    return f"<imsss:sequencing>{body}</imsss:sequencing>" if body else ""


def rule(kind: str, condition: str, action: str, operator: str = "noOp") -> str:
    """One sequencing rule, e.g. ``rule("post", "satisfied", "retry", "not")``."""
    tag = {"pre": "preConditionRule", "exit": "exitConditionRule", "post": "postConditionRule"}[kind]
    return (f'<imsss:{tag}><imsss:ruleConditions><imsss:ruleCondition condition="{condition}" '
            f'operator="{operator}"/></imsss:ruleConditions><imsss:ruleAction action="{action}"/></imsss:{tag}>')


def rules(*parts: str) -> str:
    return f"<imsss:sequencingRules>{''.join(parts)}</imsss:sequencingRules>"


def manifest(items: list[str], root_sequencing: str = '<imsss:controlMode choice="true" flow="true"/>') -> str:
    resources = "".join(resource(i) for i in re.findall(r'identifierref="r_([^"]+)"', "".join(items)))
    return (f'<?xml version="1.0" encoding="UTF-8"?><manifest identifier="built" version="1" {NAMESPACES}>'
            '<metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>'
            '<organizations default="org"><organization identifier="org"><title>Built</title>'
            f'{"".join(items)}{seq(root_sequencing)}</organization></organizations>'
            f'<resources>{resources}</resources></manifest>')


def resource(identifier: str) -> str:
    return (f'<resource identifier="r_{identifier}" type="webcontent" adlcp:scormType="sco" href="{identifier}.html">'
            f'<file href="{identifier}.html"/></resource>')


def package_zip(items: list[str], root_sequencing: str | None = None, pages: dict[str, str] | None = None) -> bytes:
    """The zipped package; ``pages`` gives a SCO's page a script (else it is an empty page)."""
    text = manifest(items) if root_sequencing is None else manifest(items, root_sequencing)
    pages = pages or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", text)
        for identifier in re.findall(r'identifierref="r_([^"]+)"', text):
            script = f"<script>{pages[identifier]}</script>" if identifier in pages else ""
            archive.writestr(f"{identifier}.html", f"<!doctype html><title>{identifier}</title>{script}")
    return buffer.getvalue()


def remediation_items(posttest_sequencing: str = "") -> list[str]:
    """A module (lesson + post-test) the learner retries while the post-test is failed."""
    return [cluster("module", [
        leaf("lesson", '<imsss:rollupRules rollupObjectiveSatisfied="false"/>'),
        leaf("posttest", rules(rule("post", "satisfied", "exitParent", "not")) + posttest_sequencing)],
        '<imsss:controlMode choice="true" flow="true"/>' + rules(rule("post", "satisfied", "retry", "not")))]


def hide_lms_ui(*buttons: str) -> str:
    """An item's ``adlnav:presentation`` hiding the player's buttons (for ``leaf(..., extra=...)``)."""
    hides = "".join(f"<adlnav:hideLMSUI>{button}</adlnav:hideLMSUI>" for button in buttons)
    return f"<adlnav:presentation><adlnav:navigationInterface>{hides}</adlnav:navigationInterface></adlnav:presentation>"
