"""The common SCORM commit (bookmark, suspend data, time; no status or score change) as ONE statement.

Every learner's SCO commits every 30 s, so this is the run-time's hottest write. As the quiz
autosave does (lms.quizzes.quick_save), the UPDATE carries every check itself (the launch's owner,
the learner's latest attempt on the named item, an active account and dealer, a live sign-in
session) and runs on a connection of its own, straight on the driver (lms.driver_sql): without the
ORM session, the account's load or SQLAlchemy's per-statement set-up, which together made a commit
cost twice an autosave. It commits its own one-statement transaction, as the autosave does; the
view returns its answer.

Anything else returns None and the view takes the full path (``scorm_tracking.record_commit``
through the bridge's handler), which decides and explains exactly as before: a commit that ends
the session, reports a status or a score that may complete the lesson, writes shared data stores,
or matched no row (no attempt yet, someone else's launch, an ended session, a deactivated account).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from lms.driver_sql import DriverStatement, run_on_postgresql, run_on_sqlite
from lms.elearning.models import ElearningUnit
from lms.elearning.scorm_models import ScormAttempt
from lms.elearning.scorm_tracking import summary
from lms.extensions import db
from lms.timeutil import utcnow


def quick_commit(launch_id: int, user_id: int, session_token: str, item: str, cmi: dict[str, str],
                 finished: bool) -> dict | None:
    """Store the commit in one statement and return the answer, or None for the full path."""
    values = summary(cmi, "1.2" if "cmi.core.lesson_status" in cmi else "2004", None)
    if any(key.startswith("adl.data.") for key in cmi):
        return None  # shared data stores are written by the full path
    if finished or values["completion_status"] == "completed" or values["success_status"] != "unknown" \
            or values["score_raw"] is not None or values["score_scaled"] is not None:
        return None
    now = utcnow()
    engine = db.engine
    statement = _statement(engine.dialect)
    parameters = statement.parameters(
        p_launch_id=launch_id, p_user_id=user_id, p_item=item[:1000], p_cmi=cmi,
        p_completion_status=values["completion_status"][:20], p_location=values["location"][:1000],
        p_session=values["session_seconds"], p_updated_at=now, p_token=session_token, p_now=now)
    # Storing the same CMI data twice (the PostgreSQL path's one retry on a dropped connection) is
    # harmless: the session's time only grows, at worst the attempt's count of commits is one high.
    run = run_on_postgresql if engine.dialect.name == "postgresql" else run_on_sqlite
    if run(engine, statement.sql, parameters, _rowcount) != 1:
        return None
    return {"result": True, "completion_status": values["completion_status"], "success_status": "unknown"}


def _rowcount(cursor) -> int:
    return cursor.rowcount


def _statement(dialect) -> DriverStatement:
    """Compiled once per app (its engine's dialect)."""
    state = current_app.extensions.setdefault("lms_scorm_quick_commit", {})
    if "statement" not in state:  # threads may race here: each builds the same, whole, then stores it
        state["statement"] = DriverStatement(_update(), dialect)
    return state["statement"]


def _update():
    from lms.auth.models import Dealer, User
    from lms.auth.sessions import live_session
    from lms.elearning.models import ElearningLaunch

    attempt, launch = ScormAttempt.__table__, ElearningLaunch.__table__
    users, dealers = User.__table__, Dealer.__table__
    unit, launch_unit = ElearningUnit.__table__.alias("u"), ElearningUnit.__table__.alias("launch_unit")
    user_id = sa.bindparam("p_user_id")
    # The learner's latest attempt on the named item of the launch's package, only the launch's
    # owner's, and only while the account, its dealer and the sign-in session are live (the view
    # skips loading the account, as the quiz autosave does).
    target = (sa.select(attempt.c.id)
              .join(unit, unit.c.id == attempt.c.unit_id)
              .join(launch_unit, launch_unit.c.package_id == unit.c.package_id)
              .join(launch, launch.c.unit_id == launch_unit.c.id)
              .join(users, users.c.id == attempt.c.user_id)
              .outerjoin(dealers, dealers.c.id == users.c.dealer_id)
              .where(launch.c.id == sa.bindparam("p_launch_id"), launch.c.user_id == user_id,
                     attempt.c.user_id == user_id, unit.c.identifier == sa.bindparam("p_item"),
                     users.c.active.is_(True), sa.or_(dealers.c.id.is_(None), dealers.c.active.is_(True)),
                     live_session(user_id, sa.bindparam("p_token"), sa.bindparam("p_now", type_=sa.DateTime())))
              .order_by(attempt.c.number.desc()).limit(1).scalar_subquery())
    session = sa.bindparam("p_session", type_=sa.Float)
    return sa.update(attempt).where(attempt.c.id == target).values(
        cmi=sa.bindparam("p_cmi", type_=attempt.c.cmi.type), completion_status=sa.bindparam("p_completion_status"),
        location=sa.bindparam("p_location"),
        total_seconds=attempt.c.total_seconds + sa.case((attempt.c.session_seconds < session,
                                                         session - attempt.c.session_seconds), else_=0.0),
        session_seconds=session, commits=attempt.c.commits + 1, updated_at=sa.bindparam("p_updated_at",
                                                                                        type_=attempt.c.updated_at.type))
