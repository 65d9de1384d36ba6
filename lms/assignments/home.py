"""«My learning», the learner's home: assigned training first, then courses in progress, learning
paths, certificates expiring soon. A fixed number of queries, however many there are of each."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from markupsafe import Markup

from lms.assignments.queries import my_assignments
from lms.certificates.models import Certificate
from lms.courses.queries import catalogue
from lms.extensions import db
from lms.timeutil import utcnow


@dataclass(frozen=True)
class PathProgress:
    title: str
    done: int
    total: int
    next_slug: str | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def expiring_certificates(user_id: int, now, days: int) -> list[Certificate]:
    """The learner's certificates in force that expire within ``days`` (one query)."""
    return list(db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == user_id, Certificate.revoked_at.is_(None),
                                     Certificate.expires_at > now, Certificate.expires_at <= now + timedelta(days=days))
        .order_by(Certificate.expires_at)))


def home_context(user) -> dict:
    """Everything the home panel shows for ``user``, as plain values (no lazy loads in the template)."""
    now = utcnow()
    today = now.date()
    assigned = my_assignments(user.id, today)
    assigned_courses = {item.course_id for item in assigned if item.course_id}
    paths, loose = catalogue(user)
    cards = loose + [card for path in paths for card in path.cards]
    in_progress = {card.course.id: card for card in cards
                   if card.done and not card.completed and card.course.id not in assigned_courses}
    path_progress = [PathProgress(view.path.title, sum(card.completed for card in view.cards), len(view.cards),
                                  next((card.course.slug for card in view.cards if not card.completed), None))
                     for view in paths]
    days = int(current_app.config["HOME_EXPIRING_CERTIFICATE_DAYS"])
    return {"assigned": assigned, "in_progress": list(in_progress.values()), "paths": path_progress,
            "expiring": expiring_certificates(user.id, now, days), "today": today}


def render_home_panel(user) -> Markup:
    # render_template autoescapes; the panel is already safe HTML
    return Markup(render_template("assignments/_home.html", **home_context(user)))  # nosec B704
