"""cmi5 satisfaction above the AU: waived AUs (moveOn NotApplicable) and satisfied blocks and course.

A block or the course is satisfied at the moment its last AU is satisfied (moveOn met, or waived):
each AU is satisfied once per learner (``ElearningResult.satisfied_at``), so each block and the course
get their ``satisfied`` statement once. Services: the caller commits.
"""
from __future__ import annotations

import hashlib
import uuid

import sqlalchemy as sa

from lms.elearning import lms_statements
from lms.elearning.models import ElearningPackage, ElearningResult, ElearningUnit
from lms.extensions import db
from lms.timeutil import utcnow
from lms.xapi.learners import activity_iri


def course_activity_id(package: ElearningPackage) -> str:
    """cmi5 9.4: the LMS's own course object id, never the publisher's."""
    return activity_iri("elearning", "package", package.id, "course")


def block_activity_id(package: ElearningPackage, publisher_block_id: str) -> str:
    """cmi5 9.4: the LMS's own block id (stable per package and publisher block id, never equal to it)."""
    digest = hashlib.sha256(publisher_block_id.encode()).hexdigest()[:24]
    return activity_iri("elearning", "package", package.id, "block", digest)


def unit_blocks(unit: ElearningUnit) -> list[str]:
    """The publisher ids of the blocks holding the AU, outermost first (manifests.read_cmi5)."""
    return [block for block in (unit.details or {}).get("blocks") or [] if block]


def _satisfied_unit_ids(user_id: int, units: list[ElearningUnit]) -> set[int]:
    return set(db.session.scalars(sa.select(ElearningResult.unit_id).where(
        ElearningResult.user_id == user_id, ElearningResult.unit_id.in_([unit.id for unit in units]),
        ElearningResult.satisfied_at.is_not(None))))


def unit_satisfied(user, unit: ElearningUnit, package: ElearningPackage, registration: str,
                   session_id: str) -> None:
    """After ``unit`` was satisfied: satisfied for each enclosing block, and the course, now fully satisfied."""
    units = db.session.scalars(sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id)
                               .order_by(ElearningUnit.position)).all()
    done = _satisfied_unit_ids(user.id, units)
    # Innermost first, so a nested block's statement comes before its parent's.
    for block in reversed(unit_blocks(unit)):
        members = [other for other in units if block in unit_blocks(other)]
        if all(member.id in done for member in members):
            lms_statements.satisfied(user, block_activity_id(package, block), registration, session_id,
                                     object_type=lms_statements.BLOCK_TYPE, publisher_id=block)
    if all(other.id in done for other in units):
        lms_statements.satisfied(user, course_activity_id(package), registration, session_id,
                                 publisher_id=(package.manifest or {}).get("course_id") or None)


def waive_not_applicable(user, package: ElearningPackage, registration: str) -> int:
    """cmi5 9.6.1: AUs with moveOn NotApplicable are waived in the registration (once); returns how many."""
    from lms.elearning.launching import unit_activity_id  # launching calls this module

    units = db.session.scalars(sa.select(ElearningUnit).where(
        ElearningUnit.package_id == package.id, ElearningUnit.move_on == "NotApplicable")
        .order_by(ElearningUnit.position)).all()
    if not units:
        return 0
    rows = {row.unit_id: row for row in db.session.scalars(sa.select(ElearningResult).where(
        ElearningResult.user_id == user.id, ElearningResult.unit_id.in_([unit.id for unit in units])))}
    waived = 0
    for unit in units:
        row = rows.get(unit.id)
        if row is not None and row.satisfied_at is not None:
            continue
        if row is None:
            row = ElearningResult(unit_id=unit.id, user_id=user.id, registration=registration, completed=False,
                                  passed=False, failed=False, runtime={})
            db.session.add(row)
        row.satisfied_at = utcnow()
        db.session.flush()
        # cmi5 9.3.7: a session id of its own, used by nothing but this waiver and what it satisfies.
        session_id = str(uuid.uuid4())
        lms_statements.waived(user, unit, registration, unit_activity_id(unit, package), session_id)
        unit_satisfied(user, unit, package, registration, session_id)
        waived += 1
    return waived
