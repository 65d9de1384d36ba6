"""The worker's sweep: reach people who joined an audience, record completions, re-open renewals, send notices."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from lms.assignments.notices import send_due_notices
from lms.assignments.services import reach_audience, record_completions, reopen_recurring
from lms.events import commit
from lms.extensions import db
from lms.timeutil import utcnow

_LAST_SWEEP = "lms_assignments_last_sweep"


def run_sweep(batch_size: int) -> dict[str, int]:
    """One pass of the assignment work; the audience part at most every ASSIGNMENT_SWEEP_SECONDS per process."""
    now = utcnow()
    every = timedelta(seconds=int(current_app.config["ASSIGNMENT_SWEEP_SECONDS"]))
    last = current_app.extensions.get(_LAST_SWEEP)
    counts = {}
    if last is None or now - last >= every or now < last:
        try:
            counts["assignments given"] = reach_audience()
            counts["assignments completed"] = record_completions()
            counts["assignments re-opened"] = reopen_recurring()
            commit()
        except Exception:
            db.session.rollback()
            raise
        current_app.extensions[_LAST_SWEEP] = now
    counts.update(send_due_notices(batch_size))
    return counts
