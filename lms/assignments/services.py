"""Assignment services: create, reach the audience, record completions, re-open, exempt. Callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.assignments.audience import DEALER_ADMIN_KINDS, audience_condition
from lms.assignments.models import AUDIENCE_KINDS, DUE_KINDS, Assignment, AssignmentPerson
from lms.auth.models import Role, User
from lms.certificates.models import Certificate
from lms.coordination.leases import dialect_insert
from lms.courses.models import CourseCompletionRecord, LearningPathCourse
from lms.extensions import db
from lms.timeutil import utcnow

MAX_DAYS = 3650


class AssignmentError(ValueError):
    """A user-facing refusal; ``message`` is a translatable text."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class AssignmentSpec:
    """What a manager or dealer admin asks for, as plain values."""

    course_id: int | None
    path_id: int | None
    audience_kind: str
    audience_values: tuple
    due_kind: str
    due_on: date | None = None
    due_days: int | None = None
    renew_days_before: int | None = None


def create_assignment(spec: AssignmentSpec, *, by_user_id: int, by_role: str, by_dealer_id: int | None) -> Assignment:
    """Record the assignment and give it to everyone in its audience now; a dealer admin's stays in their dealer."""
    if (spec.course_id is None) == (spec.path_id is None):
        raise AssignmentError(_l("Choose a course or a learning path."))
    if spec.audience_kind not in AUDIENCE_KINDS:
        raise AssignmentError(_l("Choose who the assignment is for."))
    dealer_id = None
    if by_role == Role.DEALER_ADMIN:
        if by_dealer_id is None or spec.audience_kind not in DEALER_ADMIN_KINDS:
            raise AssignmentError(_l("A dealer admin assigns within their own dealer only."))
        dealer_id = by_dealer_id
    elif by_role not in (Role.MANAGER, Role.ADMIN):
        raise AssignmentError(_l("You may not assign training."))
    if spec.audience_kind != "all" and not spec.audience_values:
        raise AssignmentError(_l("Choose at least one value for the audience."))
    if spec.due_kind not in DUE_KINDS:
        raise AssignmentError(_l("Choose how the due date is set."))
    if spec.due_kind == "fixed" and spec.due_on is None:
        raise AssignmentError(_l("Enter the due date."))
    if spec.due_kind != "fixed" and not (spec.due_days and 1 <= spec.due_days <= MAX_DAYS):
        raise AssignmentError(_l("Enter the number of days (1 to %(n)d).", n=MAX_DAYS))
    if spec.renew_days_before is not None and spec.course_id is None:
        raise AssignmentError(_l("Only a course with a certificate can be renewed."))
    assignment = Assignment(
        course_id=spec.course_id, path_id=spec.path_id, audience_kind=spec.audience_kind,
        audience_values=list(spec.audience_values), dealer_id=dealer_id, due_kind=spec.due_kind,
        due_on=spec.due_on if spec.due_kind == "fixed" else None,
        due_days=spec.due_days if spec.due_kind != "fixed" else None,
        renew_days_before=spec.renew_days_before, created_by_id=by_user_id, created_at=utcnow())
    db.session.add(assignment)
    db.session.flush()
    reach_audience(assignment_ids=[assignment.id])
    record_completions(assignment_ids=[assignment.id])  # whoever completed the course already is done
    return assignment


def due_date_for(assignment: Assignment, joined_at: datetime, now: datetime) -> date:
    """A person's due date: the fixed date, or N days after they joined (never before the assignment
    existed) or after they were assigned."""
    if assignment.due_kind == "fixed":
        return assignment.due_on
    if assignment.due_kind == "after_joining":
        start = max(joined_at, assignment.created_at)
    else:
        start = now
    return start.date() + timedelta(days=assignment.due_days or 0)


def reach_audience(*, assignment_ids=None, user_ids=None) -> int:
    """Give active assignments to the people in their audiences who do not have them yet; returns how many.

    Limited to some assignments (a new one) or some people (a new account); both None: everyone,
    as the worker's sweep does. Existing copies are never touched: a person who leaves the
    audience keeps what they were assigned.
    """
    now = utcnow()
    query = sa.select(Assignment).where(Assignment.active.is_(True))
    if assignment_ids is not None:
        query = query.where(Assignment.id.in_(assignment_ids))
    added = 0
    for assignment in db.session.scalars(query).all():
        have = sa.select(AssignmentPerson.user_id).where(AssignmentPerson.assignment_id == assignment.id)
        people = (sa.select(User.id, User.created_at)
                  .where(audience_condition(assignment.audience_kind, assignment.audience_values, assignment.dealer_id),
                         User.id.not_in(have)))
        if user_ids is not None:
            people = people.where(User.id.in_(user_ids))
        rows = db.session.execute(people).all()
        if not rows:
            continue
        # ON CONFLICT DO NOTHING: a new account's sign-in and the worker's sweep may reach the same
        # person at the same moment (seen at 1,000 sign-ins a minute); the second one adds nothing.
        table = AssignmentPerson.__table__
        inserted = db.session.execute(
            dialect_insert(table).values([
                {"assignment_id": assignment.id, "user_id": user_id, "assigned_at": now, "cycle": 1,
                 "due_on": due_date_for(assignment, joined_at, now)} for user_id, joined_at in rows])
            .on_conflict_do_nothing(index_elements=["assignment_id", "user_id"]).returning(table.c.id)).all()
        added += len(inserted)
    db.session.flush()
    return added


def _completed_condition():
    """SQL: the open copy's course (or every course of its path) is completed, after ``counts_from`` if set."""
    course_done = sa.exists(sa.select(CourseCompletionRecord.id).where(
        CourseCompletionRecord.user_id == AssignmentPerson.user_id,
        CourseCompletionRecord.course_id == Assignment.course_id,
        sa.or_(AssignmentPerson.counts_from.is_(None),
               CourseCompletionRecord.completed_at >= AssignmentPerson.counts_from)))
    # Renewing (a re-opened copy) is also done by a certificate issued since, e.g. a manager's re-issue.
    renewed = sa.exists(sa.select(Certificate.id).where(
        AssignmentPerson.counts_from.is_not(None), Certificate.user_id == AssignmentPerson.user_id,
        Certificate.course_id == Assignment.course_id, Certificate.revoked_at.is_(None),
        Certificate.issued_at >= AssignmentPerson.counts_from))
    path_step_missing = sa.exists(sa.select(LearningPathCourse.id).where(
        LearningPathCourse.path_id == Assignment.path_id,
        ~sa.exists(sa.select(CourseCompletionRecord.id).where(
            CourseCompletionRecord.user_id == AssignmentPerson.user_id,
            CourseCompletionRecord.course_id == LearningPathCourse.course_id,
            sa.or_(AssignmentPerson.counts_from.is_(None),
                   CourseCompletionRecord.completed_at >= AssignmentPerson.counts_from)))))
    path_has_steps = sa.exists(sa.select(LearningPathCourse.id).where(LearningPathCourse.path_id == Assignment.path_id))
    return sa.or_(sa.and_(Assignment.course_id.is_not(None), sa.or_(course_done, renewed)),
                  sa.and_(Assignment.path_id.is_not(None), path_has_steps, ~path_step_missing))


def record_completions(user_ids=None, assignment_ids=None) -> int:
    """Stamp ``completed_at`` on open copies whose course or path is now completed; returns how many."""
    now = utcnow()
    ids = (sa.select(AssignmentPerson.id).join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
           .where(AssignmentPerson.completed_at.is_(None), _completed_condition()))
    if user_ids is not None:
        ids = ids.where(AssignmentPerson.user_id.in_(user_ids))
    if assignment_ids is not None:
        ids = ids.where(AssignmentPerson.assignment_id.in_(assignment_ids))
    found = list(db.session.scalars(ids))
    if found:
        db.session.execute(sa.update(AssignmentPerson).where(AssignmentPerson.id.in_(found))
                           .values(completed_at=now).execution_options(synchronize_session=False))
    return len(found)


def reopen_recurring() -> int:
    """Re-open done copies of recurring assignments whose certificate nears expiry; the new due date is the expiry.

    "Nears": the person's latest certificate of the course (not revoked) expires within the
    assignment's ``renew_days_before`` days. Returns how many were re-opened.
    """
    now = utcnow()
    latest = (sa.select(Certificate.user_id, Certificate.course_id, sa.func.max(Certificate.expires_at).label("expires_at"))
              .where(Certificate.revoked_at.is_(None)).group_by(Certificate.user_id, Certificate.course_id)
              .subquery("latest"))
    rows = db.session.execute(
        sa.select(AssignmentPerson, latest.c.expires_at)
        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
        .join(latest, sa.and_(latest.c.user_id == AssignmentPerson.user_id, latest.c.course_id == Assignment.course_id))
        .where(Assignment.active.is_(True), Assignment.renew_days_before.is_not(None),
               AssignmentPerson.completed_at.is_not(None), AssignmentPerson.exempt_reason.is_(None),
               latest.c.expires_at.is_not(None))).all()
    reopened = 0
    for person, expires_at in rows:
        renew_days = person.assignment.renew_days_before or 0
        if expires_at - timedelta(days=renew_days) > now:
            continue  # not near expiry yet (a renewal issued a later certificate)
        person.cycle += 1
        person.counts_from = now
        person.completed_at = None
        person.due_on = expires_at.date()
        person.new_sent_at = person.due_soon_sent_at = person.overdue_sent_at = None
        reopened += 1
    db.session.flush()
    return reopened


def exempt_person(person: AssignmentPerson, reason: str, by_user_id: int) -> None:
    """Exempt a person from their copy, with the reason (required) kept."""
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError(_l("Give the reason for the exemption."))
    person.exempt_reason = reason[:500]
    person.exempted_by_id = by_user_id
    person.exempted_at = utcnow()


def reinstate_person(person: AssignmentPerson) -> None:
    """Undo an exemption: the person owes the training again, with the same due date."""
    person.exempt_reason = None
    person.exempted_by_id = None
    person.exempted_at = None
