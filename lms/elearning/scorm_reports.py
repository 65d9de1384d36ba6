"""SCORM reports: status, score and time per learner, and the interactions export (services)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.auth.models import User
from lms.elearning.models import ElearningUnit
from lms.elearning.scorm_models import ScormAttempt
from lms.exports import rows_to_csv, rows_to_xlsx
from lms.extensions import db


def learner_rows(package_id: int) -> list[dict]:
    """Each learner's latest attempt on each item: status, score and total time."""
    rows = db.session.execute(
        sa.select(User, ElearningUnit.title, ScormAttempt)
        .join(ScormAttempt, ScormAttempt.user_id == User.id)
        .join(ElearningUnit, ElearningUnit.id == ScormAttempt.unit_id)
        .where(ElearningUnit.package_id == package_id)
        .order_by(User.id, ElearningUnit.position, ScormAttempt.number)).all()
    latest = {}
    for user, title, attempt in rows:
        latest[(user.id, attempt.unit_id)] = {"user": user, "item": title, "attempt": attempt}
    return list(latest.values())


def interaction_rows(package_id: int) -> list[list]:
    """Every interaction every learner's attempts recorded, one row each."""
    rows = []
    for row in learner_rows_all(package_id):
        user, title, attempt = row
        cmi = attempt.cmi or {}
        index = 0
        while f"cmi.interactions.{index}.id" in cmi:
            prefix = f"cmi.interactions.{index}."
            rows.append([user.email, title, attempt.number, cmi.get(prefix + "id", ""), cmi.get(prefix + "type", ""),
                         cmi.get(prefix + "student_response", cmi.get(prefix + "learner_response", "")),
                         cmi.get(prefix + "correct_responses.0.pattern", ""), cmi.get(prefix + "result", ""),
                         cmi.get(prefix + "weighting", ""), cmi.get(prefix + "latency", ""),
                         cmi.get(prefix + "time", cmi.get(prefix + "timestamp", "")),
                         cmi.get(prefix + "description", "")])
            index += 1
    return rows


def learner_rows_all(package_id: int) -> list:
    return db.session.execute(
        sa.select(User, ElearningUnit.title, ScormAttempt)
        .join(ScormAttempt, ScormAttempt.user_id == User.id)
        .join(ElearningUnit, ElearningUnit.id == ScormAttempt.unit_id)
        .where(ElearningUnit.package_id == package_id)
        .order_by(User.id, ElearningUnit.position, ScormAttempt.number)).all()


def interaction_headers() -> list[str]:
    return [_("Learner"), _("Item"), _("Attempt"), _("Interaction"), _("Type"), _("Response"),
            _("Correct response"), _("Result"), _("Weighting"), _("Latency"), _("Time"), _("Description")]


def interactions_csv(package_id: int) -> bytes:
    return rows_to_csv(interaction_headers(), interaction_rows(package_id))


def interactions_xlsx(package_id: int) -> bytes:
    return rows_to_xlsx([(_("Interactions"), interaction_headers(), interaction_rows(package_id))])
