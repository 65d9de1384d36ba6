"""The worker's job for a published survey: invite each person of its audience once.

Publishing only marks the survey (``invitations_pending``), so the request does a constant amount
of work whatever the audience's size. One worker at a time holds the named lease
``surveys.invitations``; each notification carries the survey's dedupe key, so a pass that is
interrupted and run again never invites anyone twice.
"""
from __future__ import annotations

import sqlalchemy as sa

from lms.coordination import leases
from lms.events import commit
from lms.extensions import db
from lms.surveys.models import Survey
from lms.surveys.services import non_respondents

LEASE = "surveys.invitations"
LEASE_SECONDS = 300  # renewed after every batch, so only a dead worker loses it


def invitation_key(survey_id: int) -> str:
    return f"survey_invitation:{survey_id}"


def send_pending_invitations(batch_size: int) -> dict[str, int]:
    """Invite the audiences of surveys published since the last pass; commits every ``batch_size`` people."""
    from lms.notifications import notify

    pending = sa.select(Survey.id).where(Survey.invitations_pending.is_(True)).order_by(Survey.id)
    if db.session.scalar(pending.limit(1)) is None:
        return {}  # the usual pass: one read, no write
    holder = leases.process_holder()
    if not leases.hold(LEASE, holder, LEASE_SECONDS):
        return {}  # another worker is inviting
    sent = 0
    batch_size = max(1, int(batch_size))
    for survey_id in list(db.session.scalars(pending)):
        survey = db.session.get(Survey, survey_id)
        if survey is None:
            continue  # deleted since
        title, link = survey.title, f"/surveys/{survey.id}"
        for position, user_id in enumerate(non_respondents(survey_id), start=1):
            notify(user_id, "survey_invitation", params={"title": title}, link=link,
                   dedupe_key=invitation_key(survey_id))
            sent += 1
            if position % batch_size == 0:
                commit()
                leases.hold(LEASE, holder, LEASE_SECONDS)
        db.session.execute(sa.update(Survey).where(Survey.id == survey_id).values(invitations_pending=False))
        commit()
    _release(holder)
    return {"survey invitations": sent} if sent else {}


def _release(holder: str) -> None:
    """Let the next survey published be taken by whichever worker wakes first."""
    from lms.coordination.models import NamedLease
    from lms.timeutil import utcnow

    db.session.execute(sa.update(NamedLease).where(NamedLease.name == LEASE, NamedLease.holder == holder)
                       .values(held_until=utcnow()))
    db.session.commit()
